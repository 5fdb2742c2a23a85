"""Issue 12 §3: prepaid packs of support hours (bought once, no monthly reset): hours left and
the projected run-out date from the last three months' burn.

Through the store (SQLite and PostgreSQL) before the KPI reads the facts back.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from model.kpi.support import support_inclusion
from tests.kpi.frames import frame, line, through_store

PROJECT = {"project": "Support Pi", "client": "Pi", "billing_mode": "support"}
PACK = {"contract": "PACK-40", "client": "Pi", "prepaid_hours": 40.0,
        "start_date": date(2025, 1, 1)}  # fmt: skip
LINES = [
    line(date(2025, 1, 15), "Lucas", "Support Pi", 10.0, "included"),
    line(date(2025, 2, 14), "Lucas", "Support Pi", 12.0, "included"),
    line(date(2025, 3, 14), "Lucas", "Support Pi", 14.0, "included"),
    line(date(2025, 4, 15), "Lucas", "Support Pi", 8.0, "included"),
]


def inclusion(engine: Engine, start: date, end: date):
    facts = through_store(
        engine, timesheets=frame("timesheets", LINES), projects=frame("projects", [PROJECT]),
        contracts=frame("contracts", [PACK]),
    )  # fmt: skip
    return support_inclusion(
        facts.timesheets, facts.projects, facts.contracts, facts.tickets, start=start, end=end
    )


def test_a_pack_projects_its_run_out_from_the_last_three_months(engine: Engine):
    """T = 31/03/2025: 10 + 12 + 14 = 36 h used of 40, 4 h left. Burn over (31/12, 31/03]:
    36 h in 90 days = 0,4 h a day (12 h a month) → 4 h last 10 days → runs out on 10/04.
    Nothing is beyond the pack yet; no monthly quota is claimed."""
    result = inclusion(engine, date(2025, 1, 1), date(2025, 3, 31))
    pack = result.packs.row(0, named=True)
    assert (pack["used_h"], pack["remaining_h"], pack["burn_h_per_month"]) == (36.0, 4.0, 12.0)
    assert pack["runout_date"] == date(2025, 4, 10)
    assert result.contracts.select("included_h", "excess_h", "quota_use_pct").row(0) == (
        36.0, 0.0, None,
    )  # fmt: skip


def test_hours_past_a_used_up_pack_are_beyond_it(engine: Engine):
    """T = 30/04/2025: 8 h more on 15/04 → 44 h used, 4 h past the pack (those count as
    given away); it ran out on 15/04."""
    result = inclusion(engine, date(2025, 4, 1), date(2025, 4, 30))
    pack = result.packs.row(0, named=True)
    assert (pack["used_h"], pack["remaining_h"], pack["runout_date"]) == (
        44.0, -4.0, date(2025, 4, 15),
    )  # fmt: skip
    april = result.contracts.row(0, named=True)
    assert (april["included_h"], april["excess_h"]) == (8.0, 4.0)
    assert round(april["unbilled_pct"], 2) == 50.0  # 4 h past the pack ÷ 8 h


def test_kpi_support_json_gives_the_packs(engine: Engine):
    from model.kpi.settings import kpi_settings
    from model.views.report import kpi_json

    facts = through_store(
        engine, timesheets=frame("timesheets", LINES), projects=frame("projects", [PROJECT]),
        contracts=frame("contracts", [PACK]),
    )  # fmt: skip
    T = date(2025, 3, 31)
    result = kpi_json("support", facts, kpi_settings({}), as_of=T, start=date(2025, 1, 1), end=T)
    assert result["packs"] == [{
        "contract": "PACK-40", "client": "Pi", "prepaid_h": 40.0, "used_h": 36.0,
        "remaining_h": 4.0, "burn_h_per_month": 12.0, "runout_date": "2025-04-10",
    }]  # fmt: skip
