"""`python -m model kpi NAME --json` on the demo company: the required shapes, on SQLite and
PostgreSQL, and figures that agree with the KPI functions."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from model.__main__ import main
from model.demo import load_demo
from model.kpi.settings import SettingError
from model.services import save_settings
from model.views.loading import load_facts, load_settings
from tests.support import SETTINGS

AS_OF = "2026-11-23"
SHAPES = {
    "charge-rate": {"from", "to", "employees", "teams", "company"},
    "sold-vs-consumed": {"as_of", "projects"},
    "support": {"from", "to", "contracts", "total"},
    "receivables": {"as_of", "basis", "buckets", "clients", "total", "overdue_pct"},
    "dso": {
        "as_of",
        "countback",
        "simple",
        "average",
        "best_possible",
        "average_days_late",
        "clients",
    },
    "invoicing-delay": {"as_of", "mean_days", "median_days", "p90_days"},
    "margin": {"as_of", "projects"},
    "cash-forecast": {"as_of", "opening", "scenario", "weeks", "months", "lowest", "clients"},
    "leakage": {
        "from",
        "to",
        "untracked_h",
        "unqualified_h",
        "unmanaged_included_h",
        "unbilled_support_h",
        "total_h",
        "pct",
        "eur",
    },
}
ROW_SHAPES = {
    ("charge-rate", "employees"): {
        "employee",
        "team",
        "capacity_h",
        "available_h",
        "worked_h",
        "billable_h",
        "productive_h",
        "tace_pct",
        "charge_pct",
        "occupation_pct",
        "billable_ratio_pct",
    },
    ("sold-vs-consumed", "projects"): {
        "project",
        "client",
        "sold_h",
        "consumed_h",
        "pct_consumed",
        "remaining_h",
        "progress_pct",
        "cpi",
        "eac_h",
        "forecast_overrun_h",
        "status",
    },
    ("support", "contracts"): {
        "contract",
        "client",
        "included_h",
        "billed_h",
        "non_billable_h",
        "unqualified_h",
        "quota_h",
        "excess_h",
        "unbilled_pct",
        "effective_rate",
    },
    ("receivables", "clients"): {
        "client",
        "not_due",
        "1-30",
        "31-60",
        "61-90",
        "90+",
        "unallocated",
        "total",
    },
    ("dso", "clients"): {"client", "countback", "simple"},
    ("cash-forecast", "weeks"): {"start", "inflows", "outflows", "closing"},
    ("cash-forecast", "months"): {"month", "inflows", "outflows", "closing"},
    ("cash-forecast", "clients"): {"client", "delay_days", "invoices_used"},
}


@pytest.fixture
def demo_db(engine: Engine, db_url: str, tmp_path: Path) -> str:
    results = load_demo(
        engine,
        SETTINGS,
        seed=7,
        as_of=date(2026, 11, 23),
        now=datetime(2026, 11, 23, 9),
        out_dir=tmp_path,
    )
    assert all(r.status == "imported" for r in results)
    return db_url


def run_kpi(db_url: str, name: str, capsys: pytest.CaptureFixture, *extra: str) -> dict:
    assert main(["kpi", name, "--as-of", AS_OF, "--db", db_url, "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_every_kpi_has_its_shape(demo_db: str, capsys: pytest.CaptureFixture):
    for name, keys in SHAPES.items():
        result = run_kpi(demo_db, name, capsys)
        assert keys <= set(result), name
        for (kpi, rows), row_keys in ROW_SHAPES.items():
            if kpi == name:
                assert result[rows], (name, rows)
                assert row_keys <= set(result[rows][0]), (name, rows)


def test_figures_are_the_demo_story(demo_db: str, capsys: pytest.CaptureFixture):
    projects = run_kpi(demo_db, "sold-vs-consumed", capsys)["projects"]
    statuses = {p["project"]: p["status"] for p in projects}
    assert statuses["Portail client"] == statuses["Site citoyen"] == "unrecoverable"
    support = {c["contract"]: c for c in run_kpi(demo_db, "support", capsys)["contracts"]}
    assert support["SUP-CSR"]["unbilled_pct"] > 20  # the clinic's support is given away
    receivables = run_kpi(demo_db, "receivables", capsys)
    buckets = receivables["buckets"]
    for row in receivables["clients"]:
        assert round(sum(row[b] for b in buckets) + row["unallocated"], 2) == row["total"]
    leak = run_kpi(demo_db, "leakage", capsys, "--from", "2026-01-01", "--to", "2026-10-31")
    parts = ("untracked_h", "unqualified_h", "unmanaged_included_h", "unbilled_support_h")
    assert round(sum(leak[p] for p in parts), 2) == leak["total_h"] > 0


def test_cash_forecast_of_the_demo(demo_db: str, capsys: pytest.CaptureFixture):
    """The demo's bank balance is the FEC's: opening entry, receipts and recurring payments."""
    base = run_kpi(demo_db, "cash-forecast", capsys)
    assert (len(base["weeks"]), len(base["months"])) == (13, 6)
    assert base["weeks"][0]["start"] == "2026-11-23"  # the ISO week of T + 1
    assert base["opening_source"] == "comptes 512 du FEC au 22/11/2026"
    first = base["months"][0]
    assert round(base["opening"] + first["inflows"] - first["outflows"], 2) == first["closing"]
    assert base["lowest"]["balance"] <= min(m["closing"] for m in base["months"])
    delays = {c["client"]: c["delay_days"] for c in base["clients"]}
    assert delays["Groupe Hôtelier Azur"] > 30  # the demo's slow payer
    worse = run_kpi(demo_db, "cash-forecast", capsys, "--scenario", "pessimistic", "--months",
                    "12", "--weeks", "4")  # fmt: skip
    assert (len(worse["weeks"]), len(worse["months"])) == (4, 12)
    assert worse["months"][5]["closing"] < base["months"][5]["closing"]


def test_settings_change_the_figures(demo_db: str, engine: Engine, capsys: pytest.CaptureFixture):
    before = run_kpi(demo_db, "receivables", capsys)
    save_settings(
        engine, {"receivables.limits": [45, 90]}, now=datetime(2026, 11, 23), user="test", role=None
    )
    after = run_kpi(demo_db, "receivables", capsys)
    assert after["buckets"] == ["not_due", "1-45", "46-90", "90+"]
    assert after["total"]["total"] == before["total"]["total"]
    assert load_settings(engine).receivables.limits == (45, 90)
    with pytest.raises(SettingError, match="n'est pas une valeur valable"):
        save_settings(
            engine,
            {"receivables.limits": [90, 30]},
            now=datetime(2026, 11, 23),
            user="test",
            role=None,
        )
    with pytest.raises(SettingError, match="Paramètre inconnu"):
        save_settings(
            engine, {"receivables.color": "red"}, now=datetime(2026, 11, 23), user="test", role=None
        )


def test_the_store_loader_gives_every_fact(demo_db: str, engine: Engine):
    facts = load_facts(engine)
    assert facts.timesheets.height > 5000 and facts.invoices.height > 100


def test_the_overview_shares_its_inputs_and_agrees_with_each_kpi(
    demo_db: str, engine: Engine, capsys: pytest.CaptureFixture
):
    from model.views.overview import overview

    facts, settings = load_facts(engine), load_settings(engine)
    start, end = date(2025, 12, 1), date(2026, 11, 23)
    result = overview(facts, settings, as_of=end, start=start, end=end)
    leak = run_kpi(demo_db, "leakage", capsys)
    assert round(result.leakage.total_h, 2) == leak["total_h"]
    assert (
        round(result.charge.company["tace_pct"].item(), 2)
        == (run_kpi(demo_db, "charge-rate", capsys)["company"]["tace_pct"])
    )
