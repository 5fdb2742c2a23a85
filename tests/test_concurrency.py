"""Imports run at once on one base: serialised, never a row twice (issue 10 §1).

Real processes (`python -m model import`), as four accountants or four scripts would start them,
on SQLite and PostgreSQL; the counts afterwards are exact whatever the order they ran in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from model.db import init_db, writer_transaction
from model.store import read_facts
from model.tables import ImportBatch, Invoice
from tests.support import import_bytes, invoices_csv, snapshot, timesheets_csv

PROJECT = Path(__file__).resolve().parents[1]


def run_together(url: str, files: list[Path]) -> list[dict]:
    """Start one `python -m model import --json` per file at the same moment; their answers."""
    environment = {**os.environ, "PILOTAGE_USER": "compta@test"}
    command = [sys.executable, "-m", "model", "--db", url, "import"]
    commands = [[*command, str(path), "--json"] for path in files]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    processes = [subprocess.Popen(c, cwd=PROJECT, env=environment, **pipes) for c in commands]
    answers = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err.decode()
        answers.append(json.loads(out))
    return answers


def current_invoices(engine: Engine) -> list[str]:
    return sorted(read_facts(engine, "invoices")["number"].to_list())


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_four_imports_of_one_file_at_once_store_it_once(engine: Engine, tmp_path: Path):
    path = write(tmp_path, "factures.csv", invoices_csv(range(1, 501)))
    answers = run_together(str(engine.url), [path] * 4)
    assert sorted(a["status"] for a in answers) == ["already_imported"] * 3 + ["imported"]
    imported = next(a for a in answers if a["status"] == "imported")
    assert imported["added"] == 500
    assert {a["batch_id"] for a in answers} == {imported["batch_id"]}
    assert current_invoices(engine) == [f"INV-{n:04d}" for n in range(1, 501)]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Invoice)).scalar() == 500
        assert connection.execute(select(func.count()).select_from(ImportBatch)).scalar() == 1


def test_overlapping_exports_at_once_keep_one_row_per_invoice(engine: Engine, tmp_path: Path):
    first = write(tmp_path, "1-500.csv", invoices_csv(range(1, 501)))
    second = write(tmp_path, "251-750.csv", invoices_csv(range(251, 751)))
    answers = run_together(str(engine.url), [first, second, first, second])
    assert sorted(a["status"] for a in answers) == ["already_imported"] * 2 + ["imported"] * 2
    # Whichever ran first added 500; the other found 250 of its invoices already there.
    imported = sorted((a["added"], a["unchanged"]) for a in answers if a["status"] == "imported")
    assert imported == [(250, 250), (500, 0)]
    assert current_invoices(engine) == [f"INV-{n:04d}" for n in range(1, 751)]


def test_different_files_at_once_are_all_stored(engine: Engine, tmp_path: Path):
    files = [
        write(tmp_path, f"lot-{i}.csv", invoices_csv(range(i * 100 + 1, i * 100 + 101)))
        for i in range(4)
    ]
    answers = run_together(str(engine.url), files)
    assert [a["added"] for a in answers] == [100] * 4
    assert len({a["batch_id"] for a in answers}) == 4
    assert current_invoices(engine) == [f"INV-{n:04d}" for n in range(1, 401)]


def test_overlapping_timesheet_exports_at_once_leave_each_line_once(engine: Engine, tmp_path: Path):
    first = write(tmp_path, "1-20.csv", timesheets_csv(range(1, 21)))
    second = write(tmp_path, "11-31.csv", timesheets_csv(range(11, 32)))
    run_together(str(engine.url), [first, second, first, second])
    lines = read_facts(engine, "timesheets")
    # 31 days × 2 people × 2 lines, whatever the order: the overlap (11–20) is one set of lines.
    assert lines.height == 31 * 2 * 2
    assert lines.select("date", "employee", "description").is_duplicated().sum() == 0
    assert lines["hours"].sum() == pytest.approx(31 * 2 * 7.5)


def test_an_import_waits_for_the_one_before_it_and_says_so(engine: Engine, tmp_path: Path):
    path = write(tmp_path, "factures.csv", invoices_csv(range(1, 11)))
    held, release = threading.Event(), threading.Event()

    def hold_the_base() -> None:
        with writer_transaction(engine):
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold_the_base)
    holder.start()
    held.wait(30)
    process = subprocess.Popen(
        [sys.executable, "-m", "model", "--db", str(engine.url), "import", str(path), "--json"],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    first_line = process.stderr.readline()  # blocks until the import says it waits
    assert current_invoices(engine) == []
    release.set()
    holder.join()
    out, _ = process.communicate(timeout=120)
    assert first_line == (
        f"{path} : un autre import est en cours sur cette base ; celui-ci attend son tour…\n"
    )
    assert json.loads(out)["added"] == 10
    assert len(current_invoices(engine)) == 10


def test_the_store_refuses_a_second_current_row_for_one_key(engine: Engine):
    import_bytes(engine, invoices_csv(range(1, 3)), "f.csv")
    before = snapshot(engine)
    names = Invoice.__table__.columns.keys()
    row = dict(zip(names, before["invoice"][0], strict=True))
    row.pop("id")
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(Invoice.__table__.insert(), row)
    assert snapshot(engine) == before


def test_an_older_base_with_doubled_rows_keeps_the_latest_current(engine: Engine):
    import_bytes(engine, invoices_csv(range(1, 3)), "a.csv")
    import_bytes(engine, invoices_csv(range(2, 4)).replace(b"102.50", b"999.00"), "b.csv")
    # What concurrent imports left in a base of schema 6: INV-0002 current twice.
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ux_invoice_current_key"))
        connection.execute(text("UPDATE invoice SET superseded_by = NULL"))
        connection.execute(text("UPDATE meta SET value = '6' WHERE key = 'schema_version'"))
    init_db(engine)
    facts = read_facts(engine, "invoices").sort("number")
    assert facts.select("number", "amount_total_cents").rows() == [
        ("INV-0001", 10150),
        ("INV-0002", 99900),  # the later batch's version stays current
        ("INV-0003", 10350),
    ]
    with engine.connect() as connection:
        superseded = connection.execute(
            text("SELECT natural_key, superseded_by FROM invoice WHERE superseded_by IS NOT NULL")
        ).all()
    assert [tuple(r) for r in superseded] == [("INV-0002", 2)]


def test_waiting_is_short_when_nobody_holds_the_base(engine: Engine):
    started = time.monotonic()
    with writer_transaction(engine, on_wait=lambda: pytest.fail("nobody holds the base")):
        pass
    assert time.monotonic() - started < 2
