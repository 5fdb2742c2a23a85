"""What the app and the CLI do to a store besides importing (`model/importing.py`): count and
list imports, undo one, read and change the KPI settings, keep a cash forecast and set it
against what happened.

Pages and commands call these, never the store: a refusal comes back as `Refused`, whose
message is the French sentence to show.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import Engine

from model import audit, history, roles, store
from model.db import DatabaseError
from model.tables import ImportBatch

if TYPE_CHECKING:  # the KPI modules are imported where used: `python -m model batches` starts
    # without them (issue 16 B2)
    from model.kpi.cash import CashForecast
    from model.kpi.frames import Facts
    from model.kpi.settings import KpiSettings


class Refused(Exception):
    """The store refused the operation (another writer, an unknown or already undone import);
    the message is for the user."""


def undo_import(
    engine: Engine,
    batch_id: int,
    *,
    now: datetime,
    user: str,
    role: str | None,
    on_wait: Callable[[], None] | None = None,
) -> ImportBatch:
    """The store as if that import had never happened (`store.undo_batch`), signed by `user`,
    if `role` may undo (model/roles.py)."""
    try:
        roles.check(role, "undo")
        return store.undo_batch(engine, batch_id, now=now, user=user, on_wait=on_wait)
    except (store.StoreError, DatabaseError, roles.Forbidden) as refusal:
        raise Refused(str(refusal)) from refusal


def fact_counts(engine: Engine) -> dict[str, int]:
    """Current rows of each fact."""
    return store.count_facts(engine)


def import_history(engine: Engine) -> pl.DataFrame:
    """Every import, newest first, with its counts, author and state."""
    return history.list_batches(engine)


def setting_values(engine: Engine) -> dict[str, Any]:
    """Every KPI setting by key, stored or default, as the forms and `settings --json` show."""
    from model.kpi.settings import current_values

    return current_values(store.read_setting_values(engine))


def save_settings(
    engine: Engine, changes: dict[str, Any], *, now: datetime, user: str, role: str | None
) -> KpiSettings:
    """Validate every change first (all or nothing: SettingError), then store them, signed,
    if `role` may (roles.Forbidden otherwise)."""
    from model.kpi.settings import validate
    from model.views.loading import load_settings

    roles.check(role, "settings")
    checked = {key: json.dumps(validate(key, value)) for key, value in changes.items()}
    store.write_setting_values(engine, checked, now=now, user=user)
    return load_settings(engine)


def keep_cash_forecast(
    engine: Engine,
    forecast: CashForecast,
    *,
    as_of: date,
    scenario: str,
    user: str,
    now: datetime,
    role: str | None,
) -> int:
    """Keep a forecast's weekly buckets, to set them later against what really happened."""
    roles.check(role, "forecasts")
    return store.save_cash_forecast(
        engine, as_of=as_of, scenario=scenario, opening_cents=forecast.opening_cents,
        weeks=forecast.weeks, user=user, now=now,
    )  # fmt: skip


def audit_trail(engine: Engine, *, limit: int = 500) -> pl.DataFrame:
    """Who changed what and when, the latest first (model/audit.py)."""
    return audit.events(engine, limit=limit)


def kept_cash_forecasts(engine: Engine) -> pl.DataFrame:
    return store.list_cash_forecasts(engine)


def kept_forecast_vs_actual(
    engine: Engine, forecast_id: int, facts: Facts, *, as_of: date
) -> pl.DataFrame:
    weeks = store.read_cash_forecast_weeks(engine, forecast_id)
    from model.kpi.cash import forecast_vs_actual

    return forecast_vs_actual(weeks, facts.payments, facts.bank_balances, as_of=as_of)
