"""Bytes → raw grids of text cells, one per sheet, whatever the file format.

The reader recognises the container by its bytes (never by the file name), refuses what is not
a spreadsheet with a sentence a non-developer understands, decodes text files (encoding,
separator, quoted cells with separators and newlines) and keeps the row number as the
spreadsheet shows it in a `_row` column. Finding the header row and telling data rows from
group or totals rows is the next step's job (`model.imports.tables`).
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from dataclasses import dataclass
from typing import Literal

import fastexcel
import polars as pl

from model.imports.merged import fill_merged, merged_ranges

ROW = "_row"
logger = logging.getLogger(__name__)
SEPARATORS = (";", ",", "\t", "|")
SNIFF_RECORDS = 1000
MAX_COLUMNS = 2000
UNPACKED_FACTOR = 20  # a workbook may unpack to 20 times the file size limit, no more


class ReadError(Exception):
    """The file cannot be read as a spreadsheet; the message is a French sentence for the user."""


@dataclass(frozen=True)
class RawSheet:
    """One sheet: text cells in columns c0…cN plus `_row` (1-based row number in the file)."""

    name: str
    grid: pl.DataFrame
    origin: Literal["excel", "text"]


def read_file(data: bytes, file_name: str, *, max_bytes: int) -> list[RawSheet]:
    if len(data) == 0:
        raise ReadError(f"Le fichier « {file_name} » est vide (0 octet).")
    if len(data) > max_bytes:
        raise ReadError(
            f"Le fichier « {file_name} » fait {_megabytes(len(data))}, au-delà de la limite "
            f"de {_megabytes(max_bytes)} fixée dans les paramètres."
        )
    container = _container(data, max_bytes)
    if container == "text":
        return [RawSheet("", _read_text(data, file_name), "text")]
    return _read_workbook(data, file_name)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def _container(data: bytes, max_bytes: int) -> str:
    """'workbook' or 'text'; raise for what is neither, naming what it seems to be."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_container(data, max_bytes)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_container(data)
    for magic, what in _NOT_SPREADSHEETS:
        if data.startswith(magic):
            raise ReadError(f"Ce fichier est {what}, pas un tableur ni un fichier CSV.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16, as Excel's "Unicode text" writes it
    head = data[:65536]
    controls = sum(head.count(bytes([c])) for c in (*range(0, 9), *range(14, 32)))
    if controls > len(head) // 200:
        raise ReadError(
            "Ce fichier n'est ni un tableur (xlsx, xls, ods) ni un fichier texte (csv, txt) : "
            "son contenu est binaire."
        )
    return "text"


_NOT_SPREADSHEETS = (
    (b"%PDF", "un document PDF"),
    (b"\x89PNG", "une image PNG"),
    (b"\xff\xd8\xff", "une image JPEG"),
    (b"GIF8", "une image GIF"),
    (b"Rar!", "une archive RAR"),
    (b"\x1f\x8b", "une archive compressée (gzip)"),
    (b"7z\xbc\xaf", "une archive 7-Zip"),
)


def _zip_container(data: bytes, max_bytes: int) -> str:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    # NotImplementedError: a damaged header claiming a zip version Python cannot read.
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as error:
        raise ReadError(
            "Ce fichier Excel est endommagé ou incomplet (archive illisible) : "
            "exportez-le ou enregistrez-le à nouveau."
        ) from error
    names = {info.filename for info in infos}
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max_bytes * UNPACKED_FACTOR:
        # A zip bomb (huge shared strings or sheet XML) would exhaust the memory.
        raise ReadError(
            f"Ce classeur se décompresse en {_megabytes(unpacked)}, bien au-delà de la limite de "
            f"{_megabytes(max_bytes * UNPACKED_FACTOR)} : il n'est pas lu."
        )
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "workbook"
    if "content.xml" in names and b"opendocument.spreadsheet" in data[:200]:
        return "workbook"
    if "word/document.xml" in names:
        raise ReadError(
            "Ce fichier est un document Word (.docx), pas un tableur ni un fichier CSV."
        )
    if "ppt/presentation.xml" in names:
        raise ReadError("Ce fichier est une présentation PowerPoint, pas un tableur.")
    if "content.xml" in names:
        raise ReadError("Ce fichier est un document OpenDocument qui n'est pas un tableur.")
    raise ReadError("Ce fichier est une archive ZIP, pas un tableur ni un fichier CSV.")


def _ole_container(data: bytes) -> str:
    if (
        "EncryptionInfo".encode("utf-16-le") in data
        or "EncryptedPackage".encode("utf-16-le") in data
    ):
        raise ReadError(
            "Ce classeur est protégé par un mot de passe : enregistrez-en une copie sans mot de "
            "passe (Fichier › Informations › Protéger le classeur) puis importez cette copie."
        )
    if "WordDocument".encode("utf-16-le") in data:
        raise ReadError("Ce fichier est un document Word (.doc), pas un tableur ni un fichier CSV.")
    return "workbook"


def _read_workbook(data: bytes, file_name: str) -> list[RawSheet]:
    try:
        reader = fastexcel.read_excel(data)
        merges = merged_ranges(data)
        sheets = []
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            if sheet.visible != "visible":
                continue
            grid = _normalise_grid(sheet.to_polars())
            if name in merges:
                columns = sheet.available_columns
                offset = min((c.absolute_index for c in columns()), default=0)
                grid = fill_merged(grid, offset, merges[name])
            sheets.append(RawSheet(name, grid, "excel"))
    except ReadError:
        raise
    except Exception as error:  # calamine reports corrupt files with many exception types
        logger.info("Unreadable workbook %s: %s", file_name, error)
        raise ReadError(
            f"Le classeur « {file_name} » est endommagé ou d'un format non reconnu et ne peut "
            "pas être lu : ouvrez-le dans votre tableur et enregistrez-le à nouveau (xlsx)."
        ) from error
    if not sheets:
        raise ReadError(f"Le classeur « {file_name} » ne contient aucune feuille visible.")
    return sheets


def _normalise_grid(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns c0…cN of trimmed text (empty → null) and the 1-based row number."""
    frame = frame.rename({name: f"c{i}" for i, name in enumerate(frame.columns)})
    frame = frame.with_columns(
        pl.all().cast(pl.String).str.strip_chars().replace("", None)
    ).with_row_index(ROW, offset=1)
    return frame.with_columns(pl.col(ROW).cast(pl.Int64))


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 or ISO 8859-15.

    The two 8-bit encodings differ where it matters for French (`€`, `œ`): Windows-1252 puts
    them in 0x80–0x9F, a range ISO 8859-15 leaves to control characters never found in text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if any(0x80 <= byte <= 0x9F for byte in data):
        return data.decode("cp1252", errors="replace")
    return data.decode("iso-8859-15")


def detect_separator(text: str) -> str:
    """The separator that splits the first lines into the most, and most regular, fields."""
    sample = text[:200_000]
    best, best_score = ",", (-1.0, 0)
    for separator in SEPARATORS:
        counts = [len(row) for row in _records(sample, separator, 50) if any(row)]
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) / len(counts) if common > 1 else 0.0, common)
        if score > best_score:
            best, best_score = separator, score
    return best


def _records(text: str, separator: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=separator, quotechar='"')
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) >= limit:
                break
    except csv.Error:
        pass
    return records


def _read_text(data: bytes, file_name: str) -> pl.DataFrame:
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError(f"Le fichier « {file_name} » ne contient aucune donnée.")
    separator = detect_separator(text)
    width = max((len(r) for r in _records(text, separator, SNIFF_RECORDS)), default=1)
    if width > MAX_COLUMNS:
        raise ReadError(
            f"Le fichier « {file_name} » a {width} colonnes sur une ligne : ce n'est pas un export "
            f"de tableau (au plus {MAX_COLUMNS} colonnes)."
        )
    try:
        frame = pl.read_csv(
            text.encode("utf-8"),
            has_header=False,
            separator=separator,
            quote_char='"',
            schema={f"c{i}": pl.String for i in range(width)},
            missing_columns="insert",
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as error:
        raise ReadError(
            f"Le fichier « {file_name} » n'a pas pu être lu comme un fichier CSV : guillemets "
            "non refermés ou lignes de structures différentes. Ouvrez-le dans un tableur et "
            "enregistrez-le à nouveau en CSV."
        ) from error
    # Odoo and our csv exports write `'=…`, `'+…`, `'-…`, `'@…` to stop spreadsheet formulas.
    return _normalise_grid(frame).with_columns(pl.exclude(ROW).str.replace(r"^'([=+\-@])", "$1"))
