"""Large SQLite inserts through an Arrow staging file (model/staging.py): the base holds exactly
what binding the rows one by one holds, value for value and storage class for storage class;
nothing stays attached or on disk once the transaction has ended, committed or rolled back; a
driver that fails leaves the rows to the slower path. SQLite only: PostgreSQL copies (COPY)."""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from model import audit, staging, store
from model.db import get_engine, init_db
from model.facts import FACTS
from tests.support import import_bytes, snapshot

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = Path(__file__).parents[1].parent / "shared" / "samples"
# Every kind of fact the readers bring, with their dates, decimals, booleans, currencies and nulls.
FILES = [
    FIXTURES / "template" / "template_filled.xlsx",
    FIXTURES / "odoo" / "timesheets_fr.csv",
    FIXTURES / "odoo" / "invoices_multicurrency_fr.csv",
    FIXTURES / "odoo" / "employees_fr.csv",
    FIXTURES / "odoo" / "projects_fr.xlsx",
    FIXTURES / "odoo" / "sale_lines_fr.xlsx",
    FIXTURES / "odoo" / "tickets_fr.xlsx",
    FIXTURES / "odoo" / "time_off_fr.xlsx",
    FIXTURES / "einvoice" / "FA-2024-0142_cii.xml",
    FIXTURES / "fec" / "fec_devises.txt",
    FIXTURES / "platform" / "statuts_pa.csv",
    FIXTURES / "kimai" / "kimai_fr.csv",
    SAMPLES / "timetrackers" / "clockify_time_entries_import_test_1.csv",
]


