"""The app through Streamlit's AppTest: welcome, demo, import preview → confirm → undo."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from model.db import get_engine, init_db
from model.demo import load_demo
from model.facts import FACTS
from model.store import count_facts
from model.views.loading import read_stored_facts
from tests.apptest import APP, on_screen, page_path, run_app, use_store
from tests.conftest import FIXTURES
from tests.support import SETTINGS, import_bytes, invoices_csv
from ui import loaders
from ui.widgets import release_uploads, uploader_key


@pytest.fixture
def app_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    yield from use_store(db_url, monkeypatch)


def test_empty_store_welcomes_and_loads_the_demo(app_db: str):
    app = run_app()
    assert app.title[0].value == "Bienvenue dans Pilotage"
    labels = [b.label for b in app.button]
    assert labels == [
        "Charger la société de démonstration", "Importer mes exports",
        "Créer le compte direction",  # no account yet: the home page offers the first one
    ]  # fmt: skip
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert app.success[0].value == "Société de démonstration chargée."
    counts = count_facts(get_engine(app_db))
    shown = {m.label: m.value for m in app.metric}
    assert shown == {FACTS[k].sheet: f"{n:,}".replace(",", "\u202f") for k, n in counts.items()}
    assert counts["timesheets"] > 5000


def test_language_switch(app_db: str):
    app = run_app()
    app.sidebar.radio[0].set_value("en").run()
    assert app.title[0].value == "Welcome to Pilotage"


def test_import_preview_confirm_and_undo(app_db: str):
    app = run_app()
    app.switch_page(page_path("imports")).run()
    assert app.title[0].value == "Imports"
    data = (FIXTURES / "odoo/invoices_fr.xlsx").read_bytes()
    app.file_uploader[0].set_value(("factures.xlsx", data, "application/octet-stream")).run()
    assert not app.exception, app.exception
    shown = {m.label: m.value for m in app.metric}
    assert shown == {
        "Lignes lues": "4", "Ajoutées": "4", "Mises à jour": "0", "Remplacées": "0",
        "Inchangées": "0", "Refusées": "0",
    }  # fmt: skip
    assert count_facts(get_engine(app_db))["invoices"] == 0  # a preview writes nothing
    # The rows as read, in business words: the template's labels, euros (not cents), words.
    rows = next(d.value for d in app.dataframe if "Numéro" in d.value.columns)
    assert {"Numéro", "Client", "Date de facture", "Montant TTC", "Type"} <= set(rows.columns)
    assert rows["Montant TTC"].max() < 100_000  # 2 500 € was shown as 250000
    assert set(rows["Type"]) <= {"facture", "avoir"}
    app.button(key="confirm-" + _file_id(data)).click().run()
    assert not app.exception, app.exception
    assert app.success[0].value.startswith("Import n° 1 enregistré : 4 ajoutée(s)")
    assert count_facts(get_engine(app_db))["invoices"] == 4
    # Its only file imported, the uploader is emptied (the server forgets the file) instead of
    # saying "already imported, nothing changed" under the green banner.
    assert not app.info
    assert app.file_uploader[0].value in (None, [])
    history = next(d.value for d in app.dataframe if "Fichier" in d.value.columns)
    assert list(history.columns[:3]) == ["N°", "État", "Date"]  # the state without scrolling
    assert list(history["Fichier"]) == ["factures.xlsx"]
    picker = next(box for box in app.selectbox if box.label == "Import à annuler")
    assert picker.options[0].startswith("n° 1 — factures.xlsx — ")
    assert picker.options[0].endswith("par compta@test — 4 ajoutée(s), 0 mise(s) à jour, "
                                      "0 remplacée(s)")  # fmt: skip
    assert [b.label for b in app.get("download_button")][-2:] == [
        "Télécharger le modèle vide",
        "Télécharger le modèle rempli avec vos données",
    ]
    # An undo first says what it takes away and whose work it was; « Non » keeps everything.
    undo = next(b for b in app.button if b.label == "Annuler l'import")
    undo.click().run()
    (question,) = [w.value for w in app.warning]
    assert on_screen(question).startswith(
        "Annuler l'import n° 1, « factures.xlsx », fait par compta@test le "
    )
    assert "Ses 4 ligne(s) ajoutée(s) et 0 mise(s) à jour seront retirées" in question
    app.button(key="undo-no").click().run()
    assert not app.warning and count_facts(get_engine(app_db))["invoices"] == 4
    next(b for b in app.button if b.label == "Annuler l'import").click().run()
    app.button(key="undo-yes").click().run()
    assert app.success[0].value.startswith("Import n° 1 annulé")
    assert count_facts(get_engine(app_db))["invoices"] == 0
    # The change log names both, newest first, signed by the app's user.
    trail = next(d.value for d in app.dataframe if "Action" in d.value.columns)
    assert list(zip(trail["Par"], trail["Action"], trail["Objet"], strict=True)) == [
        ("compta@test", "annulation d'un import", "n° 1 (factures.xlsx)"),
        ("compta@test", "import", "factures.xlsx"),
    ]


def test_the_uploader_is_emptied_once_every_dropped_file_is_imported_or_set_aside(app_db: str):
    app = run_app()
    app.switch_page(page_path("imports")).run()
    invoices, lines = invoices_csv(range(1, 4)), (FIXTURES / "odoo/timesheets_fr.csv").read_bytes()
    app.file_uploader[0].set_value([("factures.csv", invoices, "text/csv"),
                                    ("temps.csv", lines, "text/csv")]).run()  # fmt: skip
    app.button(key="confirm-" + _file_id(invoices)).click().run()
    assert not app.exception, app.exception
    # The other file still waits: both stay, the imported one says so instead of a preview.
    assert [f.name for f in app.file_uploader[0].value] == ["factures.csv", "temps.csv"]
    assert "Importé : lot n° 1 (voir l'historique ci-dessous)." in [c.value for c in app.caption]
    assert app.button(key="confirm-" + _file_id(lines))
    app.button(key="skip-" + _file_id(lines)).click().run()
    assert not app.exception, app.exception
    assert app.file_uploader[0].value in (None, [])
    # The same file dropped again is previewed again: what was imported says so.
    app.file_uploader[0].set_value(("factures.csv", invoices, "text/csv")).run()
    assert "Importé : lot n° 1 (voir l'historique ci-dessous)." in [c.value for c in app.caption]


def test_released_uploads_are_dropped_from_the_servers_session(monkeypatch: pytest.MonkeyPatch):
    """What the uploader emptied after an import asks of Streamlit's file manager (in AppTest
    each run has its own manager: the server's memory is measured by bench_app.py)."""
    removed = []
    manager = SimpleNamespace(remove_file=lambda session_id, file_id: removed.append(file_id))
    context = SimpleNamespace(session_id="session-1", uploaded_file_mgr=manager)
    monkeypatch.setattr("streamlit.runtime.scriptrunner.get_script_run_ctx", lambda: context)
    before = uploader_key()
    release_uploads([SimpleNamespace(file_id="file-1"), SimpleNamespace(file_id="file-2")])
    assert removed == ["file-1", "file-2"]
    assert uploader_key() != before
    # Outside a script run (or should Streamlit's context change): only a new, empty uploader.
    monkeypatch.setattr("streamlit.runtime.scriptrunner.get_script_run_ctx", lambda: None)
    release_uploads([SimpleNamespace(file_id="file-3")])
    assert removed == ["file-1", "file-2"]


