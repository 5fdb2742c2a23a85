"""The weekly digest (issue 14 §6), sent to a real SMTP server on 127.0.0.1 (aiosmtpd) from the
demo company, SQLite and PostgreSQL: one message per chosen account, text and html parts, in
their language, with the alerts their role may read, costliest first, euros and links."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from model.accounts import User, add_user
from model.db import get_engine
from model.digest import _html_part
from model.kpi.scope import scope_from
from model.roles import Viewer
from model.settings import paris_now
from model.views import access
from model.views.headlines import Alert
from model.views.loading import load_facts, load_settings
from tests.test_cli import PROJECT
from tests.test_pages import demo_url as demo_url  # the demo company, loaded once per module

PASSWORD = "une phrase de passe longue"
PEOPLE = (  # name, role, e-mail, language, pôle
    ("Claire", "direction", "claire@exemple.fr", "fr", None),
    ("Tom", "lecture", "tom@example.com", "en", None),
    ("Paul", "chef_de_projet", "paul@exemple.fr", "fr", "Développement"),
    ("Zoé", "comptable", None, "fr", None),  # no address: nothing sent
    ("Marc", "consultant", "marc@exemple.fr", "fr", None),  # no dashboard: nothing to send
)


class Inbox:
    """aiosmtpd's handler: every message the server accepted."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # the name aiosmtpd calls
        self.received.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


@pytest.fixture(scope="module")
def people(demo_url: str) -> str:
    engine = get_engine(demo_url)
    for name, role, email, language, team in PEOPLE:
        add_user(engine, name, role, PASSWORD, now=paris_now(), by="installation", email=email,
                 language=language, team=team)  # fmt: skip
    engine.dispose()
    return demo_url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), _free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    yield handler, port
    server.stop()


def digest(url: str, port: int, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PILOTAGE_SMTP_HOST": "127.0.0.1", "PILOTAGE_SMTP_PORT": str(port),
           "PILOTAGE_SMTP_SECURITY": "none", "PILOTAGE_SMTP_FROM": "pilotage@exemple.fr",
           "PILOTAGE_URL": "https://pilotage.exemple.fr"}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "model", "--db", url, "digest", *args],
        cwd=PROJECT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def _overview_alerts(url: str, viewer: Viewer, as_of: date) -> list[str]:
    """The alerts the overview page shows this viewer, in its order (an independent path)."""
    engine = get_engine(url)
    try:
        facts, settings = load_facts(engine), load_settings(engine)
    finally:
        engine.dispose()
    view = access.page_view(viewer, "overview", facts, settings, scope_from("last_12_months",
                            as_of=as_of))  # fmt: skip
    return [alert.text("en" if viewer.role == "lecture" else "fr") for alert in view.alerts]


def test_each_chosen_person_receives_their_alerts(people: str, inbox: tuple[Inbox, int]):
    handler, port = inbox
    as_of = paris_now().date()
    preview = digest(people, port, "--as-of", as_of.isoformat())
    assert preview.returncode == 0 and handler.received == []  # a preview sends nothing
    sent = digest(people, port, "--send", "--as-of", as_of.isoformat())
    assert sent.returncode == 0, sent.stderr
    by_address = {to[0]: message for to, message in handler.received}
    assert sorted(by_address) == ["claire@exemple.fr", "paul@exemple.fr", "tom@example.com"]
    when = f"{as_of:%d/%m/%Y}"

    claire = by_address["claire@exemple.fr"]
    expected = _overview_alerts(people, Viewer("Claire", "direction"), as_of)
    assert claire["Subject"] == f"Pilotage — {len(expected)} alerte(s) au {when}"
    assert claire["To"] == "Claire <claire@exemple.fr>"
    text = claire.get_body(("plain",)).get_content()
    html = claire.get_body(("html",)).get_content()
    listed = [line.split(". ", 1)[1] for line in text.splitlines() if line[:1].isdigit()]
    assert listed == expected and any("≈" in line and "€" in line for line in listed)
    assert f"https://pilotage.exemple.fr/projects?date={as_of.isoformat()}" in text
    assert '<a href="https://pilotage.exemple.fr/receivables?date=' in html
    assert text.startswith("Bonjour Claire,")

    tom = by_address["tom@example.com"]
    text = tom.get_body(("plain",)).get_content()
    assert tom["Subject"].startswith("Pilotage — ") and " alert(s) as of " in tom["Subject"]
    listed = [line.split(". ", 1)[1] for line in text.splitlines() if line[:1].isdigit()]
    assert listed == _overview_alerts(people, Viewer("Tom", "lecture"), as_of)
    projects = [line for line in listed if line.startswith("Project")]
    assert projects and all("≈" not in line for line in projects)  # no hourly cost for a reader

    paul = by_address["paul@exemple.fr"].get_body(("plain",)).get_content()
    links = [line for line in paul.splitlines() if "→" in line]
    assert links and all("/projects?" in link or "/support?" in link or "/charge?" in link
                         for link in links)  # fmt: skip
    assert "€" not in "".join(line for line in paul.splitlines() if "Projet" in line)


def test_chosen_accounts_and_refusals(people: str, inbox: tuple[Inbox, int]):
    handler, port = inbox
    only = digest(people, port, "--send", "--to", "Tom")
    assert only.returncode == 0 and [to for to, _ in handler.received] == [["tom@example.com"]]
    for name, sentence in (
        ("Zoé", "Erreur : Le compte « Zoé » n'a pas d'adresse e-mail : le résumé ne peut lui "
                "être envoyé."),
        ("Marc", "Erreur : Le rôle du compte « Marc » n'ouvre aucun tableau de bord : il n'a "
                 "pas d'alertes à recevoir."),
        ("Personne", "Erreur : Aucun compte actif « Personne »."),
    ):  # fmt: skip
        refused = digest(people, port, "--send", "--to", name)
        assert (refused.returncode, refused.stderr.strip()) == (1, sentence)
    assert len(handler.received) == 1


def test_an_unreachable_mail_server_is_said(people: str):
    port = _free_port()  # nothing listens there
    failed = digest(people, port, "--send", "--to", "Claire")
    assert failed.returncode == 1
    assert failed.stderr.startswith(
        f"Erreur : Le serveur de courrier 127.0.0.1:{port} a refusé ou n'a pas répondu ("
    )
    assert failed.stderr.strip().endswith(": résumé non envoyé.")


def test_names_from_files_stay_text_in_the_html_part():
    hostile = "<a href='http://pirate.example/x'>Refonte</a>"
    alert = Alert(
        100_00,
        "projects",
        "alert.project_hours",
        {"project": ("text", hostile), "pct": ("pct", 120.0), "hours": ("whole", 30)},
    )
    user = User("Claire", "direction", "fr", "claire@exemple.fr", True, datetime(2026, 1, 1))
    html = _html_part(user, [alert], ["https://pilotage.exemple.fr/projects"], "02/12/2026")
    assert "<a href='http://pirate.example" not in html
    assert "&lt;a href=&#x27;http://pirate.example/x&#x27;&gt;Refonte&lt;/a&gt;" in html
