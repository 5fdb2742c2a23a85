"""Issue 12 §10: an explanation names every setting that changes its figures.

On the demo company, each setting in turn takes another value; every KPI of `kpi --json` whose
figures move must list that setting (by its catalogue name) in its explanation.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from model.db import get_engine, init_db
from model.demo import load_demo
from model.kpi.frames import Facts
from model.kpi.settings import defaults, kpi_settings
from model.texts import LABELS
from model.views.loading import load_facts
from model.views.report import kpi_json
from tests.support import SETTINGS

TODAY = date(2026, 11, 23)
START = date(2025, 12, 1)
KPIS = ("charge-rate", "sold-vs-consumed", "support", "receivables", "dso", "invoicing-delay",
        "margin", "leakage", "cash-forecast")  # fmt: skip
# Another value for the settings that are not a number or a yes/no.
OTHER = {
    "receivables.limits": [15, 45, 90],
    "receivables.penalty_rates": [["2024-07-01", 10.0]],
    "receivables.basis": "invoice_date",
    "cash.vat_mode": "debits",
    "cash.invoicing": "weekly",
    "cash.opening_date": "2026-11-20",
    "cash.payroll_category": "loyer",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Facts:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('explained')) / 'demo.db'}"
    engine = get_engine(url)
    init_db(engine)
    load_demo(engine, SETTINGS, seed=7, as_of=TODAY, now=datetime(2026, 11, 23, 9))
    facts = load_facts(engine)
    engine.dispose()
    get_engine.cache_clear()
    return facts


def other_value(key: str, value: Any) -> Any:
    if key in OTHER:
        return OTHER[key]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return type(value)(value * 1.5 + 1)
    raise AssertionError(f"give {key} another value in OTHER")


def figures(result: dict) -> dict:
    return {name: value for name, value in result.items() if name != "explanation"}


def test_every_setting_that_moves_a_figure_is_in_its_explanation(demo: Facts):
    def run(name: str, settings) -> dict:
        return kpi_json(name, demo, settings, as_of=TODAY, start=START, end=TODAY)

    base = {name: run(name, kpi_settings({})) for name in KPIS}
    unnamed, moved = [], 0
    for key, value in defaults().items():
        changed = kpi_settings({key: json.dumps(other_value(key, value))})
        for name in KPIS:
            result = run(name, changed)
            if figures(result) == figures(base[name]):
                continue
            moved += 1
            entry = "explain." + key.partition(".")[2]
            french = LABELS.get(entry, (None,))[0]
            if french not in result["explanation"]["settings"]:
                unnamed.append((key, name))
    assert moved >= 20, "the check must see settings move figures"
    assert unnamed == []
