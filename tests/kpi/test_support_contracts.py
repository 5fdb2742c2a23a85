"""Issue 12 §2: a support line belongs to the contract in force on its date (then to the one
its ticket names); a line no contract covers is "hors contrat" and counts in no quota.

Each case goes through the store (SQLite and PostgreSQL) before the KPI reads it back.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from model.kpi.support import support_inclusion
from tests.kpi.frames import frame, line, through_store

PROJECT = {"project": "Support Kappa", "client": "Kappa", "billing_mode": "support"}
PROJECT = {"project": "Support Kappa", "client": "Kappa", "billing_mode": "support"}
# Client Kappa renewed its contract: OLD (2024) is listed first, NEW runs from 2025 on; both
# include 10 h a month.
CONTRACTS = [
    {"contract": "OLD", "client": "Kappa", "included_hours_per_month": 10.0,
     "start_date": date(2024, 1, 1), "end_date": date(2024, 12, 31)},
    {"contract": "NEW", "client": "Kappa", "included_hours_per_month": 10.0,
     "start_date": date(2025, 1, 1)},
]  # fmt: skip
LINES = [
    line(date(2025, 3, 10), "Lucas", "Support Kappa", 8.0, "included"),
    # Its ticket still names the expired contract: NEW is the one in force on 20/03/2025.
    line(date(2025, 3, 20), "Lucas", "Support Kappa", 6.0, "included", ticket="T-1"),
    # Before any contract began.
    line(date(2023, 12, 15), "Lucas", "Support Kappa", 2.0, "included"),
]


def inclusion(engine: Engine, start: date, end: date):
    facts = through_store(
        engine,
        timesheets=frame("timesheets", LINES),
        projects=frame("projects", [PROJECT]),
        contracts=frame("contracts", CONTRACTS),
        tickets=frame("tickets", [{"ticket": "T-1", "client": "Kappa", "contract": "OLD"}]),
    )
    return support_inclusion(
        facts.timesheets, facts.projects, facts.contracts, facts.tickets, start=start, end=end
    )


def test_the_renewed_contract_takes_the_lines_of_its_dates(engine: Engine):
    """March 2025: 8 h + 6 h included = 14 h on NEW, quota 10 h → 4 h beyond the quota,
    140 % of it used, unbilled share 4 / 14 = 28,57 %. OLD has no hour (it ended in 2024)."""
    result = inclusion(engine, date(2025, 3, 1), date(2025, 3, 31))
    rows = {row["contract"]: row for row in result.contracts.iter_rows(named=True)}
    assert set(rows) == {"NEW"}
    new = rows["NEW"]
    assert (new["included_h"], new["quota_h"], new["excess_h"]) == (14.0, 10.0, 4.0)
    assert new["quota_use_pct"] == 140.0
    assert round(new["unbilled_pct"], 2) == 28.57
    assert result.explanation.excluded == []


def test_a_line_outside_every_contract_counts_in_no_quota(engine: Engine):
    """December 2023: the 2 h come before OLD began: hors contrat, no quota, nothing beyond
    it; the explanation counts the line apart."""
    result = inclusion(engine, date(2023, 12, 1), date(2023, 12, 31))
    assert result.contracts.select("contract", "included_h", "quota_h", "excess_h").rows() == [
        (None, 2.0, 0.0, 0.0)
    ]
    count, reason, _ = result.explanation.excluded[0]
    assert (count, "hors contrat" in reason) == (1, True)
