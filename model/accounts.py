"""Who may sign in, with which role (issue 14 §1).

Passwords are hashed with argon2id (`argon2-cffi`, its recommended parameters) and never stored,
logged nor returned. After `FREE_FAILURES` wrong passwords in a row, each further attempt must
wait twice as long as the one before (1 s, 2 s, 4 s… up to `MAX_WAIT_SECONDS`), whether the
password is right or not: guessing costs time, a person who mistyped waits seconds. A disabled
account cannot sign in; it stays in the store, so the history keeps naming its author.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from model import audit
from model.roles import ROLES, Viewer
from model.tables import UserAccount

LANGUAGES = ("fr", "en")
MIN_PASSWORD_LENGTH = 12
FREE_FAILURES = 3
MAX_WAIT_SECONDS = 300
HASHER = PasswordHasher()


class AccountError(ValueError):
    """An account operation refused; the message is a French sentence for the user."""


class LoginRefused(AccountError):
    """Wrong name or password, a disabled account, or too many failures: said without telling
    which (a visitor must not learn that a name exists)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    language: str
    email: str | None
    active: bool
    created_at: datetime
    team: str | None = None  # a project manager's pôle


def add_user(
    engine: Engine,
    name: str,
    role: str,
    password: str,
    *,
    now: datetime,
    by: str,
    email: str | None = None,
    language: str = "fr",
    team: str | None = None,
) -> User:
    name = _checked_name(name)
    _check_role(role)
    team = _checked_team(role, team)
    _check_password(password, name)
    if language not in LANGUAGES:
        raise AccountError(f"Langue inconnue : « {language} » (attendu : fr ou en).")
    with Session(engine) as session:
        if _find(session, name) is not None:
            raise AccountError(f"Un compte « {name} » existe déjà.")
        account = UserAccount(
            name=name, role=role, password_hash=HASHER.hash(password), email=email,
            language=language, team=team, created_at=now,
        )  # fmt: skip
        session.add(account)
        details = {"role": role} if team is None else {"role": role, "team": team}
        audit.record(session.connection(), user=by, action="user_add", subject=name, now=now,
                     details=details)  # fmt: skip
        session.commit()
        return _user(account)


def list_users(engine: Engine) -> list[User]:
    with Session(engine) as session:
        return [_user(a) for a in session.exec(select(UserAccount).order_by(UserAccount.name))]


def has_users(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(UserAccount.id).limit(1)).first() is not None


def current_viewer(engine: Engine, name: str) -> Viewer | None:
    """What an active account sees, None for a disabled or unknown one: a session checks it on
    every run, so disabling an account or changing its role takes effect at once."""
    with Session(engine) as session:
        account = _find(session, name.strip())
        if account is None or not account.active:
            return None
        return Viewer(account.name, account.role, account.team)


def set_password(engine: Engine, name: str, password: str, *, now: datetime, by: str) -> None:
    with Session(engine) as session:
        account = _existing(session, name)
        _check_password(password, account.name)
        account.password_hash = HASHER.hash(password)
        account.failed_logins, account.last_failure_at = 0, None
        audit.record(session.connection(), user=by, action="user_password",
                     subject=account.name, now=now)  # fmt: skip
        session.commit()


def disable_user(engine: Engine, name: str, *, now: datetime, by: str) -> None:
    with Session(engine) as session:
        account = _existing(session, name)
        if account.role == "direction" and _active_direction(session) == [account.name]:
            raise AccountError(
                f"« {account.name} » est le dernier compte direction actif : créez-en un autre "
                "avant de le désactiver, sinon plus personne ne pourrait gérer les comptes."
            )
        account.active, account.disabled_at = False, now
        audit.record(session.connection(), user=by, action="user_disable",
                     subject=account.name, now=now)  # fmt: skip
        session.commit()


def authenticate(engine: Engine, name: str, password: str, *, now: datetime) -> User:
    """The user, or `LoginRefused`; every failure is counted against the name."""
    refused = LoginRefused("Nom ou mot de passe incorrect, ou compte désactivé.")
    with Session(engine) as session:
        account = _find(session, name.strip())
        if account is None:
            HASHER.hash(password)  # as slow as a real check: the answer's time tells nothing
            raise refused
        wait = wait_seconds(account, now)
        if wait > 0:
            raise LoginRefused(f"Trop de tentatives échouées : réessayez dans {wait} seconde(s).")
        if not _verifies(account.password_hash, password) or not account.active:
            account.failed_logins += 1
            account.last_failure_at = now
            session.commit()
            raise refused
        account.failed_logins, account.last_failure_at = 0, None
        if HASHER.check_needs_rehash(account.password_hash):
            account.password_hash = HASHER.hash(password)
        session.commit()
        return _user(account)


def wait_seconds(account: UserAccount, now: datetime) -> int:
    """How long the next attempt must wait after this account's failures in a row."""
    extra = account.failed_logins - FREE_FAILURES
    if extra < 0 or account.last_failure_at is None:
        return 0
    allowed = account.last_failure_at + timedelta(seconds=min(2**extra, MAX_WAIT_SECONDS))
    return max(0, int((allowed - now).total_seconds() + 0.999))


def _verifies(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(ord(c) < 32 for c in name):
        raise AccountError(
            "Nom de compte invalide : de 1 à 100 caractères, sans caractère de contrôle."
        )
    return name


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Rôle inconnu : « {role} » (attendu : {', '.join(ROLES)}).")


def _checked_team(role: str, team: str | None) -> str | None:
    team = (team or "").strip() or None
    if role == "chef_de_projet" and team is None:
        raise AccountError(
            "Un chef de projet voit les chiffres de son pôle : indiquez-le (--pole NOM, le pôle "
            "tel qu'il figure dans la liste du personnel)."
        )
    if role != "chef_de_projet" and team is not None:
        raise AccountError("Seul un compte chef de projet est limité à un pôle.")
    return team


def _check_password(password: str, name: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Mot de passe trop court : au moins {MIN_PASSWORD_LENGTH} caractères "
            "(une phrase de passe est plus sûre et plus facile à retenir)."
        )
    if password.strip().casefold() == name.casefold():
        raise AccountError("Le mot de passe ne peut pas être le nom du compte.")


def _find(session: Session, name: str) -> UserAccount | None:
    return session.exec(select(UserAccount).where(UserAccount.name == name)).first()


def _existing(session: Session, name: str) -> UserAccount:
    account = _find(session, name.strip())
    if account is None:
        raise AccountError(f"Aucun compte « {name.strip()} ».")
    return account


def _active_direction(session: Session) -> list[str]:
    query = select(UserAccount.name).where(
        UserAccount.role == "direction", col(UserAccount.active).is_(True)
    )
    return list(session.exec(query))


def _user(account: UserAccount) -> User:
    return User(
        name=account.name, role=account.role, language=account.language, email=account.email,
        active=account.active, created_at=account.created_at, team=account.team,
    )  # fmt: skip