def test_a_confirmed_import_adds_its_rows_to_the_facts_held(
    app_db: str, monkeypatch: pytest.MonkeyPatch
):
    """After an import confirmed in the app, the facts are those held before it with its rows
    (not the whole store read again), and equal to a whole read; after an undo, read whole."""
    engine = get_engine(app_db)
    init_db(engine)
    import_bytes(engine, invoices_csv(range(1, 6)), "factures-1-5.csv")
    whole_reads = []

    def counted(engine_):
        whole_reads.append(engine_)
        return read_stored_facts(engine_)

    monkeypatch.setattr(loaders, "read_stored_facts", counted)
    app = run_app()
    app.switch_page(page_path("imports")).run()  # its data-quality report reads the facts
    assert len(whole_reads) == 1
    data = invoices_csv(range(3, 9)).replace(b'"104.50","104.50"', b'"104.50","0.00"')
    app.file_uploader[0].set_value(("factures-3-8.csv", data, "text/csv")).run()
    app.button(key="confirm-" + _file_id(data)).click().run()
    assert not app.exception, app.exception
    assert app.success[0].value.startswith("Import n° 2 enregistré : 3 ajoutée(s), 1 mise(s)")
    assert len(whole_reads) == 1

    def held_as_read_whole() -> None:
        (held,) = loaders._kept_facts().stored.values()
        whole = read_stored_facts(engine)
        assert held.version == whole.version
        for kind, frame in whole.frames.items():
            assert held.frames[kind].equals(frame), kind

    held_as_read_whole()
    next(b for b in app.button if b.label == "Annuler l'import").click().run()
    app.button(key="undo-yes").click().run()
    assert app.success[0].value.startswith("Import n° 2 annulé")
    assert len(whole_reads) == 2
    held_as_read_whole()


