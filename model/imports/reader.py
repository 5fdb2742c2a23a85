"""Bytes → raw grids of text cells, one per sheet, whatever the file format.

The reader recognises the container by its bytes (never by the file name), refuses what is not
a spreadsheet with a sentence a non-developer understands, decodes text files (encoding,
separator, quoted cells with separators and newlines) and keeps the row number as the
spreadsheet shows it in a `_row` column. Finding the header row and telling data rows from
group or totals rows is the next step's job (`model.imports.tables`).
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
from dataclasses import dataclass
from typing import Literal

import fastexcel
import polars as pl

from model.batch import ROW
from model.imports.merged import fill_merged, merged_ranges, unsaved_formulas

logger = logging.getLogger(__name__)
SEPARATORS = (";", ",", "\t", "|")
SNIFF_RECORDS = 1000
SNIFF_BYTES = 2 * 1024 * 1024
MAX_COLUMNS = 2000
# Marks a formula cell saved without its value (`\ue000=SUM(B2:B4)`): a private-use character
# no export writes, so that the validator can say what to do instead of "missing value".
UNSAVED_FORMULA = "\ue000"
# A real export unpacks to about 10 times its size (a 500k-line Odoo xlsx: 24 MB → 270 MB).
# Far more is a decompression bomb: 1 MB that unpacks to 990 MB costs 3 GB of memory to read.
MAX_UNPACKED_BYTES = 1000 * 1024 * 1024
MAX_UNPACK_RATIO = 50
RATIO_FLOOR_BYTES = 50 * 1024 * 1024  # below this, small workbooks' fixed parts skew the ratio


class ReadError(Exception):
    """The file cannot be read as a spreadsheet; the message is a French sentence for the user."""


@dataclass(frozen=True)
class RawSheet:
    """One sheet: text cells in columns c0…cN plus `_row` (1-based row number in the file)."""

    name: str
    grid: pl.DataFrame
    origin: Literal["excel", "text"]


@dataclass(frozen=True)
class UnpackLimits:
    """How far a workbook may unpack: an absolute ceiling, and a ratio to its size."""

    max_bytes: int = MAX_UNPACKED_BYTES
    max_ratio: int = MAX_UNPACK_RATIO


DEFAULT_UNPACK = UnpackLimits()


def read_file(
    data: bytes, file_name: str, *, max_bytes: int, unpack: UnpackLimits = DEFAULT_UNPACK
) -> list[RawSheet]:
    if len(data) == 0:
        raise ReadError(f"Le fichier « {file_name} » est vide (0 octet).")
    if len(data) > max_bytes:
        size, limit = _sizes(len(data), max_bytes)
        raise ReadError(
            f"Le fichier « {file_name} » fait {size}, au-delà de la limite de {limit} fixée "
            "dans les paramètres (PILOTAGE_MAX_FILE_MB)."
        )
    container = _container(data, unpack)
    if container == "text":
        return [RawSheet("", _read_text(data, file_name), "text")]
    return _read_workbook(data, file_name)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


def _sizes(size: int, limit: int) -> tuple[str, str]:
    """Both in Mo, or in octets when the Mo would read the same (`1,0 Mo` over `1,0 Mo`)."""
    if _megabytes(size) != _megabytes(limit):
        return _megabytes(size), _megabytes(limit)
    octets = [f"{value:,} octets".replace(",", "\u202f") for value in (size, limit)]
    return octets[0], octets[1]


def _container(data: bytes, unpack: UnpackLimits) -> str:
    """'workbook' or 'text'; raise for what is neither, naming what it seems to be."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_container(data, unpack)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_container(data)
    for magic, what in _NOT_SPREADSHEETS:
        if data.startswith(magic):
            raise ReadError(f"Ce fichier est {what}, pas un tableur ni un fichier CSV.")
    if wide_encoding(data) is not None:
        return "text"  # UTF-16 (Excel's "Unicode text") or UTF-32, with or without BOM
    head = data[:65536]
    controls = sum(head.count(bytes([c])) for c in (*range(0, 9), *range(14, 32)))
    # A few stray control characters are a damaged cell (removed when read), not a binary file.
    if controls > max(8, len(head) // 200):
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


def _zip_container(data: bytes, unpack: UnpackLimits) -> str:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    # NotImplementedError: a damaged header claiming a zip version Python cannot read.
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError) as error:
        raise ReadError(
            "Ce fichier Excel est endommagé ou incomplet (archive illisible) : "
            "exportez-le ou enregistrez-le à nouveau."
        ) from error
    names = {info.filename for info in infos}
    _refuse_bombs(len(data), sum(info.file_size for info in infos), unpack)
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


