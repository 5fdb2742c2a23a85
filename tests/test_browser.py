"""The main journey in a real browser: Debian's Chromium driven by Playwright, against
`streamlit run app.py` on 127.0.0.1 with a fresh SQLite store.

Load the demo, upload a timesheet export through the real file input, confirm, see the charge
rate move, then visit every page without an error. A screenshot of each page is kept in
`test-artifacts/screens/` (or `$PILOTAGE_ARTIFACTS`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from model.exports import csv_bytes
from model.facts import FACTS
from model.kpi.scope import preset_period
from model.settings import paris_now

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PAGES = {
    "overview": "Vue d'ensemble",
    "charge": "Taux de charge",
    "projects": "Vendu vs consommé",
    "support": "Support",
    "receivables": "Balance âgée & DSO",
    "cash": "Trésorerie",
    "diagnostic": "Diagnostic",
    "imports": "Imports",
    "parameters": "Paramètres",
    "workspaces": "Dossiers",
}

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("PILOTAGE_ARTIFACTS", ROOT / "test-artifacts")) / "screens"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port of 127.0.0.1, with an empty SQLite store."""
    for url, _ in _serve(tmp_path_factory, "browser"):
        yield url


@pytest.fixture(scope="module")
def odoo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A second server on its own empty store, for a firm that only has its Odoo exports."""
    yield from _serve(tmp_path_factory, "odoo-firm")


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server whose store has a direction and a read-only account (issue 14)."""
    from model.accounts import add_user
    from model.db import get_engine, init_db

    database = f"sqlite:///{tmp_path_factory.mktemp('accounts') / 'pilotage.db'}"
    engine = get_engine(database)
    init_db(engine)
    for name, role in (("Claire Dubois", "direction"), ("Léo Martin", "lecture")):
        add_user(engine, name, role, PASSWORD, now=paris_now(), by="installation")
    engine.dispose()
    yield from _serve(tmp_path_factory, "accounts", database)


@pytest.fixture(scope="module")
def consultant_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A firm's server with a consultant's account and nothing else (issue 15)."""
    from model.accounts import add_user
    from model.db import get_engine, init_db

    database = f"sqlite:///{tmp_path_factory.mktemp('consultant') / 'pilotage.db'}"
    engine = get_engine(database)
    init_db(engine)
    add_user(engine, "Marc Lenoir", "consultant", PASSWORD, now=paris_now(), by="installation")
    engine.dispose()
    yield from _serve(tmp_path_factory, "consultant", database)


def _serve(
    factory: pytest.TempPathFactory, name: str, database: str | None = None
) -> Iterator[tuple[str, str]]:
    """(server url, database url) while the server runs."""
    port = _free_port()
    database = database or f"sqlite:///{factory.mktemp(name) / 'pilotage.db'}"
    env = {**os.environ, "DATABASE_URL": database, "PILOTAGE_USER": "navigateur"}
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    log = factory.mktemp(f"{name}-log") / "streamlit.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url, database
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"streamlit did not answer within 60 s:\n{log.read_text()}")


def chromium_tab(width: int = 1400, height: int = 1000) -> Iterator[Page]:
    """A French tab of Debian's Chromium (skipped where it is missing, a failure in CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        tab = context.new_page()
        tab.set_default_timeout(90_000)
        yield tab
        context.close()
        browser.close()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Page]:
    yield from chromium_tab()


def timesheet_export(days: int = 10) -> bytes:
    """A Pilotage-template timesheet csv: the last `days` weekdays of one consultant, billable."""
    today = paris_now().date()
    weekdays = [today - timedelta(days=n) for n in range(1, 30)]
    weekdays = [d for d in weekdays if d.weekday() < 5][:days]
    frame = pl.DataFrame({
        "date": weekdays,
        "employee": ["Camille Durand"] * len(weekdays),
        "project": ["Évolutions e-commerce"] * len(weekdays),
        "hours": [3.5] * len(weekdays),
        "billing": ["billable"] * len(weekdays),
    })  # fmt: skip
    headers = {c.name: c.header for c in FACTS["timesheets"].columns if c.name in frame.columns}
    return csv_bytes(frame.rename(headers))


