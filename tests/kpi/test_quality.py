"""Data quality (issue 13 §5): weeks without time against each contract, the period's
completeness, the FEC's revenue beside the invoices, Odoo's time cost beside the staff list;
worked examples through the store on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Engine

from model.kpi.quality import data_quality, invoices_completeness
from tests.kpi.frames import employee, frame, line, through_store

MARCH = (date(2025, 3, 1), date(2025, 3, 31))


def _people(engine: Engine):
    """Alice (35 h, 45 €/h) logs 7 h in the weeks of 3, 10 and 24 March, her lines costed at
    48 €/h; the week of 17 March she is on leave. Bruno (35 h from 10 March) logs once, on
    11 March. Chloé, absent from the staff list, logs 3 h on 5 March costed at 40 €/h."""
    lines = [
        line(date(2025, 3, 3), "Alice", "P", 7.0, "billable", cost_cents=33_600),
        line(date(2025, 3, 10), "Alice", "P", 7.0, "billable", cost_cents=33_600),
        line(date(2025, 3, 24), "Alice", "P", 7.0, "billable", cost_cents=33_600),
        line(date(2025, 3, 11), "Bruno", "P", 7.0, "billable"),
        line(date(2025, 3, 5), "Chloé", "P", 3.0, "billable", cost_cents=12_000),
    ]
    leave = [
        {"employee": "Alice", "date": date(2025, 3, d), "hours": 7.0, "kind": "paid_leave"}
        for d in range(17, 22)
    ]
    return through_store(
        engine,
        timesheets=frame("timesheets", lines),
        employees=frame("employees", [
            employee("Alice", cost_rate_cents=4_500),
            employee("Bruno", start_date=date(2025, 3, 10)),
        ]),
        absences=frame("absences", leave),
        projects=frame("projects", [{"project": "P", "billing_mode": "time_and_materials"}]),
    )  # fmt: skip


def test_weeks_without_time_and_the_periods_completeness(engine: Engine):
    """Weeks are ISO weeks (their Monday); 1–2 March is a weekend: no hours expected.
    Alice: 3, 10, 24 and 31 March expected (17 March is leave), 31 March (one day, 7 h) empty.
    Bruno: 10, 17, 24 and 31 March expected, only 10 March has time.
    Chloé (assumed: 35 h from her first line, 5 March): 3 March (Wed–Fri, 21 h), 10, 17, 24
    and 31 March expected, only 3 March has time.
    13 person-weeks expected, 5 with time: 5 ÷ 13 = 38,46 %."""
    quality = data_quality(_people(engine), *MARCH)
    assert round(quality.complete_pct, 2) == 38.46
    assert quality.coverage.rows() == [(date(2025, 3, 1), 13, 5, 100 * 5 / 13)]
    missing = quality.missing_weeks.select("employee", "week", "available_h").rows()
    assert missing == [
        ("Alice", date(2025, 3, 31), 7.0),
        ("Bruno", date(2025, 3, 17), 35.0),
        ("Bruno", date(2025, 3, 24), 35.0),
        ("Bruno", date(2025, 3, 31), 7.0),
        ("Chloé", date(2025, 3, 10), 35.0),
        ("Chloé", date(2025, 3, 17), 35.0),
        ("Chloé", date(2025, 3, 24), 35.0),
        ("Chloé", date(2025, 3, 31), 7.0),
    ]
    assert quality.assumed_people == ["Chloé"]


def test_odoo_time_cost_beside_the_staff_list(engine: Engine):
    """Alice's lines say 336 € for 7 h: 48 €/h against the list's 45 €/h, 3 € more. Chloé's
    cost comes from her lines only: nothing to compare it with. Bruno's lines carry none."""
    costs = data_quality(_people(engine), *MARCH).costs
    assert costs.rows() == [("Alice", 4_500, 4_800, 300, 3), ("Chloé", None, 4_000, None, 1)]


def test_fec_revenue_beside_the_invoices(engine: Engine):
    """FEC: 500 € in February, 1 000 € in March. Invoices: 800 + 300 € in March, a credit note
    of −100 € in March, 200 € in April (outside), a draft of 5 000 € (not revenue).
    February: no invoice (null, not 0); March: 1 000 − 1 000 = 0. The invoices cover
    min(0, 500) + min(1 000, 1 000) of 1 500 €: 66,67 %."""
    invoice = {"client": "C", "amount_total_cents": 0, "kind": "invoice"}
    facts = through_store(
        engine,
        revenue=frame("revenue", [
            {"month": date(2025, 2, 1), "account": "706000", "amount_untaxed_cents": 50_000},
            {"month": date(2025, 3, 1), "account": "706000", "amount_untaxed_cents": 60_000},
            {"month": date(2025, 3, 1), "account": "706100", "amount_untaxed_cents": 40_000},
        ]),
        invoices=frame("invoices", [
            {**invoice, "number": "F1", "invoice_date": date(2025, 3, 10),
             "amount_untaxed_cents": 80_000},
            {**invoice, "number": "F2", "invoice_date": date(2025, 3, 20),
             "amount_untaxed_cents": 30_000},
            {**invoice, "number": "A1", "invoice_date": date(2025, 3, 28),
             "amount_untaxed_cents": -10_000, "kind": "credit_note"},
            {**invoice, "number": "F3", "invoice_date": date(2025, 4, 2),
             "amount_untaxed_cents": 20_000},
            {**invoice, "number": "F4", "invoice_date": date(2025, 3, 31),
             "amount_untaxed_cents": 500_000, "status": "draft"},
        ]),
    )  # fmt: skip
    start, end = date(2025, 2, 1), date(2025, 3, 31)
    compared = data_quality(facts, start, end).revenue_vs_invoices
    assert compared.rows() == [
        (date(2025, 2, 1), 50_000, None, None),
        (date(2025, 3, 1), 100_000, 100_000, 0),
    ]
    assert round(invoices_completeness(facts, start, end), 2) == 66.67
    assert invoices_completeness(facts, date(2025, 4, 1), date(2025, 4, 30)) is None
    assert pl.Series(compared["difference_cents"]).null_count() == 1
