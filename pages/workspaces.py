"""Dossiers: one store per audited company (model/workspaces.py). Create one (empty or from the
demo company) and work in it; rename, duplicate, archive, open to a consultant, delete after a
final export."""

from __future__ import annotations

import polars as pl
import streamlit as st

from model import roles, workspaces
from model.demo import load_demo
from model.exports import template_bytes
from model.formatting import day
from model.settings import paris_now
from ui.auth import viewer
from ui.loaders import home_or_stop, refresh_after_write, settings
from ui.routing import routed_by_app
from ui.texts import lang, plain, t
from ui.workspace import choose, chosen

routed_by_app()
home = home_or_stop()
who = viewer()
st.title(t("workspaces"))
st.caption(t("workspaces_help"))
if "workspace_flash" in st.session_state:
    st.success(st.session_state.pop("workspace_flash"))


def refused(action) -> bool:
    """Run a workspace operation; a refusal is said in the page, nothing else happens."""
    try:
        action()
    except (workspaces.WorkspaceError, roles.Forbidden) as refusal:
        st.error(plain(refusal))
        return True
    refresh_after_write()
    return False


def created(name: str, with_demo: bool) -> None:
    now = paris_now()
    workspace, store = workspaces.create(home, name, viewer=who, now=now, by=settings().user)
    if with_demo:
        with st.spinner(t("load_demo")):
            load_demo(store, settings(), seed=7, as_of=now.date(), now=now)
    choose(workspace.name)
    st.session_state["workspace_flash"] = t("workspace_created", name=workspace.name)


listed = workspaces.list_workspaces(home, who, archived=True)
if not listed:
    st.info(t("workspace_none"))
else:
    table = pl.DataFrame(
        {
            t("workspace_name"): [w.name for w in listed],
            t("workspace_created_at"): [day(w.created_at, lang()) for w in listed],
            t("workspace_created_by"): [w.created_by for w in listed],
            t("workspace_archived"): [t("yes") if w.archived else t("no") for w in listed],
            t("workspace_consultants"): [", ".join(w.consultants) for w in listed],
        }
    )
    st.dataframe(table, hide_index=True, placeholder="")

st.subheader(t("workspace_new"))
with st.form("workspace-new", clear_on_submit=True):
    name = st.text_input(t("workspace_name"), max_chars=workspaces.MAX_NAME)
    with_demo = st.checkbox(t("workspace_from_demo"))
    if st.form_submit_button(t("workspace_create"), type="primary") and not refused(
        lambda: created(name, with_demo)
    ):
        st.rerun()

if listed:
    st.subheader(t("workspace_manage"))
    names = [w.name for w in listed]
    picked = st.selectbox(t("workspace_pick"), names,
                          index=names.index(chosen()) if chosen() in names else 0)  # fmt: skip
    workspace = listed[names.index(picked)]
    now, by = paris_now(), settings().user
    if picked != chosen() and not workspace.archived and st.button(t("workspace_open")):
        choose(picked)
        st.rerun()
    new_name = st.text_input(t("workspace_new_name"), key="workspace-new-name")
    left, middle, right = st.columns(3)
    if left.button(t("workspace_rename"), disabled=not new_name.strip()) and not refused(
        lambda: workspaces.rename(home, picked, new_name, viewer=who, now=now, by=by)
    ):
        if chosen() == picked:
            choose(new_name.strip())
        st.rerun()
    if middle.button(t("workspace_duplicate"), disabled=not new_name.strip()) and not refused(
        lambda: workspaces.duplicate(home, picked, new_name, viewer=who, now=now, by=by)
    ):
        st.rerun()
    archive = not workspace.archived
    if right.button(t("workspace_archive" if archive else "workspace_restore")) and not refused(
        lambda: workspaces.set_archived(home, picked, archive, viewer=who, now=now, by=by)
    ):
        if archive and chosen() == picked:
            choose(None)
        st.rerun()
    if roles.may(who.role, "users"):
        consultant = st.text_input(t("workspace_consultant"), key="workspace-consultant")
        if st.button(t("workspace_grant"), disabled=not consultant.strip()) and not refused(
            lambda: workspaces.grant(home, picked, consultant, viewer=who, now=now, by=by)
        ):
            st.session_state["workspace_flash"] = t("workspace_done")
            st.rerun()

    with st.expander(t("workspace_delete")):
        st.warning(t("workspace_delete_confirm", name=plain(picked)))
        store, _ = workspaces.open_store(home, picked, who)
        st.download_button(
            t("workspace_final_export"), lambda: template_bytes(store),
            file_name=f"{workspace.slug}-export-final.xlsx", icon=":material/download:",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click=lambda: st.session_state.update(workspace_exported=picked),
        )  # fmt: skip
        typed = st.text_input(t("workspace_type_name"), key="workspace-delete-name")
        ready = typed.strip() == picked and st.session_state.get("workspace_exported") == picked
        if st.button(t("workspace_delete_now"), type="primary", disabled=not ready) and not refused(
            lambda: workspaces.delete(home, picked, viewer=who, now=now, by=by)
        ):
            if chosen() == picked:
                choose(None)
            st.session_state["workspace_flash"] = t("workspace_done")
            st.rerun()
