"""Pilotage — entry point: `streamlit run app.py`. The frame (language, navigation, filters)
is `ui.shell`; the pages are in `pages/`."""

import os

from model.memory import JEMALLOC_RETURNS_FREED

# Before polars is first imported: its allocator reads this once (model.memory says why).
os.environ.setdefault("_RJEM_MALLOC_CONF", JEMALLOC_RETURNS_FREED)

# Imported whole before any page runs: sessions opened together on a fresh server would
# otherwise race, and plotly would find pandas half-imported by another session's thread
# (AttributeError: partially initialized module 'pandas').
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401

from ui.shell import run_app

run_app()
