"""What calamine does not say about an xlsx workbook's cells: merged ranges, unsaved formulas.

A hand-made sheet often merges a person's name over the rows of their week, or a header over two
columns. Calamine gives the value in the first cell only; `fill_merged` copies it over the range,
so those rows are not read as rows without a name. A formula whose value the program that wrote
the file did not save reads as an empty cell: `unsaved_formulas` finds them, so that the
accountant is told to open and save the file rather than that a value is missing. Only the
`<mergeCell>`, `<c>`, `<sheet>` and `<Relationship>` elements are read, by regular expression:
nothing is parsed or evaluated.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import polars as pl

from model.batch import ROW

MAX_RANGES = 2000  # beyond that, a sheet is not hand-made: leave it as read
MAX_SHEET_BYTES = 16 * 1024 * 1024  # an export this large is machine-made: no merges to look for
CELL = re.compile(rb"([A-Z]{1,3})(\d+)")
MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3}\d+):([A-Z]{1,3}\d+)"')
ELEMENT = {name: re.compile(rb"<" + name + rb"\b[^>]*>") for name in (b"sheet", b"Relationship")}
ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')


def column_index(letters: bytes) -> int:
    """A → 0, Z → 25, AA → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _elements(xml: bytes, name: bytes) -> list[dict[bytes, bytes]]:
    """The attributes of every `<name …>` element, whatever their order."""
    return [dict(ATTRIBUTE.findall(tag)) for tag in ELEMENT[name].findall(xml)]


def _sheet_xmls(data: bytes) -> Iterator[tuple[str, bytes]]:
    """(sheet name, worksheet XML) of an xlsx's hand-sized sheets; nothing for other files."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, NotImplementedError):
        return
    rels = {r.get(b"Id"): r.get(b"Target", b"") for r in _elements(relations, b"Relationship")}
    for sheet in _elements(workbook, b"sheet"):
        name, rel = sheet.get(b"name", b""), sheet.get(b"r:id")
        target = rels.get(rel, b"").decode().lstrip("/")
        path = target if target.startswith("xl/") else f"xl/{target}"
        try:
            if archive.getinfo(path).file_size > MAX_SHEET_BYTES:
                continue
            xml = archive.read(path)
        except (KeyError, zipfile.BadZipFile, OSError, NotImplementedError):
            continue
        yield _unescape(name), xml


def merged_ranges(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Sheet name → [(row1, col1, row2, col2), …]: 1-based rows, 0-based absolute columns;
    empty when the file is not an xlsx."""
    result = {}
    for name, xml in _sheet_xmls(data):
        ranges = []
        for start, end in MERGE.findall(xml)[:MAX_RANGES]:
            (c1, r1), (c2, r2) = CELL.match(start).groups(), CELL.match(end).groups()
            ranges.append((int(r1), column_index(c1), int(r2), column_index(c2)))
        if ranges:
            result[name] = ranges
    return result


FORMULA_CELL = re.compile(rb"<c\b([^>]*)>(.*?)</c>", re.S)
FORMULA_TEXT = re.compile(rb"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
SAVED_VALUE = re.compile(rb"<v>[^<]")  # `<v/>`, `<v />` and `<v></v>` hold nothing
CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


def unsaved_formulas(data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """Sheet name → [(row, column, formula), …] of formula cells saved without their value:
    1-based rows, 0-based absolute columns; empty when the file is not an xlsx."""
    result = {}
    for name, xml in _sheet_xmls(data):
        if b"<f" not in xml:
            continue
        cells = []
        for attributes, content in FORMULA_CELL.findall(xml):
            formula, reference = FORMULA_TEXT.search(content), CELL_REF.search(attributes)
            if formula is None or reference is None or SAVED_VALUE.search(content):
                continue
            text = _unescape(formula.group(1) or b"")
            cells.append((int(reference.group(2)), column_index(reference.group(1)), text))
        if cells:
            result[name] = cells[:MAX_RANGES]
    return result


def _unescape(name: bytes) -> str:
    text = name.decode("utf-8")
    for entity, char in (
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&apos;", "'"),
    ):
        text = text.replace(entity, char)
    return text


def fill_merged(
    grid: pl.DataFrame, offset: int, ranges: list[tuple[int, int, int, int]]
) -> pl.DataFrame:
    """Copy each merged range's first value over the whole range of the grid."""
    columns = [c for c in grid.columns if c != ROW]
    for row1, col1, row2, col2 in ranges:
        first = f"c{col1 - offset}"
        if first not in columns:
            continue
        value = grid.filter(pl.col(ROW) == row1)[first]
        if value.len() == 0 or value[0] is None:
            continue
        targets = [f"c{c - offset}" for c in range(col1, col2 + 1) if f"c{c - offset}" in columns]
        inside = pl.col(ROW).is_between(row1, row2)
        grid = grid.with_columns(
            pl.when(inside).then(pl.lit(value[0])).otherwise(pl.col(c)).alias(c) for c in targets
        )
    return grid
