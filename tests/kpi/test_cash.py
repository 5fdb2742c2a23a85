"""Cash forecast (KPI.md §5): worked examples 5.1 and 5.2, payment delays, scenarios, levers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine

from model.kpi.cash import (
    CashForecast,
    CashSettings,
    Levers,
    cash_forecast,
    forecast_vs_actual,
    payment_behaviour,
    what_if,
)
from model.kpi.frames import Facts
from tests.kpi.frames import employee, frame, line, through_store

T = date(2025, 3, 31)
# KPI.md §5 leaves VAT aside in its examples; the opening balance is entered on the page.
EXAMPLE = CashSettings(opening_cents=5_000_000, opening_date="2025-03-31", vat_mode="flux",
                       min_paid_invoices=2)  # fmt: skip


def invoice(number: str, client: str, issued: date, due: date, total: int, **extra) -> dict:
    return {"number": number, "client": client, "invoice_date": issued, "due_date": due,
            "amount_untaxed_cents": round(total / 1.2), "amount_total_cents": total,
            "currency": "EUR", "kind": "invoice", "status": "posted", **extra}  # fmt: skip


def example_facts() -> Facts:
    """Client A paid 10 000 € 10 days late and 30 000 € 20 days late (δ_A = 17.5 → 18 days) and
    owes A1, 12 000 € due on 15/04. Client S pays on the due date (δ 0) and has 20 h × 90 € of
    validated, unbilled work. A 1 200 € subscription is received on the 5th; payroll 30 000 €
    leaves on the 28th."""
    invoices = frame("invoices", [
        invoice("A-old-1", "A", date(2024, 11, 1), date(2024, 12, 1), 1_000_000),
        invoice("A-old-2", "A", date(2024, 12, 1), date(2025, 1, 1), 3_000_000),
        invoice("A1", "A", date(2025, 3, 16), date(2025, 4, 15), 1_200_000),
        *[invoice(f"S-{m}", "S", date(2025, m, 1), date(2025, m, 5), 100_000) for m in (1, 2, 3)],
    ])  # fmt: skip
    payments = frame("payments", [
        {"client": "A", "date": date(2024, 12, 11), "amount_cents": 1_000_000,
         "invoice_number": "A-old-1"},
        {"client": "A", "date": date(2025, 1, 21), "amount_cents": 3_000_000,
         "invoice_number": "A-old-2"},
        *[{"client": "S", "date": date(2025, m, 5), "amount_cents": 100_000,
           "invoice_number": f"S-{m}"} for m in (1, 2, 3)],
    ])  # fmt: skip
    projects = frame("projects", [
        {"project": "Régie S", "client": "S", "billing_mode": "time_and_materials",
         "hourly_rate_cents": 9000},
    ])  # fmt: skip
    timesheets = frame("timesheets", [
        line(date(2025, 3, 28), "Alice", "Régie S", 20.0, "billable", client="S",
             validated=True),
    ])  # fmt: skip
    flows = frame("flows", [
        {"label": "Abonnement S", "category": "abonnement client", "direction": "in",
         "amount_cents": 120_000, "frequency": "monthly", "day": 5},
        {"label": "Salaires", "category": "salaires", "direction": "out",
         "amount_cents": 3_000_000, "frequency": "monthly", "day": 28},
    ])  # fmt: skip
    empty = {kind: frame(kind, []) for kind in Facts.stored_kinds()}
    return Facts(**{**empty, "invoices": invoices, "payments": payments, "projects": projects,
                    "timesheets": timesheets, "flows": flows,
                    "employees": frame("employees", [employee("Alice")])})  # fmt: skip


def closings(forecast: CashForecast) -> dict[str, float]:
    months = forecast.months.select("month", "closing_cents").iter_rows()
    return {month.strftime("%Y-%m"): cents / 100 for month, cents in months}


def receipt(forecast: CashForecast, label: str) -> tuple[date, float]:
    row = forecast.movements.filter(pl.col("label") == label).row(0, named=True)
    return row["date"], row["amount_cents"] / 100


def test_example_5_1_base():
    forecast = cash_forecast(example_facts(), EXAMPLE, as_of=T, months=3)
    clients = dict(forecast.clients.select("client", "delay_days").iter_rows())
    assert clients == {"A": 18, "S": 0}
    assert receipt(forecast, "A1") == (date(2025, 5, 3), 12_000.0)
    assert receipt(forecast, "facturation du 30/04/2025") == (date(2025, 5, 30), 2_160.0)
    assert closings(forecast) == {"2025-04": 21_200.0, "2025-05": 6_560.0, "2025-06": -22_240.0}
    assert forecast.payroll_cents == 3_000_000
    assert forecast.below_payroll == date(2025, 4, 30)  # 21 200 < 30 000: red from April
    assert (forecast.lowest_date, forecast.lowest_cents) == (date(2025, 6, 28), -2_224_000)


def test_example_5_2_pessimistic():
    forecast = cash_forecast(example_facts(), EXAMPLE, as_of=T, months=3, scenario="pessimistic")
    subscriptions = forecast.movements.filter(pl.col("label") == "Abonnement S")["date"]
    assert subscriptions.to_list()[:2] == [date(2025, 4, 20), date(2025, 5, 20)]
    assert receipt(forecast, "A1") == (date(2025, 5, 18), 12_000.0)
    assert receipt(forecast, "facturation du 30/04/2025") == (date(2025, 6, 14), 1_728.0)
    months = closings(forecast)
    assert (months["2025-04"], months["2025-05"]) == (21_200.0, 4_400.0)
    june = forecast.months.row(2, named=True)
    # June: +1 728 of unbilled work and +1 200 of subscription, −30 000 of payroll.
    assert (june["inflows_cents"], june["outflows_cents"]) == (172_800 + 120_000, 3_000_000)


def test_optimistic_uses_no_delay():
    forecast = cash_forecast(example_facts(), EXAMPLE, as_of=T, months=3, scenario="optimistic")
    assert receipt(forecast, "A1") == (date(2025, 4, 15), 12_000.0)


def test_payment_delay_needs_enough_paid_invoices():
    facts = example_facts()
    clients, company = payment_behaviour(facts.invoices, facts.payments, as_of=T, min_invoices=3)
    # A has 2 paid invoices: the company-wide delay, (10×10 000 + 20×30 000) / 43 000 = 16.28
    # → 17 days, is used instead of its own.
    rows = {r["client"]: r for r in clients.iter_rows(named=True)}
    assert company == 17
    assert (rows["A"]["delay_days"], rows["A"]["own_history"]) == (17, False)
    assert (rows["S"]["delay_days"], rows["S"]["invoices_used"]) == (0, 3)
    assert rows["A"]["spread_days"] == pytest.approx(4.330, abs=1e-3)


def test_old_receivables_are_left_out_and_past_dates_move_to_tomorrow():
    facts = example_facts()
    late = frame("invoices", [
        invoice("OLD", "A", date(2024, 11, 1), date(2024, 12, 1), 500_000),
        invoice("LATE", "S", date(2025, 2, 1), date(2025, 3, 1), 300_000),
    ])  # fmt: skip
    facts = replace(facts, invoices=pl.concat([facts.invoices, late]))
    forecast = cash_forecast(facts, EXAMPLE, as_of=T, months=3)
    assert forecast.excluded["number"].to_list() == ["OLD"]  # 120 days late > 90
    assert receipt(forecast, "LATE") == (date(2025, 4, 1), 3_000.0)  # 01/03 + 0 is past → T+1


def test_vat_on_receipts_is_paid_with_the_next_return():
    settings = replace(EXAMPLE, vat_mode="encaissements")
    forecast = cash_forecast(example_facts(), settings, as_of=T, months=3)
    vat = forecast.movements.filter(pl.col("category") == "vat")
    # March receipts already cashed: S-3's 1 000 € on 05/03 → VAT 1 000 × 20 / 120 = 166,67 €,
    # in the return of 24/04 (issue 12 §5). May receipts: 12 000 (A1) + 2 160 (unbilled) →
    # VAT 2 360, paid on 24/06.
    assert vat.select("date", "amount_cents").rows() == [
        (date(2025, 4, 24), -16_667),
        (date(2025, 6, 24), -236_000),
    ]
    # The subscription is a recurring flow: its VAT is in the flows the company entered.


def only(**facts: pl.DataFrame) -> Facts:
    empty = {kind: frame(kind, []) for kind in Facts.stored_kinds()}
    return Facts(**{**empty, **facts})


def test_vat_already_cashed_goes_to_the_next_return(engine: Engine):
    """Issue 12 §5: 12 000 € TTC received on 25/03, T = 31/03, 20 %: 12 000 × 20 / 120 =
    2 000 € of VAT in April's return (24/04), though nothing is left to receive. February's
    600 € (received 15/02) were declared on 24/03, before T: not counted again."""
    facts = through_store(
        engine,
        invoices=frame("invoices", [
            invoice("P0", "A", date(2025, 2, 1), date(2025, 2, 15), 60_000),
            invoice("P1", "A", date(2025, 3, 1), date(2025, 3, 25), 1_200_000),
        ]),
        payments=frame("payments", [
            {"client": "A", "date": date(2025, 2, 15), "amount_cents": 60_000,
             "invoice_number": "P0"},
            {"client": "A", "date": date(2025, 3, 25), "amount_cents": 1_200_000,
             "invoice_number": "P1"},
        ]),
    )  # fmt: skip
    settings = replace(EXAMPLE, vat_mode="encaissements")

    def vat(as_of: date) -> list[tuple[date, int]]:
        movements = cash_forecast(facts, settings, as_of=as_of, months=2).movements
        return movements.filter(pl.col("category") == "vat").select("date", "amount_cents").rows()

    assert vat(T) == [(date(2025, 4, 24), -200_000)]
    # On 10/03, February's return (24/03) is still to come: 600 × 20 / 120 = 100 € on 24/03;
    # P1 is still expected (25/03): its 2 000 € go to April's return.
    assert vat(date(2025, 3, 10)) == [(date(2025, 3, 24), -10_000), (date(2025, 4, 24), -200_000)]


def test_a_typed_vat_flow_stays_when_there_is_no_vat_to_compute():
    """A company with no client receipt in sight keeps its own VAT flow (500 € on the 20th)."""
    vat_flow = {"label": "TVA", "category": "TVA", "direction": "out", "amount_cents": 50_000,
                "frequency": "monthly", "day": 20}  # fmt: skip
    flows = frame("flows", [vat_flow])
    settings = replace(EXAMPLE, vat_mode="encaissements")
    forecast = cash_forecast(only(flows=flows), settings, as_of=T, months=2)
    kept = forecast.movements.filter(pl.col("label") == "TVA")
    # The 13 weeks from 31/03 reach 29/06: three VAT returns.
    assert kept.select("date", "amount_cents").rows() == [
        (date(2025, 4, 20), -50_000), (date(2025, 5, 20), -50_000), (date(2025, 6, 20), -50_000),
    ]  # fmt: skip


def test_a_credit_note_lowers_the_receipts_it_is_not_a_payment(engine: Engine):
    """A1 (12 000 €, due 15/04, δ 0 here) and an unlinked credit note of −2 000 € (due at once,
    received T + 1): April's receipts are 12 000 − 2 000 = 10 000 €, its payments 0."""
    facts = through_store(engine, invoices=frame("invoices", [
        invoice("A1", "A", date(2025, 3, 16), date(2025, 4, 15), 1_200_000),
        invoice("AV1", "A", date(2025, 3, 20), date(2025, 3, 20), -200_000, kind="credit_note"),
    ]))  # fmt: skip
    forecast = cash_forecast(facts, EXAMPLE, as_of=T, months=1)
    april = forecast.months.row(0, named=True)
    assert (april["inflows_cents"], april["outflows_cents"]) == (1_000_000, 0)


