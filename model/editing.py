"""Reference tables edited on screen (employees, projects, support contracts) go through the
importer like any export: same checks, same sentences, a batch in the history that can be undone.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
from sqlalchemy import Engine

from model.exports import csv_bytes, export_frame
from model.facts import FACTS
from model.importing import ImportResult, import_file
from model.settings import Settings

EDITABLE = ("employees", "projects", "contracts", "flows")


def editable_frame(engine: Engine, kind: str) -> pl.DataFrame:
    """The current rows with the canonical column names, money in euros (floats: the editor
    has no decimal type), ready to edit."""
    frame = export_frame(engine, kind)
    return frame.with_columns(pl.col(pl.Decimal).cast(pl.Float64))


def save_table(
    engine: Engine,
    kind: str,
    frame: pl.DataFrame,
    *,
    settings: Settings,
    now: datetime,
    dry_run: bool = False,
) -> ImportResult:
    """Check and store an edited table; rows are matched on their key (name), so an edit
    updates the row and a new name adds one. Blank rows added by the editor are dropped. A
    table saved unchanged writes nothing (no empty batch in the history): the preview is
    returned with a sentence saying so."""
    if kind not in EDITABLE:
        raise ValueError(f"{kind} is not editable on screen")
    fact = FACTS[kind]
    # French headers, so that a refusal names the column as the screen shows it.
    headers = {column.name: column.header for column in fact.columns}
    rows = (
        frame.select(list(headers)).filter(~pl.all_horizontal(pl.all().is_null())).rename(headers)
    )
    data, file_name = csv_bytes(rows), f"saisie-{fact.sheet.lower()}.csv"

    def run(preview: bool) -> ImportResult:
        result = import_file(
            engine, data, file_name, settings=settings, now=now, kind=kind, dry_run=preview,
            same_bytes_check=False,
        )  # fmt: skip
        _number_rows_as_on_screen(result)
        return result

    planned = run(preview=True)
    if planned.status != "preview" or dry_run:
        return planned
    if planned.added + planned.updated + planned.removed == 0:
        planned.message = "Aucune modification : rien n'a été enregistré."
        return planned
    return run(preview=False)


def _number_rows_as_on_screen(result: ImportResult) -> None:
    """The csv has a header line; the table on screen numbers its rows from 1."""
    for error in result.errors:
        if isinstance(error.get("row"), int):
            file_row = error["row"]
            error["row"] = file_row - 1
            error["message"] = error["message"].replace(
                f"Ligne {file_row},", f"Ligne {file_row - 1},", 1
            )
