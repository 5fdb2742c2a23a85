"""Schema version and in-place upgrade: users keep their data when tables change."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from model.db import SCHEMA_VERSION, DatabaseError, get_engine, init_db
from model.store import read_facts
from tests.support import import_bytes

ROOT = Path(__file__).resolve().parents[1]
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
    with engine.begin() as connection:  # indexes as an older schema had them
        connection.execute(
            text("CREATE INDEX ix_timesheet_line_project ON timesheet_line (project)")
        )
        for name, unique, where in (
            ("ix_timesheet_line_natural_key", "", ""),
            ("ux_timesheet_line_current_key", "UNIQUE", "WHERE superseded_by IS NULL"),
        ):
            connection.execute(text(f"DROP INDEX {name}"))
            connection.execute(
                text(f"CREATE {unique} INDEX {name} ON timesheet_line (natural_key) {where}")
            )
    assert init_db(engine) == SCHEMA_VERSION
    assert _schema_version(engine) == str(SCHEMA_VERSION)
    indexes = {i["name"]: i for i in inspect(engine).get_indexes("timesheet_line")}
    assert "ix_timesheet_line_project" not in indexes
    # Schema 18: lines without a natural key are in neither natural-key index.
    for name in ("ix_timesheet_line_natural_key", "ux_timesheet_line_current_key"):
        where = indexes[name]["dialect_options"][f"{engine.dialect.name}_where"]
        assert "natural_key IS NOT NULL" in str(where), (name, where)
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


# The tables' shape at SCHEMA_VERSION. A base at that version is not looked at again when it
# opens (model/db.init_db), so model/tables.py may change only with the version.
SHAPE_AT_VERSION = (18, "e736c4647d506297")


def _tables_shape() -> str:
    from sqlmodel import SQLModel

    from model import tables  # noqa: F401 - registers the tables

    parts = []
    for table in sorted(SQLModel.metadata.sorted_tables, key=lambda t: t.name):
        columns = [(c.name, type(c.type).__name__, c.nullable) for c in table.columns]
        indexes = sorted(
            (i.name, tuple(c.name for c in i.columns), bool(i.unique), _where(i))
            for i in table.indexes
        )
        parts.append((table.name, columns, indexes))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _where(index) -> str:
    """A partial index's condition, as SQLite is given it."""
    where = index.dialect_options["sqlite"]["where"]
    return "" if where is None else str(where.compile(compile_kwargs={"literal_binds": True}))


def test_the_tables_change_only_with_the_schema_version():
    assert (SCHEMA_VERSION, _tables_shape()) == SHAPE_AT_VERSION, (
        "model/tables.py changed: move SCHEMA_VERSION (model/db.py), give the upgrade the steps "
        "adding columns cannot (migrations), and write the new shape here"
    )


def test_an_up_to_date_base_is_opened_without_the_tables_classes(tmp_path):
    """`python -m model batches` starts without SQLModel's classes (issue 16 B2): on a base
    at this version nothing is created or inspected."""
    base = f"sqlite:///{tmp_path / 'base.db'}"
    init_db(get_engine(base))
    probe = (
        "import sys\n"
        "from model.__main__ import main\n"
        f"assert main(['--db', {base!r}, 'batches', '--json']) == 0\n"
        "heavy = ('sqlmodel', 'model.tables', 'model.store')\n"
        "print('loaded:', [m for m in heavy if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, check=True)  # fmt: skip
    assert done.stdout.splitlines() == ["[]", "loaded: []"]  # no import yet, none loaded
