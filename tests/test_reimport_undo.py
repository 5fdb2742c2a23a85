"""Re-import rules (FORMATS.md §3), transactions and undo, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine, func, select, update

from model import store
from model.history import list_batches
from model.store import StoreError, read_facts, undo_batch
from model.tables import ImportBatch, Invoice, TimesheetLine
from tests.conftest import FIXTURES
from tests.support import NOW, import_bytes, invoices_csv, march_and_april_workbook, snapshot

HEADER = '"Date","Employé","Projet","Description","Quantité","Type de facturation"\r\n'


def timesheet_csv(*rows: tuple[str, str, str, str, float, str]) -> bytes:
    lines = [",".join(f'"{v}"' for v in row) for row in rows]
    return (HEADER + "\r\n".join(lines) + "\r\n").encode()


MARCH_LINES = (
    ("2024-03-04", "Alice", "Site", "Maquettes", 7, "Facturé sur Feuilles de Temps"),
    ("2024-03-05", "Alice", "Site", "Maquettes", 7, "Facturé sur Feuilles de Temps"),
    ("2024-03-05", "Alice", "Site", "Maquettes", 7, "Facturé sur Feuilles de Temps"),
    ("2024-03-04", "Bruno", "Portail", "Dév", 6, "Facturé à un Prix Fixe"),
    ("2024-03-08", "Bruno", "Portail", "Dév", 5, "Facturé à un Prix Fixe"),
)
MARCH = timesheet_csv(*MARCH_LINES)
FEBRUARY = timesheet_csv(("2024-02-26", "Alice", "Site", "Cadrage", 3.5, "Non facturable"))


def counts(result) -> tuple:
    return (result.status, result.added, result.updated, result.removed, result.unchanged)


def test_same_file_twice_changes_nothing_and_says_when(engine: Engine):
    first = import_bytes(engine, MARCH, "mars.csv")
    before = snapshot(engine)
    again = import_bytes(engine, MARCH, "mars-copie.csv")
    assert again.status == "already_imported"
    assert again.batch_id == first.batch_id
    assert again.message == (
        f"Ce fichier a déjà été importé le 01/07/2024 à 09:30 par compta@test "
        f"(import n° {first.batch_id}) : rien n'a changé."
    )
    assert snapshot(engine) == before


def test_identical_content_in_another_file_is_unchanged_not_duplicated(engine: Engine):
    import_bytes(engine, MARCH, "mars.csv")
    same_rows = MARCH.replace(b"\r\n", b"\n")  # other bytes, same lines
    result = import_bytes(engine, same_rows, "mars-lf.csv")
    assert counts(result) == ("imported", 0, 0, 0, 5)
    assert read_facts(engine, "timesheets").height == 5


def test_keyless_lines_are_replaced_within_the_new_files_scope(engine: Engine):
    import_bytes(engine, FEBRUARY, "fevrier.csv")
    import_bytes(engine, MARCH, "mars.csv")
    # Alice's 4–5 March exported again after corrections: one line fixed, one deleted.
    corrected = timesheet_csv(
        ("2024-03-04", "Alice", "Site", "Maquettes", 7, "Facturé sur Feuilles de Temps"),
        ("2024-03-05", "Alice", "Site", "Maquettes", 6.5, "Facturé sur Feuilles de Temps"),
    )
    preview = import_bytes(engine, corrected, "alice.csv", dry_run=True)
    assert counts(preview) == ("preview", 1, 0, 2, 1)
    assert read_facts(engine, "timesheets").height == 6  # nothing written by the preview
    result = import_bytes(engine, corrected, "alice.csv")
    assert counts(result) == ("imported", 1, 0, 2, 1)
    facts = read_facts(engine, "timesheets").sort("employee", "date", "hours")
    # Bruno's lines (other employee) and February (other dates) are out of scope: kept.
    assert facts.select("employee", "date", "hours").rows() == [
        ("Alice", date(2024, 2, 26), 3.5),
        ("Alice", date(2024, 3, 4), 7.0),
        ("Alice", date(2024, 3, 5), 6.5),
        ("Bruno", date(2024, 3, 4), 6.0),
        ("Bruno", date(2024, 3, 8), 5.0),
    ]


def test_lines_with_a_source_id_are_updated_in_place(engine: Engine):
    path = FIXTURES / "odoo/timesheets_tech.csv"
    import_bytes(engine, path.read_bytes(), path.name)
    newer = path.read_bytes().replace(b'"3.25"', b'"3.75"')
    result = import_bytes(engine, newer, "newer.csv")
    assert counts(result) == ("imported", 0, 1, 0, 5)
    facts = read_facts(engine, "timesheets")
    assert facts.height == 6
    assert facts.filter(pl.col("employee") == "Bruno Petit")["hours"].sort().to_list() == [
        1.5,
        3.75,
    ]


def test_newer_invoice_export_updates_amounts_due(engine: Engine):
    path = FIXTURES / "odoo/invoices_en.csv"
    import_bytes(engine, path.read_bytes(), path.name)
    paid = path.read_bytes().replace(b'"1000.6","Partially Paid"', b'"0.0","Paid"')
    newer = paid + b'"FAC/2024/0015","ACME","2024-04-30","2024-05-30","10.0","12.0","12.0",'
    newer += b'"Not Paid","Posted","Customer Invoice",""\r\n'
    result = import_bytes(engine, newer, "newer.csv")
    assert counts(result) == ("imported", 1, 1, 0, 3)
    invoices = read_facts(engine, "invoices").sort("number")
    assert invoices["number"].to_list() == [
        "FAC/2024/0012", "FAC/2024/0013", "FAC/2024/0014", "FAC/2024/0015", "RFAC/2024/0001",
    ]  # fmt: skip
    residual = dict(invoices.select("number", "amount_residual_cents").rows())
    assert residual["FAC/2024/0013"] == 0


def test_undo_restores_the_exact_previous_state(engine: Engine):
    path = FIXTURES / "odoo/invoices_en.csv"
    import_bytes(engine, path.read_bytes(), path.name)
    import_bytes(engine, MARCH, "mars.csv")
    facts_before = {k: read_facts(engine, k, with_meta=True) for k in ("invoices", "timesheets")}
    newer = path.read_bytes().replace(b'"1000.6","Partially Paid"', b'"0.0","Paid"')
    corrected = timesheet_csv(
        ("2024-03-04", "Alice", "Site", "Maquettes", 8, "Facturé sur Feuilles de Temps")
    )
    batch_invoices = import_bytes(engine, newer, "newer.csv").batch_id
    batch_times = import_bytes(engine, corrected, "alice.csv").batch_id
    assert 8.0 in read_facts(engine, "timesheets")["hours"].to_list()

    undo_batch(engine, batch_times, now=NOW, user="test")
    undo_batch(engine, batch_invoices, now=NOW, user="test")

    for kind, before in facts_before.items():
        assert read_facts(engine, kind, with_meta=True).equals(before)
    statuses = list_batches(engine).select("id", "status").rows()
    assert statuses[:2] == [(batch_times, "undone"), (batch_invoices, "undone")]


def test_undo_of_a_batch_updated_later_leaves_the_later_version(engine: Engine):
    path = FIXTURES / "odoo/invoices_en.csv"
    first = import_bytes(engine, path.read_bytes(), path.name).batch_id
    newer = path.read_bytes().replace(b'"1000.6","Partially Paid"', b'"0.0","Paid"')
    second = import_bytes(engine, newer, "newer.csv").batch_id
    undo_batch(engine, first, now=NOW, user="test")
    # As if only the newer export had been imported: its four invoices, owned by it.
    invoices = read_facts(engine, "invoices", with_meta=True).sort("number")
    assert invoices["batch_id"].to_list() == [second] * 4
    residual = dict(invoices.select("number", "amount_residual_cents").rows())
    assert residual["FAC/2024/0013"] == 0
    with engine.connect() as connection:
        stored = connection.execute(select(func.count()).select_from(Invoice)).scalar()
    assert stored == 4  # the first export's versions are gone, not kept as history
    undo_batch(engine, second, now=NOW, user="test")
    assert read_facts(engine, "invoices").height == 0
    with pytest.raises(StoreError, match="déjà été annulé"):
        undo_batch(engine, first, now=NOW, user="test")


def test_undo_keeps_the_invoices_a_later_export_also_delivered(engine: Engine):
    """Issue 10 §2: A = INV-1…3, B = INV-1…4 (the first three unchanged), undo A."""
    export_a, export_b = invoices_csv(range(1, 4)), invoices_csv(range(1, 5))
    a = import_bytes(engine, export_a, "a.csv")
    b = import_bytes(engine, export_b, "b.csv")
    assert (b.added, b.unchanged) == (1, 3)
    undo_batch(engine, a.batch_id, now=NOW, user="test")
    invoices = read_facts(engine, "invoices", with_meta=True).sort("number")
    assert invoices["number"].to_list() == ["INV-0001", "INV-0002", "INV-0003", "INV-0004"]
    assert invoices["batch_id"].to_list() == [b.batch_id] * 4
    # B's line numbers now, not A's: the drill-down shows B's file.
    assert invoices["source_row"].to_list() == [2, 3, 4, 5]
    assert import_bytes(engine, export_b, "b.csv").status == "already_imported"
    undo_batch(engine, b.batch_id, now=NOW, user="test")
    assert read_facts(engine, "invoices").height == 0


def test_undo_keeps_the_timesheet_lines_a_later_export_also_delivered(engine: Engine):
    first_three = timesheet_csv(*MARCH_LINES[:3])
    all_five = timesheet_csv(*MARCH_LINES)
    a = import_bytes(engine, first_three, "a.csv")
    b = import_bytes(engine, all_five, "b.csv")
    assert (b.added, b.unchanged, b.removed) == (2, 3, 0)
    undo_batch(engine, a.batch_id, now=NOW, user="test")
    lines = read_facts(engine, "timesheets", with_meta=True)
    assert lines.height == 5
    assert set(lines["batch_id"]) == {b.batch_id}
    assert sorted(lines["hours"].to_list()) == [5.0, 6.0, 7.0, 7.0, 7.0]


def test_undo_of_a_replacement_replays_the_later_timesheet_imports(engine: Engine):
    march = import_bytes(engine, MARCH, "mars.csv")
    shorter = timesheet_csv(
        ("2024-03-04", "Alice", "Site", "Maquettes", 7, "Facturé sur Feuilles de Temps"),
        ("2024-03-05", "Alice", "Site", "Maquettes", 7, "Facturé sur Feuilles de Temps"),
    )
    replacing = import_bytes(engine, shorter, "alice.csv")
    assert (replacing.removed, replacing.unchanged) == (1, 2)
    # The full export again (other bytes): the replaced line comes back as a new line.
    again = import_bytes(engine, MARCH.replace(b"\r\n", b"\n"), "mars-bis.csv")
    assert again.added == 1
    undo_batch(engine, replacing.batch_id, now=NOW, user="test")
    # As if March had been imported twice: five lines, all March's, none doubled.
    lines = read_facts(engine, "timesheets", with_meta=True)
    assert lines.height == 5
    assert set(lines["batch_id"]) == {march.batch_id}
    undo_batch(engine, march.batch_id, now=NOW, user="test")
    lines = read_facts(engine, "timesheets", with_meta=True)
    assert lines.height == 5
    assert set(lines["batch_id"]) == {again.batch_id}


def test_an_undone_file_can_be_imported_again(engine: Engine):
    first = import_bytes(engine, MARCH, "mars.csv")
    undo_batch(engine, first.batch_id, now=NOW, user="test")
    again = import_bytes(engine, MARCH, "mars.csv")
    assert counts(again) == ("imported", 5, 0, 0, 0)


def test_a_failure_while_writing_leaves_nothing_behind(engine: Engine, monkeypatch):
    import_bytes(engine, FEBRUARY, "fevrier.csv")
    before = snapshot(engine)
    calls = []

    def failing_write(connection, kind_plan, batch_id):
        calls.append(kind_plan.kind)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_write(connection, kind_plan, batch_id)

    real_write = store._write_kind
    monkeypatch.setattr(store, "_write_kind", failing_write)
    template = (FIXTURES / "template/template_filled.xlsx").read_bytes()
    result = import_bytes(engine, template, "modele.xlsx")
    assert calls[:1] and len(calls) == 2
    # Rolled back whole, and said in a sentence (the traceback goes to the log).
    assert result.status == "rejected"
    assert result.message == (
        "Le fichier « modele.xlsx » n'a pas pu être importé à cause d'une erreur inattendue de "
        "Pilotage. Rien n'a été enregistré. Merci de signaler le problème avec ce fichier."
    )
    assert snapshot(engine) == before


def test_template_round_trip_through_the_store(engine: Engine):
    from model.exports import template_bytes

    template = (FIXTURES / "template/template_filled.xlsx").read_bytes()
    import_bytes(engine, template, "modele.xlsx")
    filled = template_bytes(engine)
    result = import_bytes(engine, filled, "modele-rempli.xlsx")
    assert (result.status, result.added, result.updated, result.removed) == ("imported", 0, 0, 0)
    assert result.unchanged == result.rows_read == 19


def test_two_sheets_of_one_workbook_imported_one_by_one(engine: Engine):
    data = march_and_april_workbook()
    march = import_bytes(engine, data, "t.xlsx", sheet="Mars")
    april_result = import_bytes(engine, data, "t.xlsx", sheet="Avril")
    assert (march.status, april_result.status) == ("imported", "imported")
    again = import_bytes(engine, data, "t.xlsx", sheet="Avril")
    assert again.status == "already_imported"


def test_alike_lines_of_one_file_are_reported_once_with_their_copies(engine: Engine):
    """Data-quality report: two equal ID-less lines of one file stay two lines, shown once."""
    export = timesheet_csv(
        ("04/03/2024", "Alice", "Refonte", "Atelier", 7, "oui"),
        ("04/03/2024", "Alice", "Refonte", "Atelier", 7, "oui"),
        ("04/03/2024", "Alice", "Refonte", "Atelier", 7, "oui"),
        ("05/03/2024", "Bruno", "Refonte", "Atelier", 3.5, "oui"),
        ("06/03/2024", "Bruno", "Refonte", "Atelier", 2, "oui"),
        ("06/03/2024", "Bruno", "Refonte", "Atelier", 2, "oui"),
    )
    first = import_bytes(engine, export, "temps.csv")
    assert first.added == 6
    assert store.duplicated_keyless_lines(engine).rows() == [
        ("temps.csv", date(2024, 3, 4), "Alice", "Refonte", 7.0, 3),
        ("temps.csv", date(2024, 3, 6), "Bruno", "Refonte", 2.0, 2),
    ]
    # The same lines delivered again by another file, then the first undone: they are that
    # file's now, and reported under its name.
    again = import_bytes(engine, export.replace(b"\r\n", b"\n"), "temps-bis.csv")
    assert (again.added, again.unchanged) == (0, 6)
    undo_batch(engine, first.batch_id, now=NOW, user="compta@test")
    reported = store.duplicated_keyless_lines(engine)
    assert reported["file"].to_list() == ["temps-bis.csv"] * 2


def test_only_the_files_that_had_alike_lines_are_searched_for_them(engine: Engine):
    """Each import says how many of its ID-less lines were alike; a batch that does not say
    (written before it was said) is searched like one that had some."""
    clean = import_bytes(engine, timesheet_csv(*MARCH_LINES[:2]), "propre.csv")
    alike = import_bytes(engine, timesheet_csv(*MARCH_LINES[3:], *MARCH_LINES[3:]), "d.csv")
    said = {
        batch_id: json.loads(details)[store.ALIKE_LINES] for batch_id, details in _details(engine)
    }
    assert said == {clean.batch_id: 0, alike.batch_id: 4}
    assert store.duplicated_keyless_lines(engine)["file"].to_list() == ["d.csv"] * 2
    with engine.begin() as connection:  # every line given to the clean file: not searched
        connection.execute(update(TimesheetLine).values(batch_id=clean.batch_id))
    assert store.duplicated_keyless_lines(engine).height == 0
    with engine.begin() as connection:  # the clean file, as an older version wrote it
        connection.execute(
            update(ImportBatch).where(ImportBatch.id == clean.batch_id).values(details="{}")
        )
    assert store.duplicated_keyless_lines(engine)["file"].to_list() == ["propre.csv"] * 2


def _details(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as connection:
        return connection.execute(select(ImportBatch.id, ImportBatch.details)).all()


def test_a_lines_hash_never_changes(engine: Engine):
    """Stored hashes tell an unchanged line from a changed one at every later import: the hash
    of a line (blake2b of its values) must stay what earlier versions stored."""
    line = '"2024-03-04","Zoé Müller","Refonte","Atelier « client »","7,5"\r\n'
    data = ('"Date","Employé","Projet","Description","Quantité"\r\n' + line * 2).encode()
    assert import_bytes(engine, data, "t.csv").added == 2
    with engine.connect() as connection:
        hashes = connection.execute(select(TimesheetLine.row_hash)).scalars().all()
    assert hashes == ["6288af1c8bcb1cfd94b6813af4a0f5c8"] * 2
