"""What each role sees (issue 14 §2), on the demo company, SQLite and PostgreSQL: each role ×
each page on screen, the frames its tables and Excel downloads are made of, and the command
line run as that user. A figure priced at hourly costs never reaches a role but the direction;
a project manager sees their pôle only. Each check is made on the direction too, so that it
can fail: what is hidden from the others is really there."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import polars as pl
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from model import roles
from model.accounts import add_user
from model.db import get_engine
from model.formatting import in_unit
from model.kpi.frames import Facts
from model.kpi.scope import scope_from
from model.roles import COST_COLUMNS, Forbidden, Viewer
from model.settings import paris_now
from model.texts import LABELS
from model.views import access
from model.views.headlines import PRICED_AT_COST
from model.views.loading import load_facts, load_settings
from model.workbook import Column, Sheet, workbook_bytes
from tests.apptest import on_screen, page_path, run_app, use_store
from tests.test_cli import run
from tests.test_pages import demo_url as demo_url  # the demo company, loaded once per module

PASSWORD = "une phrase de passe longue"
POLE = "Développement"
ROLES = ("direction", "comptable", "chef_de_projet", "lecture")
COST_LABELS = [LABELS[key][0] for key in ("overtime_cost", "forecast_overrun_cost")]


@pytest.fixture(scope="module")
def accounts(demo_url: str) -> str:
    """One account per role in the demo's store (the project manager's pôle: Développement)."""
    engine = get_engine(demo_url)
    for role in ROLES:
        add_user(engine, role, role, PASSWORD, now=paris_now(), by="installation",
                 team=POLE if role == "chef_de_projet" else None)  # fmt: skip
    engine.dispose()
    return demo_url


def _facts(url: str) -> Facts:
    """The store's facts, its connections given back (a pooled one left open would be closed
    by the garbage collector in a later test, with a warning)."""
    engine = get_engine(url)
    try:
        return load_facts(engine)
    finally:
        engine.dispose()


@pytest.fixture
def store(accounts: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from use_store(accounts, monkeypatch)


def _view(url: str, viewer: Viewer, page: str):
    engine = get_engine(url)
    settings = load_settings(engine)
    scope = scope_from("last_12_months", as_of=paris_now().date())
    return access.page_view(viewer, page, _facts(url), settings, scope)


def hidden_figures(url: str) -> list[str]:
    """The cost figures of the direction's screens, as written there: the projects' cards and
    the overrun alerts' euros (the demo has both)."""
    direction = Viewer("direction", "direction")
    cards = [c for c in _view(url, direction, "projects").cards if c.key in access.COST_CARDS]
    alerts = [a for a in _view(url, direction, "overview").alerts if a.key in PRICED_AT_COST]
    shown = [in_unit(c.value, c.unit) for c in cards]
    shown += [a.text().split("≈ ")[1].rstrip(".") for a in alerts]
    assert len(cards) == 2 and alerts and all(s != "n/a" for s in shown)
    return shown


def screen_text(app: AppTest) -> str:
    """Everything a page writes that a reader can see, and its tables' column names."""
    parts = [on_screen(str(e.value)) for kind in
             ("title", "header", "subheader", "markdown", "caption", "info", "warning",
              "success", "error") for e in getattr(app, kind)]  # fmt: skip
    parts += [f"{m.label} {m.value}" for m in app.metric]
    parts += [" | ".join(frame.value.columns) for frame in app.dataframe]
    parts += [e.label for e in app.expander]
    return "\n".join(parts)


def signed_in(role: str) -> AppTest:
    app = run_app()
    app.text_input[0].input(role)
    app.text_input[1].input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception
    return app


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_pages_without_the_figures_it_may_not(store: str, role: str):
    hidden = [*hidden_figures(store), *COST_LABELS, LABELS["quality_costs"][0]]
    seen = []
    app = signed_in(role)
    for page in roles.PAGES[role]:
        app.switch_page(page_path(page)).run()
        assert not app.exception and not app.error, (role, page, [e.value for e in app.error])
        seen.append(screen_text(app))
    everything = "\n".join(seen)
    found = [figure for figure in hidden if figure in everything]
    if role == "direction":
        assert found == hidden  # each is on the direction's screens
    else:
        assert found == [], role


def test_a_project_manager_sees_their_pole_only(store: str):
    app = signed_in("chef_de_projet")
    app.switch_page(page_path("charge")).run()
    assert not app.exception
    (pole,) = [box for box in app.selectbox if box.label == "Pôle"]
    assert (pole.value, pole.options, pole.disabled) == (POLE, [POLE], True)
    people = app.dataframe[0].value
    facts = _facts(store)
    team_of = dict(facts.employees.select("employee", "team").rows())
    named = [c for c in people.columns if c == "Collaborateur"]
    assert named and {team_of[p] for p in people["Collaborateur"]} == {POLE}