def raw_dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows as SQLite literals (`quote()`): 1 and 1.0, '1' and 1 differ."""
    with sqlite3.connect(path) as connection:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]  # fmt: skip
        dump = {}
        for table in tables:
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
            quoted = ", ".join(f'quote("{column}")' for column in columns)
            dump[table] = connection.execute(f'SELECT {quoted} FROM "{table}" ORDER BY rowid')
            dump[table] = dump[table].fetchall()
    return dump


def import_everything(engine: Engine) -> list[str]:
    statuses = [import_bytes(engine, path.read_bytes(), path.name).status for path in FILES]
    # The same timesheet lines under other bytes: every line delivered again (deliveries).
    again = import_bytes(engine, (FIXTURES / "odoo" / "timesheets_fr.csv").read_bytes() + b"\n",
                         "timesheets_fr-bis.csv")  # fmt: skip
    return [*statuses, again.status]


def imported_base(folder: Path, monkeypatch: pytest.MonkeyPatch, staged_from: int) -> Path:
    monkeypatch.setattr(staging, "STAGED_ROWS", staged_from)
    path = folder / "pilotage.db"
    engine = get_engine(f"sqlite:///{path}")
    init_db(engine)
    statuses = import_everything(engine)
    assert statuses.count("imported") == len(FILES) + 1, statuses
    engine.dispose()
    get_engine.cache_clear()
    return path


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder for this test alone, to see what is left in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("writers", [1, 3])
def test_staged_rows_are_stored_as_rows_bound_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_tmp: Path, writers: int
):
    monkeypatch.setattr(staging, "WRITERS", writers)
    written, inserts = [], []
    write_arrow, insert_staged = staging._write_arrow, staging.insert_staged

    def counted_write(path: Path, rows) -> None:
        written.append(rows.height)
        write_arrow(path, rows)

    def counted_insert(connection, table_name: str, rows) -> bool:
        staged = insert_staged(connection, table_name, rows)
        inserts.extend([rows.height] if staged else [])
        return staged

    monkeypatch.setattr(staging, "_write_arrow", counted_write)
    monkeypatch.setattr(staging, "insert_staged", counted_insert)
    (tmp_path / "staged").mkdir(), (tmp_path / "bound").mkdir()
    staged = imported_base(tmp_path / "staged", monkeypatch, staged_from=1)
    staged_writes = len(written)
    bound = imported_base(tmp_path / "bound", monkeypatch, staged_from=10**9)

    assert len(written) == staged_writes >= len(FILES) + 1  # facts and deliveries, all staged
    assert sum(written) == sum(inserts)  # every row once, in one file
    # One file per insert, or inserts in slices written at once (files attached allowing).
    assert (staged_writes > len(inserts)) if writers > 1 else (staged_writes == len(inserts))
    assert raw_dump(staged) == raw_dump(bound)
    assert list(private_tmp.iterdir()) == []


def test_nothing_stays_attached_nor_on_disk_after_a_rolled_back_import(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, private_tmp: Path
):
    monkeypatch.setattr(staging, "STAGED_ROWS", 1)
    engine = get_engine(sqlite_url)
    init_db(engine)
    before = snapshot(engine)

    def failing_record(*args, **kwargs):
        raise RuntimeError("after the rows were inserted")

    with monkeypatch.context() as patched:
        patched.setattr(audit, "record", failing_record)
        refused = import_bytes(engine, (FIXTURES / "odoo" / "timesheets_fr.csv").read_bytes(),
                               "timesheets_fr.csv")  # fmt: skip
    assert refused.status == "rejected" and "Rien n'a été enregistré" in refused.message
    assert snapshot(engine) == before
    assert list(private_tmp.iterdir()) == []
    with engine.connect() as connection:  # the pooled connection has only its own base
        databases = connection.exec_driver_sql("PRAGMA database_list").all()
    assert [name for _, name, _ in databases if name not in ("main", "temp")] == []
    # The connection goes on staging: the next import is written whole.
    assert import_bytes(engine, (FIXTURES / "odoo" / "timesheets_fr.csv").read_bytes(),
                        "timesheets_fr.csv").status == "imported"  # fmt: skip
    assert list(private_tmp.iterdir()) == []


def test_a_failing_driver_leaves_the_rows_to_be_bound_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_tmp: Path, caplog
):
    (tmp_path / "failing").mkdir(), (tmp_path / "bound").mkdir()

    def full_disk(path: Path, rows) -> None:
        path.write_bytes(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(staging, "_write_arrow", full_disk)
    with caplog.at_level(logging.WARNING, logger="model.staging"):
        failing = imported_base(tmp_path / "failing", monkeypatch, staged_from=1)
    bound = imported_base(tmp_path / "bound", monkeypatch, staged_from=10**9)

    assert raw_dump(failing) == raw_dump(bound)
    assert "No space left on device" in caplog.text
    assert list(private_tmp.iterdir()) == []


def test_one_writer_failing_among_three_leaves_all_the_rows_to_be_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_tmp: Path, caplog
):
    (tmp_path / "failing").mkdir(), (tmp_path / "bound").mkdir()
    monkeypatch.setattr(staging, "WRITERS", 3)
    write_arrow = staging._write_arrow

    def second_part_fails(path: Path, rows) -> None:
        if path.name == "1.db":
            raise OSError(28, "No space left on device")
        write_arrow(path, rows)

    monkeypatch.setattr(staging, "_write_arrow", second_part_fails)
    with caplog.at_level(logging.WARNING, logger="model.staging"):
        failing = imported_base(tmp_path / "failing", monkeypatch, staged_from=1)
    bound = imported_base(tmp_path / "bound", monkeypatch, staged_from=10**9)

    assert "No space left on device" in caplog.text  # a slice failed: its insert went by rows
    assert raw_dump(failing) == raw_dump(bound)
    assert list(private_tmp.iterdir()) == []


def test_past_the_databases_one_may_attach_the_rows_are_bound_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_tmp: Path
):
    # The template's sheets make several inserts in one transaction: the first is staged.
    monkeypatch.setattr(staging, "MAX_STAGED", 1)
    (tmp_path / "one").mkdir(), (tmp_path / "bound").mkdir()
    one_staged = imported_base(tmp_path / "one", monkeypatch, staged_from=1)
    bound = imported_base(tmp_path / "bound", monkeypatch, staged_from=10**9)

    assert raw_dump(one_staged) == raw_dump(bound)
    assert list(private_tmp.iterdir()) == []


def test_staged_reads_give_the_frames_read_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_tmp: Path
):
    path = imported_base(tmp_path, monkeypatch, staged_from=10**9)
    engine = get_engine(f"sqlite:///{path}")
    monkeypatch.setattr(store, "STAGED_READ_ROWS", 10**9)
    by_row = {kind: store.read_facts(engine, kind, with_meta=True) for kind in FACTS}
    staged_reads = []
    read_staged = staging.read_staged

    def counted_read(engine_: Engine, sql: str):
        arrow = read_staged(engine_, sql)
        staged_reads.append(arrow is not None)
        return arrow

    monkeypatch.setattr(staging, "read_staged", counted_read)
    monkeypatch.setattr(store, "STAGED_READ_ROWS", 0)
    for kind, frame in by_row.items():
        assert_frame_equal(store.read_facts(engine, kind, with_meta=True), frame)
        assert frame.height > 0, kind  # every kind holds rows: every type is read
    assert staged_reads == [True] * len(FACTS)  # read from staging files, none fell back
    assert list(private_tmp.iterdir()) == []
    with engine.connect() as connection:  # nothing left attached to the pooled connection
        databases = connection.exec_driver_sql("PRAGMA database_list").all()
    assert [name for _, name, _ in databases if name not in ("main", "temp")] == []

    # A driver that fails: the rows are read one by one, the same.
    def failing_read(path: Path, count: int):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(staging, "_read_arrow", failing_read)
    assert_frame_equal(store.read_facts(engine, "timesheets", with_meta=True),
                       by_row["timesheets"])  # fmt: skip
    assert list(private_tmp.iterdir()) == []
    engine.dispose()
