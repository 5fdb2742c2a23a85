"""Large SQLite inserts and reads through Arrow, by way of private staging files.

Writes: the frame is written by ADBC's SQLite driver to staging files (consecutive slices, one
file per core, written at once), then copied by `INSERT … SELECT`s inside the writer's
transaction.

Python's sqlite3 binds each value of each row from a Python object: 300k timesheet lines cost
1.1–1.5 s that way, against 0.3 s for ADBC to write them from Arrow and 0.2 s for SQLite to copy
them (issue 16 B1). ADBC's driver carries its own copy of SQLite, so it never opens the base
(two SQLite libraries on one file release each other's POSIX locks): it opens the staging file
alone and closes it, and only then does the base's connection attach it. SQLite refuses to
detach a database inside the transaction that read it, so the writer's transaction
(model/db.writer_transaction) detaches and deletes the staging files once it has ended.

Reads: SQLite copies the query's rows into a staging file (`CREATE TABLE … AS SELECT`, one
consistent snapshot), then ADBC's driver reads that file as Arrow. 1M timesheet lines: 2.9 s
through Python's sqlite3 rows, 1.4 s so (issue 16 B3). Again the two libraries take turns on
a file of their own, never on the base.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

if TYPE_CHECKING:  # model/db.py imports this module: the command line starts without them
    import adbc_driver_manager as adbc
    import polars as pl
    import pyarrow as pa

logger = logging.getLogger(__name__)
STAGED_ROWS = 20_000  # below this, binding rows one by one costs less than a staging file
MAX_STAGED = 8  # staging files attached at once (SQLite attaches at most 10 databases)
WRITERS = min(4, os.cpu_count() or 1)  # staging files written at once for one insert
_STAGED = "pilotage_staged"  # connection.info key: the staging databases attached, and folders


def open_staging(connection: Connection) -> None:
    """Allow staged inserts on this connection until `close_staging` (the writer does both)."""
    connection.info[_STAGED] = []


def insert_staged(connection: Connection, table_name: str, rows: pl.DataFrame) -> bool:
    """Insert `rows` (columns named as the table's, SQLite's text forms for dates) through
    staging files; False, with nothing written, when this connection cannot stage or ADBC fails
    (the caller then binds the rows itself)."""
    staged = connection.info.get(_STAGED)
    if staged is None or len(staged) >= MAX_STAGED or rows.height < STAGED_ROWS:
        return False
    folder = Path(tempfile.mkdtemp(prefix="pilotage-staging-"))
    parts = _parts(rows, min(WRITERS, MAX_STAGED - len(staged)))
    # Named after their folder: a name left attached by a failure can never be taken again.
    schemas = [f"pilotage_{folder.name.replace('-', '_')}_{i}" for i in range(len(parts))]
    cursor = connection.connection.dbapi_connection.cursor()
    attached: list[str] = []
    try:
        _write_files(folder, parts)
        for i, schema in enumerate(schemas):
            cursor.execute(f'ATTACH DATABASE ? AS "{schema}"', (str(folder / f"{i}.db"),))
            attached.append(schema)
    # A full /tmp, a driver missing, too many databases attached: the slower path still works.
    # Nothing was read from the files: detaching them is still allowed.
    except Exception as error:
        logger.warning("Staged insert not used (%s): rows bound one by one", error)
        _detach(cursor, attached)
        cursor.close()
        shutil.rmtree(folder, ignore_errors=True)
        return False
    staged += [(schema, folder) for schema in attached]  # gone when the transaction ends
    try:
        names = ", ".join(f'"{name}"' for name in rows.columns)
        for schema in schemas:  # the parts in the frame's order, as executemany writes them:
            cursor.execute(f'INSERT INTO main."{table_name}" ({names}) '  # the ids follow
                           f'SELECT {names} FROM "{schema}"."rows" ORDER BY rowid')  # fmt: skip
    finally:
        cursor.close()
    return True


def _parts(rows: pl.DataFrame, writers: int) -> list[pl.DataFrame]:
    """The rows in consecutive slices of at least STAGED_ROWS, one per writer at most."""
    count = max(1, min(writers, rows.height // STAGED_ROWS))
    size = -(-rows.height // count)
    return [rows.slice(start, size) for start in range(0, rows.height, size)]


def _write_files(folder: Path, parts: list[pl.DataFrame]) -> None:
    """Each part into its own file, the files at once: ADBC's driver writes without Python's
    lock (300k timesheet lines on two cores: 0.5 s → 0.3 s)."""
    if len(parts) == 1:
        _write_arrow(folder / "0.db", parts[0])
        return
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        for written in [pool.submit(_write_arrow, folder / f"{i}.db", part)
                        for i, part in enumerate(parts)]:  # fmt: skip
            written.result()  # a writer's failure is raised here, once all have ended


def _write_arrow(path: Path, rows: pl.DataFrame) -> None:
    import adbc_driver_manager as adbc
    import adbc_driver_sqlite

    database = adbc_driver_sqlite.connect(str(path))
    try:
        connection = adbc.AdbcConnection(database)
        try:
            _execute(connection, "PRAGMA journal_mode = OFF")  # a throwaway file: no journal,
            _execute(connection, "PRAGMA synchronous = OFF")  # no flush to the disk
            statement = adbc.AdbcStatement(connection)
            try:
                statement.set_options(**{
                    adbc.INGEST_OPTION_TARGET_TABLE: "rows",
                    adbc.INGEST_OPTION_MODE: adbc.INGEST_OPTION_MODE_CREATE,
                })  # fmt: skip
                statement.bind_stream(rows)  # polars hands its columns over as an Arrow stream
                statement.execute_update()
            finally:
                statement.close()
        finally:
            connection.close()
    finally:
        database.close()


def _execute(connection: adbc.AdbcConnection, sql: str) -> None:
    import adbc_driver_manager as adbc

    statement = adbc.AdbcStatement(connection)
    try:
        statement.set_sql_query(sql)
        statement.execute_update()
    finally:
        statement.close()


def close_staging(connection: Connection) -> None:
    """Detach and delete the staging files, once the transaction that read them has ended."""
    staged = connection.info.pop(_STAGED, None) or []
    if not staged:
        return
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        _detach(cursor, [schema for schema, _ in staged])
    finally:
        cursor.close()
        for folder in dict.fromkeys(folder for _, folder in staged):
            shutil.rmtree(folder, ignore_errors=True)


def _detach(cursor: sqlite3.Cursor, schemas: list[str]) -> None:
    for schema in schemas:
        with suppress(sqlite3.Error):  # still attached: its file goes all the same
            cursor.execute(f'DETACH DATABASE "{schema}"')


def read_staged(engine: Engine, sql: str) -> pa.Table | None:
    """The rows of `sql` (a SELECT on the base, in its order) as an Arrow table read from a
    staging file; None when that cannot be done (the caller then reads them itself)."""
    folder = Path(tempfile.mkdtemp(prefix="pilotage-reading-"))
    try:
        count = _copy_rows(engine, sql, folder / "rows.db")
        return _read_arrow(folder / "rows.db", count)
    except Exception as error:  # a full /tmp, a driver missing: the slower path still works
        logger.warning("Staged read not used (%s): rows read one by one", error)
        return None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_rows(engine: Engine, sql: str, path: Path) -> int:
    """Copy the rows into a new file; their count."""
    schema = "pilotage_" + path.parent.name.replace("-", "_")
    connection = engine.raw_connection()  # Python's sqlite3, from the base's pool
    try:
        cursor = connection.cursor()
        cursor.execute(f'ATTACH DATABASE ? AS "{schema}"', (str(path),))
        try:
            cursor.execute(f'PRAGMA "{schema}".journal_mode = OFF')
            cursor.execute(f'PRAGMA "{schema}".synchronous = OFF')
            cursor.execute(f'CREATE TABLE "{schema}"."rows" AS {sql}')
            count = cursor.execute(f'SELECT count(*) FROM "{schema}"."rows"').fetchone()[0]
            connection.commit()
        finally:
            connection.rollback()  # no transaction left open: SQLite detaches only outside one
            cursor.execute(f'DETACH DATABASE "{schema}"')
            cursor.close()
    finally:
        connection.close()
    return count


def _read_arrow(path: Path, count: int) -> pa.Table:
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    with adbc_sqlite.connect(str(path)) as connection, connection.cursor() as cursor:
        # One batch: the driver infers each column's type from the rows of its first batch.
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(max(count, 1))})
        cursor.execute('SELECT * FROM "rows" ORDER BY rowid')
        return cursor.fetch_arrow_table()
