"""What a page shows, as a formatted Excel workbook: euro and percent formats, frozen header,
column widths, text always stored as text (a client named `=HYPERLINK(…)` stays a name).
"""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from model.imports.template import append_text_safe
from model.roles import COST_COLUMNS

# `currency_cents`: an amount in the currency a column beside it names (no € sign).
Kind = Literal[
    "text",
    "date",
    "datetime",
    "cents",
    "rate_cents",
    "currency_cents",
    "pct",
    "hours",
    "days",
    "int",
    "ratio",
    "number",
]

FORMATS: dict[str, str] = {
    "date": "DD/MM/YYYY",
    "datetime": "DD/MM/YYYY HH:MM",
    "cents": '#,##0.00 "€"',
    "rate_cents": '#,##0.00 "€/h"',
    "currency_cents": "#,##0.00",
    "pct": "0.0 %",
    "hours": "#,##0.00",
    "days": "#,##0.0",
    "int": "#,##0",
    "ratio": "0.000",
    "number": "#,##0.00",
}
CENTS = ("cents", "rate_cents", "currency_cents")
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
SHEET_TITLE_MAX = 31
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    source: str  # the frame's column
    label: str  # the header people read
    kind: Kind = "text"


@dataclass(frozen=True)
class Sheet:
    title: str
    frame: pl.DataFrame
    columns: list[Column]

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", shown_columns(self.frame, self.columns))


def shown_columns(frame: pl.DataFrame, columns: list[Column]) -> list[Column]:
    """The columns to show, without the cost columns a role's view does not carry
    (model/views/access.py); any other missing column is a bug and fails loudly."""
    return [c for c in columns if c.source in frame.columns or c.source not in COST_COLUMNS]


def cell_value(value: object, kind: Kind) -> object:
    """Cents become euros, percents become fractions (Excel's percent format multiplies)."""
    if value is None:
        return None
    if kind in CENTS:
        return round(float(value) / 100, 2)
    if kind == "pct":
        return float(value) / 100
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def for_display(frame: pl.DataFrame, columns: list[Column]) -> pl.DataFrame:
    """The chosen columns under their labels, cents as euros, for a table on screen."""
    return frame.select(
        (pl.col(c.source) / 100).round(2).alias(c.label)
        if c.kind in CENTS
        else pl.col(c.source).alias(c.label)
        for c in shown_columns(frame, columns)
    )


def in_euros(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The same frame with these cent columns in euros, for a chart's axis."""
    return frame.with_columns((pl.col(name) / 100).round(2) for name in columns)


def workbook_bytes(sheets: list[Sheet], heading: list[str] | None = None) -> bytes:
    """The sheets as a workbook; `heading` (what the figures cover: period, as-of date,
    filters) is written above each sheet's table, so a sheet read alone still says it."""
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book, sheet, heading or [])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_title(title: str, taken: Collection[str] = ()) -> str:
    """Excel forbids []:*?/\\ in sheet titles and caps them at 31 characters: a longer title
    is cut between words, not inside one, and made unique among `taken`."""
    clean = " ".join("".join(c for c in title if c not in "[]:*?/\\").split()) or "Feuille"
    used = {name.lower() for name in taken}  # Excel's sheet names ignore case
    unique, number = _cut(clean, SHEET_TITLE_MAX), 2
    while unique.lower() in used:
        suffix = f" ({number})"
        unique, number = _cut(clean, SHEET_TITLE_MAX - len(suffix)) + suffix, number + 1
    return unique


def _cut(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut after a whole word when one fits."""
    if len(text) <= limit:
        return text
    words = text[: limit + 1].rsplit(" ", 1)[0]
    return words if len(words) <= limit else text[:limit]


def _write_sheet(book: Workbook, sheet: Sheet, heading: list[str]) -> None:
    out = book.create_sheet(sheet_title(sheet.title, set(book.sheetnames)))
    for line in heading:
        append_text_safe(out, [line])
    if heading:
        out.cell(row=1, column=1).font = Font(bold=True)
        out.append([])
    header_row = len(heading) + 2 if heading else 1  # the heading, a blank row, the table
    append_text_safe(out, [column.label for column in sheet.columns])
    for cell in out[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    widths = [len(column.label) for column in sheet.columns]
    for row in sheet.frame.select([c.source for c in sheet.columns]).iter_rows():
        values = [cell_value(v, c.kind) for v, c in zip(row, sheet.columns, strict=True)]
        append_text_safe(out, values)
        for index, value in enumerate(values):
            widths[index] = max(widths[index], _shown_length(value))
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        out.column_dimensions[letter].width = min(widths[index - 1] + 2, MAX_WIDTH)
        if column.kind in FORMATS:
            for (cell,) in out.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.number_format = FORMATS[column.kind]
    out.freeze_panes = f"A{header_row + 1}"
    if out.max_row > header_row:
        last = get_column_letter(max(len(sheet.columns), 1))
        out.auto_filter.ref = f"A{header_row}:{last}{out.max_row}"


def _shown_length(value: object) -> int:
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    return len(str(value)) if value is not None else 0
