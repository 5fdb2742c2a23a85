"""Hostile and broken files: a French sentence, a store left as it was, formulas never run."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import Engine

from model.importing import import_file
from model.imports.pipeline import FileRefused, parse_file
from model.imports.reader import ReadError
from model.settings import Settings
from tests.conftest import FIXTURES, SAMPLES
from tests.support import NOW, SETTINGS, import_bytes, parse, snapshot
from tests.test_cli import PROJECT


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """The same workbook with some parts replaced or added."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in (extra or {}).items():
            out.writestr(name, content)
    return target.getvalue()


INVOICES = [
    ["Numéro", "Client", "Date de facture", "Montant TTC"],
    ["F-1", "ACME", "31/03/2024", 1200],
]


MB = 1024 * 1024


def zip_bomb() -> bytes:
    """Shared strings of a few kilobytes that unpack to 25 MB (over a ceiling set to 20 MB)."""
    huge = b"<sst><si><t>" + b"A" * (25 * MB) + b"</t></si></sst>"
    return rezip(xlsx_bytes(INVOICES), {}, {"xl/sharedStrings.xml": huge})


def write_big_bomb(path: Path, unpacked_mb: int) -> None:
    """A real invoice workbook plus shared strings of `unpacked_mb` MB, streamed to disk
    (1 MB on disk for 990 MB unpacked: deflate packs repeated bytes a thousandfold)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(INVOICES)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            shared.write(b"<sst><si><t>")
            for _ in range(unpacked_mb):
                shared.write(b"A" * MB)
            shared.write(b"</t></si></sst>")


# Runs the CLI, then reports the process's own peak memory (VmHWM counts from its exec: the
# kernel's ru_maxrss would include the pytest process it was forked from).
CLI_WITH_PEAK = (
    "import re, sys\n"
    "from model.__main__ import main\n"
    "code = main(sys.argv[1:])\n"
    "status = open('/proc/self/status').read()\n"
    "print(re.search(r'VmHWM:\\s+(\\d+)', status)[1], file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def test_a_decompression_bomb_is_refused_before_it_costs_memory(tmp_path: Path):
    """Issue 10 §5: 1 MB unpacking to 990 MB (under the former 20× ceiling) cost 3 GB to read.
    The import runs in its own process, which reports its peak memory."""
    bomb = tmp_path / "factures.xlsx"
    write_big_bomb(bomb, 990)
    database = f"sqlite:///{tmp_path / 'p.db'}"
    command = [sys.executable, "-c", CLI_WITH_PEAK, "--db", database, "import", str(bomb), "--json"]
    done = subprocess.run(command, cwd=PROJECT, capture_output=True, check=False)
    assert done.returncode == 1
    answer = json.loads(done.stdout)
    unpacked = sum(info.file_size for info in zipfile.ZipFile(bomb).infolist())
    times = f"{unpacked / bomb.stat().st_size:,.0f}".replace(",", "\u202f")  # about 1 000
    assert answer["status"] == "rejected"
    assert answer["message"] == (
        f"Ce classeur de 1,0 Mo se décompresse en 990,0 Mo, {times} fois sa taille ; un "
        "export réel se décompresse en 10 à 20 fois sa taille (limite : 50 fois, "
        "PILOTAGE_MAX_UNPACK_RATIO) : il n'est pas lu (c'est le signe d'un fichier piégé, pas "
        "d'un export). Enregistrez-le à nouveau dans votre tableur s'il vient bien de votre "
        "logiciel."
    )
    peak_mb = int(done.stderr.split()[-1]) / 1024  # kilobytes
    assert peak_mb < 300, f"peak memory {peak_mb:.0f} MB"


def entity_expansion() -> bytes:
    """The "billion laughs": nested entities in the shared strings part."""
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Num\xc3\xa9ro</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    return rezip(xlsx_bytes(INVOICES), {"xl/worksheets/sheet1.xml": laughs})


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    import_bytes(engine, (FIXTURES / "odoo/invoices_fr.xlsx").read_bytes(), "f.xlsx")
    return engine


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("zip bomb", "se décompresse en 25,0 Mo, au-delà de la limite de 20,0 Mo"),
        ("entity expansion", "est endommagé ou d'un format non reconnu"),
        ("million columns", "colonnes sur une ligne"),
    ],
)
def test_hostile_files_are_refused_and_change_nothing(loaded: Engine, case: str, expected: str):
    data = {
        "zip bomb": zip_bomb,
        "entity expansion": entity_expansion,
        "million columns": lambda: b"a" + b",a" * 1_000_000 + b"\n",
    }[case]()
    before = snapshot(loaded)
    result = import_file(
        loaded, data, "piege.xlsx", settings=Settings(database_url="-", max_unpacked_mb=20), now=NOW
    )
    assert result.status == "rejected"
    assert expected in result.message
    assert "Traceback" not in result.message
    assert snapshot(loaded) == before


def test_a_macro_workbook_is_read_for_its_values_only():
    data = rezip(
        xlsx_bytes(INVOICES), {}, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro never run"}
    )
    parsed = parse_file(
        data, "factures.xlsm", today=NOW.date(), max_bytes=SETTINGS.max_file_bytes, future_days=31
    )
    assert parsed.valid("invoices")["amount_total"].to_list() == [120000]


def test_formulas_are_read_as_their_values_never_evaluated():
    """Saved by LibreOffice Calc: formula cells carry the value computed when it was saved."""
    parsed = parse(FIXTURES / "hostile/formulas_libreoffice.xlsx")
    invoices = parsed.valid("invoices")
    assert invoices["amount_total"].to_list() == [120000, 300060]
    assert parsed.sheets[0].table.skipped == [(4, "ligne de total")]


FILES = [
    FIXTURES / "odoo/invoices_fr.xlsx",
    FIXTURES / "odoo/timesheets_fr.csv",
    FIXTURES / "fec/fec_tab_utf8.txt",
    SAMPLES / "timetrackers/toggl_time_entries_import_test_1.csv",
]


def read_or_refuse(data: bytes) -> None:
    """Reading may refuse the file, with a sentence; nothing else may escape."""
    try:
        parse_file(
            data, "fuzz", today=NOW.date(), max_bytes=SETTINGS.max_file_bytes, future_days=31
        )
    except (ReadError, FileRefused) as refusal:
        assert str(refusal).strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_random_bytes_never_escape_as_an_exception(data: bytes):
    read_or_refuse(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(FIXTURES / "fec/fec_tab_utf8.txt", [(89, b"\x00")])  # PieceRef header destroyed
@example(FIXTURES / "odoo/invoices_fr.xlsx", [(10484, b"@")])  # "zip file version 6.4"
@given(
    st.sampled_from(FILES),
    st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=8)), max_size=6),
)
def test_mutated_real_files_never_escape_as_an_exception(path, mutations):
    data = bytearray(path.read_bytes())
    for position, chunk in mutations:
        at = position % max(len(data), 1)
        data[at : at + len(chunk)] = chunk
    read_or_refuse(bytes(data))