def test_levers_show_their_effect_in_euros():
    effects = what_if(example_facts(), EXAMPLE, as_of=T, months=3,
                      levers=Levers(dso_days_gained=10, weekly_invoicing=True))  # fmt: skip
    by_lever = {r["lever"]: r for r in effects.summary.iter_rows(named=True)}
    # 10 days gained move nothing across a month end here (A1 03/05 → 23/04: April +12 000).
    assert by_lever["dso_days_gained"]["closing_effect_cents"] == 0
    # Weekly invoicing: the 20 h are invoiced on Friday 04/04, paid 04/05, in May either way.
    assert by_lever["weekly_invoicing"]["closing_effect_cents"] == 0
    assert by_lever["utilisation_points"]["closing_effect_cents"] == 0  # not moved: no effect
    forecast = cash_forecast(example_facts(), EXAMPLE, as_of=T, months=3,
                             levers=Levers(dso_days_gained=10))  # fmt: skip
    assert closings(forecast)["2025-04"] == 33_200.0


def test_each_lever_shows_where_its_cash_lands():
    """Issue 12 §6: a lever brings cash forward; at the horizon (and at a lowest point that
    comes later) it shows nothing, so its gain is shown week by week and month by month.

    Weeks start on Mondays from 31/03. DSO −10 days: A1 (12 000 €) comes on 23/04 instead of
    03/05 → the week of 21/04 closes 12 000 € higher, the next one even; S's 2 160 € of
    unbilled work (invoiced 30/04, paid 30/05) come on 20/05 → week of 19/05 +2 160.
    Weekly invoicing: the 2 160 € are invoiced on 04/04 and paid 04/05 instead of 30/05 →
    +2 160 € in the weeks of 28/04, 05/05, 12/05 and 19/05; nothing by month's end.
    Both: 12 000 + 2 160 (04/04 + 30 − 10 = 24/04) = 14 160 € in the week of 21/04 and in
    April's closing."""
    effects = what_if(example_facts(), EXAMPLE, as_of=T, months=3,
                      levers=Levers(dso_days_gained=10, weekly_invoicing=True))  # fmt: skip
    peaks = effects.summary.select("lever", "peak_gain_cents", "peak_week").rows()
    assert peaks == [
        ("dso_days_gained", 1_200_000, date(2025, 4, 21)),
        ("weekly_invoicing", 216_000, date(2025, 4, 28)),
        ("utilisation_points", 0, None),
        ("all", 1_416_000, date(2025, 4, 21)),
    ]

    def moved(table, lever: str, on: str) -> dict:
        rows = table.filter((pl.col("lever") == lever) & (pl.col("gain_cents") != 0))
        return dict(rows.select(on, "gain_cents").rows())

    assert moved(effects.weeks, "dso_days_gained", "start") == {
        date(2025, 4, 21): 1_200_000, date(2025, 5, 19): 216_000,
    }  # fmt: skip
    assert moved(effects.weeks, "weekly_invoicing", "start") == {
        date(2025, 4, 28): 216_000, date(2025, 5, 5): 216_000, date(2025, 5, 12): 216_000,
        date(2025, 5, 19): 216_000,
    }  # fmt: skip
    assert moved(effects.months, "dso_days_gained", "month") == {date(2025, 4, 1): 1_200_000}
    assert moved(effects.months, "weekly_invoicing", "month") == {}
    assert moved(effects.months, "all", "month") == {date(2025, 4, 1): 1_416_000}


