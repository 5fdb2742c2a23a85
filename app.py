"""Pilotage — entry point: `streamlit run app.py`. The frame (language, navigation, filters)
is `ui.shell`; the pages are in `pages/`."""

from ui.shell import run_app

run_app()
