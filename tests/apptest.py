"""AppTest plumbing shared by the page tests: the server's steady navigation state, a store
per test, and a run that fails on any exception shown to the user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from model.db import get_engine

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def server_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep Streamlit out of its legacy multipage mode on every AppTest run.

    A `pages/` folder beside app.py makes Streamlit start a fresh process in that mode; the
    server leaves it for good on the first run (`routed_by_app`), but AppTest re-enters it
    before every run, which would cost each click a rerun. This pins the server's steady state.
    """
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


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
    app = AppTest.from_file(APP, default_timeout=90)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def open_page(app: AppTest, page: str) -> AppTest:
    app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    return app
