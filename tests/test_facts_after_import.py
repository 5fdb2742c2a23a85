"""The facts after an import, assembled from the facts before it and the import's rows
(model/views/loading.py): the same frames, row for row and in the same order, as reading the
whole store again; and nothing assembled when the store holds anything else. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from model import store
from model.store import undo_batch
from model.views.loading import StoredFacts, completed_facts, read_stored_facts, with_imports
from tests.support import import_bytes, invoices_csv, timesheets_csv


def assert_as_read_whole(engine: Engine, assembled: StoredFacts | None) -> None:
    whole = read_stored_facts(engine)
    assert assembled is not None
    assert assembled.version == whole.version
    for kind, frame in whole.frames.items():
        assert_frame_equal(assembled.frames[kind], frame)
    facts, facts_read_whole = completed_facts(assembled), completed_facts(whole)
    for kind in ("timesheets", "invoices", "employees", "projects"):
        assert_frame_equal(getattr(facts, kind), getattr(facts_read_whole, kind))


def imported(engine: Engine, data: bytes, name: str) -> int:
    result = import_bytes(engine, data, name)
    assert result.status == "imported", result.message
    assert result.data_version == read_stored_facts(engine).version
    return result.batch_id


def test_added_replaced_and_removed_rows_as_if_read_whole(engine: Engine):
    imported(engine, timesheets_csv(range(1, 11)), "mars-1-10.csv")
    imported(engine, invoices_csv(range(1, 6)), "factures-1-5.csv")
    before = read_stored_facts(engine)

    # Keyless lines: days 5–14 again, Alice's « Revue » of the 6th now 2 h, the 1st–4th kept
    # out of scope; invoices 3–8: 3 paid (updated), 6–8 new, 4 and 5 unchanged.
    lines = timesheets_csv(range(5, 15)).replace(
        b'"2024-03-06","Alice","Site","Revue","3.5"', b'"2024-03-06","Alice","Site","Revue","2"'
    )
    corrected = imported(engine, lines, "mars-5-14.csv")
    assembled = with_imports(engine, before, [corrected])
    assert_as_read_whole(engine, assembled)

    paid = invoices_csv(range(3, 9)).replace(b'"103.50","103.50"', b'"103.50","0.00"')
    two_in_a_row = [imported(engine, paid, "factures-3-8.csv")]
    two_in_a_row.append(imported(engine, timesheets_csv(range(14, 16), ("Chloé",)), "c.csv"))
    assert_as_read_whole(engine, with_imports(engine, assembled, two_in_a_row))


def test_nothing_assembled_when_another_write_came_between_or_after(engine: Engine):
    imported(engine, invoices_csv(range(1, 4)), "factures-1-3.csv")
    before = read_stored_facts(engine)
    first = imported(engine, invoices_csv(range(1, 6)), "factures-1-5.csv")
    imported(engine, invoices_csv(range(5, 9)), "factures-5-8.csv")  # not said to the reader
    assert with_imports(engine, before, [first]) is None


def test_nothing_assembled_when_the_write_was_not_that_import(engine: Engine):
    kept = imported(engine, invoices_csv(range(1, 4)), "factures-1-3.csv")
    later = imported(engine, invoices_csv(range(4, 7)), "factures-4-6.csv")
    before = read_stored_facts(engine)
    undo_batch(engine, later, now=datetime(2024, 7, 1, 10), user="compta@test")
    # The version moved by one, but by an undo: the rows held do not add up to the store's.
    assert with_imports(engine, before, [kept]) is None
    assert read_stored_facts(engine).frames["invoices"].height == 3


def test_a_read_overtaken_by_a_write_is_no_base(engine: Engine, monkeypatch):
    imported(engine, invoices_csv(range(1, 4)), "factures-1-3.csv")
    read_facts = store.read_facts

    def read_then_import(engine_: Engine, kind: str, **options):
        frame = read_facts(engine_, kind, **options)
        if kind == "invoices":
            monkeypatch.setattr(store, "read_facts", read_facts)
            imported(engine, invoices_csv(range(4, 6)), "factures-4-5.csv")
        return frame

    monkeypatch.setattr(store, "read_facts", read_then_import)
    overtaken = read_stored_facts(engine)
    assert overtaken.version == -1
    later = imported(engine, invoices_csv(range(6, 8)), "factures-6-7.csv")
    assert with_imports(engine, overtaken, [later]) is None
