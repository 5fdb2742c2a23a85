"""Every dashboard page on the demo company, through AppTest: the cards show what model.kpi
computes, filters live in the URL, each page has its charts, table, explanation and download."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import date, datetime

import polars as pl
import pytest
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from model.db import get_engine, init_db
from model.demo import load_demo
from model.formatting import change, in_unit, percent
from model.kpi.scope import scope_from
from model.settings import paris_now
from model.texts import LABELS
from model.views.access import VIEWS
from model.views.dashboard import Card
from model.views.loading import load_duplicated_lines, load_facts, load_settings
from tests.apptest import open_page, run_app, use_store
from tests.support import SETTINGS

PAGES = ("overview", "charge", "projects", "support", "receivables")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def demo_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo company, loaded once per database for the read-only page tests."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'pilotage.db'}"
        admin = None
    else:
        server = request.getfixturevalue("postgres_url")
        name = f"demo_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.rsplit("/", 1)[0] + f"/{name}"
    engine = get_engine(url)
    init_db(engine)
    today = paris_now().date()
    load_demo(
        engine, SETTINGS, seed=7, as_of=today, now=datetime.combine(today, datetime.min.time())
    )
    engine.dispose()
    get_engine.cache_clear()
    yield url
    if admin is not None:
        get_engine.cache_clear()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def demo_app(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from use_store(demo_url, monkeypatch)


def expected_cards(url: str, page: str, **filters: str | None) -> list[tuple[str, str, str | None]]:
    engine = get_engine(url)
    today = paris_now().date()
    scope = scope_from(filters.pop("preset", "last_12_months"), as_of=today, **filters)
    view = VIEWS[page](load_facts(engine), load_settings(engine), scope)
    return [_shown(card) for card in view.cards]


def expected_completeness(url: str, page: str) -> list[str]:
    """The line under each card saying how complete its data is (floored: 99,6 % is not 100)."""
    engine = get_engine(url)
    scope = scope_from("last_12_months", as_of=paris_now().date())
    view = VIEWS[page](load_facts(engine), load_settings(engine), scope)
    return [
        f"Données complètes à {percent(math.floor(card.complete_pct), 0)} sur la période"
        for card in view.cards
        if card.complete_pct is not None
    ]


def _shown(card: Card) -> tuple[str, str, str | None]:
    return LABELS[card.key][0], in_unit(card.value, card.unit), change(card.delta, card.unit)


def badges(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown if "-badge[" in m.value]


def cards_on_screen(app: AppTest) -> list[tuple[str, str, str | None]]:
    return [(m.label, m.value, m.delta or None) for m in app.metric]  # no change shows as ""


@pytest.mark.parametrize("page", PAGES)
def test_each_page_shows_the_figures_of_model_kpi(demo_app: str, page: str):
    app = open_page(run_app(), page)
    assert cards_on_screen(app) == expected_cards(demo_app, page)
    completeness = [c.value for c in app.caption if c.value.startswith("Données complètes")]
    assert completeness == expected_completeness(demo_app, page)
    assert len(completeness) == len(app.metric), "every card says how complete its data is"
    assert app.title[0].value == LABELS[page][0]
    assert app.expander[-1].label == "Comment est calculé ce chiffre ?"
    downloads = [b.label for b in app.get("download_button")]
    assert downloads[0] == "Télécharger ce tableau (Excel)", "every page has its download"
    # … and the drill-down's lines theirs (issue 16 A8)
    lines = {"projects": 1, "support": 1}.get(page, 0)
    assert downloads[1:] == ["Télécharger ces lignes (Excel)"] * lines
    if page != "overview":
        assert app.get("plotly_chart"), "every page draws its charts"
        assert app.dataframe, "every page shows its table"


def test_the_imports_page_says_what_the_data_lacks(demo_app: str):
    """Qualité des données, for the sidebar's period: the demo's time is complete, its Odoo
    export writes some ID-less lines twice, by chance (kept, reported: as many as the store
    finds), its FEC matches its invoices."""
    app = open_page(run_app(), "imports")
    assert [h.value for h in app.header][-2:] == ["Qualité des données", "Modèle d'import Pilotage"]
    assert [s.value for s in app.subheader][:5] == [
        "Semaines saisies par mois", "Semaines sans temps saisis", "Lignes de temps en double",
        "Chiffre d'affaires du FEC et factures", "Coût des temps Odoo et coûts horaires",
    ]  # fmt: skip
    assert app.metric[0].label == "Temps saisis complets à"
    assert "Chaque semaine attendue a des temps saisis." in [s.value for s in app.success]
    tables = [d.value for d in app.dataframe if "Exemplaires" in d.value.columns]
    scope = scope_from("last_12_months", as_of=paris_now().date())
    stored = load_duplicated_lines(get_engine(demo_app))
    in_period = stored.filter(pl.col("date").is_between(scope.start, scope.end))
    assert sum(table.shape[0] for table in tables) == in_period.height


def test_the_demo_figures_say_what_its_story_says(demo_app: str):
    """The demo's leaks are visible where a manager looks for them."""
    app = open_page(run_app(), "projects")
    cards = {label: value for label, value, _ in cards_on_screen(app)}
    assert cards["Projets en dérive"] == "2"
    app = open_page(app, "support")
    assert badges(app)[0] == ":red-badge[alerte]"  # support given away: more than 20 % unbilled
    app = open_page(app, "receivables")
    dso = next(m for m in app.metric if m.label == "DSO (épuisement)")
    assert float(dso.value.split("\xa0")[0].replace(",", ".")) > 60


