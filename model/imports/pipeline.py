"""From the bytes of one file to validated canonical frames: read, recognise, check.

Nothing here touches the store; `model.store` plans and writes what this returns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date

import polars as pl

from model.batch import BATCH_ERRORS, Batch
from model.facts import FACTS
from model.imports import (
    einvoice,
    fec,
    odoo,
    odoo_hr,
    odoo_projects,
    platform,
    template,
    timetracker_projects,
    timetrackers,
)
from model.imports.layouts import HEADER_SEARCH_ROWS, Layout, Table, find_table
from model.imports.parse import fold_text
from model.imports.reader import (
    DEFAULT_UNPACK,
    ROW,
    RawSheet,
    ReadError,
    UnpackLimits,
    clean_cells,
    numbered,
    read_file,
)
from model.imports.validate import EARLIEST_DATE, ERROR_SCHEMA, check_table

# Template layouts first: on a tie, the exact canonical headers win.
LAYOUTS: tuple[Layout, ...] = (
    *template.LAYOUTS,
    *odoo.LAYOUTS,
    *odoo_hr.LAYOUTS,
    *odoo_projects.LAYOUTS,
    *timetrackers.LAYOUTS,
    *timetracker_projects.LAYOUTS,
    fec.FEC_LINES,
    einvoice.EINVOICE,
    *platform.LAYOUTS,
)
VARIANT_LABELS = {"fr": "français", "en": "anglais", "technique": "noms techniques"}


class FileRefused(Exception):
    """The whole file is refused before any row is checked; the message is for the user."""


@dataclass
class SheetResult:
    table: Table
    valid: pl.DataFrame
    errors: pl.DataFrame  # ERROR_SCHEMA + sentences
    rows_read: int

    @property
    def kind(self) -> str:
        return self.table.layout.kind


@dataclass
class ParsedFile:
    file_name: str
    sha256: str
    size: int
    sheets: list[SheetResult]
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        sources = {s.table.layout.source for s in self.sheets}
        return sources.pop() if len(sources) == 1 else "mixed"

    @property
    def source_label(self) -> str:
        """E.g. `Odoo (français) : Temps` or `Modèle Pilotage (français) : Projets, Absences`."""
        groups: dict[str, list[str]] = {}
        for sheet in self.sheets:
            variant = VARIANT_LABELS.get(sheet.table.variant, sheet.table.variant)
            facts = groups.setdefault(f"{sheet.table.layout.label} ({variant})", [])
            if sheet.table.layout.fact.sheet not in facts:
                facts.append(sheet.table.layout.fact.sheet)
        return " ; ".join(f"{source} : {', '.join(facts)}" for source, facts in groups.items())

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(s.kind for s in self.sheets))

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sheets)

    def errors(self) -> pl.DataFrame:
        """Every problem, with the sheet it is on."""
        frames = [s.errors.with_columns(pl.lit(s.table.sheet).alias("sheet")) for s in self.sheets]
        return pl.concat(frames).select(list(BATCH_ERRORS)) if frames else Batch.no_errors()

    def valid(self, kind: str) -> pl.DataFrame:
        frames = [s.valid for s in self.sheets if s.kind == kind]
        return pl.concat(frames) if frames else pl.DataFrame()

    def batch(self) -> Batch:
        """What the store is given: the facts, the problems and the notes, without the layouts."""
        return Batch(
            file_name=self.file_name,
            sha256=self.sha256,
            size=self.size,
            source=self.source,
            source_label=self.source_label,
            rows_read=self.rows_read,
            facts={kind: self.valid(kind) for kind in self.kinds},
            errors=self.errors(),
            notes=self.notes,
        )


def read(data: bytes, file_name: str, **options: object) -> Batch:
    """The pure reader: bytes → Batch; raises `FileRefused` or `ReadError` with a sentence.
    Options are `parse_file`'s."""
    return parse_file(data, file_name, **options).batch()


def read_frame(
    kind: str,
    frame: pl.DataFrame,
    *,
    file_name: str,
    today: date,
    future_days: int,
    earliest: date = EARLIEST_DATE,
) -> Batch:
    """Rows typed on screen (canonical column names, typed values) checked as a file's rows
    would be, with the same sentences; rows are numbered as the screen shows them (1, 2, …)."""
    fact = FACTS[kind]
    as_text = [
        pl.col(c.name).dt.strftime("%Y-%m-%d %H:%M:%S")
        if frame.schema.get(c.name) == pl.Datetime
        else pl.col(c.name)
        for c in fact.columns
        if c.name in frame.columns
    ]
    cells = numbered(clean_cells(frame.select(as_text)))
    layout = template.template_layout(fact)
    table = Table(
        layout=layout, sheet="", header_row=0, variant="fr", frame=cells,
        file_headers={c.name: c.header for c in fact.columns if c.name in frame.columns},
        skipped=[], unknown_headers=[],
    )  # fmt: skip
    checked = check_table(table, today=today, future_days=future_days, earliest=earliest)
    content = cells.write_csv().encode()
    parsed = ParsedFile(
        file_name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        sheets=[SheetResult(table, checked.valid, checked.errors, checked.rows_read)],
    )
    return replace(parsed.batch(), origin="screen")