def test_rejected_file_shows_errors_and_can_be_imported_partially(app_db: str):
    app = run_app()
    app.switch_page(page_path("imports")).run()
    data = '"Date","Employé","Quantité"\n"2024-03-01","Alice","7"\n"2024-13-01","Bob","2"\n'
    app.file_uploader[0].set_value(("temps.csv", data.encode(), "text/csv")).run()
    errors = app.table[0].value
    assert list(errors.columns) == ["Ligne", "Colonne", "Valeur lue", "Problème"]
    assert list(errors["Problème"]) == [
        "Ligne 3, colonne « Date » : « 2024-13-01 » n'est pas une date "
        "(attendu : JJ/MM/AAAA ou AAAA-MM-JJ)"
    ]
    confirm = app.button(key="confirm-" + _file_id(data.encode()))
    assert confirm.disabled
    app.checkbox(key="partial-" + _file_id(data.encode())).check().run()
    app.button(key="confirm-" + _file_id(data.encode())).click().run()
    assert count_facts(get_engine(app_db))["timesheets"] == 1


def test_a_file_without_one_valid_row_offers_no_partial_import(app_db: str):
    app = run_app()
    app.switch_page(page_path("imports")).run()
    data = '"Date","Employé","Quantité"\n"2024-13-01","Alice","7"\n"2024-14-01","Bob","2"\n'
    app.file_uploader[0].set_value(("temps.csv", data.encode(), "text/csv")).run()
    assert app.error[0].value.startswith("Fichier refusé : aucune ligne valide (2 ligne(s)")
    assert not app.checkbox  # nothing valid: no "import only the valid rows"
    assert app.button(key="confirm-" + _file_id(data.encode())).disabled