def test_filters_come_from_the_url_and_survive_page_changes(demo_app: str):
    app = run_app(pole="Data", periode="Mois dernier")
    app = open_page(app, "charge")
    chosen = {box.key: box.value for box in app.sidebar.selectbox}
    assert chosen == {"periode-fr": "last_month", "pole": "Data", "client": None}
    assert cards_on_screen(app) == expected_cards(demo_app, "charge", preset="last_month",
                                                  team="Data")  # fmt: skip
    app = open_page(app, "overview")
    assert {box.key: box.value for box in app.sidebar.selectbox}["pole"] == "Data"
    assert cards_on_screen(app) == expected_cards(demo_app, "overview", preset="last_month",
                                                  team="Data")  # fmt: skip


def test_a_client_filter_narrows_the_receivables(demo_app: str):
    app = open_page(run_app(), "receivables")
    app.sidebar.selectbox(key="client").set_value("Groupe Hôtelier Azur").run()
    assert not app.exception, app.exception
    assert cards_on_screen(app) == expected_cards(
        demo_app, "receivables", client="Groupe Hôtelier Azur"
    )
    clients = set(app.dataframe[0].value.iloc[:, 0])
    assert clients == {"Groupe Hôtelier Azur", "Total"}


def test_a_custom_period_the_wrong_way_round_is_explained(demo_app: str):
    app = run_app(periode="Personnalisée", du="2026-06-30", au="2026-01-01")
    app = open_page(app, "charge")
    assert app.warning[0].value == (
        "Période personnalisée : le début (30/06/2026) est après la fin (01/01/2026)."
    )
    assert not app.metric


def test_english_switch_translates_cards_and_alerts(demo_app: str):
    app = run_app(langue="English")
    app = open_page(app, "overview")
    assert app.title[0].value == "Overview"
    assert app.metric[0].label == "Billable utilisation (TACE)"
    assert any(w.value.startswith("Project “") for w in app.warning)
    how = [m.value for m in app.markdown if m.value.startswith("TACE = ")]
    assert len(how) == 1 and how[0].startswith("TACE = billable hours ÷ available hours;")
    english = ("Project “", "Support contract “", "Unbilled time:", "DSO at ", "Cash: ")
    assert all(w.value.startswith(english) and "\u202f" not in w.value for w in app.warning)


def test_the_language_switch_keeps_the_period_and_the_filters(demo_app: str):
    """Opened as `?langue=English&periode=quarter&client=…`, then switched to French and back:
    the period and the client stay (they were lost with the language, issue 16 A5)."""
    app = open_page(run_app(langue="English", periode="quarter", client="Agence Nova"),
                    "receivables")  # fmt: skip
    caption = next(c.value for c in app.caption if c.value.startswith("Period: "))
    quarter = scope_from("quarter", as_of=paris_now().date())
    assert caption.startswith(f"Period: {quarter.start:%Y-%m-%d} to {quarter.end:%Y-%m-%d} · ")
    assert "As-of date: " in caption
    app.sidebar.radio(key="langue").set_value("fr").run()
    assert app.sidebar.selectbox(key="periode-fr").value == "quarter"
    assert app.sidebar.selectbox(key="client").value == "Agence Nova"
    assert app.query_params["periode"] == "quarter"
    app.sidebar.radio(key="langue").set_value("en").run()
    assert app.sidebar.selectbox(key="periode-en").value == "quarter"


@pytest.mark.parametrize("named", ["quarter", "Trimestre en cours", "This quarter"])
def test_a_period_in_the_url_is_its_code_or_its_label(named: str):
    from ui.filters import preset_from_url

    assert preset_from_url(named) == "quarter"
    assert preset_from_url("n'importe quoi") == preset_from_url(None) == "last_12_months"


