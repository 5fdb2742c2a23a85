"""Reference tables edited on screen (employees, projects, support contracts) go through the
importer like any export: same checks, same sentences (rows numbered as on screen), a batch in
the history that can be undone.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
from sqlalchemy import Engine

from model import roles
from model.exports import export_frame
from model.facts import FACTS
from model.importing import ImportResult, import_batch
from model.imports.pipeline import read_frame
from model.kpi.assumed import assumed_employees, assumed_projects, in_columns_of
from model.settings import Settings
from model.store import read_facts

EDITABLE = ("employees", "projects", "contracts", "flows")


ASSUMED = {"employees": assumed_employees, "projects": assumed_projects}


def editable_frame(engine: Engine, kind: str) -> pl.DataFrame:
    """The current rows with the canonical column names, money in euros (floats: the editor
    has no decimal type), ready to edit. Employees and projects end with the rows the
    timesheets imply but the list lacks, marked `assumed`: unticked, a save confirms them."""
    frame = export_frame(engine, kind).with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    if kind not in ASSUMED:
        return frame
    implied = ASSUMED[kind](read_facts(engine, kind), read_facts(engine, "timesheets"))
    if kind == "projects":  # a project its sale order lines describe is not an assumption
        sold = read_facts(engine, "sale_lines").select("project").unique()
        implied = implied.join(sold, on="project", how="anti")
    canonical = implied.rename({c.stored: c.name for c in FACTS[kind].columns})
    rows = in_columns_of(canonical, frame)
    return pl.concat(
        [frame.with_columns(pl.lit(False).alias("assumed")),
         rows.with_columns(pl.lit(True).alias("assumed"))]
    )  # fmt: skip


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
    roles.check(settings.role, "tables")
    fact = FACTS[kind]
    if "assumed" in frame.columns:  # rows still ticked as assumed stay assumptions
        frame = frame.filter(~pl.col("assumed").fill_null(False))
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
