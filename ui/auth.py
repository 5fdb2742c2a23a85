"""Signing in (issue 14 §1), before any page runs.

- Accounts exist: the password is asked; a sign-in lasts `PILOTAGE_SESSION_HOURS` (8 by default).
- No account yet, the app on this machine only (127.0.0.1): the pages work as on a desktop, and
  the home page offers to create the first direction account, which then closes the door.
- No account yet and the app reachable from elsewhere: nothing is served until one exists.
The session keeps the name, the role and when they signed in; never a password (the forms are
cleared when sent).
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st
from sqlalchemy import Engine

from model import accounts
from model.roles import OPERATOR, Viewer
from model.settings import get_settings, paris_now
from ui.texts import lang, plain, t

SESSION = "signed_in"  # {"name", "role", "team", "since"}
LOOPBACK = ("127.0.0.1", "localhost", "::1")
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-Ip", "Forwarded")


def signed_in_name() -> str | None:
    account = st.session_state.get(SESSION)
    return account["name"] if account else None


def signed_in_role() -> str | None:
    account = st.session_state.get(SESSION)
    return account["role"] if account else None


def viewer() -> Viewer:
    """Who is looking: the signed-in account, or the operator of a local app with no account."""
    account = st.session_state.get(SESSION)
    if not account:
        return OPERATOR
    return Viewer(account["name"], account["role"], account.get("team"))


def gate(engine: Engine) -> None:
    """Let the page run, or show what it takes and stop."""
    account = st.session_state.get(SESSION)
    if account is not None and not _expired(account):
        now_sees = accounts.current_viewer(engine, account["name"])
        if now_sees is not None:  # still active; a changed role applies at once
            account["role"], account["team"] = now_sees.role, now_sees.team
            _show_identity(account)
            return
    st.session_state.pop(SESSION, None)
    if accounts.has_users(engine):
        _sign_in(engine, expired=account is not None)
        st.stop()
    if not _local_only():
        st.error(t("no_account_remote"))
        st.stop()


def _expired(account: dict) -> bool:
    return paris_now() - account["since"] > timedelta(hours=get_settings().session_hours)


def _local_only() -> bool:
    """Bound to this machine and not reached through a reverse proxy (which sends the
    visitor's address along): a proxied app is reachable from elsewhere."""
    if (st.get_option("server.address") or "") not in LOOPBACK:
        return False
    headers = st.context.headers
    return not any(name in headers for name in PROXY_HEADERS)


def _sign_in(engine: Engine, *, expired: bool) -> None:
    st.title(t("sign_in_title"))
    if expired:
        st.info(t("session_expired"))
    with st.form("sign-in", clear_on_submit=True):
        name = st.text_input(t("account_name"))
        password = st.text_input(t("password"), type="password")
        sent = st.form_submit_button(t("sign_in"), type="primary")
    if not sent:
        return
    try:
        user = accounts.authenticate(engine, name, password, now=paris_now())
    except accounts.LoginRefused as refusal:
        st.error(plain(refusal))
        return
    _start(user)
    st.rerun()


def offer_first_account(engine: Engine) -> None:
    """On the home page of a local app with no account: create the direction account (it then
    signs in, and from then on everyone must)."""
    if signed_in_name() is not None or accounts.has_users(engine):
        return
    with st.expander(t("first_account_title"), icon=":material/lock:"):
        st.caption(t("first_account_help"))
        with st.form("first-account", clear_on_submit=True):
            name = st.text_input(t("account_name"))
            password = st.text_input(t("password"), type="password")
            again = st.text_input(t("password_again"), type="password")
            sent = st.form_submit_button(t("create_account"))
        if not sent:
            return
        if password != again:
            st.error(t("passwords_differ"))
            return
        language = st.session_state.get("lang", "fr")
        try:
            user = accounts.add_user(engine, name, "direction", password, now=paris_now(),
                                     by=name.strip(), language=language)  # fmt: skip
        except accounts.AccountError as refusal:
            st.error(plain(refusal))
            return
        _start(user)
        st.rerun()


def _start(user: accounts.User) -> None:
    st.session_state[SESSION] = {
        "name": user.name,
        "role": user.role,
        "team": user.team,
        "since": paris_now(),
    }


def _show_identity(account: dict) -> None:
    with st.sidebar:
        role = accounts.ROLES[account["role"]][0 if lang() == "fr" else 1]
        if account.get("team"):
            role = f"{role}, {t('team').lower()} {plain(account['team'])}"
        st.caption(t("signed_in_as", name=plain(account["name"]), role=role))
        if st.button(t("sign_out"), icon=":material/logout:", key="sign-out"):
            st.session_state.pop(SESSION, None)
            st.rerun()