def _file_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def test_a_deep_linked_page_on_a_fresh_server_gets_the_apps_navigation(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
):
    """Without `ui.routing.routed_by_app`, the page would run alone: no sidebar, no language
    switch."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    st.cache_resource.clear()
    app = AppTest.from_file(APP, default_timeout=90).run()
    app.switch_page("pages/imports.py").run()  # each run of app.py starts like a fresh server
    assert not app.exception, app.exception
    assert app.title[0].value == "Imports"
    assert app.sidebar.radio[0].label == "Langue"
    st.cache_resource.clear()
    get_engine.cache_clear()


def test_overview_shows_the_figures_of_model_kpi(app_db: str):
    from datetime import date, datetime

    from model.formatting import days, euros_from_cents, percent
    from model.settings import paris_now
    from model.views.headlines import headlines
    from model.views.loading import load_facts, load_settings

    engine = get_engine(app_db)
    init_db(engine)
    today = paris_now().date()
    load_demo(
        engine, SETTINGS, seed=7, as_of=today, now=datetime.combine(today, datetime.min.time())
    )
    app = run_app()
    app.switch_page(page_path("overview")).run()
    assert not app.exception, app.exception
    expected = headlines(load_facts(engine), load_settings(engine), as_of=today)
    shown = {m.label: m.value for m in app.metric}
    assert shown == {
        "Taux de charge facturable (TACE)": percent(expected.tace_pct, 1),
        "Temps non facturé": percent(expected.leakage_pct, 1),
        "Projets en dérive": str(expected.drifting_projects),
        "DSO (épuisement)": days(expected.dso_days),
        "Trésorerie à 13 semaines": euros_from_cents(expected.cash_week13_cents),
    }
    assert expected.drifting_projects >= 2  # the demo's two fixed-price projects past 110 %
    assert [on_screen(w.value) for w in app.warning] == [a.text("fr") for a in expected.alerts]
    assert any("irrécupérable" in alert.text("fr") for alert in expected.alerts)
    assert isinstance(expected.start, date)


def test_unknown_layout_gets_a_column_mapping_that_is_remembered(app_db: str):
    handmade = FIXTURES / "handmade/releve_maison_cp1252.csv"
    data = handmade.read_bytes()
    app = run_app()
    app.switch_page(page_path("imports")).run()
    app.file_uploader[0].set_value((handmade.name, data, "text/csv")).run()
    assert not app.exception, app.exception
    assert "correspondance de colonnes" in app.error[0].value
    assert app.expander[0].label == "Associer les colonnes de ce fichier"
    file_id = _file_id(data)
    guessed = {
        box.label: box.value for box in app.selectbox if (box.key or "").startswith("mapping-")
    }
    assert guessed["Date *"] == "Jour" and guessed["Collaborateur *"] == "Consultant"
    assert guessed["Heures *"] == "Temps passé (h)" and guessed["Client"] is None
    app.button(key=f"mapping-save-{file_id}").click().run()
    assert not app.exception, app.exception
    saved = on_screen(app.success[0].value)
    assert saved.startswith("Correspondance « releve_maison_cp1252 » enregistrée")
    shown = {m.label: m.value for m in app.metric}
    assert (shown["Lignes lues"], shown["Ajoutées"]) == ("2", "2")
    assert "Correspondance « releve_maison_cp1252 »" in app.caption[0].value


def test_an_environment_setting_that_is_not_a_number_is_shown_not_a_traceback(
    app_db: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PILOTAGE_TERMS_DAYS", "-5")
    app = run_app()
    assert on_screen(app.error[0].value) == (
        "La variable d'environnement PILOTAGE_TERMS_DAYS vaut « -5 » : un nombre entier positif "
        "est attendu (par défaut 30)."
    )


def test_a_page_without_its_input_says_why_and_which_file_brings_it(app_db: str):
    """Only timesheets imported (issue 16 A7): the receivables page names the invoice exports,
    the projects page the fixed-price projects it follows, instead of "no data"."""
    engine = get_engine(app_db)
    init_db(engine)
    result = import_bytes(engine, (FIXTURES / "odoo/timesheets_fr.csv").read_bytes(), "t.csv")
    assert result.status == "imported", result.message
    app = run_app()
    app.switch_page(page_path("receivables")).run()
    assert app.info[0].value.startswith("Aucune facture importée : la balance âgée et le DSO")
    assert "Importez l'export des factures d'Odoo" in app.info[0].value
    app.switch_page(page_path("projects")).run()
    assert app.info[-1].value.startswith("Aucun projet au forfait : Vendu vs consommé suit")
