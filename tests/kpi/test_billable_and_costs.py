"""Issue 12 §8: one definition of billable time (KPI.md's B) and one rule for people without
a cost rate (the default cost setting, 45 €/h), said in the explanations.

Through the store (SQLite and PostgreSQL) before the KPIs read the facts back.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from model.kpi.billing import project_margin
from model.kpi.projects import sold_vs_consumed
from tests.kpi.frames import employee, frame, line, through_store

T = date(2025, 3, 31)
PROJECTS = [
    # Fixed price: 10 h sold for 1 000 € HT.
    {"project": "Forfait F", "client": "Foo", "billing_mode": "fixed_price", "sold_hours": 10.0,
     "sold_amount_cents": 100_000, "progress_pct": 80.0},
    {"project": "Support S", "client": "Foo", "billing_mode": "support"},
]  # fmt: skip
LINES = [
    line(date(2025, 3, 3), "Alice", "Forfait F", 8.0, "included"),
    line(date(2025, 3, 10), "Bob", "Forfait F", 4.0, "included"),  # 2 h past the budget
    line(date(2025, 3, 12), "Alice", "Support S", 2.0, "billable"),  # billed support
]
STAFF = [employee("Alice", cost_rate_cents=4000), employee("Bob")]  # Bob: no cost rate


@pytest.fixture
def facts(engine: Engine):
    return through_store(
        engine, projects=frame("projects", PROJECTS), timesheets=frame("timesheets", LINES),
        employees=frame("employees", STAFF),
    )  # fmt: skip


def test_the_margin_counts_billable_time_as_kpi_md_b_and_costs_everyone(facts):
    """Forfait F: 12 h logged, 10 recognised (B within the sold budget) → billable ratio
    10 / 12 = 83,33 % (it said 0 %: only time and materials counted). Cost: Alice 8 h × 40 € +
    Bob 4 h × 45 € (default) = 320 + 180 = 500 € (Bob was costed 0 €); margin 1 000 − 500 =
    500 € (50 %). Support S: 2 h of billed support, all billable → 100 %."""
    result = project_margin(facts.timesheets, facts.projects, facts.employees, as_of=T)
    rows = {r["project"]: r for r in result.projects.iter_rows(named=True)}
    f = rows["Forfait F"]
    assert round(f["billable_ratio_pct"], 2) == 83.33
    assert (f["cost_cents"], f["margin_cents"], f["margin_pct"]) == (50_000, 50_000, 50.0)
    assert rows["Support S"]["billable_ratio_pct"] == 100.0
    count, reason, _ = result.explanation.excluded[0]
    assert (count, "45,00 €/h" in reason) == (1, True)


def test_sold_vs_consumed_costs_the_same_way(facts):
    """Forfait F: hours-weighted cost (8 × 40 + 4 × 45) / 12 = 41,666… €/h; 2 h beyond the
    budget cost 83,33 €. The explanation names the default for Bob's line."""
    result = sold_vs_consumed(facts.timesheets, facts.projects, facts.employees, as_of=T)
    f = result.projects.row(0, named=True)
    assert round(f["cost_rate_cents"], 2) == 4166.67
    assert (f["overtime_h"], round(f["overtime_cost_cents"])) == (2.0, 8333)
    count, reason, _ = result.explanation.excluded[0]
    assert (count, "45,00 €/h" in reason) == (1, True)
