"""KPI.md §2 worked examples: sold vs consumed, exactly."""

from __future__ import annotations

from datetime import date

import pytest

from model.kpi.projects import sold_vs_consumed
from tests.kpi.frames import employee, frame, line

AS_OF = date(2025, 3, 31)
STAFF = frame("employees", [employee("Alice", cost_rate_cents=4500)])


def project(name: str, sold_days: float, progress: float, **extra: object) -> dict:
    return {
        "project": name,
        "billing_mode": "fixed_price",
        "sold_hours": sold_days * 7,
        "hours_per_day": 7.0,
        "progress_pct": progress,
        **extra,
    }


def consumed(name: str, hours: float) -> list[dict]:
    return [line(date(2025, 3, 3), "Alice", name, hours, "included")]


def run(projects: list[dict], lines: list[dict]):
    return sold_vs_consumed(
        frame("timesheets", lines), frame("projects", projects), STAFF, as_of=AS_OF
    )


def test_example_2_1_amber():
    result = run([project("P1", 20, 70)], consumed("P1", 112))
    p = result.projects.row(0, named=True)
    assert p["sold_h"] == 140
    assert p["pct_consumed"] == pytest.approx(80.00)
    assert p["remaining_h"] == 28
    assert p["cpi"] == pytest.approx(0.875)
    assert p["eac_h"] == pytest.approx(160)
    assert p["forecast_overrun_h"] == pytest.approx(20)
    assert round(p["forecast_overrun_pct"], 2) == 14.29
    assert p["status"] == "amber"


def test_example_2_2_red_and_unrecoverable():
    result = run([project("P2", 10, 90)], consumed("P2", 79))
    p = result.projects.row(0, named=True)
    assert round(p["pct_consumed"], 2) == 112.86
    assert p["status"] == "unrecoverable"
    assert p["overtime_h"] == 9
    assert round(p["eac_h"], 2) == 87.78
    assert p["overtime_cost_cents"] == 40500  # 9 h × 45 €/h = 405 €


def test_no_budget_and_zero_progress_are_not_applicable():
    result = run([project("P3", 0, 0)], consumed("P3", 10))
    p = result.projects.row(0, named=True)
    assert (p["pct_consumed"], p["eac_h"], p["cpi"], p["status"]) == (None, None, None, "no_budget")


def test_lines_after_the_as_of_date_are_ignored_and_late_time_is_flagged():
    lines = consumed("P1", 100) + [line(date(2025, 4, 2), "Alice", "P1", 50, "included")]
    closed = project("P1", 20, 70, end_date=date(2025, 3, 1))
    p = run([closed], lines).projects.row(0, named=True)
    assert p["consumed_h"] == 100
    assert p["hours_after_end"] == 100  # logged on 3 March, after the 1 March closure


def test_budget_in_euros_is_converted_at_the_sold_rate():
    euros = {
        "project": "P4",
        "billing_mode": "fixed_price",
        "sold_amount_cents": 630000,
        "hourly_rate_cents": 9000,
        "progress_pct": 50.0,
    }
    p = run([euros], consumed("P4", 35)).projects.row(0, named=True)
    assert p["sold_h"] == 70
    assert p["pct_consumed"] == 50
    assert p["effective_rate_cents"] == 18000  # 6 300 € ÷ 35 h


def test_burn_up_accumulates_by_month():
    lines = consumed("P1", 10) + [line(date(2025, 2, 3), "Alice", "P1", 5, "included")]
    burn = run([project("P1", 20, 10)], lines).burn_up
    assert burn.select("month", "cumulative_h").rows() == [
        (date(2025, 2, 1), 5.0),
        (date(2025, 3, 1), 15.0),
    ]
