"""KPI.md §3 worked examples: support inclusion, exactly."""

from __future__ import annotations

from datetime import date

import pytest

from model.kpi.support import support_inclusion
from tests.kpi.frames import frame, line

MARCH = (date(2025, 3, 1), date(2025, 3, 31))
PROJECTS = frame(
    "projects", [{"project": "Support", "client": "Clinique", "billing_mode": "support"}]
)
CONTRACTS = frame(
    "contracts",
    [
        {
            "contract": "SUP",
            "client": "Clinique",
            "included_hours_per_month": 10.0,
            "monthly_fee_cents": 60000,
            "overage_rate_cents": 9000,
        }
    ],
)


def support(*hours_by_billing: tuple[str, float], day: date = date(2025, 3, 10)) -> list[dict]:
    return [line(day, "Lucas", "Support", h, billing) for billing, h in hours_by_billing]


def run(lines: list[dict], contracts=CONTRACTS, **options):
    return support_inclusion(
        frame("timesheets", lines),
        PROJECTS,
        contracts,
        frame("tickets", []),
        start=MARCH[0],
        end=MARCH[1],
        **options,
    )


def test_example_3_1_green():
    result = run(support(("included", 8), ("billable", 6), ("non_billable", 2)))
    c = result.contracts.row(0, named=True)
    assert c["hours_h"] == 16
    assert (c["included_pct"], c["billed_pct"], c["non_billable_pct"]) == (50, 37.5, 12.5)
    assert c["excess_h"] == 0
    assert c["unbilled_pct"] == 12.5


def test_example_3_2_red_and_effective_rate():
    result = run(support(("included", 18), ("billable", 4), ("non_billable", 3), (None, 1)))
    c = result.contracts.row(0, named=True)
    assert c["hours_h"] == 26
    assert c["excess_h"] == 8
    assert round(c["unbilled_pct"], 2) == 46.15
    assert c["fee_cents"] + c["billed_cents"] == 96000  # 600 € + 4 h × 90 €
    assert round(c["effective_rate_cents"] / 100, 2) == 36.92


def test_no_hours_is_not_applicable_and_partial_months_get_a_pro_rata_quota():
    half = frame("contracts", [{**CONTRACTS.row(0, named=True), "start_date": date(2025, 3, 17)}])
    result = run([], contracts=half)
    month = result.months.row(0, named=True)
    assert month["quota_h"] == pytest.approx(10 * 15 / 31)
    assert month["unbilled_pct"] is None


def test_a_ticket_ties_a_line_to_its_contract():
    tickets = frame("tickets", [{"ticket": "T-1", "contract": "SUP"}])
    lines = [line(date(2025, 3, 3), "Lucas", "Régie client", 2.0, "included", ticket="T-1")]
    result = support_inclusion(
        frame("timesheets", lines), PROJECTS, CONTRACTS, tickets, start=MARCH[0], end=MARCH[1]
    )
    assert result.contracts["included_h"].item() == 2


def test_quota_run_out_date():
    # 6 h included by 6 March: 1 h a day, so the 10 h quota runs out 4 days later.
    lines = [line(date(2025, 3, d), "Lucas", "Support", 1.0, "included") for d in range(1, 7)]
    result = run(lines, as_of=date(2025, 3, 6))
    assert result.runout["runout_date"].item() == date(2025, 3, 10)
    crossed = run(support(("included", 12), day=date(2025, 3, 4)), as_of=date(2025, 3, 6))
    assert crossed.runout["runout_date"].item() == date(2025, 3, 4)


def test_no_quota_means_no_excess():
    unlimited = frame(
        "contracts", [{"contract": "SUP", "client": "Clinique", "monthly_fee_cents": 60000}]
    )
    result = run(support(("included", 8)), contracts=unlimited)
    c = result.contracts.row(0, named=True)
    assert (c["excess_h"], c["quota_use_pct"], c["unbilled_pct"]) == (0, None, 0)


def test_billed_support_outside_any_contract_is_worth_its_projects_rate():
    """No contract for the Clinique: 6 h billed on a project sold at 75 €/h and 2 h non
    billable → effective rate = 6 × 75 ÷ 8 = 56,25 €/h (not 0: those hours were invoiced).
    Under the contract, the overage rate (90 €) wins over the project's."""
    sold = {"project": "Support", "client": "Clinique", "billing_mode": "support"}
    projects = frame("projects", [{**sold, "hourly_rate_cents": 7500}])
    lines = frame("timesheets", support(("billable", 6), ("non_billable", 2)))
    outside = support_inclusion(lines, projects, frame("contracts", []), frame("tickets", []),
                                start=MARCH[0], end=MARCH[1])  # fmt: skip
    assert outside.total["effective_rate_cents"].item() == 5625
    inside = support_inclusion(lines, projects, CONTRACTS, frame("tickets", []),
                               start=MARCH[0], end=MARCH[1])  # fmt: skip
    # (600 € fee + 6 × 90 €) ÷ 8 h = 142,50 €/h
    assert inside.total["effective_rate_cents"].item() == 14250
