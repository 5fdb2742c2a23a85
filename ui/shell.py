"""The app's frame around every page: page config, language switch, sectioned navigation and
the sidebar's filters."""

from __future__ import annotations

import streamlit as st

from ui.filters import sidebar_filters
from ui.routing import ROUTED, navigation
from ui.texts import lang, t

LANGUAGES = {"fr": "Français", "en": "English"}


def run_app() -> None:
    st.set_page_config(page_title="Pilotage", page_icon=":material/monitoring:", layout="wide")
    if "lang" not in st.session_state:  # a shared URL carries its language (?langue=English)
        from_url = st.query_params.get("langue")
        st.session_state["lang"] = "en" if from_url == LANGUAGES["en"] else "fr"
    with st.sidebar:
        st.session_state["lang"] = st.radio(
            t("language"),
            options=list(LANGUAGES),
            format_func=LANGUAGES.get,
            index=0 if lang() == "fr" else 1,
            horizontal=True,
            key="langue",
            bind="query-params",
        )
    page = st.navigation(navigation())
    sidebar_filters()
    st.session_state[ROUTED] = True
    page.run()