def test_payment_delay_from_fec_lettering(engine):
    """FA-001 (1 200 € TTC, due 02/03/2024) is lettered with a payment of 15/03: 13 days late.
    FA-002 is only partly paid, so it tells nothing yet about ACME's habits."""
    from model.views.loading import load_facts
    from tests.conftest import FIXTURES
    from tests.support import import_bytes

    data = (FIXTURES / "fec/fec_tab_utf8.txt").read_bytes()
    assert import_bytes(engine, data, "fec_tab_utf8.txt").status == "imported"
    facts = load_facts(engine)
    clients, company = payment_behaviour(facts.invoices, facts.payments, as_of=date(2024, 6, 30))
    assert company == 13
    assert clients.select("client", "delay_days", "invoices_used", "own_history").rows() == [
        ("ACME", 13, 1, False)
    ]


def test_a_saved_forecast_against_what_the_bank_saw():
    weeks = pl.DataFrame({
        "start": [date(2025, 3, 31), date(2025, 4, 7), date(2025, 4, 14)],
        "inflows_cents": [1_000_000, 0, 500_000],
        "outflows_cents": [200_000, 3_000_000, 0],
        "closing_cents": [5_800_000, 2_800_000, 3_300_000],
    })  # fmt: skip
    payments = frame("payments", [
        {"client": "A", "date": date(2025, 4, 2), "amount_cents": 800_000},
        {"client": "B", "date": date(2025, 4, 9), "amount_cents": 100_000},
    ])  # fmt: skip
    bank = frame("bank_balances", [
        {"account": "512000", "date": date(2025, 3, 28), "balance_cents": 5_000_000},
        {"account": "512000", "date": date(2025, 4, 4), "balance_cents": 5_500_000},
        {"account": "512000", "date": date(2025, 4, 11), "balance_cents": 2_700_000},
    ])  # fmt: skip
    versus = forecast_vs_actual(weeks, payments, bank, as_of=date(2025, 4, 15))
    # The third week has not ended on 15/04: only two weeks are compared.
    assert versus.select(
        "start", "actual_inflows_cents", "actual_outflows_cents", "actual_closing_cents",
        "inflows_miss", "outflows_miss",
    ).rows() == [
        # 8 000 received, balance +5 000 → 3 000 paid out; 2 000 less received than forecast.
        (date(2025, 3, 31), 800_000, 300_000, 5_500_000, -200_000, 100_000),
        # 1 000 received, balance −28 000 → 29 000 paid out.
        (date(2025, 4, 7), 100_000, 2_900_000, 2_700_000, 100_000, -100_000),
    ]  # fmt: skip


