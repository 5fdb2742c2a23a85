"""Pilotage — entry point and router: page config, language, filters, sectioned navigation."""

from __future__ import annotations

import streamlit as st

from pages._ui import lang, sidebar_filters, t

st.set_page_config(page_title="Pilotage", page_icon=":material/monitoring:", layout="wide")

LANGUAGES = {"fr": "Français", "en": "English"}
if "lang" not in st.session_state:  # a shared URL carries its language (?langue=English)
    from_url = st.query_params.get("langue")
    st.session_state["lang"] = "en" if from_url == LANGUAGES["en"] else "fr"

with st.sidebar:
    st.session_state["lang"] = st.radio(
        t("language"),
        options=["fr", "en"],
        format_func=LANGUAGES.get,
        index=0 if lang() == "fr" else 1,
        horizontal=True,
        key="langue",
        bind="query-params",
    )

pages = {
    t("section_steering"): [
        st.Page("pages/home.py", title=t("home"), icon=":material/home:", default=True),
        st.Page("pages/overview.py", title=t("overview"), icon=":material/dashboard:"),
        st.Page("pages/charge.py", title=t("charge"), icon=":material/groups:"),
        st.Page("pages/projects.py", title=t("projects"), icon=":material/timelapse:"),
        st.Page("pages/support.py", title=t("support"), icon=":material/support_agent:"),
        st.Page("pages/receivables.py", title=t("receivables"), icon=":material/receipt_long:"),
        st.Page("pages/cash.py", title=t("cash"), icon=":material/account_balance:"),
    ],
    t("section_data"): [
        st.Page("pages/imports.py", title=t("imports"), icon=":material/upload_file:"),
        st.Page("pages/parameters.py", title=t("parameters"), icon=":material/tune:"),
    ],
}
page = st.navigation(pages)
sidebar_filters()
page.run()
