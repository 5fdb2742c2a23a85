"""The workspace ("dossier") this session works in (model/workspaces.py): chosen in the sidebar,
kept in the session. Its store is opened again on every run, so a workspace deleted, or a
grant withdrawn, since the choice closes it at once."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from model import workspaces
from model.db import init_db
from model.roles import Viewer, may
from ui.auth import viewer
from ui.texts import plain, t

CHOSEN = "dossier"  # session key: the workspace's name, absent for the firm's own base
FIRM = ""  # the switcher's option for the firm's own base


def chosen() -> str | None:
    return st.session_state.get(CHOSEN)


def choose(name: str | None) -> None:
    if name is None:
        st.session_state.pop(CHOSEN, None)
    else:
        st.session_state[CHOSEN] = name


def opened(home: Engine) -> tuple[Engine, Viewer, str]:
    """The store this session reads and writes, who they are in it, and its cache key."""
    name = chosen()
    if name is None:
        return home, viewer(), ""
    try:
        store, acting = workspaces.open_store(home, name, viewer())
    except (workspaces.WorkspaceError, PermissionError) as closed:
        choose(None)
        st.warning(plain(closed))
        return home, viewer(), ""
    # Keyed by workspace too: on PostgreSQL every workspace's engine has the same URL.
    _migrated(f"{store.url.render_as_string(hide_password=True)}|{name}", store)
    return store, acting, name


@st.cache_resource(max_entries=32, show_spinner=False)
def _migrated(url_key: str, _store: Engine) -> bool:
    """A workspace's schema is brought up to date once per process (a new version's columns)."""
    init_db(_store)
    return True


def switcher(home: Engine) -> None:
    """The sidebar's choice of workspace, for those who may open some."""
    who = viewer()
    if not may(who.role, "workspaces"):
        return
    names = [w.name for w in workspaces.list_workspaces(home, who)]
    if not names:
        choose(None)
        return
    options = [FIRM, *names]  # a workspace's name is never empty
    current = chosen() if chosen() in names else FIRM
    picked = st.sidebar.selectbox(
        t("workspace"), options, index=options.index(current),
        format_func=lambda name: t("firm_base") if name == FIRM else name, key="workspace-pick",
    )  # fmt: skip
    if (picked or None) != chosen():
        choose(picked or None)
        st.rerun()