def parse_file(
    data: bytes,
    file_name: str,
    *,
    today: date,
    max_bytes: int,
    unpack: UnpackLimits = DEFAULT_UNPACK,
    future_days: int,
    earliest: date = EARLIEST_DATE,
    kind: str | None = None,
    payment_terms_days: int = 30,
    extra_layouts: tuple[Layout, ...] = (),
    sheet: str | None = None,
) -> ParsedFile:
    """Read and check one file; raise `FileRefused` or `ReadError` with a French sentence."""
    if kind is not None and kind not in FACTS and kind != "fec":
        raise FileRefused(f"Type de données inconnu : « {kind} ».")
    if einvoice.is_einvoice(data) and len(data) <= max_bytes:
        sheets = [einvoice.einvoice_sheet(data, file_name)]
    else:
        sheets = read_file(data, file_name, max_bytes=max_bytes, unpack=unpack)
    if sheet is not None:
        sheets = _only_sheet(sheets, sheet, file_name)
    known = (*LAYOUTS, *extra_layouts)  # saved column mappings come after the known sources
    if kind == "fec":
        layouts = [fec.FEC_LINES]
    else:
        layouts = [layout for layout in known if kind is None or layout.kind == kind]
    tables = [t for t in (_best_table(sheet, layouts) for sheet in sheets) if t is not None]
    if not tables:
        raise FileRefused(
            _nothing_to_import(file_name, sheets) or _unrecognised(file_name, sheets, layouts)
        )
    parsed = ParsedFile(
        file_name=file_name,
        sha256=file_identity(data, sheet),
        size=len(data),
        sheets=[],
    )
    for table in tables:
        if table.frame.height == 0:
            continue
        if fec.is_fec(table):
            limits = _Limits(today, future_days, earliest)
            parsed.sheets += _fec_sheets(table, parsed, limits, payment_terms_days)
            continue
        checked = check_table(table, today=today, future_days=future_days, earliest=earliest)
        errors = checked.errors
        if table.layout is einvoice.EINVOICE:
            errors = einvoice.field_messages(errors)
        parsed.sheets.append(SheetResult(table, checked.valid, errors, checked.rows_read))
        parsed.notes += _table_notes(table)
    if not parsed.sheets:
        raise FileRefused(f"Le fichier « {file_name} » est reconnu mais ne contient aucune ligne.")
    _refuse_cross_sheet_duplicates(parsed)
    if len(sheets) > 1:
        _name_the_sheet_in_messages(parsed)
    recognised = {t.sheet for t in tables}
    parsed.notes += [
        f"feuille « {s.name} » ignorée : ses colonnes ne correspondent à aucune source connue."
        for s in sheets
        if s.name not in recognised and s.grid.height > 1
    ]
    return parsed


def _name_the_sheet_in_messages(parsed: ParsedFile) -> None:
    """`Feuille « Temps », ligne 14, …`: in a workbook, the row number alone is ambiguous."""
    for sheet in parsed.sheets:
        prefix = f"Feuille « {sheet.table.sheet} », l"
        sheet.errors = sheet.errors.with_columns(
            pl.when(pl.col("message").str.starts_with("Ligne "))
            .then(pl.lit(prefix) + pl.col("message").str.slice(1))
            .otherwise(pl.col("message"))
            .alias("message")
        )


def _refuse_cross_sheet_duplicates(parsed: ParsedFile) -> None:
    """A natural key on two sheets of one workbook is as ambiguous as twice on one sheet."""
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for sheet in parsed.sheets:
        if sheet.valid.height == 0:
            continue
        key = FACTS[sheet.kind].natural_key
        filled = sheet.valid.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
        repeated: list[dict] = []
        values = filled.select(
            pl.col(ROW), pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=" / ")
        ).rows()
        column = sheet.table.file_headers.get(key[0], FACTS[sheet.kind].column(key[0]).header)
        for row, value in values:
            first = seen.setdefault((sheet.kind, value), (sheet.table.sheet, row))
            if first != (sheet.table.sheet, row):
                where = f"dans la feuille « {first[0]} », ligne {first[1]}"
                message = f"Ligne {row}, colonne « {column} » : « {value} » apparaît déjà {where}"
                repeated.append({"row": row, "column": column, "value": value, "message": message})
        if repeated:
            errors = pl.DataFrame(repeated, schema=ERROR_SCHEMA)
            sheet.errors = pl.concat([sheet.errors, errors])
            sheet.valid = sheet.valid.filter(~pl.col(ROW).is_in(errors["row"].implode()))


def file_identity(data: bytes, sheet: str | None = None) -> str:
    """What tells a file already imported: its bytes, and the sheet when only one was read."""
    digest = hashlib.sha256(data)
    if sheet is not None:
        digest.update(b"\x00sheet:" + fold_text(sheet).encode())
    return digest.hexdigest()


