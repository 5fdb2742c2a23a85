"""Facts and KPI settings read from the store for the KPI families, and settings saved."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from model import store
from model.kpi.frames import Facts
from model.kpi.settings import KpiSettings, kpi_settings, validate


def load_facts(engine: Engine) -> Facts:
    return Facts(**{kind: store.read_facts(engine, kind) for kind in Facts.__dataclass_fields__})


def load_settings(engine: Engine) -> KpiSettings:
    return kpi_settings(store.read_setting_values(engine))


def save_settings(engine: Engine, changes: dict[str, Any], *, now: datetime) -> KpiSettings:
    """Validate every change first (all or nothing), then store them."""
    checked = {key: json.dumps(validate(key, value)) for key, value in changes.items()}
    store.write_setting_values(engine, checked, now=now)
    return load_settings(engine)
