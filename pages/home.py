"""Home: a welcome on an empty store (demo or import), else what the store holds."""

from __future__ import annotations

import streamlit as st

from model import roles
from model.demo import load_demo
from model.formatting import number
from model.settings import paris_now
from ui.auth import offer_first_account
from ui.loaders import (
    acting,
    batches,
    engine_or_stop,
    fact_counts,
    home_or_stop,
    refresh_after_write,
    settings,
    version,
)
from ui.routing import page_file, routed_by_app
from ui.texts import fact_label, lang, plain, t
from ui.widgets import batch_column_config, batches_for_display, in_rows

routed_by_app()
engine = engine_or_stop()
counts = fact_counts(engine, version())

if sum(counts.values()) == 0:
    st.title(t("welcome_title"))
    if not roles.may(settings().role, "import"):  # a reader: nothing to do but wait
        st.info(t("welcome_reader"))
        st.stop()
    st.write(t("welcome_text"))
    left, right = st.columns(2)
    if left.button(t("load_demo"), type="primary", icon=":material/science:"):
        with st.spinner(t("load_demo")):
            now = paris_now()
            results = load_demo(engine, settings(), seed=7, as_of=now.date(), now=now)
        refresh_after_write()
        failed = [r for r in results if r.status == "rejected"]
        for result in failed:
            st.error(plain(result.message))
        if not failed:
            st.session_state["flash"] = t("demo_loaded")
            st.rerun()
    if right.button(t("go_import"), icon=":material/upload_file:"):
        st.switch_page(page_file("imports"))
    offer_first_account(home_or_stop())
    st.stop()

if "flash" in st.session_state:
    st.success(st.session_state.pop("flash"))
st.title(t("app_title"))
allowed = roles.pages(acting().role)
st.subheader(t("next_steps"))
for name, icon in (("overview", "dashboard"), ("diagnostic", "troubleshoot"),
                   ("imports", "upload_file")):  # fmt: skip
    if name in allowed:
        link, words = st.columns([1, 3], vertical_alignment="center")
        link.page_link(page_file(name), label=t(name), icon=f":material/{icon}:")
        words.caption(t(f"next_{name}"))
st.subheader(t("store_content"))
for column, (kind, count) in zip(in_rows(len(counts), 6), counts.items(), strict=True):
    column.metric(fact_label(kind), number(count, 0, lang()))
st.subheader(t("recent_imports"))
st.dataframe(
    batches_for_display(batches(engine, version()).head(5)),
    hide_index=True,
    column_config=batch_column_config(),
    placeholder="",
)
offer_first_account(home_or_stop())
