"""The audit trail (issue 14 §3): every write says who and when, in its own transaction, on
SQLite and PostgreSQL; `python -m model journal --json`."""

from __future__ import annotations

import json
from datetime import date, datetime

import polars as pl
from sqlalchemy import Engine

from model.accounts import add_user
from model.editing import editable_frame, save_table
from model.importing import import_file
from model.kpi.cash import cash_forecast
from model.services import audit_trail, keep_cash_forecast, save_settings, undo_import
from model.settings import Settings
from model.store import get_batch
from model.views.loading import load_facts, load_settings
from tests.conftest import FIXTURES
from tests.test_cli import run

NOW = datetime(2026, 12, 2, 10, 0)


def test_every_write_is_signed_and_dated(engine: Engine):
    compta = Settings(database_url="-", user="compta@cabinet")
    data = (FIXTURES / "odoo" / "invoices_fr.xlsx").read_bytes()
    imported = import_file(engine, data, "factures.xlsx", settings=compta, now=NOW)
    table = editable_frame(engine, "employees")
    row = {**dict.fromkeys(table.columns), "employee": "Alice Martin", "weekly_hours": 35.0}
    staff = pl.concat([table, pl.DataFrame([row], schema=table.schema)])
    save_table(engine, "employees", staff, settings=Settings(database_url="-", user="direction"),
               now=NOW)  # fmt: skip
    save_settings(engine, {"receivables.limits": [45, 90]}, now=NOW, user="direction",
                  role="direction")  # fmt: skip
    forecast = cash_forecast(
        load_facts(engine), load_settings(engine).cash, as_of=date(2026, 12, 1)
    )
    keep_cash_forecast(engine, forecast, as_of=date(2026, 12, 1), scenario="base",
                       user="direction", now=NOW, role="direction")  # fmt: skip
    add_user(engine, "Marc", "lecture", "une phrase de passe longue", now=NOW, by="direction")
    undo_import(engine, imported.batch_id, now=NOW, user="direction", role="direction")

    trail = audit_trail(engine)
    assert trail.select("user", "action", "subject").rows() == [
        ("direction", "undo", "n° 1 (factures.xlsx)"),
        ("direction", "user_add", "Marc"),
        ("direction", "forecast_kept", "n° 1"),
        ("direction", "settings", "receivables.limits"),
        ("direction", "table_edit", "saisie-collaborateurs.csv"),
        ("compta@cabinet", "import", "factures.xlsx"),
    ]
    details = [json.loads(d) for d in trail["details"]]
    assert details[-1] == {"batch_id": 1, "kinds": ["invoices"], "added": 4, "updated": 0,
                           "removed": 0, "unchanged": 0}  # fmt: skip
    assert details[0] == {"batch_id": 1, "imported_by": "compta@cabinet"}
    assert details[3] == {"receivables.limits": "[45, 90]"}
    assert "phrase" not in trail["details"].str.join("").item()  # no password, ever
    assert get_batch(engine, 1).undone_by == "direction"


def test_the_command_line_signs_and_reads_the_trail(db_url: str, tmp_path):
    export = FIXTURES / "odoo" / "invoices_fr.xlsx"
    assert run("import", str(export), db=db_url).returncode == 0
    assert run("undo", "1", db=db_url).returncode == 0
    listed = run("journal", "--json", db=db_url)
    assert listed.returncode == 0, listed.stderr
    events = json.loads(listed.stdout)
    assert [(e["action"], e["subject"]) for e in events] == [
        ("undo", "n° 1 (invoices_fr.xlsx)"),
        ("import", "invoices_fr.xlsx"),
    ]
    assert events[0]["user"] == events[1]["user"] != ""
    assert events[1]["details"]["added"] == 4