def test_payment_delay_from_odoo_invoices_and_a_payments_file(engine):
    """Odoo's invoice export has no payment date: the payments come from a payments file
    (template sheet « Paiements »), matched on the invoice number."""
    from model.exports import csv_bytes
    from model.facts import FACTS
    from model.views.loading import load_facts
    from tests.conftest import FIXTURES
    from tests.support import import_bytes

    invoices = (FIXTURES / "odoo/invoices_fr.xlsx").read_bytes()
    assert import_bytes(engine, invoices, "factures.xlsx").status == "imported"
    paid = pl.DataFrame({
        "client": ["ACME", "Clinique Saint-Roch", "Clinique Saint-Roch"],
        "date": [date(2024, 5, 10), date(2024, 5, 20), date(2024, 6, 9)],
        "amount": [1080.0, 2000.0, 1000.6],
        "invoice_number": ["FAC/2024/0012", "FAC/2024/0013", "FAC/2024/0013"],
        "reference": ["VIR-1", "VIR-2", "VIR-3"],
    })  # fmt: skip
    headers = {c.name: c.header for c in FACTS["payments"].columns}
    result = import_bytes(engine, csv_bytes(paid.rename(headers, strict=False)), "paiements.csv",
                          kind="payments")  # fmt: skip
    assert result.status == "imported", result.message
    facts = load_facts(engine)
    clients, company = payment_behaviour(facts.invoices, facts.payments, as_of=date(2024, 6, 30),
                                         min_invoices=1)  # fmt: skip
    # ACME's 1 200 € invoice, less its 120 € credit note, is settled by 1 080 € on 10/05: 10 days
    # after its due date (30/04); the clinic's 3 000,60 € is settled on 09/06: 40 days.
    assert clients.select("client", "delay_days", "invoices_used").rows() == [
        ("ACME", 10, 1), ("Clinique Saint-Roch", 40, 1),
    ]  # fmt: skip
    # Weighted by the invoices' totals: (10 × 1 200 + 40 × 3 000,60) / 4 200,60 = 31.4 → 32.
    assert company == 32


