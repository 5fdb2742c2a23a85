"""KPI.md §4b worked examples: DSO, exactly."""

from __future__ import annotations

from datetime import date

import pytest

from model.kpi.dso import DsoSettings, MonthSales, countback, dso, including_wip, simple
from tests.kpi.frames import frame

T = date(2025, 3, 31)
MONTHS = [
    MonthSales(date(2025, 3, 1), 31, 10_000_000),
    MonthSales(date(2025, 2, 1), 28, 8_000_000),
    MonthSales(date(2025, 1, 1), 31, 7_000_000),
]


def test_example_4b_1_simple_is_ttc_over_ttc():
    assert simple(6_000_000, 12_000_000, 90) == pytest.approx(45.0)
    # The HT/TTC mix-up this rule exists for: the same receivables over HT sales.
    assert simple(6_000_000, 10_000_000, 90) == pytest.approx(54.0)


def test_example_4b_2_countback_and_simple():
    days, beyond = countback(21_200_000, MONTHS)
    assert round(days, 2) == 73.17
    assert not beyond
    assert round(simple(21_200_000, 25_000_000, 90), 2) == 76.32


def test_countback_past_the_months_and_credit_balance():
    assert countback(30_000_000, MONTHS) == (None, True)
    assert countback(-50_000, MONTHS) == (0.0, False)
    assert simple(1_000, 0, 90) is None  # no sales in the window
    # Nothing owed and nothing sold: no DSO (not "0,0 j, dans l'objectif"), issue 16 A7.
    assert countback(0, [MonthSales(date(2025, 1, 1), 31, 0)]) == (None, False)


def invoice(number: str, day: date, eur: float, residual: float) -> dict:
    return {
        "number": number,
        "client": "C",
        "invoice_date": day,
        "due_date": day,
        "amount_total_cents": round(eur * 100),
        "amount_residual_cents": round(residual * 100),
        "kind": "invoice",
        "status": "posted",
    }


def test_dso_from_the_store_facts():
    """Example 4b.2 as invoices: Jan 70 000 (32 000 still open), Feb 80 000, Mar 100 000 open."""
    invoices = frame(
        "invoices",
        [
            invoice("J", date(2025, 1, 15), 70_000, 32_000),
            invoice("F", date(2025, 2, 15), 80_000, 80_000),
            invoice("M", date(2025, 3, 15), 100_000, 100_000),
        ],
    )
    result = dso(invoices, frame("payments", []), as_of=T, trend_months=3)
    assert result.receivables_cents == 21_200_000
    assert round(result.countback, 2) == 73.17
    assert round(result.simple, 2) == 76.32
    assert result.best_possible == 0  # everything is past due (due date = invoice date)
    assert round(result.average_days_late, 2) == 76.32
    assert result.clients.row(0) == (
        "C",
        pytest.approx(73.17, abs=0.01),
        pytest.approx(76.32, abs=0.01),
    )
    assert result.trend["date"].to_list() == [date(2025, 1, 31), date(2025, 2, 28), T]
    # 10 000 € HT of unbilled work is 12 000 € TTC more receivables: 224/250 × 90 days.
    assert round(including_wip(result, 1_000_000, DsoSettings()), 2) == 80.64