@pytest.mark.parametrize("role", ROLES)
def test_views_frames_and_workbooks_carry_no_cost_for_other_roles(accounts: str, role: str):
    """The frames behind every table, drill-down and Excel download of the role's pages."""
    team = POLE if role == "chef_de_projet" else None
    viewer = Viewer(role, role, team)
    for page in access.VIEWS:
        if page not in roles.PAGES[role]:
            with pytest.raises(Forbidden, match="ne donne pas accès"):
                _view(accounts, viewer, page)
            continue
        view = _view(accounts, viewer, page)
        frames = [v for v in vars(view).values() if isinstance(v, pl.DataFrame)]
        costs = {c for frame in frames for c in frame.columns} & COST_COLUMNS
        assert bool(costs) == (role == "direction" and page == "projects"), (page, costs)
    facts = access.visible_facts(viewer, _facts(accounts))
    assert ("cost_rate_cents" in facts.employees.columns) == (role == "direction")
    assert ("cost_cents" in facts.timesheets.columns) == (role == "direction")
    if team:
        assert set(facts.employees["team"]) == {POLE}
        assert facts.invoices.height == 0 and facts.payments.height == 0


def test_a_download_drops_the_cost_columns_the_view_lacks(accounts: str):
    columns = [Column("project", "Projet", "text"),
               Column("overtime_cost_cents", COST_LABELS[0], "cents")]  # fmt: skip
    for role, expected in (("direction", ["Projet", COST_LABELS[0]]), ("lecture", ["Projet"])):
        view = _view(accounts, Viewer(role, role), "projects")
        book = load_workbook(io.BytesIO(workbook_bytes([Sheet("Projets", view.projects, columns)])))
        assert [cell.value for cell in book["Projets"][1]] == expected
    with pytest.raises(pl.exceptions.ColumnNotFoundError):  # any other missing column: a bug
        workbook_bytes([Sheet("Projets", view.projects, [Column("projet_typo", "Projet", "text")])])


def _cli(url: str, role: str, *args: str):
    return run("--as", role, *args, db=url)


def test_the_command_line_as_each_user(accounts: str, tmp_path):
    direction = json.loads(_cli(accounts, "direction", "kpi", "sold-vs-consumed", "--json").stdout)
    assert "overtime_cost" in direction["projects"][0]
    reader = _cli(accounts, "lecture", "kpi", "sold-vs-consumed", "--json")
    assert reader.returncode == 0
    projects = json.loads(reader.stdout)["projects"]
    assert [p["project"] for p in projects] == [p["project"] for p in direction["projects"]]
    assert not {key for p in projects for key in p} & COST_COLUMNS

    margin = _cli(accounts, "lecture", "kpi", "margin", "--json")
    assert (margin.returncode, margin.stdout) == (1, "")
    assert margin.stderr.strip() == (
        "Erreur : Votre rôle (lecture) ne donne pas accès aux coûts horaires ni à ce qui en "
        "découle (les marges) : seule la direction les voit."
    )
    refused = _cli(accounts, "chef_de_projet", "kpi", "receivables", "--json")
    assert (refused.returncode, refused.stderr.strip()) == (1, (
        "Erreur : Votre rôle (chef de projet) ne donne pas accès aux créances : demandez-le à la "
        "direction."
    ))  # fmt: skip
    own = json.loads(_cli(accounts, "chef_de_projet", "kpi", "charge-rate", "--json").stdout)
    assert {e["team"] for e in own["employees"]} == {POLE}

    quality = json.loads(_cli(accounts, "comptable", "quality", "--json").stdout)
    assert "timesheet_costs" not in quality and "coverage" in quality
    assert "timesheet_costs" in json.loads(_cli(accounts, "direction", "quality", "--json").stdout)

    out = tmp_path / "personnel.csv"
    assert _cli(accounts, "comptable", "export", "employees", "--out", str(out)).returncode == 0
    assert "cost_rate" not in pl.read_csv(out).columns
    users = _cli(accounts, "lecture", "user", "list")
    assert (users.returncode, users.stderr.strip()) == (
        1, "Erreur : Votre rôle (lecture) ne permet pas de gérer les comptes : demandez-le à la "
        "direction.",
    )  # fmt: skip
    unknown = _cli(accounts, "personne", "kpi", "dso")
    assert (unknown.returncode, unknown.stderr.strip()) == (
        2, "Erreur : aucun compte actif « personne »."
    )  # fmt: skip