def _only_sheet(sheets: list[RawSheet], wanted: str, file_name: str) -> list[RawSheet]:
    """The sheet the user asked for, by name (case and accents aside)."""
    chosen = [s for s in sheets if fold_text(s.name) == fold_text(wanted)]
    if not chosen:
        names = ", ".join(f"« {s.name} »" for s in sheets)
        raise FileRefused(
            f"Le classeur « {file_name} » n'a pas de feuille « {wanted} » (feuilles : {names})."
        )
    return chosen


@dataclass(frozen=True)
class _Limits:
    today: date
    future_days: int
    earliest: date


def _fec_sheets(
    table: Table, parsed: ParsedFile, limits: _Limits, terms_days: int
) -> list[SheetResult]:
    """A FEC holds invoices and payments at once: one checked result per fact."""
    split, errors, notes = fec.split_fec(table, terms_days=terms_days)
    parsed.notes += notes
    results = []
    for part in split:
        checked = check_table(
            part, today=limits.today, future_days=limits.future_days, earliest=limits.earliest
        )
        results.append(SheetResult(part, checked.valid, checked.errors, checked.rows_read))
    if not results and errors.height == 0:
        raise FileRefused(
            f"Le fichier « {parsed.file_name} » est un FEC, mais aucune de ses écritures ne porte "
            "sur un compte client 411 (ni facture, ni avoir, ni paiement) : rien à importer."
        )
    lines_read = table.frame.height
    if errors.height:
        sentences = errors.select(list(ERROR_SCHEMA))
        if results:
            results[0].errors = pl.concat([results[0].errors, sentences])
        else:
            nothing = replace(table, layout=fec.FEC_INVOICES, frame=table.frame.clear())
            results.append(SheetResult(nothing, pl.DataFrame(), sentences, lines_read))
    # Every FEC line counts as read, even those (other accounts) that hold no client fact.
    results[0].rows_read = lines_read
    for other in results[1:]:
        other.rows_read = 0
    return results


def _best_table(sheet: RawSheet, layouts: list[Layout]) -> Table | None:
    best: Table | None = None
    for layout in layouts:
        table = find_table(sheet, layout)
        if table and (best is None or len(table.file_headers) > len(best.file_headers)):
            best = table
    return best


def _table_notes(table: Table) -> list[str]:
    where = f"feuille « {table.sheet} », " if table.sheet else ""
    notes = [
        f"{where}ligne {row} ignorée : {reason} (pas une donnée)." for row, reason in table.skipped
    ]
    if table.unknown_headers:
        ignored = ", ".join(f"« {h} »" for h in table.unknown_headers)
        notes.append(f"{where}colonnes non utilisées : {ignored}.")
    return notes


def _nothing_to_import(file_name: str, sheets: list[RawSheet]) -> str | None:
    """A file a known tool writes that holds nothing Pilotage keeps: what it is, what to send."""
    found = {fold_text(h) for h in _likely_headers(sheets[0])}
    for headers, reason in timetracker_projects.NOTHING_TO_IMPORT:
        if set(headers) <= found:
            return f"Le fichier « {file_name} » {reason}"
    return None


def _unrecognised(file_name: str, sheets: list[RawSheet], layouts: list[Layout]) -> str:
    found = _likely_headers(sheets[0])
    expected = "\n".join(
        f"- {layout.label}, {layout.fact.sheet.lower()} : "
        + ", ".join(_first_header(layout, c) for c in (*layout.required, *_any(layout)))
        for layout in layouts
    )
    shown = ", ".join(f"« {h} »" for h in found) if found else "aucune"
    return (
        f"Le fichier « {file_name} » n'a pas été reconnu. Colonnes trouvées : {shown}.\n"
        f"Colonnes attendues (au minimum), selon la source :\n{expected}\n"
        "Pour un autre format, associez ses colonnes une fois pour toutes (correspondance de "
        "colonnes) : python -m model mapping suggest FICHIER --kind timesheets"
    )


def _any(layout: Layout) -> list[str]:
    return [group[0] for group in layout.required_any]


def _first_header(layout: Layout, column: str) -> str:
    spelling = next(iter(layout.headers[column].values()))
    return spelling if isinstance(spelling, str) else spelling[0]


def file_headers(
    data: bytes, file_name: str, *, max_bytes: int, unpack: UnpackLimits = DEFAULT_UNPACK
) -> list[str]:
    """The headers a column mapping starts from: the fullest of the first rows."""
    sheets = read_file(data, file_name, max_bytes=max_bytes, unpack=unpack)
    best = max(sheets, key=lambda sheet: len(_likely_headers(sheet)))
    return _likely_headers(best)


def _likely_headers(sheet: RawSheet) -> list[str]:
    """The fullest of the first rows: what the user most likely meant as headers."""
    head = sheet.grid.head(HEADER_SEARCH_ROWS).drop(ROW)
    if head.height == 0:
        return []
    counts = head.select(pl.sum_horizontal(pl.all().is_not_null()).alias("n"))["n"]
    row = head.row(int(counts.arg_max() or 0))
    return [str(v) for v in row if v is not None][:40]


__all__ = ["FileRefused", "ParsedFile", "ReadError", "SheetResult", "parse_file", "read"]