def test_alerts_link_to_the_page_that_explains_them(demo_app: str):
    app = open_page(run_app(), "overview")
    links = [link.proto.page for link in app.get("page_link")]
    assert len(links) == len(app.warning) >= 3
    assert {"projects", "receivables"} <= set(links)


def test_a_redraw_after_a_filter_change_reads_nothing_from_the_store(
    demo_app: str, monkeypatch: pytest.MonkeyPatch
):
    app = open_page(run_app(), "charge")
    reads = []
    import model.store

    original = model.store.read_facts
    monkeypatch.setattr(
        model.store, "read_facts", lambda *a, **k: reads.append(a) or original(*a, **k)
    )
    app.sidebar.selectbox(key="pole").set_value("Support").run()
    app.sidebar.selectbox(key="periode-fr").set_value("quarter").run()
    assert not app.exception, app.exception
    assert reads == []


@pytest.fixture
def fresh_demo(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A demo company of its own, for the tests that write."""
    engine = get_engine(sqlite_url)
    init_db(engine)
    today = paris_now().date()
    load_demo(
        engine, SETTINGS, seed=7, as_of=today, now=datetime.combine(today, datetime.min.time())
    )
    yield from use_store(sqlite_url, monkeypatch)


def test_settings_editor_saves_checks_and_changes_the_figures(fresh_demo: str):
    app = open_page(run_app(), "parameters")
    tables = [frame.value for frame in app.dataframe]  # the three data editors
    assert [len(table) for table in tables] == [15, 13, 3, 14]  # staff, projects, contracts, flows
    app.button(key="save-employees").click().run()  # the editor's table, saved unchanged
    assert not app.exception, app.exception
    assert app.info[0].value == "Aucune modification : rien n'a été enregistré."
    limits = app.text_input(key="setting-receivables.limits")
    assert limits.value == "30, 60, 90"
    limits.set_value("30, soixante")
    app.button[-1].click().run()  # the form's submit button: the form's values go with it
    assert app.error[0].value.startswith("« Balance âgée : limites des tranches (jours) » : "
                                         "« 30, soixante » n'est pas lisible")  # fmt: skip
    assert load_settings(get_engine(fresh_demo)).receivables.limits == (30, 60, 90)

    app.text_input(key="setting-receivables.limits").set_value("45, 90")
    app.number_input(key="setting-dso.red_days").set_value(100.0)
    app.button[-1].click().run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.success[0].value == "2 paramètre(s) enregistré(s) ; les chiffres sont recalculés."
    saved = load_settings(get_engine(fresh_demo))
    assert (saved.receivables.limits, saved.dso.red_days) == ((45, 90), 100.0)
    app = open_page(app, "overview")
    assert not any(w.value.startswith("DSO à") for w in app.warning)  # 83 days < 100 now
    app = open_page(app, "receivables")
    assert list(app.dataframe[0].value.columns)[1:4] == ["Non échu", "1-45 j", "46-90 j"]


def test_cash_page_shows_the_forecast_of_model_kpi(demo_app: str):
    from model.kpi.cash import Levers
    from model.views.dashboard import cash_view

    app = open_page(run_app(), "cash")
    engine = get_engine(demo_app)
    scope = scope_from("last_12_months", as_of=paris_now().date())
    view = cash_view(load_facts(engine), load_settings(engine), scope, levers=Levers())
    assert cards_on_screen(app) == [_shown(card) for card in view.cards]
    opening = next(c.value for c in app.caption if c.value.startswith("Ouverture"))
    assert opening.startswith("Ouverture : comptes 512 du FEC au ")
    assert len(app.get("plotly_chart")) == 2
    assert [b.label for b in app.get("download_button")] == ["Télécharger ce tableau (Excel)"]
    receipts = app.dataframe[0].value
    assert receipts.iloc[0, 0] == view.receipts["client"][0]

    app.segmented_control(key="cash-scenario").set_value("pessimistic").run()
    pessimistic = cash_view(load_facts(engine), load_settings(engine), scope,
                            scenario="pessimistic", levers=Levers())  # fmt: skip
    assert cards_on_screen(app) == [_shown(card) for card in pessimistic.cards]

    app.slider(key="lever-dso").set_value(10).run()
    assert not app.exception, app.exception
    effects = app.dataframe[0].value
    assert list(effects.iloc[:, 0]) == ["DSO", "Facturation hebdomadaire", "Taux de charge",
                                        "Tous les leviers"]  # fmt: skip
    assert effects.iloc[0, 1] >= 0  # getting paid sooner never lowers the lowest point
    assert effects.iloc[0, 3] > 0  # … and moves cash forward in some week (issue 12 §6)
    assert any("lever-weeks" in chart.proto.id for chart in app.get("plotly_chart"))


def test_a_saved_forecast_is_listed_for_comparison(fresh_demo: str):
    app = open_page(run_app(), "cash")
    app.button(key="save-forecast").click().run()
    assert not app.exception, app.exception
    assert app.success[0].value.startswith("Prévision n° 1 enregistrée")
    assert app.selectbox(key="pick-forecast").value == 1
    assert "Aucune semaine de cette prévision n'est encore écoulée." in [
        c.value for c in app.caption
    ]


def test_an_opening_balance_typed_on_the_page_replaces_the_fec_s(fresh_demo: str):
    app = open_page(run_app(), "cash")
    app.number_input(key="opening-amount").set_value(100_000.0)
    app.date_input(key="opening-day").set_value(paris_now().date())
    next(b for b in app.button if b.label == "Enregistrer le solde").click().run()
    assert not app.exception, app.exception
    assert app.metric[0].value == "100\u202f000,00\xa0€"
    today = paris_now().date()
    opening = next(c.value for c in app.caption if c.value.startswith("Ouverture"))
    assert opening.startswith(f"Ouverture : saisi au {today:%d/%m/%Y}.")
    saved = load_settings(get_engine(fresh_demo)).cash
    assert (saved.opening_cents, saved.opening_date) == (10_000_000, today.isoformat())


def test_a_cash_alert_links_to_the_cash_page(demo_app: str):
    """Years ahead, with no more sales, the demo's balance falls below its payroll."""
    app = open_page(run_app(date="2031-01-01"), "overview")
    cash_alerts = [w.value for w in app.warning if w.value.startswith("Trésorerie : fin ")]
    assert cash_alerts and "passe sous la paie du mois (47\u202f500,00\xa0€)" in cash_alerts[0]
    assert "cash" in [link.proto.page for link in app.get("page_link")]


def test_the_category_chart_draws_every_category_and_sums_to_the_forecast(demo_app: str):
    """Issue 12 §7: salaries, rent, VAT and unbilled work were missing (six colours, six series
    drawn). Each month's stacked bars add up to the forecast's receipts less payments."""
    import json

    from model.kpi.cash import Levers
    from model.views.dashboard import cash_view

    app = open_page(run_app(), "cash")
    engine = get_engine(demo_app)
    scope = scope_from("last_12_months", as_of=paris_now().date())
    view = cash_view(load_facts(engine), load_settings(engine), scope, levers=Levers())
    chart = next(
        json.loads(c.proto.spec) for c in app.get("plotly_chart") if "category-bars" in c.proto.id
    )
    categories = view.by_category["category"].unique()
    assert len(chart["data"]) == len(categories) >= 8
    assert {"salaires", "Salaires", "TVA"} & {trace["name"] for trace in chart["data"]}
    drawn: dict[str, float] = {}
    for trace in chart["data"]:
        for month, value in zip(trace["x"], trace["y"], strict=True):
            drawn[month[:7]] = drawn.get(month[:7], 0.0) + value
    expected = {
        f"{row['month']:%Y-%m}": (row["inflows_cents"] - row["outflows_cents"]) / 100
        for row in view.forecast.months.iter_rows(named=True)
    }
    assert drawn == pytest.approx(expected, abs=0.005)


def test_the_support_page_lists_prepaid_packs(fresh_demo: str):
    """Issue 12 §3: a pack of 20 h bought by the Clinique on 1 January, nothing logged on it:
    20 h left, no run-out date in sight."""
    from tests.kpi.frames import frame, through_store

    pack = {"contract": "PACK-20", "client": "Clinique Saint-Roch", "prepaid_hours": 20.0,
            "start_date": date(paris_now().year, 1, 1)}  # fmt: skip
    through_store(get_engine(fresh_demo), contracts=frame("contracts", [pack]))
    app = open_page(run_app(), "support")
    assert "Packs d'heures prépayées" in [s.value for s in app.subheader]
    packs = next(t.value for t in app.dataframe if "Heures prépayées" in t.value.columns)
    assert packs.iloc[0][["Contrat", "Heures prépayées", "Restantes"]].tolist() == [
        "PACK-20", 20.0, 20.0,
    ]  # fmt: skip


def test_the_aged_balance_names_its_buckets_in_the_interface_language(demo_app: str):
    for language, buckets in (
        (None, ["Non échu", "1-30 j", "31-60 j", "61-90 j", "90+ j", "Non affecté", "Total"]),
        ("English", ["Not due", "1-30 d", "31-60 d", "61-90 d", "90+ d", "Unallocated", "Total"]),
    ):
        app = open_page(run_app(langue=language) if language else run_app(), "receivables")
        assert list(app.dataframe[0].value.columns)[1:] == buckets
