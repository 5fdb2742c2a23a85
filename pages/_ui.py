"""Shared page helpers: labels (French first, English on a switch), the engine, cached loaders.

Pages hold no SQL and no KPI arithmetic: they call `model` and draw.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from streamlit.runtime.pages_manager import PagesManager

from model import store
from model.db import DatabaseError, data_version, get_engine, init_db
from model.exports import template_bytes
from model.facts import FACTS
from model.imports.service import ImportResult, import_file
from model.kpi.headlines import Headlines, headlines
from model.kpi.load import Facts, load_facts, load_settings
from model.kpi.settings import KpiSettings
from model.settings import Settings, get_settings, paris_now

LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("Pilotage", "Pilotage"),
    "language": ("Langue", "Language"),
    "home": ("Accueil", "Home"),
    "imports": ("Imports", "Imports"),
    "section_steering": ("Pilotage", "Steering"),
    "section_data": ("Données", "Data"),
    "welcome_title": ("Bienvenue dans Pilotage", "Welcome to Pilotage"),
    "welcome_text": (
        "Pilotage relie le temps validé, le facturable, le facturé et l'encaissé à partir des "
        "exports que vous avez déjà (Odoo, FEC, outils de temps, Excel). La base est vide : "
        "chargez la société de démonstration pour voir l'outil en action, ou importez vos "
        "propres exports.",
        "Pilotage links validated time, billable, invoiced and cashed, from the exports you "
        "already have (Odoo, FEC, time trackers, Excel). The store is empty: load the demo "
        "company to see it at work, or import your own exports.",
    ),
    "load_demo": ("Charger la société de démonstration", "Load the demo company"),
    "go_import": ("Importer mes exports", "Import my exports"),
    "demo_loaded": ("Société de démonstration chargée.", "Demo company loaded."),
    "store_content": ("Contenu de la base", "What the store holds"),
    "recent_imports": ("Derniers imports", "Recent imports"),
    "upload": ("Déposez un ou plusieurs exports", "Drop one or more exports"),
    "upload_help": (
        "xlsx, xls, ods, csv ou txt : exports Odoo (français ou anglais), modèle Pilotage.",
        "xlsx, xls, ods, csv or txt: Odoo exports (French or English), Pilotage template.",
    ),
    "kind": ("Type de données", "Kind of data"),
    "auto": ("Détection automatique", "Automatic detection"),
    "detected": ("Source détectée", "Detected source"),
    "rows_read": ("Lignes lues", "Rows read"),
    "added": ("Ajoutées", "Added"),
    "updated": ("Mises à jour", "Updated"),
    "removed": ("Remplacées", "Replaced"),
    "unchanged": ("Inchangées", "Unchanged"),
    "rejected": ("Refusées", "Rejected"),
    "errors": ("Erreurs", "Errors"),
    "notes": ("Remarques", "Notes"),
    "first_rows": ("Premières lignes", "First rows"),
    "allow_partial": (
        "Importer seulement les lignes valides (les lignes refusées restent dans le rapport)",
        "Import only the valid rows (rejected rows stay in the report)",
    ),
    "confirm": ("Confirmer l'import", "Confirm the import"),
    "cancel": ("Ignorer ce fichier", "Skip this file"),
    "error_report": ("Télécharger le rapport d'erreurs", "Download the error report"),
    "history": ("Historique des imports", "Import history"),
    "undo": ("Annuler l'import", "Undo the import"),
    "undo_pick": ("Import à annuler", "Import to undo"),
    "undone": ("Import n° {id} annulé : les données d'avant sont rétablies.",
               "Import #{id} undone: the previous data is back."),
    "no_history": ("Aucun import pour l'instant.", "No import yet."),
    "template": ("Modèle d'import Pilotage", "Pilotage import template"),
    "template_empty": ("Télécharger le modèle vide", "Download the empty template"),
    "template_filled": ("Télécharger le modèle rempli avec vos données",
                        "Download the template filled with your data"),
    "skipped": ("Fichier ignoré.", "File skipped."),
    "db_error": ("La base de données est inaccessible", "The database cannot be reached"),
    "overview": ("Vue d'ensemble", "Overview"),
    "period": ("Période : du {start} au {end}", "Period: {start} to {end}"),
    "tace": ("Taux de charge facturable (TACE)", "Billable utilisation (TACE)"),
    "unbilled_time": ("Temps non facturé", "Unbilled time"),
    "drifting_projects": ("Projets en dérive", "Drifting projects"),
    "dso": ("DSO (épuisement)", "DSO (countback)"),
    "alerts": ("Alertes, les plus coûteuses d'abord", "Alerts, costliest first"),
    "no_alert": ("Aucune alerte.", "No alert."),
    "how_computed": ("Comment est calculé ce chiffre ?", "How is this computed?"),
}  # fmt: skip

BATCH_COLUMNS = {
    "id": ("N°", "#"),
    "created_at": ("Date", "Date"),
    "user": ("Par", "By"),
    "file_name": ("Fichier", "File"),
    "kinds": ("Données", "Data"),
    "added": ("Ajoutées", "Added"),
    "updated": ("Mises à jour", "Updated"),
    "removed": ("Remplacées", "Replaced"),
    "unchanged": ("Inchangées", "Unchanged"),
    "rejected": ("Refusées", "Rejected"),
    "status": ("État", "Status"),
}
STATUS_LABELS = {"active": ("actif", "active"), "undone": ("annulé", "undone")}


def routed_by_app() -> None:
    """Make sure app.py's navigation (sections, sidebar, page config) drives this run.

    With a `pages/` folder beside app.py, Streamlit starts a fresh server process (and every
    AppTest run) in its legacy multipage mode, which runs a deep-linked page alone: no sidebar,
    no sections, and `_ui` listed as a page. Leaving that mode and rerunning hands the same page
    to app.py's `st.navigation`, as every later run does anyway. Each page calls this first.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def lang() -> str:
    return st.session_state.get("lang", "fr")


