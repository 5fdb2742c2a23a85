"""The thin layer between the store and the pure KPI functions: facts and settings as frames."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Engine

from model import store
from model.kpi.settings import KpiSettings, kpi_settings, validate


@dataclass(frozen=True)
class Facts:
    """Every current fact of the store, canonical columns, money in integer cents."""

    timesheets: pl.DataFrame
    projects: pl.DataFrame
    employees: pl.DataFrame
    absences: pl.DataFrame
    invoices: pl.DataFrame
    payments: pl.DataFrame
    contracts: pl.DataFrame
    tickets: pl.DataFrame
    flows: pl.DataFrame
    bank_balances: pl.DataFrame
    revenue: pl.DataFrame


def load_facts(engine: Engine) -> Facts:
    return Facts(**{kind: store.read_facts(engine, kind) for kind in Facts.__dataclass_fields__})


def load_settings(engine: Engine) -> KpiSettings:
    return kpi_settings(store.read_setting_values(engine))


def save_settings(engine: Engine, changes: dict[str, Any], *, now: datetime) -> KpiSettings:
    """Validate every change first (all or nothing), then store them."""
    checked = {key: json.dumps(validate(key, value)) for key, value in changes.items()}
    store.write_setting_values(engine, checked, now=now)
    return load_settings(engine)
