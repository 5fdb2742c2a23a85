"""Safe defaults (issue 14 §4): names from files are shown as written, never interpreted as
Markdown or Plotly markup; a bug shows a sentence and a number, not a traceback; the server
listens on this machine only unless told otherwise."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from model.db import get_engine, init_db
from model.views import access
from tests.apptest import open_page, run_app, use_store
from tests.support import import_bytes
from ui.charts import bars, stacked
from ui.texts import plain

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "![x](http://attaquant.example/x.png)"
LINK = '<a href="http://attaquant.example">ACME</a>'


def test_plain_escapes_what_markdown_would_interpret():
    assert plain(IMAGE) == r"!\[x\](http://attaquant.example/x.png)"
    assert plain(":red[alerte] $x$ **gras**") == r":red\[alerte\] \$x\$ \*\*gras\*\*"
    assert plain("Import n° 1 : 4 ajoutée(s)") == "Import n° 1 : 4 ajoutée(s)"  # untouched


def test_plotly_shows_a_tag_in_a_name_as_text():
    import polars as pl

    frame = pl.DataFrame({"client": [LINK], "total": [1.0]})
    assert bars(frame, x="client", y="total").data[0].x == (
        '&lt;a href="http://attaquant.example"&gt;ACME&lt;/a&gt;',
    )
    figure = stacked(frame, x="client", series={"total": "<b>Total</b>"})
    assert figure.data[0].name == "&lt;b&gt;Total&lt;/b&gt;"


@pytest.fixture
def hostile_store(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """An invoice whose client is a Markdown image pointing elsewhere."""
    engine: Engine = get_engine(db_url)
    init_db(engine)
    export = (
        "Numéro;Client;Date de facture;Date d'échéance;Montant TTC;Reste dû TTC\n"
        f"F-1;{IMAGE};01/03/2024;31/03/2024;1200;1200\n"
    )
    assert import_bytes(engine, export.encode(), "factures.csv").status == "imported"
    yield from use_store(db_url, monkeypatch)


def test_a_client_named_like_an_image_is_shown_as_written(hostile_store: str):
    app = open_page(run_app(date="2024-04-30"), "receivables")
    heading = next(s.value for s in app.subheader if "Pièces ouvertes" in s.value)
    assert heading == r"Pièces ouvertes de !\[x\](http://attaquant.example/x.png)"


def test_a_bug_shows_a_sentence_and_a_number(db_url: str, monkeypatch: pytest.MonkeyPatch):
    """A page that fails: the visitor reads a French sentence with an error number; neither the
    exception's text nor a traceback reaches the screen (the log keeps them)."""

    def broken(*args: object) -> None:
        raise RuntimeError("secret detail")

    for _ in use_store(db_url, monkeypatch):
        engine = get_engine(db_url)
        init_db(engine)
        lines = f"Date;Collaborateur;Projet;Heures\n{date(2024, 3, 4):%d/%m/%Y};Alice;Refonte;7\n"
        import_bytes(engine, lines.encode(), "temps.csv")
        monkeypatch.setitem(access.VIEWS, "charge", broken)
        app = run_app(date="2024-03-31")
        app.switch_page(str(ROOT / "pages" / "charge.py")).run()
        assert not app.exception
        (error,) = [e.value for e in app.error]
        assert error.startswith("Pilotage a rencontré une erreur interne (n° ")
        assert "secret detail" not in error and "Traceback" not in error


def test_the_server_listens_on_this_machine_and_hides_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"