def _refuse_bombs(size: int, unpacked: int, unpack: UnpackLimits) -> None:
    """Huge shared strings or sheet XML packed small would exhaust the memory when read."""
    ratio = unpacked / size
    if unpacked > unpack.max_bytes:
        reason = (
            f"au-delà de la limite de {_megabytes(unpack.max_bytes)} (PILOTAGE_MAX_UNPACKED_MB)"
        )
    elif unpacked > RATIO_FLOOR_BYTES and ratio > unpack.max_ratio:
        times = f"{ratio:,.0f}".replace(",", "\u202f")
        reason = (
            f"{times} fois sa taille ; un export réel se décompresse en 10 à 20 fois sa "
            f"taille (limite : {unpack.max_ratio} fois, PILOTAGE_MAX_UNPACK_RATIO)"
        )
    else:
        return
    raise ReadError(
        f"Ce classeur de {_megabytes(size)} se décompresse en {_megabytes(unpacked)}, {reason} : "
        "il n'est pas lu (c'est le signe d'un fichier piégé, pas d'un export). Enregistrez-le "
        "à nouveau dans votre tableur s'il vient bien de votre logiciel."
    )


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
        merges, formulas = merged_ranges(data), unsaved_formulas(data)
        sheets = []
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            if sheet.visible != "visible":
                continue
            grid = _normalise_grid(sheet.to_polars())
            offset = min((c.absolute_index for c in sheet.available_columns()), default=0)
            if name in formulas:
                grid = _mark_unsaved_formulas(grid, offset, formulas[name])
            if name in merges:
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


# Control characters never belong in a cell: NUL is refused by PostgreSQL (and stored by
# SQLite), ESC sequences would drive the terminal that prints them. Tabs and line breaks stay.
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"


def _mark_unsaved_formulas(
    grid: pl.DataFrame, offset: int, cells: list[tuple[int, int, str]]
) -> pl.DataFrame:
    """Each empty cell that is an unsaved formula gets `\ue000=` and its formula, one
    expression per column."""
    by_column: dict[str, dict[int, str]] = {}
    for row, column, formula in cells:
        by_column.setdefault(f"c{column - offset}", {})[row] = f"{UNSAVED_FORMULA}={formula}"
    return grid.with_columns(
        pl.coalesce(
            pl.col(name),
            pl.col(ROW).replace_strict(marks, default=None, return_dtype=pl.String),
        ).alias(name)
        for name, marks in by_column.items()
        if name in grid.columns
    )


def _normalise_grid(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns c0…cN of clean text cells, and the 1-based row number."""
    frame = frame.rename({name: f"c{i}" for i, name in enumerate(frame.columns)})
    return numbered(clean_cells(frame))


def clean_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Every cell as trimmed text without control characters; empty cells are null."""
    cell = pl.all().cast(pl.String)
    # Rewritten only where there is one: searching costs a third of rewriting every cell.
    clean = pl.when(cell.str.contains(CONTROL_CHARACTERS)).then(
        cell.str.replace_all(CONTROL_CHARACTERS, "")
    )
    return frame.with_columns(clean.otherwise(cell).str.strip_chars().replace("", None))


def numbered(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows numbered from 1 in `_row`, as a spreadsheet (or a table on screen) shows them."""
    return frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 by their BOM, or without one by where the zero bytes of Latin text
    fall (`a\0b\0` is UTF-16-LE, `a\0\0\0` UTF-32-LE); None for 8-bit and UTF-8 text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    head = data[:4096]
    if len(head) < 8:
        return None
    zeros = [head[offset::4].count(0) / len(head[offset::4]) for offset in range(4)]
    patterns = {
        "utf-32-le": (0, 1, 1, 1),
        "utf-32-be": (1, 1, 1, 0),
        "utf-16-le": (0, 1, 0, 1),
        "utf-16-be": (1, 0, 1, 0),
    }
    for encoding, pattern in patterns.items():
        if all(
            (share > 0.7) if zero else (share < 0.3)
            for share, zero in zip(zeros, pattern, strict=True)
        ):
            return encoding
    return None


def _utf8_lines(data: bytes) -> bytes:
    """The text as UTF-8 bytes with Unix line ends, whatever its encoding and line ends."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    if wide_encoding(body) is not None or not _is_utf8(body):
        body = decode_text(data).encode("utf-8")
    if b"\r" in body:  # bytes of CR and LF never occur inside a UTF-8 character
        body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return body


def _is_utf8(data: bytes) -> bool:
    """Valid UTF-8, checked by slices: decoding it whole would hold it as Python text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 or UTF-32, else Windows-1252 or ISO 8859-15.

    The two 8-bit encodings differ where it matters for French (`€`, `œ`): Windows-1252 puts
    them in 0x80–0x9F, a range ISO 8859-15 leaves to control characters never found in text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    wide = wide_encoding(data)
    if wide is not None:
        return data.decode(wide, errors="replace").removeprefix("\ufeff")
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
    body = _utf8_lines(data)
    if body.isspace() or not body:
        raise ReadError(f"Le fichier « {file_name} » ne contient aucune donnée.")
    # The separator and the width from the first records: the whole text as Python strings
    # cost 5 times the file (a 50 MB csv: 250 MB more at the server's peak).
    head = body[:SNIFF_BYTES].decode("utf-8", errors="ignore")
    separator = detect_separator(head)
    width = max((len(r) for r in _records(head, separator, SNIFF_RECORDS)), default=1)
    if width > MAX_COLUMNS:
        raise ReadError(
            f"Le fichier « {file_name} » a {width} colonnes sur une ligne : ce n'est pas un export "
            f"de tableau (au plus {MAX_COLUMNS} colonnes)."
        )
    try:
        frame = pl.read_csv(
            body,
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
