"""Accounts (issue 14 §1): argon2 hashes, roles, a slowed-down guesser, the last direction
account kept; on SQLite and PostgreSQL, and through `python -m model user`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from model.accounts import (
    AccountError,
    LoginRefused,
    add_user,
    authenticate,
    disable_user,
    has_users,
    list_users,
    set_password,
)
from model.tables import UserAccount
from tests.test_cli import run

NOW = datetime(2026, 12, 2, 9, 0)
PASSWORD = "une phrase de passe longue"


def test_a_password_is_stored_as_an_argon2id_hash_only(engine: Engine):
    assert not has_users(engine)
    add_user(
        engine, "Claire Dubois", "direction", PASSWORD, now=NOW, by="admin", email="c@exemple.fr"
    )
    with Session(engine) as session:
        (stored,) = session.exec(select(UserAccount)).all()
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert [(u.name, u.role, u.active) for u in list_users(engine)] == [
        ("Claire Dubois", "direction", True)
    ]
    assert authenticate(engine, " Claire Dubois ", PASSWORD, now=NOW).role == "direction"


@pytest.mark.parametrize(
    ("name", "role", "password", "sentence"),
    [
        ("Marc", "lecture", "court", "Mot de passe trop court : au moins 12 caractères (une "
         "phrase de passe est plus sûre et plus facile à retenir)."),
        ("Marc", "patron", PASSWORD, "Rôle inconnu : « patron » (attendu : direction, "
         "comptable, chef_de_projet, consultant, lecture)."),
        ("marc.durand@ex", "lecture", "marc.durand@ex", "Le mot de passe ne peut pas être le "
         "nom du compte."),
        ("Claire Dubois", "lecture", PASSWORD, "Un compte « Claire Dubois » existe déjà."),
        ("   ", "lecture", PASSWORD, "Nom de compte invalide : de 1 à 100 caractères, sans "
         "caractère de contrôle."),
    ],
)  # fmt: skip
def test_accounts_are_checked(engine: Engine, name: str, role: str, password: str, sentence):
    add_user(engine, "Claire Dubois", "direction", PASSWORD, now=NOW, by="admin")
    with pytest.raises(AccountError) as refusal:
        add_user(engine, name, role, password, now=NOW, by="admin")
    assert str(refusal.value) == sentence
    assert len(list_users(engine)) == 1


def test_failures_in_a_row_slow_the_next_attempts_down(engine: Engine):
    """Three failures are free; then 1 s, 2 s, 4 s… must pass after the last failure before
    the next attempt, even with the right password; a success resets the count."""
    add_user(engine, "Marc", "lecture", PASSWORD, now=NOW, by="admin")
    wrong = "pas le bon mot de passe"

    def at(seconds: int) -> datetime:
        return NOW + timedelta(seconds=seconds)

    for _ in range(3):
        with pytest.raises(LoginRefused, match="incorrect"):
            authenticate(engine, "Marc", wrong, now=at(0))
    with pytest.raises(LoginRefused) as waiting:
        authenticate(engine, "Marc", PASSWORD, now=at(0))
    assert str(waiting.value) == "Trop de tentatives échouées : réessayez dans 1 seconde(s)."
    with pytest.raises(LoginRefused, match="incorrect"):  # the 4th failure: 2 s from now on
        authenticate(engine, "Marc", wrong, now=at(1))
    with pytest.raises(LoginRefused, match="dans 1 seconde"):
        authenticate(engine, "Marc", PASSWORD, now=at(2))
    assert authenticate(engine, "Marc", PASSWORD, now=at(3)).name == "Marc"
    with pytest.raises(LoginRefused, match="incorrect"):  # the count starts again
        authenticate(engine, "Marc", wrong, now=at(3))


def test_an_unknown_name_and_a_wrong_password_get_the_same_answer(engine: Engine):
    add_user(engine, "Marc", "lecture", PASSWORD, now=NOW, by="admin")
    answers = set()
    for name, password in (("Inconnu", PASSWORD), ("Marc", "pas le bon mot de passe")):
        with pytest.raises(LoginRefused) as refusal:
            authenticate(engine, name, password, now=NOW)
        answers.add(str(refusal.value))
    assert answers == {"Nom ou mot de passe incorrect, ou compte désactivé."}


def test_disabled_accounts_and_the_last_direction_account(engine: Engine):
    add_user(engine, "Claire Dubois", "direction", PASSWORD, now=NOW, by="admin")
    add_user(engine, "Marc", "lecture", PASSWORD, now=NOW, by="admin")
    with pytest.raises(AccountError, match="dernier compte direction actif"):
        disable_user(engine, "Claire Dubois", now=NOW, by="admin")
    disable_user(engine, "Marc", now=NOW, by="admin")
    with pytest.raises(LoginRefused, match="incorrect"):
        authenticate(engine, "Marc", PASSWORD, now=NOW)
    set_password(engine, "Claire Dubois", "une autre phrase de passe", now=NOW, by="admin")
    with pytest.raises(LoginRefused):
        authenticate(engine, "Claire Dubois", PASSWORD, now=NOW)
    assert authenticate(engine, "Claire Dubois", "une autre phrase de passe", now=NOW)


def test_the_command_line_never_takes_a_password_as_an_argument(db_url: str):
    added = run("user", "add", "Claire Dubois", "--role", "direction", "--password-stdin",
                "--json", db=db_url, stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["role"] == "direction"
    listed = run("user", "list", "--json", db=db_url)
    assert [(u["name"], u["role"], u["active"]) for u in json.loads(listed.stdout)] == [
        ("Claire Dubois", "direction", True)
    ]
    assert PASSWORD not in listed.stdout and "argon2" not in listed.stdout
    short = run("user", "add", "Marc", "--role", "lecture", "--password-stdin", db=db_url,
                stdin="court\n")  # fmt: skip
    assert short.returncode == 1 and "trop court" in short.stderr
    no_terminal = run("user", "add", "Marc", "--role", "lecture", db=db_url, stdin="")
    assert no_terminal.returncode == 2 and "--password-stdin" in no_terminal.stderr
    last = run("user", "disable", "Claire Dubois", db=db_url)
    assert last.returncode == 1 and "dernier compte direction" in last.stderr
