"""Schema version and in-place upgrade: users keep their data when tables change."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, inspect, text

from model.db import DatabaseError, init_db
from model.store import read_facts
from model.tables import SCHEMA_VERSION
from tests.support import import_bytes

MARCH = ('"Date","Employé","Projet","Quantité"\r\n"2024-03-04","Alice","Site","7"\r\n').encode()


def _schema_version(engine: Engine) -> str:
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT value FROM meta WHERE key='schema_version'")
        ).scalar()


def test_an_older_database_is_upgraded_in_place(engine: Engine):
    import_bytes(engine, MARCH, "mars.csv")
    # The database as an older Pilotage left it: no `source_row` column, an older version.
    with engine.begin() as connection:
        connection.execute(text('ALTER TABLE timesheet_line DROP COLUMN "source_row"'))
        connection.execute(text("UPDATE meta SET value='0' WHERE key='schema_version'"))
    with engine.begin() as connection:  # an index an older schema had
        connection.execute(
            text("CREATE INDEX ix_timesheet_line_project ON timesheet_line (project)")
        )
    assert init_db(engine) == SCHEMA_VERSION
    assert _schema_version(engine) == str(SCHEMA_VERSION)
    indexes = {i["name"] for i in inspect(engine).get_indexes("timesheet_line")}
    assert "ix_timesheet_line_project" not in indexes
    facts = read_facts(engine, "timesheets", with_meta=True)
    assert facts.select("employee", "hours", "source_row").rows() == [("Alice", 7.0, None)]
    result = import_bytes(engine, MARCH.replace(b'"7"', b'"6"'), "corrige.csv")
    assert (result.added, result.removed) == (1, 1)


def test_a_database_from_a_newer_version_is_refused(engine: Engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE meta SET value='99' WHERE key='schema_version'"))
    with pytest.raises(DatabaseError, match="version plus récente"):
        init_db(engine)


def test_facts_read_back_in_their_types_whatever_the_reader(engine: Engine):
    """read_facts reads without SQLAlchemy's rows (issue 16 B3): SQLite's text dates and 0/1
    booleans, and columns no line fills (an Arrow reader may type them as anything), come
    back as dates, booleans and text, the same on both databases."""
    import polars as pl

    data = (
        '"Date","Employé","Projet","Quantité","Validé","Montant"\r\n'
        '"2024-03-04","Alice","Site","7","oui","-315"\r\n'
        '"2024-03-05","Bruno","Site","3,5","non","-140"\r\n'
    ).encode()
    assert import_bytes(engine, data, "temps.csv").status == "imported"
    lines = read_facts(engine, "timesheets", with_meta=True).sort("date")
    assert lines.schema["date"] == pl.Date and lines.schema["validated"] == pl.Boolean
    assert lines.schema["task"] == lines.schema["description"] == pl.String
    assert lines.select("date", "employee", "hours", "validated", "task").rows() == [
        (date(2024, 3, 4), "Alice", 7.0, True, None),
        (date(2024, 3, 5), "Bruno", 3.5, False, None),
    ]
    assert lines["batch_id"].to_list() == [1, 1]
    batches = read_facts(engine, "timesheets").height
    assert batches == 2