def test_the_confidence_band_moves_each_client_by_its_spread():
    # A's delays (10 and 20 days, 10 000 and 30 000 €) spread by 4.33 → 5 days: A1 is expected
    # on 03/05 ± 5 days, so the early edge receives it in April. S pays like clockwork (0).
    early = cash_forecast(example_facts(), EXAMPLE, as_of=T, months=3, spread=-1)
    late = cash_forecast(example_facts(), EXAMPLE, as_of=T, months=3, spread=1)
    assert receipt(early, "A1")[0] == date(2025, 4, 28)
    assert receipt(late, "A1")[0] == date(2025, 5, 8)
    assert receipt(late, "facturation du 30/04/2025")[0] == date(2025, 5, 30)
    assert closings(early)["2025-04"] == 33_200.0
    assert closings(late)["2025-04"] == 21_200.0


def test_the_overview_shows_cash_only_with_a_starting_balance():
    from model.kpi.settings import KpiSettings
    from model.views.headlines import headlines

    facts = example_facts()  # no bank balance in it
    assert headlines(facts, KpiSettings(), as_of=T).cash_week13_cents is None
    typed = headlines(facts, KpiSettings(cash=EXAMPLE), as_of=T)
    # 13 ISO weeks from the week of 01/04: up to Sunday 29/06, after June's subscription
    # (+1 200) and payroll (−30 000): 6 560 + 1 200 − 30 000.
    assert typed.cash_week13_cents == -2_224_000
    assert typed.payroll_cents == 3_000_000
    assert any(alert.page == "cash" for alert in typed.alerts)
