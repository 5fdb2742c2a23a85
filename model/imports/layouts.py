"""A layout is how one source writes one fact: header aliases, value aliases, a few converters.

`find_table` locates a layout's header row in a raw sheet (a title may sit above it), keeps the
data rows below it and sets aside blank rows, Odoo group rows (`"    Name (12)"`) and totals
rows (`Total`, Kimai's `=SUBTOTAL`), which are never imported as data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import polars as pl

from model.facts import FACTS, Fact
from model.imports.parse import fold_text
from model.imports.reader import ROW, RawSheet

HEADER_SEARCH_ROWS = 30
TECHNICAL = "technique"  # the variant of headers written as technical field names
SUMMARY_LABEL = r"(?i)^\s*(total|totaux|sous-total|sous total|subtotal|somme|sum)\b"


@dataclass(frozen=True)
class Layout:
    """One source's way of writing one fact."""

    source: str  # family, e.g. "odoo" (the scope of keyless timesheet replacement)
    kind: str  # fact kind, key of model.facts.FACTS
    # layout column -> {variant: header or headers}; variants tell the language or flavour.
    headers: dict[str, dict[str, str | tuple[str, ...]]]
    required: tuple[str, ...]  # layout columns that must all be found
    # Groups of layout columns of which at least one must be found (e.g. signed or plain total).
    required_any: tuple[tuple[str, ...], ...] = ()
    # Extra spellings accepted for enum values: canonical column -> {label: code}.
    value_aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: tuple[str, ...] | None = None
    date_hint: str | None = None  # the date format named in error messages, e.g. MM/JJ/AAAA
    # Text-level conversion from layout columns to canonical columns (renaming is automatic).
    convert: Callable[[pl.DataFrame], pl.DataFrame] | None = None
    # canonical column -> layout columns it is derived from (for error messages)
    derived_from: dict[str, tuple[str, ...]] = field(default_factory=dict)
    label: str = ""  # the source, e.g. "Odoo" or "Modèle Pilotage"
    # Records that are not facts (a leave still to approve): the reason, or null to keep the row.
    set_aside: Callable[[pl.DataFrame], pl.Expr] | None = None
    # Records refused before conversion (a leave of three centuries would be spread day by
    # day): (mask, layout column, what is wrong) each, reported with the cell as written.
    refuse: Callable[[pl.DataFrame], list[tuple[pl.Expr, str, str]]] | None = None

    @property
    def fact(self) -> Fact:
        return FACTS[self.kind]

    @cached_property
    def folded_aliases(self) -> dict[str, tuple[str, str]]:
        """folded header -> (layout column, variant); folded once (a file is matched against
        every layout on each of its first rows)."""
        aliases: dict[str, tuple[str, str]] = {}
        for column, spellings in self.headers.items():
            for variant, headers in spellings.items():
                for header in (headers,) if isinstance(headers, str) else headers:
                    aliases.setdefault(fold_text(header), (column, variant))
        return aliases


@dataclass
class Table:
    """A layout found in a sheet: the data rows with layout column names, and what was set aside."""

    layout: Layout
    sheet: str
    header_row: int
    variant: str
    frame: pl.DataFrame  # layout columns (text, or typed by a reader such as the FEC) + `_row`
    file_headers: dict[str, str]  # layout column -> header as written in the file
    skipped: list[tuple[int, str]]  # (row, reason) for group and totals rows
    unknown_headers: list[str]


def file_column(frame: pl.DataFrame, *names: str) -> pl.Expr:
    """The first of `names` the file has (coalesced when several), else an empty text column:
    what a layout's converter reads when a source may leave a column out."""
    present = [pl.col(n) for n in names if n in frame.columns]
    return pl.coalesce(present) if present else pl.lit(None, pl.String)


@lru_cache(maxsize=4096)  # the first rows' cells, folded once for every layout tried on them
def fold_header(cell: str) -> str:
    """Headers compare folded, without the template's trailing `*` (required column)."""
    return fold_text(cell.rstrip(" *"))


def header_match(cells: list[str | None], layout: Layout) -> tuple[dict[str, int], str] | None:
    """Layout column -> cell index when every required column is there, with the variant."""
    aliases = layout.folded_aliases
    known_variants = {v for spellings in layout.headers.values() for v in spellings}
    found: dict[str, int] = {}
    variants: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if cell is None:
            continue
        match = aliases.get(fold_header(cell))
        if match and match[0] not in found:
            found[match[0]] = index
            # `hourly_cost` folds like "Hourly Cost": the underscore says a technical name.
            variant = TECHNICAL if "_" in str(cell) and TECHNICAL in known_variants else match[1]
            variants[variant] = variants.get(variant, 0) + 1
    if not all(column in found for column in layout.required):
        return None
    if not all(any(column in found for column in group) for group in layout.required_any):
        return None
    return found, max(variants, key=lambda v: variants[v])


