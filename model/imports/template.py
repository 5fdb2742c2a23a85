"""The Pilotage template: one workbook, one sheet per canonical fact, French headers.

Its layouts also read a single sheet or csv with the template's French headers, or with the
English canonical names that `python -m model export` writes, so an export imports back as is.
"""

from __future__ import annotations

import io

import polars as pl

from model.facts import FACTS, Fact
from model.imports.layouts import Layout

NUMBER_FORMATS = {
    "date": "DD/MM/YYYY",
    "datetime": "DD/MM/YYYY HH:MM",
    "money": '#,##0.00 "€"',
    "hours": "#,##0.00",
    "number": "#,##0.00",
    "int": "0",
}
WORKDAY_LABELS = {
    "mon": "lun", "tue": "mar", "wed": "mer", "thu": "jeu", "fri": "ven", "sat": "sam",
    "sun": "dim",
}  # fmt: skip
HEADER_FILL_COLOUR, HEADER_FONT_COLOUR = "1F4E78", "FFFFFF"


def template_layout(fact: Fact) -> Layout:
    return Layout(
        source="template",
        kind=fact.kind,
        label="Modèle Pilotage",
        headers={c.name: {"fr": c.header, "en": c.name} for c in fact.columns},
        required=tuple(c.name for c in fact.columns if c.required),
    )


LAYOUTS = tuple(template_layout(fact) for fact in FACTS.values())

README_LINES = (
    "Modèle d'import Pilotage",
    "",
    "Une feuille par type de donnée. Gardez la ligne d'en-tête telle quelle ; l'ordre des colonnes "
    "est libre et les colonnes vides sont permises, sauf celles marquées * (obligatoires).",
    "Dates au format JJ/MM/AAAA, montants en euros (1 234,56), heures en décimal (7,5) ou en "
    "durée (7:30).",
    "Les listes de valeurs (Facturation, Mode, Type…) proposent les valeurs acceptées.",
    "Un avoir s'écrit avec des montants négatifs (ou Type = avoir).",
    "Importer deux fois le même fichier ne change rien ; une version corrigée met à jour les "
    "lignes existantes.",
)


def build_template(frames: dict[str, pl.DataFrame] | None = None) -> bytes:
    """The template workbook, empty or filled with `frames` (canonical columns, money in euros)."""
    # openpyxl here, not at the top: reading an import (the layouts above) never needs it.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    readme = workbook.active
    readme.title = "Lisez-moi"
    for line in README_LINES:
        readme.append([line])
    readme["A1"].font = Font(bold=True, size=14)
    readme.column_dimensions["A"].width = 120
    for fact in FACTS.values():
        sheet = workbook.create_sheet(fact.sheet)
        _write_sheet(sheet, fact, (frames or {}).get(fact.kind))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet, fact: Fact, frame: pl.DataFrame | None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    headers = [c.header + (" *" if c.required else "") for c in fact.columns]
    sheet.append(headers)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL_COLOUR)
    header_font = Font(bold=True, color=HEADER_FONT_COLOUR)
    for cell in sheet[1]:
        cell.fill, cell.font = header_fill, header_font
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "A2"
    if frame is not None:
        labelled = frame.with_columns(
            pl.col(c.name).replace_strict(c.choices, default=pl.col(c.name))
            for c in fact.columns
            if c.choices
        )
        if "workdays" in labelled.columns:
            labelled = labelled.with_columns(_french_workdays(pl.col("workdays")))
        for row in labelled.select(fact.names).iter_rows():
            append_text_safe(sheet, [_cell_value(v) for v in row])
    for index, column in enumerate(fact.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header) + 4)
        if column.type in NUMBER_FORMATS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = NUMBER_FORMATS[column.type]
        if column.choices:
            options = ",".join(column.choices.values())
            validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            validation.error = f"Valeurs acceptées : {options}"
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")
        if column.type == "bool":
            validation = DataValidation(type="list", formula1='"oui,non"', allow_blank=True)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")


def _french_workdays(codes: pl.Expr) -> pl.Expr:
    """`mon,tue,wed` → `lun,mar,mer`, as a French user writes them."""
    for code, label in WORKDAY_LABELS.items():
        codes = codes.str.replace_all(code, label, literal=True)
    return codes.alias("workdays")


def append_text_safe(sheet, values: list[object]) -> None:
    """Append a row; text is always stored as text, so `=cmd|…` is never a formula."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _cell_value(value: object) -> object:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value
