"""Pilotage — entry point: `streamlit run app.py`. The frame (language, navigation, filters)
is `ui.shell`; the pages are in `pages/`."""

# Imported whole before any page runs: sessions opened together on a fresh server would
# otherwise race, and plotly would find pandas half-imported by another session's thread
# (AttributeError: partially initialized module 'pandas').
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401

from ui.shell import run_app

run_app()