def t(key: str, **values: object) -> str:
    french, english = LABELS[key]
    text = french if lang() == "fr" else english
    return text.format(**values) if values else text


def fact_label(kind: str) -> str:
    return FACTS[kind].sheet if lang() == "fr" else kind


@st.cache_resource
def engine() -> Engine:
    """One engine per process; the schema is created or upgraded once."""
    created = get_engine(get_settings().database_url)
    init_db(created)
    return created


def engine_or_stop() -> Engine:
    try:
        return engine()
    except (DatabaseError, OperationalError) as error:
        st.error(f"{t('db_error')} : {error}")
        st.stop()
        raise


def settings() -> Settings:
    return get_settings()


def version() -> int:
    return data_version(engine_or_stop())


@st.cache_data(max_entries=16)
def fact_counts(_engine: Engine, data_version_key: int) -> dict[str, int]:
    return store.count_facts(_engine)


@st.cache_data(max_entries=16)
def batches(_engine: Engine, data_version_key: int) -> pl.DataFrame:
    return store.list_batches(_engine)


@st.cache_data(max_entries=32, show_spinner=False)
def preview(
    _engine: Engine, name: str, data: bytes, kind: str | None, data_version_key: int
) -> ImportResult:
    """What importing the file would change; recomputed only when the file or the store changes."""
    return import_file(
        _engine, data, name, settings=settings(), now=paris_now(), kind=kind, dry_run=True
    )


@st.cache_data(show_spinner=False)
def empty_template() -> bytes:
    return template_bytes(None)


@st.cache_data(max_entries=4, show_spinner=False)
def facts_and_settings(_engine: Engine, data_version_key: int) -> tuple[Facts, KpiSettings]:
    """Every fact and the KPI settings, read once per data version."""
    return load_facts(_engine), load_settings(_engine)


@st.cache_data(max_entries=8, show_spinner=False)
def overview_headlines(_engine: Engine, data_version_key: int, as_of: date) -> Headlines:
    """The overview's figures, computed once per data version and day, not on every redraw."""
    facts, settings = facts_and_settings(_engine, data_version_key)
    return headlines(facts, settings, as_of=as_of)


def batches_for_display(frame: pl.DataFrame) -> pl.DataFrame:
    """The history with the screen's column names, fact and status labels."""
    index = 0 if lang() == "fr" else 1
    statuses = {code: labels[index] for code, labels in STATUS_LABELS.items()}
    kinds = {kind: fact_label(kind) for kind in FACTS}
    shown = frame.with_columns(
        pl.col("kinds").str.split(",").list.eval(pl.element().replace(kinds)).list.join(", "),
        pl.col("status").replace(statuses),
    )[list(BATCH_COLUMNS)]
    return shown.rename({column: labels[index] for column, labels in BATCH_COLUMNS.items()})


def batch_column_config() -> dict:
    date_label = BATCH_COLUMNS["created_at"][0 if lang() == "fr" else 1]
    date_format = "DD/MM/YYYY HH:mm" if lang() == "fr" else "YYYY-MM-DD HH:mm"
    return {date_label: st.column_config.DatetimeColumn(format=date_format)}


def refresh_after_write() -> None:
    """Every cached figure depends on the data version; drop what the write made stale."""
    st.cache_data.clear()
