"""The import orchestrator: a preview confirmed is written without reading the file again."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from model import importing
from model.store import read_facts
from tests.support import NOW, SETTINGS, import_bytes, invoices_csv


def confirm(engine: Engine, preview: importing.ImportResult) -> importing.ImportResult:
    assert preview.batch is not None
    return importing.import_batch(engine, preview.batch, settings=SETTINGS, now=NOW)


def test_confirming_a_preview_writes_what_was_read_without_reading_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    preview = import_bytes(engine, invoices_csv(range(1, 6)), "factures.csv", dry_run=True)
    assert (preview.status, preview.added) == ("preview", 5)

    def no_second_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was read again")

    monkeypatch.setattr(importing, "read", no_second_reading)
    done = confirm(engine, preview)
    assert (done.status, done.added, done.rows_read) == ("imported", 5, 5)
    assert read_facts(engine, "invoices").height == 5
    again = confirm(engine, preview)
    assert again.status == "already_imported"
    assert again.batch_id == done.batch_id


def test_a_preview_confirmed_after_another_import_is_planned_afresh(engine: Engine):
    preview = import_bytes(engine, invoices_csv(range(1, 6)), "a.csv", dry_run=True)
    import_bytes(engine, invoices_csv(range(4, 9)), "b.csv")  # INV-4 and 5 landed meanwhile
    done = confirm(engine, preview)
    assert (done.added, done.unchanged) == (3, 2)
    assert read_facts(engine, "invoices").height == 8


def test_the_batch_is_not_in_the_json(engine: Engine):
    preview = import_bytes(engine, invoices_csv(range(1, 3)), "a.csv", dry_run=True)
    assert "batch" not in preview.to_json() and "preview" not in preview.to_json()
