"""Reference tables edited on screen (employees, projects, support contracts) go through the
importer like any export: same checks, same sentences (rows numbered as on screen), a batch in
the history that can be undone.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
from sqlalchemy import Engine

from model.exports import export_frame
from model.facts import FACTS
from model.importing import ImportResult, import_batch
from model.imports.pipeline import read_frame
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
    rows = frame.select(fact.names).filter(~pl.all_horizontal(pl.all().is_null()))
    batch = read_frame(
        kind,
        rows,
        file_name=f"saisie-{fact.sheet.lower()}.csv",
        today=now.date(),
        future_days=settings.future_tolerance_days,
        earliest=settings.earliest_date,
    )

    def run(preview: bool) -> ImportResult:
        # Saving A, then B, then A again is a real change, not the same export twice.
        return import_batch(
            engine, batch, settings=settings, now=now, dry_run=preview, same_bytes_check=False
        )

    planned = run(preview=True)
    if planned.status != "preview" or dry_run:
        return planned
    if planned.added + planned.updated + planned.removed == 0:
        planned.message = "Aucune modification : rien n'a été enregistré."
        return planned
    return run(preview=False)
