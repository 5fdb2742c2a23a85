"""The app's frame around every page: page config, language switch, sectioned navigation and
the sidebar's filters."""

from __future__ import annotations

import json
import logging
import uuid

import streamlit as st

from model.memory import freeze_long_lived_objects
from ui.auth import gate
from ui.filters import sidebar_filters
from ui.loaders import home_or_stop
from ui.routing import ROUTED, navigation
from ui.texts import t
from ui.workspace import switcher

LANGUAGES = {"fr": "Français", "en": "English"}
logger = logging.getLogger("pilotage")
# The dataframe toolbar's "Download as CSV" writes cells as they are, `=HYPERLINK(…)` included:
# the app's own Excel download, which guards them, is the way out. Streamlit's English upload
# limit ("64MB per file") gives way to the French sentence beside the uploader, and its button
# ("Upload", in English whatever the language) says the interface's words (`upload_button`).
GUARDS = """<style>
[data-testid="stElementToolbarButton"]:has(button[aria-label="Download as CSV"]) {display: none;}
[data-testid="stFileUploaderDropzoneInstructions"] span {display: none;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {display: none;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {
  content: UPLOAD_BUTTON;
}
</style>"""
# A figure is always shown whole (issue 16): a card's label wraps, and its value's size follows
# the card's width (container units), since "456 512,34 €" holds no breakable space.
READABLE = """<style>
[data-testid="stMetric"] {container-type: inline-size;}
[data-testid="stMetric"] .stMarkdownEllipsis, [data-testid="stMetric"] .stMarkdownEllipsis p {
  white-space: normal; overflow: visible; text-overflow: clip;
}
[data-testid="stMetricValue"] {font-size: clamp(1rem, 11cqi, 2.25rem);}
[data-testid="stPageLink-NavLink"] span, [data-testid="stPageLink-NavLink"] p {
  white-space: normal; overflow: visible; text-overflow: clip;
}
</style>"""


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
            index=0,  # French is the default: English stays in the URL (?langue=English)
            horizontal=True,
            key="langue",
            bind="query-params",
        )
    st.html(GUARDS.replace("UPLOAD_BUTTON", json.dumps(t("upload_button"))) + READABLE)
    home = home_or_stop()
    gate(home)  # nothing below runs for someone who has not signed in
    switcher(home)
    page = st.navigation(navigation())
    sidebar_filters()
    st.session_state[ROUTED] = True
    try:
        page.run()
    except Exception:  # a bug: a sentence and a number for the visitor, the traceback in the log
        number = uuid.uuid4().hex[:8]
        logger.exception("Erreur interne n° %s", number)
        st.error(t("internal_error", number=number))
    freeze_long_lived_objects()
