"""Validated time (issue 13 §3): of the hours logged, those validated (Odoo's timesheet
validation, Kimai's exported flag, the template's « Validé ») and those still waiting, per
person and month — what a month end still waits for before it can be invoiced.

A line whose source says nothing about validation is neither: it is counted apart as "unknown",
so that a file without the flag never shows as all waiting.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from model.kpi.common import pct

SCHEMA_KEYS = ("validated_h", "waiting_h", "unknown_h")


def validation(
    lines: pl.DataFrame, *, start: date, end: date, by: tuple[str, ...] = ("employee", "month")
) -> pl.DataFrame:
    """Hours validated, waiting and unknown over [start, end], grouped by `by` (`month` is the
    first day of the line's month), with the validated share of the known ones."""
    period = lines.filter(pl.col("date").is_between(start, end)).with_columns(
        pl.col("date").dt.truncate("1mo").alias("month")
    )
    flag = pl.col("validated")
    return (
        period.group_by(list(by))
        .agg(
            pl.col("hours").filter(flag.eq(True)).sum().alias("validated_h"),
            pl.col("hours").filter(flag.eq(False)).sum().alias("waiting_h"),
            pl.col("hours").filter(flag.is_null()).sum().alias("unknown_h"),
        )
        .with_columns(
            pct(pl.col("validated_h"), pl.col("validated_h") + pl.col("waiting_h")).alias(
                "validated_pct"
            )
        )
        .sort(list(by))
    )


def waiting_at_all(table: pl.DataFrame) -> bool:
    """Whether any hour is still waiting for validation (the page shows the table then)."""
    return table.height > 0 and table["waiting_h"].sum() > 0
