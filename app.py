"""Pilotage — entry point and router: page config, language, sectioned navigation."""

from __future__ import annotations

import streamlit as st

from pages._ui import lang, t

st.set_page_config(page_title="Pilotage", page_icon=":material/monitoring:", layout="wide")

with st.sidebar:
    st.session_state["lang"] = st.radio(
        t("language"),
        options=["fr", "en"],
        format_func={"fr": "Français", "en": "English"}.get,
        index=0 if lang() == "fr" else 1,
        horizontal=True,
        key="lang_choice",
    )

pages = {
    t("section_steering"): [
        st.Page("pages/home.py", title=t("home"), icon=":material/home:", default=True),
        st.Page("pages/overview.py", title=t("overview"), icon=":material/dashboard:"),
    ],
    t("section_data"): [
        st.Page("pages/imports.py", title=t("imports"), icon=":material/upload_file:"),
    ],
}
st.navigation(pages).run()
