"""Exports of the current facts: canonical English columns (FORMATS.md §1), 2-decimal euros."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from sqlalchemy import Engine

from model.facts import FACTS
from model.imports.template import append_text_safe, build_template
from model.roles import COST_COLUMNS
from model.store import read_facts, to_euros


def export_frame(engine: Engine, kind: str) -> pl.DataFrame:
    return to_euros(FACTS[kind], read_facts(engine, kind))


def write_export(engine: Engine, kind: str, path: Path, *, with_costs: bool = True) -> int:
    """The current facts of a kind as csv or xlsx; without hourly costs for a role that may not
    see them (model/roles.py)."""
    frame = export_frame(engine, kind)
    if not with_costs:
        frame = frame.drop(COST_COLUMNS, strict=False)
    if path.suffix.lower() == ".csv":
        path.write_bytes(csv_bytes(frame))
    else:
        path.write_bytes(xlsx_bytes(frame, sheet=FACTS[kind].sheet))
    return frame.height


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8, comma, ISO dates, dot decimals; text a spreadsheet would run is written `'…`.

    The importer strips that apostrophe again, as it does for Odoo's csv exports.
    """
    guarded = frame.with_columns(
        pl.when(pl.col(name).str.contains(r"^[=+\-@]"))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )
    return guarded.write_csv().encode("utf-8")


def xlsx_bytes(frame: pl.DataFrame, *, sheet: str) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    worksheet.append(frame.columns)
    worksheet.freeze_panes = "A2"
    for row in frame.iter_rows():
        append_text_safe(worksheet, [float(v) if isinstance(v, Decimal) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_bytes(engine: Engine | None) -> bytes:
    """The Pilotage template, empty, or filled with the current facts when an engine is given."""
    if engine is None:
        return build_template()
    frames = {
        kind: export_frame(engine, kind).with_columns(
            pl.col(c.name).cast(pl.Float64) for c in fact.columns if c.type == "money"
        )
        for kind, fact in FACTS.items()
    }
    return build_template(frames)
