"""Undo checked against a model of it (issue 10 §2): undoing a batch leaves the store as if that
batch had never been imported, i.e. equal to importing the remaining files alone, in order.

Twenty overlapping exports (invoices that change and change back, keyless timesheet lines that
replace each other within their scope) are imported, then undone one by one in a shuffled order;
after each undo the store is compared with a fresh store given the remaining files. The
shuffles are seeded: the test is the same at every run (CI must not pass by chance).
"""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from model.db import get_engine, init_db
from model.history import list_batches
from model.store import read_facts, undo_batch
from tests.support import NOW, import_bytes

EMPLOYEES = ("Alice", "Bruno", "Chloé")


def invoice_export(rng: random.Random) -> bytes:
    """Some of INV-01…24; each due amount is either the total or 0 (paid): versions recur."""
    first = rng.randint(1, 16)
    header = '"Number","Partner","Invoice/Bill Date","Total","Amount Due","Status"\n'
    lines = []
    for n in range(first, first + rng.randint(3, 9)):
        due = rng.choice(("0.0", f"{100 + n}.0"))
        lines.append(f'"INV-{n:02d}","Client {n % 3}","2024-03-{n:02d}","{100 + n}.0","{due}",')
        lines[-1] += '"Posted"'
    return (header + "\n".join(lines) + "\n").encode()


def timesheet_export(rng: random.Random) -> bytes:
    """Keyless lines of a few people over a few days: 0 to 2 lines a day, of 3,5 or 4 hours."""
    people = rng.sample(EMPLOYEES, rng.randint(1, 3))
    first = rng.randint(1, 10)
    header = '"Date","Employé","Projet","Description","Quantité"\n'
    lines = [
        f'"2024-03-{day:02d}","{person}","Site","Dév","{rng.choice(("3.5", "4"))}"'
        for day in range(first, first + rng.randint(2, 6))
        for person in people
        for _ in range(rng.randint(0, 2))
    ]
    if not lines:
        lines = [f'"2024-03-{first:02d}","{people[0]}","Site","Dév","4"']
    return (header + "\n".join(lines) + "\n").encode()


def exports(seed: int, count: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    files: dict[bytes, str] = {}
    while len(files) < count:
        make = invoice_export if len(files) % 2 == 0 else timesheet_export
        files.setdefault(make(rng), f"export-{len(files):02d}.csv")
    return [(name, data) for data, name in files.items()]


def state(engine: Engine) -> dict[str, list[tuple]]:
    """Current invoices with the file that brought them and its line; timesheet lines' values."""
    files = dict(list_batches(engine).select("id", "file_name").rows())
    invoices = read_facts(engine, "invoices", with_meta=True).with_columns(
        pl.col("batch_id").replace_strict(files).alias("file")
    )
    values = ["number", "client", "invoice_date", "amount_total_cents", "amount_residual_cents"]
    timesheets = read_facts(engine, "timesheets").select("date", "employee", "hours")
    return {
        "invoices": sorted(invoices.select("file", "source_row", *values).rows()),
        "timesheets": sorted(timesheets.rows()),
    }


def imported_alone(files: list[tuple[str, bytes]], folder: Path) -> dict[str, list[tuple]]:
    reference = get_engine(f"sqlite:///{folder / 'reference.db'}")
    init_db(reference)
    for name, data in files:
        import_bytes(reference, data, name)
    result = state(reference)
    reference.dispose()
    get_engine.cache_clear()
    (folder / "reference.db").unlink()
    return result


@pytest.mark.parametrize("seed", [3, 11])
def test_undo_in_any_order_equals_importing_the_remaining_files_alone(
    engine: Engine, tmp_path: Path, seed: int
):
    files = exports(seed, 20)
    batches = {name: import_bytes(engine, data, name).batch_id for name, data in files}
    assert None not in batches.values()
    assert state(engine) == imported_alone(files, tmp_path)
    remaining = list(files)
    order = [name for name, _ in files]
    random.Random(seed).shuffle(order)
    for name in order:
        undo_batch(engine, batches[name], now=NOW, user="test")
        remaining = [(n, d) for n, d in remaining if n != name]
        assert state(engine) == imported_alone(remaining, tmp_path), f"after undoing {name}"
    assert state(engine) == {"invoices": [], "timesheets": []}