def open_page(tab: Page, server: str, path: str, title: str) -> Page:
    tab.goto(f"{server}/{path}")
    tab.get_by_role("heading", name=title, exact=True).first.wait_for()
    _wait_until_idle(tab)
    return tab


def _wait_until_idle(tab: Page) -> None:
    """Streamlit shows a "running" widget while the script runs; wait until it is gone."""
    tab.wait_for_timeout(300)
    tab.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    tab.wait_for_timeout(300)


def first_metric(tab: Page, label: str) -> str:
    card = tab.locator('[data-testid="stMetric"]', has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def assert_no_error(tab: Page, where: str) -> None:
    assert tab.locator('[data-testid="stException"]').count() == 0, f"exception on {where}"
    errors = tab.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"error on {where}: {errors.all_inner_texts()}"


def test_main_journey(page: Page, server: str, artifacts: Path, tmp_path: Path):
    tab = page
    tab.goto(server)
    tab.get_by_role("button", name="Charger la société de démonstration").click()
    tab.get_by_text("Société de démonstration chargée.").wait_for(timeout=180_000)
    tab.screenshot(path=artifacts / "00-accueil.png", full_page=True)

    open_page(tab, server, "charge", PAGES["charge"])
    before = first_metric(tab, "Taux de charge facturable (TACE)")

    open_page(tab, server, "imports", PAGES["imports"])
    # The uploader's button speaks French (Streamlit writes "Upload" whatever the language).
    button = tab.locator('[data-testid="stFileUploaderDropzone"] button '
                         '[data-testid="stMarkdownContainer"]').first  # fmt: skip
    assert button.evaluate("e => getComputedStyle(e, '::after').content") == (
        '"Choisir des fichiers"'
    )
    assert not button.locator("p").is_visible()
    export = tmp_path / "temps-camille.csv"
    export.write_bytes(timesheet_export())
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(export))
    tab.get_by_role("button", name="Confirmer l'import").click()
    tab.get_by_text("enregistré : 10 ajoutée(s)").wait_for()
    tab.screenshot(path=artifacts / "01-import-confirme.png", full_page=True)

    open_page(tab, server, "charge", PAGES["charge"])
    after = first_metric(tab, "Taux de charge facturable (TACE)")
    assert after != before, f"TACE unchanged after the import: {before}"

    for number, (path, title) in enumerate(PAGES.items(), start=2):
        open_page(tab, server, path, title)
        assert_no_error(tab, path)
        tab.screenshot(path=artifacts / f"{number:02d}-{path}.png", full_page=True)

    # The dataframe toolbar's raw CSV download (formulas unguarded) is not offered.
    open_page(tab, server, "receivables", PAGES["receivables"])
    tab.locator('[data-testid="stDataFrame"]').first.hover()
    toolbar = tab.locator('[data-testid="stElementToolbar"]').first
    toolbar.get_by_role("button", name="Search").wait_for()
    assert not toolbar.get_by_role("button", name="Download as CSV").is_visible()


def test_a_shared_url_opens_the_same_view(page: Page, server: str):
    tab = page
    open_page(tab, server, "charge?pole=Data&periode=Mois+dernier", PAGES["charge"])
    start, end = preset_period("last_month", paris_now().date())
    period = f"Période : du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
    assert period in tab.locator('[data-testid="stCaptionContainer"]').first.inner_text()
    assert "pole=Data" in tab.url


PASSWORD = "une phrase de passe longue"


def sign_in(tab: Page, server: str, name: str) -> None:
    tab.goto(server)
    tab.get_by_role("heading", name="Connexion à Pilotage").wait_for()
    tab.get_by_label("Nom du compte").fill(name)
    tab.get_by_label("Mot de passe").fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()
    tab.get_by_text(f"Connecté : {name}").wait_for()
    _wait_until_idle(tab)


