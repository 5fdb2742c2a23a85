"""What a reader hands to the store: one file's facts, rejected rows and notes.

The only shape that crosses from `model/imports` (which makes it) to `model/store` (which plans
and writes it): neither side imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

ROW = "_row"  # the line of a fact in its file, as the spreadsheet numbers it
BATCH_ERRORS = {
    "sheet": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "message": pl.String,
}


@dataclass(frozen=True)
class Batch:
    """One file read: a canonical frame per fact (money in integer cents, `_row` its line),
    every problem with its sheet, row, column, value and sentence, and notes for the user."""

    file_name: str
    sha256: str  # what tells the same export imported twice (with the sheet, when one was read)
    size: int
    source: str  # e.g. "odoo", "fec", "template"; "mixed" when sheets differ
    source_label: str  # e.g. "Odoo (français) : Temps"
    rows_read: int
    facts: dict[str, pl.DataFrame]
    errors: pl.DataFrame = field(default_factory=lambda: Batch.no_errors())
    notes: list[str] = field(default_factory=list)
    origin: str = "file"  # "file", or "screen" for a table edited in Paramètres (the audit says)

    @staticmethod
    def no_errors() -> pl.DataFrame:
        return pl.DataFrame(schema=BATCH_ERRORS)

    @property
    def kinds(self) -> list[str]:
        return list(self.facts)

    def valid(self, kind: str) -> pl.DataFrame:
        return self.facts.get(kind, pl.DataFrame())

    @property
    def rejected_rows(self) -> int:
        """Rows with at least one problem (a row can have several)."""
        return self.errors.select("sheet", "row").n_unique() if self.errors.height else 0

    @property
    def has_valid_rows(self) -> bool:
        return any(frame.height for frame in self.facts.values())
