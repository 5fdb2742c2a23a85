"""Roles (issue 14 §2, first step): what each may do is refused by the model's services, and
each sees its pages only. Every role × every write, on SQLite and PostgreSQL; the store is left
as it was by a refusal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import polars as pl
import pytest
from sqlalchemy import Engine

from model import roles
from model.accounts import ROLES, add_user
from model.db import get_engine, init_db
from model.editing import editable_frame, save_table
from model.importing import import_file
from model.kpi.cash import cash_forecast
from model.services import Refused, keep_cash_forecast, save_settings, undo_import
from model.settings import Settings, paris_now
from model.views.loading import load_facts, load_settings
from tests.apptest import page_path, run_app, use_store
from tests.conftest import FIXTURES
from tests.support import snapshot

NOW = datetime(2026, 12, 2, 10, 0)
INVOICES = (FIXTURES / "odoo" / "invoices_fr.xlsx").read_bytes()
REFUSED = "Votre rôle ({}) ne permet pas {} : demandez-le à la direction."


def _as(role: str | None) -> Settings:
    return Settings(database_url="-", user=f"quelqu'un ({role})", role=role)


@pytest.mark.parametrize("role", list(roles.PAGES))
def test_each_role_imports_or_is_refused(engine: Engine, role: str):
    before = snapshot(engine)
    result = import_file(engine, INVOICES, "factures.xlsx", settings=_as(role), now=NOW)
    if roles.may(role, "import"):
        assert result.status == "imported"
        return
    assert (result.status, result.message) == (
        "rejected", REFUSED.format(role.replace("_", " "), "d'importer un fichier")
    )  # fmt: skip
    assert snapshot(engine) == before


@pytest.mark.parametrize("role", ["chef_de_projet", "lecture", "consultant"])
def test_what_a_reader_may_not_change_is_refused(engine: Engine, role: str):
    """Undo, settings, tables, kept forecasts: refused with a sentence, nothing written."""
    imported = import_file(engine, INVOICES, "factures.xlsx", settings=_as(None), now=NOW)
    before = snapshot(engine)
    with pytest.raises(Refused, match="ne permet pas d'annuler un import"):
        undo_import(engine, imported.batch_id, now=NOW, user="x", role=role)
    with pytest.raises(roles.Forbidden, match="modifier les paramètres"):
        save_settings(engine, {"receivables.limits": [45, 90]}, now=NOW, user="x", role=role)
    table = editable_frame(engine, "employees")
    row = {**dict.fromkeys(table.columns), "employee": "Alice", "weekly_hours": 35.0}
    with pytest.raises(roles.Forbidden, match="tableaux de Paramètres"):
        save_table(engine, "employees", pl.DataFrame([row], schema=table.schema),
                   settings=_as(role), now=NOW)  # fmt: skip
    forecast = cash_forecast(load_facts(engine), load_settings(engine).cash, as_of=date(2024, 5, 1))
    with pytest.raises(roles.Forbidden, match="prévision de trésorerie"):
        keep_cash_forecast(engine, forecast, as_of=date(2024, 5, 1), scenario="base", user="x",
                           now=NOW, role=role)  # fmt: skip
    assert snapshot(engine) == before


def test_the_accountant_undoes_but_does_not_change_settings(engine: Engine):
    imported = import_file(engine, INVOICES, "factures.xlsx", settings=_as("comptable"), now=NOW)
    undone = undo_import(engine, imported.batch_id, now=NOW, user="compta", role="comptable")
    assert undone.status == "undone"
    with pytest.raises(roles.Forbidden):
        save_settings(engine, {"receivables.limits": [45, 90]}, now=NOW, user="compta",
                      role="comptable")  # fmt: skip


@pytest.fixture
def app_store(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    init_db(get_engine(db_url))
    yield from use_store(db_url, monkeypatch)


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_is_given_its_pages_only(app_store: str, role: str):
    """Signed in, a role's navigation holds its pages (model/roles.py), each opens without an
    error; any other page is unknown to the app: its address leads nowhere."""
    team = "Dév" if role == "chef_de_projet" else None
    add_user(get_engine(app_store), "Quelqu'un", role, "une phrase de passe longue",
             now=paris_now(), by="installation", team=team)  # fmt: skip
    app = run_app()
    app.text_input[0].input("Quelqu'un")
    app.text_input[1].input("une phrase de passe longue")
    app.button[0].click().run()
    assert app.title[0].value == "Bienvenue dans Pilotage"
    for page in roles.PAGES["direction"]:
        if page in roles.PAGES[role]:
            app.switch_page(page_path(page)).run()
            assert not app.exception and not app.error, (role, page)
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                app.switch_page(page_path(page))