def test_each_role_signs_in_and_sees_its_pages_only(
    page: Page, accounts_server: tuple[str, str], artifacts: Path
):
    """Issue 14: nothing before the password; the direction sees every page, the read-only
    account the dashboards without Imports nor Paramètres, and its address leads nowhere."""
    from model import roles

    server, _ = accounts_server
    tab = page
    tab.goto(f"{server}/imports")
    tab.get_by_role("heading", name="Connexion à Pilotage").wait_for()
    assert tab.get_by_text("Historique des imports").count() == 0
    tab.screenshot(path=artifacts / "roles-00-sign-in.png", full_page=True)
    for name, role in (("Claire Dubois", "direction"), ("Léo Martin", "lecture")):
        sign_in(tab, server, name)
        sidebar = tab.locator('[data-testid="stSidebarNav"]')
        for path, title in PAGES.items():
            link = sidebar.get_by_role("link", name=title, exact=True)
            assert link.count() == (1 if path in roles.PAGES[role] else 0), (role, path)
        reader = not roles.may(role, "import")  # the empty store's welcome offers no import
        assert tab.get_by_role("button", name="Importer mes exports").count() == (not reader)
        tab.screenshot(path=artifacts / f"roles-01-{role}.png", full_page=True)
        tab.get_by_role("button", name="Se déconnecter").click()
        tab.get_by_role("heading", name="Connexion à Pilotage").wait_for()


ODOO_FIRM = ROOT / "tests" / "fixtures" / "odoo_firm"
QUARTER_END = "date=2024-03-31"  # the exports cover January to March 2024


def import_all(tab: Page, files: list[Path]) -> None:
    """Files dropped together on the Imports page, confirmed one by one."""
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(f) for f in files]
    )
    confirm = tab.get_by_role("button", name="Confirmer l'import")
    for batch in range(1, len(files) + 1):
        # Every file not imported yet has its preview and its button (the run may still be
        # drawing them: the count is awaited, not read once).
        expect(confirm).to_have_count(len(files) - batch + 1, timeout=90_000)
        confirm.first.click()
        tab.get_by_text(f"Import n° {batch} enregistré").wait_for()
    expect(confirm).to_have_count(0, timeout=90_000)


def test_an_odoo_firm_fills_every_page_with_nothing_typed(
    page: Page, odoo_server: tuple[str, str], artifacts: Path
):
    """Issue 13: the seven Odoo exports of tests/fixtures/odoo_firm (odoo_firm.py says what
    they hold), dropped together on Imports and confirmed one by one, fill every page: the
    cards show what model.views computes, no page says it has no data, none assumes anyone."""
    from model.db import get_engine
    from model.formatting import in_unit
    from model.kpi.scope import scope_from
    from model.views.dashboard import charge_view, projects_view
    from model.views.loading import load_facts, load_settings

    server, database = odoo_server
    tab = page
    open_page(tab, server, "imports", PAGES["imports"])
    import_all(tab, sorted(ODOO_FIRM.iterdir()))
    tab.screenshot(path=artifacts / "odoo-00-imports.png", full_page=True)

    engine = get_engine(database)
    facts, settings = load_facts(engine), load_settings(engine)
    scope = scope_from("last_12_months", as_of=date(2024, 3, 31))
    tace = charge_view(facts, settings, scope).cards[0]
    drifting = projects_view(facts, settings, scope).cards[0]
    expected = {
        "charge": ("Taux de charge facturable (TACE)", in_unit(tace.value, tace.unit)),
        "projects": ("Projets en dérive", in_unit(drifting.value, drifting.unit)),
    }
    for number, (path, title) in enumerate(PAGES.items(), start=1):
        open_page(tab, server, f"{path}?{QUARTER_END}", title)
        assert_no_error(tab, path)
        assert tab.get_by_text("Aucune donnée pour ces filtres").count() == 0, path
        for missing in ("absent(s) de la liste du personnel", "absent(s) de la liste des projets"):
            assert tab.get_by_text(missing, exact=False).count() == 0, (path, missing)
        if path in expected:
            label, value = expected[path]
            assert first_metric(tab, label) == value, path
        tab.screenshot(path=artifacts / f"odoo-{number:02d}-{path}.png", full_page=True)
        checks = {
            "projects": "Refonte site",  # fixed price by its sale order lines
            "support": "Respect des SLA",
            "receivables": "Cabinet Durand",
            "imports": "Semaines sans temps saisis",
        }
        if path in checks:
            assert tab.get_by_text(checks[path]).first.is_visible(), path
    assert tace.value is not None and drifting.value == 1


