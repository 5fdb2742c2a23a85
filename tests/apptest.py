"""AppTest plumbing shared by the page tests: the server's steady navigation state, a store
per test, and a run that fails on any exception shown to the user."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from model.db import get_engine

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


def page_path(page: str) -> str:
    """A page as AppTest.switch_page takes it (absolute: the entry script lives elsewhere)."""
    return str(ROOT / "pages" / f"{page}.py")


def _app_entry(app_path: str) -> None:
    import runpy

    runpy.run_path(app_path)


def app_test(*, default_timeout: float = 90) -> AppTest:
    """app.py run as the server runs it once it is up.

    A `pages/` folder beside the main script makes every AppTest run start in Streamlit's
    legacy multipage mode (a fresh server's first run), where a page hands itself to the app's
    navigation with a rerun that would drop the click being tested. An entry script in
    AppTest's own folder runs the same app.py without that folder beside it.
    """
    return AppTest.from_function(_app_entry, args=(APP,), default_timeout=default_timeout)


def use_store(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PILOTAGE_USER", "compta@test")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()
    st.cache_data.clear()
    get_engine(url).dispose()
    get_engine.cache_clear()


def run_app(**query: str) -> AppTest:
    app = app_test()
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def on_screen(markdown: str) -> str:
    """A Markdown element's text as the reader sees it: the escapes `ui.texts.plain` adds to
    names from the data (`releve\\_maison`) are not on screen."""
    return re.sub(r"\\(.)", r"\1", markdown)


def open_page(app: AppTest, page: str) -> AppTest:
    app.switch_page(page_path(page)).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    return app
