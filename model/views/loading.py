"""Facts and KPI settings read from the store for the KPI families."""

from __future__ import annotations

from sqlalchemy import Engine

from model import store
from model.kpi.frames import Facts
from model.kpi.settings import KpiSettings, kpi_settings


def load_facts(engine: Engine) -> Facts:
    return Facts(**{kind: store.read_facts(engine, kind) for kind in Facts.__dataclass_fields__})


def load_settings(engine: Engine) -> KpiSettings:
    return kpi_settings(store.read_setting_values(engine))
