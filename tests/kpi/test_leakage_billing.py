"""KPI.md §6 worked examples: leakage, invoicing delay, billable ratio, margin, lost revenue."""

from __future__ import annotations

from datetime import date

import pytest

from model.kpi.billing import invoicing_delay, project_margin
from model.kpi.capacity import capacity_calendar
from model.kpi.charge import charge_rate
from model.kpi.leakage import leakage, lost_revenue_per_year
from model.kpi.support import support_inclusion
from tests.kpi.frames import employee, frame, line

FEB = (date(2025, 2, 3), date(2025, 2, 28))  # 20 working days: 140 h each, 2 days off


def test_example_6_1_leakage_in_four_classes():
    """Three people with A = 126 h; worked 126 / 120 / 104 → 28 h untracked; then 6 h
    unqualified, 8 h past a support quota, 3 h of out-of-scope support not rebilled."""
    staff = frame("employees", [employee(n, billing_rate_cents=8000) for n in ("A", "B", "C")])
    leave = frame(
        "absences",
        [
            {"employee": n, "date": date(2025, 2, d), "hours": 7.0, "kind": "paid_leave"}
            for n in ("A", "B", "C")
            for d in (3, 4)
        ],
    )
    projects = frame(
        "projects",
        [
            {"project": "Régie", "billing_mode": "time_and_materials"},
            {"project": "Support", "client": "Clinique", "billing_mode": "support"},
        ],
    )
    contracts = frame(
        "contracts",
        [
            {
                "contract": "SUP",
                "client": "Clinique",
                "included_hours_per_month": 10.0,
                "overage_rate_cents": 8000,
            }
        ],
    )
    tickets = frame("tickets", [{"ticket": "T-9", "contract": "SUP", "scope": "out_of_scope"}])
    day = date(2025, 2, 10)
    lines = [
        line(day, "A", "Régie", 97, "billable"),
        line(day, "A", "Régie", 6, None),  # unqualified
        line(day, "A", "Support", 18, "included"),  # quota 10 → 8 h excess
        line(day, "A", "Support", 3, "non_billable", ticket="T-9"),
        line(day, "A", "Régie", 2, "billable"),
        line(day, "B", "Régie", 120, "billable"),
        line(day, "C", "Régie", 104, "billable"),
    ]
    timesheets = frame("timesheets", lines)
    calendar = capacity_calendar(staff, leave, start=FEB[0], end=FEB[1])
    charge = charge_rate(timesheets, projects, calendar, start=FEB[0], end=FEB[1])
    assert charge.employees["available_h"].to_list() == [126, 126, 126]
    support = support_inclusion(timesheets, projects, contracts, tickets, start=FEB[0], end=FEB[1])
    result = leakage(
        timesheets, projects, staff, contracts, tickets, charge=charge, support=support
    )
    assert result.hours == {
        "untracked": 28,
        "unqualified": 6,
        "unmanaged_included": 8,
        "unbilled_support": 3,
    }
    assert result.total_h == 45
    assert round(result.pct, 2) == 11.90
    assert result.euros_cents == 248_000  # 28 × 80 × 0,5 + 17 × 80 = 2 480 €


T_6_2 = date(2025, 4, 15)
PROJECT_6_2 = frame(
    "projects",
    [{"project": "Régie", "billing_mode": "time_and_materials", "hourly_rate_cents": 9000}],
)
INVOICE_6_2 = frame(
    "invoices",
    [
        {
            "number": "F1",
            "client": "X",
            "invoice_date": date(2025, 3, 31),
            "amount_total_cents": 324000,
            "kind": "invoice",
            "status": "posted",
        }
    ],
)
LINES_6_2 = frame(
    "timesheets",
    [
        line(date(2025, 3, 3), "E", "Régie", 10, "billable", invoice_number="F1"),
        line(date(2025, 3, 17), "E", "Régie", 20, "billable", invoice_number="F1"),
        line(date(2025, 3, 28), "E", "Régie", 10, "billable"),
        line(date(2025, 3, 28), "E", "Régie", 5, "non_billable"),
    ],
)


def test_example_6_2_invoicing_delay_and_wip():
    result = invoicing_delay(LINES_6_2, PROJECT_6_2, INVOICE_6_2, as_of=T_6_2)
    assert round(result.mean_days, 2) == 18.67  # (10 × 28 + 20 × 14) / 30
    assert result.median_days == 14
    assert result.p90_days == 28
    assert (result.wip_hours, result.wip_oldest_days, result.wip_cents) == (10, 18, 90000)
    assert result.after_month_days == 0  # invoiced on the last day of the worked month


def test_invoicing_delay_after_the_worked_month():
    """March's 10 h invoiced on 12 April (12 days after 31 March) and February's 30 h on
    10 March (10 days after 28 February): (10 × 12 + 30 × 10) / 40 = 10.5 days late."""
    invoices = frame(
        "invoices",
        [
            {"number": n, "client": "X", "invoice_date": d, "amount_total_cents": 1,
             "kind": "invoice", "status": "posted"}
            for n, d in (("F1", date(2025, 4, 12)), ("F2", date(2025, 3, 10)))
        ],
    )  # fmt: skip
    lines = frame(
        "timesheets",
        [
            line(date(2025, 3, 20), "E", "Régie", 10, "billable", invoice_number="F1"),
            line(date(2025, 2, 3), "E", "Régie", 30, "billable", invoice_number="F2"),
        ],
    )
    result = invoicing_delay(lines, PROJECT_6_2, invoices, as_of=date(2025, 4, 30))
    assert result.after_month_days == 10.5
    assert result.mean_days == (10 * 23 + 30 * 35) / 40


def test_example_6_2_billable_ratio_and_margin():
    staff = frame("employees", [employee("E", cost_rate_cents=4500)])
    result = project_margin(LINES_6_2, PROJECT_6_2, staff, as_of=T_6_2)
    p = result.projects.row(0, named=True)
    assert round(p["billable_ratio_pct"], 2) == 88.89
    assert p["revenue_cents"] == 360_000
    assert p["cost_cents"] == 202_500
    assert p["margin_cents"] == 157_500
    assert p["margin_pct"] == pytest.approx(43.75)


def test_lost_revenue_is_computed_from_parameters():
    assert lost_revenue_per_year(12, 1, 218, 75, 1) == 196_200
    assert round(30_000 / (12 * 218), 2) == 11.47  # the €/h the "per day" claim would need
    assert lost_revenue_per_year(12, 1, 50, 50, 1) == 30_000  # the claim holds per week
    assert round(lost_revenue_per_year(12, 1, 218, 75, 0.153), -2) == 30_000


def test_included_support_without_any_contract_is_unmanaged_once():
    staff = frame("employees", [employee("A", billing_rate_cents=8000)])
    projects = frame(
        "projects", [{"project": "Support", "client": "Inconnu", "billing_mode": "support"}]
    )
    lines = frame("timesheets", [line(date(2025, 2, 10), "A", "Support", 5, "included")])
    no_contracts, no_tickets = frame("contracts", []), frame("tickets", [])
    calendar = capacity_calendar(staff, frame("absences", []), start=FEB[0], end=FEB[1])
    charge = charge_rate(lines, projects, calendar, start=FEB[0], end=FEB[1])
    support = support_inclusion(lines, projects, no_contracts, no_tickets, start=FEB[0], end=FEB[1])
    result = leakage(
        lines, projects, staff, no_contracts, no_tickets, charge=charge, support=support
    )
    assert result.hours["unmanaged_included"] == 5
