"""Helpers shared by the tests: golden files and a fixed clock."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from model.facts import FACTS
from model.importing import ImportResult, import_file
from model.imports.pipeline import ParsedFile, parse_file
from model.imports.reader import ROW
from model.settings import Settings
from model.store import POLARS_TYPES

NOW = datetime(2024, 7, 1, 9, 30)
SETTINGS = Settings(database_url="unused", user="compta@test")


def parse(path: Path, **options: object) -> ParsedFile:
    return parse_file(
        path.read_bytes(),
        path.name,
        today=NOW.date(),
        max_bytes=SETTINGS.max_file_bytes,
        future_days=SETTINGS.future_tolerance_days,
        **options,
    )


def read_expected(kind: str, path: Path) -> pl.DataFrame:
    """A hand-written canonical csv (English names, euros) → the frame the importer must give;
    a column the file leaves out (added to the fact after it was written) must be empty."""
    fact = FACTS[kind]
    text = pl.read_csv(path, infer_schema=False)
    columns = []
    for column in fact.columns:
        raw = pl.col(column.name) if column.name in text.columns else pl.lit(None, pl.String)
        match column.type:
            case "date":
                value = raw.str.to_date("%Y-%m-%d")
            case "datetime":
                value = raw.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us")
            case "money":
                value = raw.map_elements(_cents, return_dtype=pl.Int64)
            case "bool":
                value = raw == "true"
            case _:
                value = raw.cast(POLARS_TYPES[column.type])
        columns.append(value.alias(column.name))
    return text.select(columns)


def _cents(euros: str) -> int:
    return int(Decimal(euros) * 100)


def assert_same_rows(actual: pl.DataFrame, expected: pl.DataFrame) -> None:
    """Whole-frame comparison, in any row order."""
    actual = actual.drop(ROW, strict=False)
    order = list(expected.columns)
    assert_frame_equal(
        actual.select(order).sort(order, nulls_last=True),
        expected.sort(order, nulls_last=True),
        abs_tol=1e-5,  # hours written to 6 decimals in the expected files
    )


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table of the store: facts with their superseded versions, batches,
    deliveries, settings, mappings, metadata (the data version included)."""
    state = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns)
            rows = connection.execute(select(table).order_by(*order)).all()
            state[table.name] = [tuple(row) for row in rows]
    return state


def import_bytes(engine: Engine, data: bytes, name: str, **options: object) -> ImportResult:
    return import_file(engine, data, name, settings=SETTINGS, now=NOW, **options)


def march_and_april_workbook() -> bytes:
    """Two sheets of timesheet lines with the same headers: March (Alice), April (Bruno)."""
    workbook = Workbook()
    workbook.active.title = "Mars"
    workbook.active.append(["Date", "Collaborateur", "Heures"])
    workbook.active.append([date(2024, 3, 4), "Alice", 7])
    april = workbook.create_sheet("Avril")
    april.append(["Date", "Collaborateur", "Heures"])
    april.append([date(2024, 4, 2), "Bruno", 6])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def invoices_csv(numbers: range) -> bytes:
    """An Odoo customer-invoice export (English labels): INV-0001… at 100 € + n."""
    header = '"Number","Partner","Invoice/Bill Date","Due Date","Total","Amount Due","Status"\n'
    lines = [
        f'"INV-{n:04d}","Client {n % 7}","2024-03-{1 + n % 28:02d}","2024-04-30",'
        f'"{100 + n}.50","{100 + n}.50","Posted"'
        for n in numbers
    ]
    return (header + "\n".join(lines) + "\n").encode()


def timesheets_csv(days: range, employees: tuple[str, ...] = ("Alice", "Bruno")) -> bytes:
    """Odoo timesheet lines without ids (keyless): two lines a day per person in March 2024."""
    header = '"Date","Employé","Projet","Description","Quantité"\n'
    lines = [
        f'"2024-03-{day:02d}","{who}","Site","{task}","{hours}"'
        for day in days
        for who in employees
        for task, hours in (("Dév", "4"), ("Revue", "3.5"))
    ]
    return (header + "\n".join(lines) + "\n").encode()
