"""Small builders of canonical frames for the KPI worked examples."""

from __future__ import annotations

from datetime import date

import polars as pl

from model.facts import FACTS
from model.store import POLARS_TYPES


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
