"""Reading files as they come: encodings, separators, titles, totals, quotes, row numbers."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from openpyxl import Workbook

from model.imports import parse
from model.imports.pipeline import FileRefused, parse_file
from model.imports.reader import ROW, ReadError, decode_text, detect_separator, read_file
from tests.support import NOW, SETTINGS, march_and_april_workbook

LIMIT = SETTINGS.max_file_bytes


def grid_rows(data: bytes) -> list[tuple]:
    (sheet,) = read_file(data, "f.csv", max_bytes=LIMIT)
    return sheet.grid.rows()


def xlsx(rows: list[list], title: str = "Feuil1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Libellé;Montant\n".encode(), "Libellé;Montant\n"),
        (b"\xef\xbb\xbfUser,Email\n", "User,Email\n"),
        ("Café;12 345,67 €;œuvre\n".encode("cp1252"), "Café;12 345,67 €;œuvre\n"),
        ("Café;12 345,67 €;œuvre\n".encode("iso-8859-15"), "Café;12 345,67 €;œuvre\n"),
    ],
)
def test_text_encodings_are_detected(data: bytes, expected: str):
    assert decode_text(data) == expected


@pytest.mark.parametrize(
    ("text", "separator"),
    [
        ("Date;Heures;Projet\n01/02/2024;7,5;A\n", ";"),
        ("Date,Hours,Project\n2024-02-01,7.5,A\n", ","),
        ("Date\tHeures\tProjet\n01/02/2024\t7,5\tA\n", "\t"),
        ("Date|Heures|Projet\n01/02/2024|7,5|A\n", "|"),
        ('"Date";"Libellé"\n"01/02/2024";"Réunion, client"\n', ";"),
    ],
)
def test_separator_is_detected(text: str, separator: str):
    assert detect_separator(text) == separator


def test_quoted_cells_keep_separators_and_newlines_and_row_numbers_follow_records():
    text = (
        "Titre du rapport\n\nDate;Description;Heures\n"
        '01/02/2024;"A; B\nsuite";7,5\n02/02/2024;C;1\n'
    )
    rows = grid_rows(text.encode("cp1252"))
    assert rows[0] == (1, "Titre du rapport", None, None)
    assert rows[3] == (4, "01/02/2024", "A; B\nsuite", "7,5")
    assert rows[4] == (5, "02/02/2024", "C", "1")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("line_end", ["\r\n", "\r", "\n"])
def test_line_ends_and_encodings_read_alike(encoding: str, line_end: str):
    """Windows, old Mac and Unix line ends, in UTF-8 (read as bytes), with a BOM, in
    Windows-1252 and UTF-16 (decoded first): the same cells, a line break in a quoted cell
    always `\n`."""
    text = line_end.join(["Client;Montant;Note", 'Café;12 345,67 €;"ligne 1' + line_end
                          + 'ligne 2"', "Œuvre;1;", ""])  # fmt: skip
    rows = grid_rows(text.encode(encoding))
    assert rows == [
        (1, "Client", "Montant", "Note"),
        (2, "Café", "12 345,67 €", "ligne 1\nligne 2"),
        (3, "Œuvre", "1", None),
    ]


def test_rows_one_cell_short_are_padded():
    rows = grid_rows(b"a,b,c\n1,2\n")
    assert rows[1] == (2, "1", "2", None)


def test_excel_rows_keep_their_sheet_numbers_below_a_title_and_blank_rows():
    data = xlsx([[], ["Export du 01/03/2024"], [], ["Date", "Heures"], [date(2024, 3, 1), 7.5]])
    (sheet,) = read_file(data, "f.xlsx", max_bytes=LIMIT)
    assert sheet.origin == "excel"
    last = sheet.grid.filter(pl.col("c0").is_not_null()).rows()[-1]
    assert last == (5, "2024-03-01 00:00:00", "7.5")


def test_hidden_sheets_are_not_read():
    workbook = Workbook()
    workbook.active.append(["Date"])
    hidden = workbook.create_sheet("Calculs")
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheets = read_file(buffer.getvalue(), "f.xlsx", max_bytes=LIMIT)
    assert [s.name for s in sheets] == ["Sheet"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12 345,67", 12345.67),
        ("12\u202f345,67", 12345.67),
        ("2.000,0", 2000.0),
        ("1,234.50", 1234.5),
        ("-12.5", -12.5),
        ("'-3", -3.0),
        ("45 €", 45.0),
        ("(12,00)", -12.0),
        ("1.234.567", 1234567.0),
        ("0,5", 0.5),
        ("abc", None),
        ("12,5,3x", None),
    ],
)
def test_numbers_in_french_and_english_notations(text: str, value: float | None):
    result = pl.DataFrame({"v": [text]}).select(parse.number(pl.col("v")))["v"][0]
    assert result == pytest.approx(value) if value is not None else result is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2024-01-15", date(2024, 1, 15)),
        ("15/01/2024", date(2024, 1, 15)),
        ("2024-01-16 00:00:00", date(2024, 1, 16)),
        ("20240115", date(2024, 1, 15)),
        ("45321", date(2024, 1, 30)),  # an Excel serial number
        ("13/15/2024", None),
        ("31/02/2024", None),
    ],
)
def test_dates(text: str, value: date | None):
    assert pl.DataFrame({"v": [text]}).select(parse.date(pl.col("v")))["v"][0] == value


@pytest.mark.parametrize(
    ("text", "hours"),
    [("7:30", 7.5), ("31:15", 31.25), ("01:05:00", 1 + 5 / 60), ("7,5", 7.5), ("-0:30", -0.5)],
)
def test_durations(text: str, hours: float):
    result = pl.DataFrame({"v": [text]}).select(parse.duration_hours(pl.col("v")).alias("v"))["v"][
        0
    ]
    assert result == pytest.approx(hours)


def test_totals_row_and_trailing_empty_rows_are_not_data():
    data = xlsx(
        [
            ["Relevé des temps — mars 2024"],
            ["Date", "Collaborateur", "Heures"],
            [date(2024, 3, 1), "Alice Martin", 7],
            [date(2024, 3, 4), "Alice Martin", 6.5],
            ["Total", None, 13.5],
            [None, None, None],
            [None, None, None, "Exporté par la paie"],
            [None, None, None],
        ]
    )
    parsed = parse_file(data, "temps.xlsx", today=NOW.date(), max_bytes=LIMIT, future_days=31)
    sheet = parsed.sheets[0]
    assert sheet.table.header_row == 2
    assert sheet.table.skipped == [
        (5, "ligne de total"),
        (7, "ligne sans clé, ni heures, ni montant"),
    ]
    assert sheet.valid["hours"].to_list() == [7.0, 6.5]
    assert sheet.valid[ROW].to_list() == [3, 4]


def test_reader_refuses_what_is_not_a_table():
    with pytest.raises(ReadError, match="vide"):
        read_file(b"", "vide.csv", max_bytes=LIMIT)


def test_a_record_named_like_a_total_stays_a_record():
    data = xlsx(
        [
            ["Projet", "Client", "Mode", "Heures vendues"],
            ["Sommet 2024", "ACME", "forfait", 70],
            ["Total Energies", "TE", "régie", None],
            ["Total", None, None, 70],
        ]
    )
    parsed = parse_file(data, "projets.xlsx", today=NOW.date(), max_bytes=LIMIT, future_days=31)
    assert parsed.valid("projects")["project"].to_list() == ["Sommet 2024", "Total Energies"]
    assert parsed.sheets[0].table.skipped == [(4, "ligne de total")]


def test_merged_cells_give_their_value_to_the_whole_range():
    """A hand-made week: the name merged down the person's rows, a title merged across."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["B1"] = "Relevé d'heures"
    sheet.merge_cells("B1:E1")
    sheet.append([None, "Collaborateur", "Date", "Projet", "Heures"])
    for row in [
        ("Alice Martin", date(2024, 3, 4), "Site", 7), (None, date(2024, 3, 5), "Site", 6.5),
        ("Bruno Petit", date(2024, 3, 4), "Portail", 7), (None, date(2024, 3, 5), "Portail", 7),
    ]:  # fmt: skip
        sheet.append([None, *row])
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("B5:B6")
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse_file(buffer.getvalue(), "semaine.xlsx", today=NOW.date(), max_bytes=LIMIT,
                        future_days=31)  # fmt: skip
    assert parsed.errors().height == 0
    assert parsed.valid("timesheets").select(ROW, "employee").rows() == [
        (3, "Alice Martin"), (4, "Alice Martin"), (5, "Bruno Petit"), (6, "Bruno Petit"),
    ]  # fmt: skip


def test_a_sheet_can_be_asked_for_by_name():
    data = march_and_april_workbook()
    both = parse_file(data, "t.xlsx", today=NOW.date(), max_bytes=LIMIT, future_days=31)
    assert both.valid("timesheets").height == 2
    april_only = parse_file(data, "t.xlsx", today=NOW.date(), max_bytes=LIMIT, future_days=31,
                            sheet="avril")  # fmt: skip
    assert april_only.valid("timesheets")["employee"].to_list() == ["Bruno"]
    with pytest.raises(
        FileRefused, match="n'a pas de feuille « Mai » \\(feuilles : « Mars », « Avril »\\)"
    ):
        parse_file(data, "t.xlsx", today=NOW.date(), max_bytes=LIMIT, future_days=31, sheet="Mai")
