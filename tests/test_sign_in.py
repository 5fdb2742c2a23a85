"""Signing in (issue 14 §1) through AppTest: the password is asked once accounts exist, a
sign-in expires, the first direction account is offered on a local app with none, a remote one
serves nothing; what is done in a session is signed with its account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from model.accounts import add_user, has_users
from model.db import get_engine, init_db
from model.services import audit_trail
from model.settings import paris_now
from tests.apptest import on_screen, run_app, use_store

PASSWORD = "une phrase de passe longue"


@pytest.fixture
def store(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    init_db(get_engine(db_url))
    yield from use_store(db_url, monkeypatch)


def _with_account(url: str) -> None:
    add_user(get_engine(url), "Claire Dubois", "direction", PASSWORD, now=paris_now(),
             by="installation")  # fmt: skip


def _sign_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input[0].input(name)
    app.text_input[1].input(password)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def test_nothing_shows_before_the_password(store: str):
    _with_account(store)
    app = run_app()
    assert app.title[0].value == "Connexion à Pilotage"
    assert not app.metric and not app.dataframe and not app.selectbox
    _sign_in(app, "Claire Dubois", "pas le bon mot de passe")
    assert [on_screen(e.value) for e in app.error] == [
        "Nom ou mot de passe incorrect, ou compte désactivé."
    ]
    stored = [str(app.session_state[key]) for key in app.session_state]
    assert not any("pas le bon" in value for value in stored), "no password in the session"
    _sign_in(app, "Claire Dubois", PASSWORD)
    assert app.title[0].value == "Bienvenue dans Pilotage"
    assert "Connecté : Claire Dubois (direction)" in [on_screen(c.value) for c in app.caption]
    assert not any(PASSWORD in str(app.session_state[key]) for key in app.session_state)
    app.button(key="sign-out").click().run()
    assert app.title[0].value == "Connexion à Pilotage"


def test_a_sign_in_expires(store: str):
    _with_account(store)
    app = run_app()
    _sign_in(app, "Claire Dubois", PASSWORD)
    app.session_state["signed_in"] = {
        "name": "Claire Dubois", "role": "direction",
        "since": paris_now() - timedelta(hours=8, minutes=1),
    }  # fmt: skip
    app.run()
    assert app.title[0].value == "Connexion à Pilotage"
    assert app.info[0].value == "Votre session a expiré : reconnectez-vous."


def test_a_local_app_without_accounts_offers_the_first_one(store: str):
    app = run_app()
    assert app.title[0].value == "Bienvenue dans Pilotage"  # open, as on a desktop
    assert app.expander[-1].label == "Protéger l'accès"
    name, password, again = app.text_input
    name.input("Claire Dubois")
    password.input(PASSWORD)
    again.input(PASSWORD)
    next(b for b in app.button if b.label == "Créer le compte direction").click().run()
    assert has_users(get_engine(store))
    assert "Connecté : Claire Dubois (direction)" in [on_screen(c.value) for c in app.caption]
    trail = audit_trail(get_engine(store))
    assert trail.select("user", "action", "subject").row(0) == (
        "Claire Dubois", "user_add", "Claire Dubois",
    )  # fmt: skip


def test_a_remote_app_without_accounts_serves_nothing(store: str, monkeypatch: pytest.MonkeyPatch):
    import ui.auth

    monkeypatch.setattr(ui.auth, "_local_only", lambda: False)
    app = run_app()
    assert not app.title and not app.metric
    assert on_screen(app.error[0].value).startswith(
        "Pilotage est joignable depuis le réseau mais aucun compte n'existe : rien n'est servi."
    )


def test_a_disabled_account_is_signed_out_at_once(store: str):
    from model.accounts import disable_user

    _with_account(store)
    add_user(get_engine(store), "Marc", "lecture", PASSWORD, now=paris_now(), by="installation")
    app = run_app()
    _sign_in(app, "Marc", PASSWORD)
    assert app.title[0].value == "Bienvenue dans Pilotage"
    disable_user(get_engine(store), "Marc", now=paris_now(), by="Claire Dubois")
    app.run()
    assert app.title[0].value == "Connexion à Pilotage"
