"""The demo company: deterministic, loaded through the importers, and carrying its leaks."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from model.demo import load_demo, write_demo_files
from model.store import count_facts, read_facts
from tests.support import SETTINGS

AS_OF = date(2026, 11, 23)


@pytest.fixture
def demo(engine: Engine, tmp_path: Path) -> Engine:
    results = load_demo(
        engine, SETTINGS, seed=7, as_of=AS_OF, now=datetime(2026, 11, 23, 8), out_dir=tmp_path
    )
    assert [r.status for r in results] == ["imported"] * 5, [r.message for r in results]
    assert results[2].source == "kimai"  # the Data team's last week, not yet in Odoo
    assert all(r.rejected == 0 for r in results)
    # The FEC agrees with the Odoo invoice export: it only adds the lettered bank receipts.
    fec = results[-1]
    assert (fec.source, fec.updated, fec.unchanged) == ("fec", 0, 135)
    counts = count_facts(engine)
    assert counts["payments"] > 100 and counts["revenue"] >= 18 and counts["bank_balances"] > 100
    assert fec.added == counts["payments"] + counts["bank_balances"] + counts["revenue"]
    return engine


def _digest(paths: list[Path]) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_same_seed_same_company(tmp_path: Path):
    first = write_demo_files(tmp_path / "a", seed=7, as_of=AS_OF)
    second = write_demo_files(tmp_path / "b", seed=7, as_of=AS_OF)
    other = write_demo_files(tmp_path / "c", seed=8, as_of=AS_OF)
    frames = [pl.read_excel(p[1]) for p in (first, second, other)]
    assert frames[0].equals(frames[1])
    assert not frames[0].equals(frames[2])


def test_demo_company_shape(demo: Engine):
    counts = count_facts(demo)
    assert all(counts[kind] > 0 for kind in counts), counts
    employees = read_facts(demo, "employees")
    assert employees.height == 15
    assert employees["team"].n_unique() == 3
    modes = set(read_facts(demo, "projects")["billing_mode"])
    assert {"time_and_materials", "fixed_price", "support", "internal"} <= modes
    lines = read_facts(demo, "timesheets")
    assert lines["date"].min() >= date(2025, 5, 1)
    assert lines["date"].max() <= AS_OF
    assert set(read_facts(demo, "absences")["kind"]) == {"paid_leave", "rtt", "sick"}


def test_demo_carries_the_leaks(demo: Engine):
    lines = read_facts(demo, "timesheets")
    projects = read_facts(demo, "projects")
    consumed = (
        lines.group_by("project")
        .agg(pl.col("hours").sum())
        .join(projects, on="project")
        .filter(pl.col("billing_mode") == "fixed_price")
        .select("project", (100 * pl.col("hours") / pl.col("sold_hours")).alias("pct"))
    )
    assert consumed.filter(pl.col("pct") > 110).height == 2  # past recovery
    # Support given away: the clinic's included hours run past its monthly quota.
    clinic = (
        lines.filter((pl.col("project") == "Support SIH") & (pl.col("billing") == "included"))
        .group_by(pl.col("date").dt.truncate("1mo"))
        .agg(pl.col("hours").sum())
    )
    assert clinic["hours"].median() > 30
    assert lines.filter(pl.col("billing") == "unqualified").height > 0
    # Untracked days: one consultant logs far fewer days than the others.
    days = lines.group_by("employee").agg(pl.col("date").n_unique())
    assert (
        days.filter(pl.col("employee") == "Julien Petit")["date"].item()
        < days["date"].median() * 0.9
    )
    # Two slow payers: paid on average more than 30 days after the due date.
    invoices = read_facts(demo, "invoices")
    delays = (
        read_facts(demo, "payments")
        .join(invoices, left_on="invoice_number", right_on="number", suffix="_inv")
        .group_by("client")
        .agg((pl.col("date") - pl.col("due_date")).dt.total_days().mean().alias("late"))
    )
    assert set(delays.filter(pl.col("late") > 30)["client"]) == {
        "Mairie de Villeneuve",
        "Groupe Hôtelier Azur",
    }
    # Invoices issued weeks after the work on the data platform.
    platform = lines.filter(
        (pl.col("project") == "Plateforme data") & pl.col("invoice_number").is_not_null()
    ).join(invoices, left_on="invoice_number", right_on="number")
    delay = (platform["invoice_date"] - platform["date"]).dt.total_days().mean()
    assert delay > 30


@pytest.mark.parametrize("scenario", ["base", "pessimistic", "optimistic"])
def test_the_cash_confidence_band_encloses_the_scenario_drawn(demo: Engine, scenario: str):
    """Issue 16 A6: the band (client delays ± their spread) strayed off the base line."""
    from model.kpi.cash import Levers
    from model.kpi.scope import scope_from
    from model.views.dashboard import cash_view
    from model.views.loading import load_facts, load_settings

    scope = scope_from("last_12_months", as_of=AS_OF)
    view = cash_view(load_facts(demo), load_settings(demo), scope, scenario=scenario,
                     levers=Levers())  # fmt: skip
    drawn = view.forecast.weeks.select("start", "closing_cents").join(view.band, on="start")
    assert drawn.height == view.forecast.weeks.height > 0
    outside = drawn.filter(
        (pl.col("closing_cents") < pl.col("low_cents"))
        | (pl.col("closing_cents") > pl.col("high_cents"))
    )
    assert outside.is_empty(), outside
