"""Workspaces (issue 15 §1) on SQLite (a file each) and PostgreSQL (a schema each): nothing of
one store shows in another, through the model, the command line and the app's caches; who may
open what; rename, duplicate, archive, delete after a final export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, inspect

from model import workspaces
from model.accounts import add_user
from model.db import get_engine, init_db
from model.roles import OPERATOR, Forbidden, Viewer
from model.services import save_settings
from model.views.loading import load_facts, load_settings
from tests.apptest import page_path, run_app, use_store
from tests.support import import_bytes, snapshot
from tests.test_cli import run

NOW = datetime(2026, 12, 2, 10, 0)
LINES = "Date;Collaborateur;Projet;Heures\n03/06/2024;{who};Refonte;7\n"
MARC = Viewer("Marc", "consultant")
PASSWORD = "une phrase de passe longue"


@pytest.fixture
def home(db_url: str) -> Iterator[Engine]:
    engine = get_engine(db_url)
    init_db(engine)
    yield engine
    engine.dispose()
    get_engine.cache_clear()


def _timesheet(who: str) -> bytes:
    return LINES.format(who=who).encode()


def test_each_workspace_is_a_store_of_its_own(home: Engine):
    alpha, in_alpha = workspaces.create(home, "Société Alpha", viewer=OPERATOR, now=NOW, by="op")
    _, in_beta = workspaces.create(home, "Bêta & Co", viewer=OPERATOR, now=NOW, by="op")
    assert alpha.slug == "ws_societe_alpha"
    assert import_bytes(in_alpha, _timesheet("Alice"), "t.csv").status == "imported"
    assert import_bytes(in_beta, _timesheet("Bruno"), "t.csv").status == "imported"
    save_settings(in_beta, {"receivables.limits": [45, 90]}, now=NOW, user="op", role=None)
    people = [set(load_facts(e).timesheets["employee"]) for e in (in_alpha, in_beta, home)]
    assert people == [{"Alice"}, {"Bruno"}, set()]
    limits = [load_settings(e).receivables.limits for e in (in_alpha, in_beta)]
    assert limits[1] == (45, 90) and limits[0] != (45, 90)
    if home.url.get_backend_name() == "postgresql":  # one schema each, tables in each
        schemas = inspect(home).get_schema_names()
        assert {"ws_societe_alpha", "ws_beta_co"} <= set(schemas)
    for store in (in_alpha, in_beta):
        store.dispose()


def test_who_may_open_what(home: Engine):
    add_user(home, "Marc", "consultant", PASSWORD, now=NOW, by="op")
    add_user(home, "Léa", "consultant", PASSWORD, now=NOW, by="op")
    add_user(home, "Zoé", "comptable", PASSWORD, now=NOW, by="op")
    workspaces.create(home, "Prospect Marc", viewer=MARC, now=NOW, by="Marc")
    workspaces.create(home, "Autre", viewer=OPERATOR, now=NOW, by="op")
    assert [w.name for w in workspaces.list_workspaces(home, MARC)] == ["Prospect Marc"]
    assert [w.name for w in workspaces.list_workspaces(home, Viewer("Léa", "consultant"))] == []
    assert len(workspaces.list_workspaces(home, Viewer("Claire", "direction"))) == 2
    _, acting = workspaces.open_store(home, "Prospect Marc", MARC)
    assert acting.role == "auditeur" and acting.sees_costs
    before = snapshot(home)
    with pytest.raises(Forbidden, match="n'a pas accès au dossier « Autre »"):
        workspaces.open_store(home, "Autre", MARC)
    with pytest.raises(Forbidden, match="ne permet pas de gérer les dossiers"):
        workspaces.create(home, "X", viewer=Viewer("Zoé", "comptable"), now=NOW, by="Zoé")
    with pytest.raises(workspaces.WorkspaceError, match="« Zoé » n'est pas un compte consultant"):
        workspaces.grant(home, "Autre", "Zoé", viewer=OPERATOR, now=NOW, by="op")
    assert snapshot(home) == before
    workspaces.grant(home, "Autre", "Léa", viewer=OPERATOR, now=NOW, by="op")
    assert [w.name for w in workspaces.list_workspaces(home, Viewer("Léa", "consultant"))] == [
        "Autre"
    ]


def test_rename_duplicate_archive_delete(home: Engine, tmp_path: Path):
    _, store = workspaces.create(home, "Alpha", viewer=OPERATOR, now=NOW, by="op")
    import_bytes(store, _timesheet("Alice"), "t.csv")
    original = snapshot(store)
    store.dispose()
    workspaces.rename(home, "Alpha", "Alpha SAS", viewer=OPERATOR, now=NOW, by="op")
    copy = workspaces.duplicate(home, "Alpha SAS", "Alpha (copie)", viewer=OPERATOR, now=NOW,
                                by="op")  # fmt: skip
    copied, _ = workspaces.open_store(home, copy.name, OPERATOR)
    assert snapshot(copied) == original
    import_bytes(copied, _timesheet("Bruno"), "u.csv")  # the copy's ids follow its rows
    renamed, _ = workspaces.open_store(home, "Alpha SAS", OPERATOR)
    assert snapshot(renamed) == original  # the copy's changes stay in the copy
    copied.dispose()
    renamed.dispose()
    workspaces.set_archived(home, "Alpha SAS", True, viewer=OPERATOR, now=NOW, by="op")
    assert [w.name for w in workspaces.list_workspaces(home, OPERATOR)] == ["Alpha (copie)"]
    workspaces.delete(home, "Alpha (copie)", viewer=OPERATOR, now=NOW, by="op")
    listed = workspaces.list_workspaces(home, OPERATOR, archived=True)
    assert [(w.name, w.archived) for w in listed] == [("Alpha SAS", True)]
    with pytest.raises(workspaces.WorkspaceError, match="Aucun dossier « Alpha \\(copie\\) »"):
        workspaces.open_store(home, "Alpha (copie)", OPERATOR)
    if home.url.get_backend_name() == "sqlite":
        assert not (Path(home.url.database).parent / "workspaces" / f"{copy.slug}.db").exists()
    else:
        assert copy.slug not in inspect(home).get_schema_names()


def test_the_command_line_works_in_a_workspace(db_url: str, tmp_path: Path):
    created = run("workspace", "create", "Prospect Dupont", db=db_url)
    assert (created.returncode, created.stdout.strip()) == (0, "Dossier « Prospect Dupont » créé.")
    data = tmp_path / "temps.csv"
    data.write_bytes(_timesheet("Alice"))
    imported = run("--workspace", "Prospect Dupont", "import", str(data), "--json", db=db_url)
    assert json.loads(imported.stdout)["status"] == "imported"
    inside = run("--workspace", "Prospect Dupont", "batches", "--json", db=db_url)
    outside = run("batches", "--json", db=db_url)
    assert [b["file_name"] for b in json.loads(inside.stdout)] == ["temps.csv"]
    assert json.loads(outside.stdout) == []
    listed = json.loads(run("workspace", "list", "--json", db=db_url).stdout)
    assert [w["name"] for w in listed] == ["Prospect Dupont"]
    upgraded = run("init", db=db_url)  # the base and every workspace, as the migration unit runs
    assert upgraded.returncode == 0 and upgraded.stdout.endswith("1 dossier(s) à jour.\n")
    missing = run("--workspace", "Nulle part", "batches", db=db_url)
    assert (missing.returncode, missing.stderr.strip()) == (
        1,
        "Erreur : Aucun dossier « Nulle part ».",
    )

    nowhere = str(tmp_path / "absent" / "final.xlsx")
    kept = run("workspace", "delete", "Prospect Dupont", "--yes", "--export", nowhere, db=db_url)
    assert kept.returncode == 2 and kept.stderr.strip().endswith("dossier non supprimé.")
    assert "Traceback" not in kept.stderr
    unconfirmed = run("workspace", "delete", "Prospect Dupont", db=db_url)
    assert unconfirmed.returncode == 2 and "ajoutez --yes" in unconfirmed.stderr
    final = tmp_path / "final.xlsx"
    gone = run("workspace", "delete", "Prospect Dupont", "--yes", "--export", str(final), db=db_url)
    assert gone.returncode == 0, gone.stderr
    sheet = load_workbook(final)["Temps"]
    assert [c.value for c in sheet[2]][:2] and "Alice" in [c.value for c in sheet[2]]
    assert json.loads(run("workspace", "list", "--json", db=db_url).stdout) == []


@pytest.fixture
def app_home(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    init_db(get_engine(db_url))
    yield from use_store(db_url, monkeypatch)


def test_the_app_keys_its_caches_by_workspace(app_home: str):
    """Two workspaces at the same data version: each page shows its own store's lines, never
    the other's cached figures."""
    home = get_engine(app_home)
    for name, who in (("Alpha", "Alice"), ("Bêta", "Bruno")):
        _, store = workspaces.create(home, name, viewer=OPERATOR, now=NOW, by="op")
        assert import_bytes(store, _timesheet(who), "t.csv").status == "imported"
    app = run_app(date="2024-06-30")
    seen = {}
    for name in ("Alpha", "Bêta", ""):  # "": the firm's own base
        app.sidebar.selectbox(key="workspace-pick").set_value(name).run()
        app.switch_page(page_path("charge")).run()
        assert not app.exception
        tables = [frame.value for frame in app.dataframe]
        seen[name] = {p for frame in tables if "Collaborateur" in frame.columns
                      for p in frame["Collaborateur"]}  # fmt: skip
    assert seen == {"Alpha": {"Alice"}, "Bêta": {"Bruno"}, "": set()}