def find_table(sheet: RawSheet, layout: Layout) -> Table | None:
    """The best header row for `layout` in the first rows of the sheet, and its data rows."""
    head = sheet.grid.head(HEADER_SEARCH_ROWS)
    cells_columns = [c for c in sheet.grid.columns if c != ROW]
    best: tuple[int, dict[str, int], str] | None = None
    for position, row in enumerate(head.select(cells_columns).rows()):
        match = header_match(list(row), layout)
        if match and (best is None or len(match[0]) > len(best[1])):
            best = (position, *match)
    if best is None:
        return None
    position, found, variant = best
    header_cells = list(head.select(cells_columns).row(position))
    data = sheet.grid.slice(position + 1)
    data, skipped = _drop_non_records(data, cells_columns, layout, found)
    frame = data.select(
        pl.col(ROW), *[pl.col(cells_columns[i]).alias(column) for column, i in found.items()]
    )
    if layout.set_aside is not None:
        frame, kept_aside = _set_aside(frame, layout.set_aside)
        skipped = sorted([*skipped, *kept_aside])
    used = set(found.values())
    unknown = [c for i, c in enumerate(header_cells) if c is not None and i not in used]
    return Table(
        layout=layout,
        sheet=sheet.name,
        header_row=int(head[ROW][position]),
        variant=variant,
        frame=frame,
        file_headers={column: str(header_cells[i]) for column, i in found.items()},
        skipped=skipped,
        unknown_headers=unknown,
    )


def _set_aside(
    frame: pl.DataFrame, reason: Callable[[pl.DataFrame], pl.Expr]
) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    with_reason = frame.with_columns(reason(frame).alias("_aside"))
    aside = with_reason.filter(pl.col("_aside").is_not_null()).select(ROW, "_aside").rows()
    return with_reason.filter(pl.col("_aside").is_null()).drop("_aside"), aside


def _drop_non_records(
    data: pl.DataFrame, cells: list[str], layout: Layout, found: dict[str, int]
) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """Remove blank rows, group rows and totals rows; return what was set aside, with reasons."""
    any_value = pl.any_horizontal([pl.col(c).is_not_null() for c in cells])
    first_value = pl.coalesce([pl.col(c) for c in cells])
    group_label = first_value.str.contains(r"^.+\s\(\d+\)$")
    # "Total" (or a formula) followed by numbers only: a project named "Total Energies" with
    # text in its other cells stays a record.
    labelled_total = first_value.str.contains(SUMMARY_LABEL) | first_value.str.contains(
        r"^\x{e000}?="
    )
    text_keys = [
        cells[found[c]] for c in layout.required if c in found and not _is_numeric(layout, c)
    ]
    keys_empty = pl.all_horizontal([pl.col(c).is_null() for c in text_keys] or [pl.lit(False)])
    # A row without its keys that carries hours or an amount is data with a mistake, reported
    # with its line; only rows labelled as totals (or a formula) are set aside as totals.
    numbers = [cells[i] for c, i in found.items() if _is_numeric(layout, c)]
    carries_numbers = pl.any_horizontal(
        [pl.col(c).is_not_null() for c in numbers] or [pl.lit(False)]
    )
    empty_record = keys_empty & ~carries_numbers
    # The rows that may not be records, found by their first cell and keys; only those have
    # every cell checked for numbers (300k rows × 11 cells: 0.15 s for all of them).
    candidates = data.filter(any_value & (group_label | labelled_total | empty_record))
    only_numbers = _only_numbers_besides_first(cells)
    skipped = candidates.select(
        ROW,
        pl.when(group_label & only_numbers)
        .then(pl.lit("ligne de regroupement"))
        .when(labelled_total & only_numbers)
        .then(pl.lit("ligne de total"))
        .when(empty_record)
        .then(pl.lit("ligne sans clé, ni heures, ni montant"))
        .otherwise(None)
        .alias("_skip"),
    ).filter(pl.col("_skip").is_not_null())
    blank_rows = data.height - data.select(any_value.sum()).item()
    if skipped.height == 0 and blank_rows == 0:
        return data, []  # nothing set aside: the rows themselves, not a copy of them
    kept = data.filter(any_value & ~pl.col(ROW).is_in(skipped[ROW].implode()))
    return kept, list(zip(skipped[ROW].to_list(), skipped["_skip"].to_list(), strict=True))


def _only_numbers_besides_first(cells: list[str]) -> pl.Expr:
    """Every cell after the first empty or a number (a formula counts: a totals row's sums may
    be saved without their value)."""
    if len(cells) <= 1:
        return pl.lit(True)
    number_or_formula = r"^([\s\d.,+\-−€%()']*|\x{e000}?=.*)$"
    return pl.all_horizontal(
        pl.col(c).str.contains(number_or_formula).fill_null(True) for c in cells[1:]
    )


def _is_numeric(layout: Layout, column: str) -> bool:
    fact = layout.fact
    if column in fact.names:
        return fact.column(column).type in ("hours", "number", "money", "int")
    return False
