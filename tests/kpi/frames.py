"""Small builders of canonical frames for the KPI worked examples."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import polars as pl
from sqlalchemy import Engine

from model import store
from model.batch import ROW, Batch
from model.facts import FACTS
from model.kpi.frames import Facts
from model.store import POLARS_TYPES
from model.views.loading import load_facts


def frame(kind: str, rows: list[dict]) -> pl.DataFrame:
    """Canonical columns of `kind` (money in cents, `*_cents`), missing values null."""
    fact = FACTS[kind]
    schema = {column.stored: POLARS_TYPES[column.type] for column in fact.columns}
    filled = [{name: row.get(name) for name in schema} for row in rows]
    return pl.DataFrame(filled, schema=schema, orient="row")


def line(day: date, employee: str, project: str, hours: float, billing: str, **extra: object):
    return {
        "date": day,
        "employee": employee,
        "project": project,
        "hours": hours,
        "billing": billing,
        **extra,
    }


def employee(name: str, team: str = "Dev", **extra: object) -> dict:
    return {
        "employee": name,
        "team": team,
        "weekly_hours": 35.0,
        "workdays": "mon,tue,wed,thu,fri",
        **extra,
    }


def through_store(engine: Engine, **frames: pl.DataFrame) -> Facts:
    """The frames (built by `frame`) written into the store as one import, and every fact read
    back: a worked example checked on SQLite and PostgreSQL alike."""
    facts = {}
    for kind, rows in frames.items():
        columns = FACTS[kind].columns
        canonical = rows.rename({c.stored: c.name for c in columns}).with_columns(
            pl.col(c.name).fill_null(c.default) for c in columns if c.default is not None
        )
        facts[kind] = canonical.with_row_index(ROW, offset=2).with_columns(
            pl.col(ROW).cast(pl.Int64)
        )
    batch = Batch(
        file_name="cas.xlsx", sha256=uuid.uuid4().hex, size=0, source="template",
        source_label="cas", rows_read=sum(f.height for f in facts.values()), facts=facts,
    )  # fmt: skip
    store.write_import(engine, batch, user="test", now=datetime(2025, 4, 1, 9))
    return load_facts(engine)