def sidebar_page(tab: Page, title: str) -> None:
    """A page opened from the sidebar (a reload would start a new session, signed out)."""
    nav = tab.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name=title, exact=True).click()
    tab.get_by_role("heading", name=title, exact=True).first.wait_for()
    _wait_until_idle(tab)


def test_a_consultant_audits_a_prospect_and_hands_over_the_pdf(
    page: Page, consultant_server: tuple[str, str], artifacts: Path, tmp_path: Path
):
    """Issue 15: a consultant signs in, creates a workspace, drops the prospect's Odoo exports
    in it, opens Diagnostic at the exports' quarter end and downloads the PDF report, whose
    figures are the model's."""
    from pypdf import PdfReader

    from model import workspaces
    from model.db import get_engine
    from model.formatting import euros_from_cents
    from model.roles import OPERATOR
    from model.views.diagnostic import diagnostic
    from model.views.loading import load_facts, load_settings

    server, database = consultant_server
    tab = page
    sign_in(tab, server, "Marc Lenoir")
    nav = tab.locator('[data-testid="stSidebarNav"]')
    assert nav.get_by_role("link", name="Diagnostic", exact=True).count() == 0
    sidebar_page(tab, "Dossiers")
    tab.get_by_label("Nom du dossier").first.fill("Prospect Dupont")
    tab.get_by_role("button", name="Créer le dossier").click()
    tab.get_by_text("Dossier « Prospect Dupont » créé : vous y travaillez.").wait_for()
    tab.screenshot(path=artifacts / "consultant-00-dossier.png", full_page=True)

    sidebar_page(tab, "Imports")
    import_all(tab, sorted(ODOO_FIRM.iterdir()))

    sidebar_page(tab, "Diagnostic")
    # The as-of date's segments (day, month, year) are typed in turn, as a person would.
    tab.get_by_role("spinbutton", name="day, Date d'arrêté").click()
    tab.keyboard.type("31032024")
    tab.get_by_role("heading", name="Diagnostic", exact=True).first.click()  # leaves the field
    tab.get_by_text("Sur les 12 mois du 01/04/2023 au 31/03/2024").wait_for()
    _wait_until_idle(tab)
    home = get_engine(database)
    store, _ = workspaces.open_store(home, "Prospect Dupont", OPERATOR)
    expected = diagnostic(load_facts(store), load_settings(store), as_of=date(2024, 3, 31))
    store.dispose()
    home.dispose()
    total = euros_from_cents(expected.total_cents)
    assert expected.total_cents > 0
    assert first_metric(tab, "Perdu par an") == total
    assert_no_error(tab, "diagnostic")
    tab.screenshot(path=artifacts / "consultant-01-diagnostic.png", full_page=True)

    tab.get_by_label("Cabinet").fill("Conseil & Pilotage")
    tab.get_by_label("Cabinet").press("Enter")
    _wait_until_idle(tab)
    with tab.expect_download() as pending:
        tab.get_by_role("button", name="Télécharger le rapport (PDF)").click()
    report = tmp_path / "rapport.pdf"
    pending.value.save_as(report)
    first = PdfReader(report).pages[0].extract_text()
    squeezed = "".join(first.split())
    assert "Diagnostic—ProspectDupont" in squeezed
    assert "MarcLenoir·Conseil&Pilotage" in squeezed
    assert "".join(total.split()) in squeezed
