"""Engine from the URL, schema creation and upgrade, SQLite pragmas."""

from __future__ import annotations

import re
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from model import staging
from model.settings import DATA_DIR, get_settings

# The tables' classes (SQLModel, pydantic: 0.3 s to build) are imported only to create or
# upgrade a schema: a command on an up-to-date base starts without them (issue 16 B2).
if TYPE_CHECKING:
    from sqlmodel import Session

SCHEMA_VERSION = 18  # 2: settings; 3: mappings; 4: timesheet indexes; 5: bank balances, revenue;
# 6: saved cash forecasts; 7: one current row per natural key; 8: prepaid packs of support hours;
# 9: invoices' and payments' own currency, amount in it and rate; 10: timesheet lines' cost;
# 11: sale order lines; 12: invoices' VAT, buyer SIREN and invoiced period (e-invoices);
# 13: e-invoices' statuses on the approved platforms; 14: user accounts; 15: audit trail;
# 16: a project manager's pôle; 17: workspaces and who may open them; 18: natural-key indexes
# without the keyless lines
# Every change to model/tables.py moves it (tests/test_schema.py holds the tables' shape at
# each version): an up-to-date base is not inspected again.


class DatabaseError(Exception):
    """The database cannot be used (unreachable, newer schema…); the message is for the user."""


class WorkspaceError(ValueError):
    """A workspace operation refused (model/workspaces.py); the message is a French sentence
    for the user. Here, so that the command line catches it without importing workspaces."""


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` use psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


_ENGINES: dict[tuple[str, str | None], Engine] = {}
# The PostgreSQL schema each workspace engine's connections search (model/store.py's Arrow
# reads open their own connections, and set it too).
_SCHEMAS: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
_ENGINES_LOCK = threading.Lock()


def get_engine(url: str | None = None, schema: str | None = None) -> Engine:
    """One engine per store: a base, or (PostgreSQL) one schema of it, a workspace's
    (model/workspaces.py), every connection's search path set to it. Kept for the process."""
    key = (normalise_url(url or get_settings().database_url), schema)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = _new_engine(*key)
        return _ENGINES[key]


def _clear_engines() -> None:
    """Every engine made so far, its connections closed (tests; a process that ends)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


get_engine.cache_clear = _clear_engines  # type: ignore[attr-defined]  # as lru_cache's was


def _new_engine(url: str, schema: str | None) -> Engine:
    if schema is not None:
        if not SCHEMA_NAME.fullmatch(schema):
            raise DatabaseError(f"Nom de schéma invalide : « {schema} ».")
        engine = create_engine(
            url, pool_pre_ping=True, connect_args={"options": f"-csearch_path={schema}"}
        )
        _SCHEMAS[engine] = schema
        return engine
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        if not in_memory:
            DATA_DIR.mkdir(exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            poolclass=StaticPool if in_memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def schema_of(engine: Engine) -> str | None:
    """The PostgreSQL schema a workspace engine works in; None: the base's own."""
    return _SCHEMAS.get(engine)


# Page cache per connection, in KiB (negative: SQLite's unit). Each pooled connection keeps its
# own: 128 MB only while it writes (bulk imports update several indexes without thrashing the
# disk), 8 MB otherwise (whole-table reads stream; five idle connections held 0.6 GB).
WRITER_CACHE, READER_CACHE = -131072, -8192


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size={READER_CACHE}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


SCHEMA_NAME = re.compile(r"ws_[a-z0-9_]{1,40}")  # a workspace's schema (model/workspaces.py)

# How long an import waits for the one before it before giving up (imports of 500k lines take
# a minute or two; a quarter of an hour means something is stuck).
WRITER_WAIT_SECONDS = 15 * 60
# Advisory lock key for "the one writer of this database" on PostgreSQL (any constant bigint).
WRITER_LOCK_KEY = 0x5049_4C4F  # "PILO", with the store's schema as the lock's second key


@contextmanager
def writer_transaction(
    engine: Engine, *, on_wait: Callable[[], None] | None = None
) -> Iterator[Connection]:
    """One transaction that is the only writer of the base until it ends.

    Imports and undos read the store to plan what they write: two of them at once would plan
    against the same state and write twice. SQLite: `BEGIN IMMEDIATE` takes the write lock
    before the first read; PostgreSQL: a transaction-scoped advisory lock. When another writer
    holds it, `on_wait` is called once (to say so), then the transaction waits its turn.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_cache(connection, WRITER_CACHE)
            _begin_immediate(connection, on_wait)
            staging.open_staging(connection)
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    _advisory_lock(connection, on_wait)
                yield connection
        finally:
            if sqlite:  # its pages go back to the allocator before the connection to the pool
                with suppress(sqlite3.Error, SQLAlchemyError):  # never hide why a write failed
                    staging.close_staging(connection)
                    _sqlite_cache(connection, READER_CACHE)


def _sqlite_cache(connection: Connection, size: int) -> None:
    # On the driver's cursor: through SQLAlchemy, a PRAGMA would begin a transaction.
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA cache_size = {size}")
    finally:
        cursor.close()


def _begin_immediate(connection: Connection, on_wait: Callable[[], None] | None) -> None:
    # pysqlite opens transactions lazily, at the first write; an explicit BEGIN IMMEDIATE
    # makes the whole plan-and-write one serialised transaction (pysqlite then commits it).
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout = 50")
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as busy:
            if "locked" not in str(busy) and "busy" not in str(busy):
                raise
            if on_wait is not None:
                on_wait()
            cursor.execute(f"PRAGMA busy_timeout = {WRITER_WAIT_SECONDS * 1000}")
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as still_busy:
                raise DatabaseError(_STILL_BUSY) from still_busy
    finally:
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()


def _advisory_lock(connection: Connection, on_wait: Callable[[], None] | None) -> None:
    # One writer per store: a workspace's schema has its own lock, beside the base's.
    key = {
        "key": WRITER_LOCK_KEY,
        "schema": connection.execute(text("SELECT current_schema()")).scalar(),
    }
    if connection.execute(
        text("SELECT pg_try_advisory_xact_lock(:key, hashtext(:schema))"), key
    ).scalar():
        return
    if on_wait is not None:
        on_wait()
    connection.execute(text(f"SET LOCAL lock_timeout = '{WRITER_WAIT_SECONDS}s'"))
    try:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key, hashtext(:schema))"), key)
    except OperationalError as still_busy:
        raise DatabaseError(_STILL_BUSY) from still_busy
    connection.execute(text("SET LOCAL lock_timeout = 0"))


_STILL_BUSY = (
    f"Un autre import ou une annulation occupe cette base depuis plus de "
    f"{WRITER_WAIT_SECONDS // 60} minutes : rien n'a été enregistré. Réessayez plus tard."
)


def init_db(engine: Engine) -> int:
    """Create missing tables, upgrade an older schema in place, return the schema version.

    Upgrades keep the users' data: new tables are created, new columns are added (nullable),
    then the numbered steps of `migrations()` run for what cannot be derived from the tables.
    A base already at this version is left as it is, without looking at its tables.
    """
    if _stored_schema_version(engine) == SCHEMA_VERSION:
        return SCHEMA_VERSION
    return _create_or_upgrade(engine)


def _stored_schema_version(engine: Engine) -> int | None:
    try:
        with engine.connect() as connection:
            value = connection.execute(
                text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).scalar()
    except (OperationalError, ProgrammingError):  # no table yet (or no base: said just after)
        return None
    return int(value) if value is not None else None


def _create_or_upgrade(engine: Engine) -> int:
    from sqlmodel import Session, SQLModel

    from model import tables  # noqa: F401 - registers the tables on SQLModel.metadata

    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        current = _schema_version(session)
        if current is not None and current > SCHEMA_VERSION:
            raise DatabaseError(
                f"Cette base a été créée par une version plus récente de Pilotage "
                f"(schéma {current}, cette version connaît le schéma {SCHEMA_VERSION})."
            )
        _add_missing_columns(engine)
        # A new database is created at the current version; an older one climbs step by step.
        start = SCHEMA_VERSION if current is None else current
        for version in range(start + 1, SCHEMA_VERSION + 1):
            for statement in migrations().get(version, ()):
                session.exec(text(statement))
        _set_meta(session, "schema_version", str(SCHEMA_VERSION))
        if _get_meta(session, "data_version") is None:
            _set_meta(session, "data_version", "0")
        session.commit()
    return SCHEMA_VERSION


def _one_current_row_per_key(table: str, index: str) -> tuple[str, ...]:
    """Imports run at once could leave two current rows for one key: the latest stays current,
    the earlier ones become versions it replaced (undoing the latest brings them back)."""
    latest = (
        f"SELECT {{}} FROM {table} AS kept WHERE kept.natural_key = {table}.natural_key "
        f"AND kept.superseded_by IS NULL ORDER BY kept.id DESC LIMIT 1"
    )
    return (
        f"UPDATE {table} SET superseded_by = ({latest.format('kept.batch_id')}) "
        f"WHERE superseded_by IS NULL AND natural_key IS NOT NULL "
        f"AND id <> ({latest.format('kept.id')})",
        f"CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {table} (natural_key) "
        f"WHERE superseded_by IS NULL",
    )


def migrations() -> dict[int, tuple[str, ...]]:
    """Steps that adding columns cannot express (renames, data moves), by target version."""
    from model.tables import FACT_TABLES, current_key_index_name

    return {
        4: tuple(
            f"DROP INDEX IF EXISTS ix_timesheet_line_{column}"
            for column in ("project", "date", "employee", "batch_id", "superseded_by")
        ),
        7: tuple(
            statement
            for table in FACT_TABLES.values()
            for statement in _one_current_row_per_key(
                table.__tablename__, current_key_index_name(table)
            )
        ),
        9: ("UPDATE payment SET currency = 'EUR' WHERE currency IS NULL",),
        18: (
            "DROP INDEX IF EXISTS ix_timesheet_line_natural_key",
            "CREATE INDEX ix_timesheet_line_natural_key ON timesheet_line (natural_key) "
            "WHERE natural_key IS NOT NULL",
            *(
                statement
                for table in FACT_TABLES.values()
                for statement in (
                    f"DROP INDEX IF EXISTS {current_key_index_name(table)}",
                    f"CREATE UNIQUE INDEX {current_key_index_name(table)} ON "
                    f"{table.__tablename__} (natural_key) "
                    f"WHERE superseded_by IS NULL AND natural_key IS NOT NULL",
                )
            ),
        ),
    }


def _add_missing_columns(engine: Engine) -> None:
    from sqlmodel import SQLModel

    inspector = inspect(engine)
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            existing = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in existing:
                    continue
                column_type = column.type.compile(dialect=engine.dialect)
                connection.execute(
                    text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {column_type}')
                )


def _schema_version(session: Session) -> int | None:
    value = _get_meta(session, "schema_version")
    return int(value) if value is not None else None


def _get_meta(session: Session, key: str) -> str | None:
    from sqlmodel import select

    from model.tables import Meta

    row = session.exec(select(Meta).where(Meta.key == key)).first()
    return row.value if row else None


def _set_meta(session: Session, key: str, value: str) -> None:
    from model.tables import Meta

    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
        session.add(row)


def data_version(engine: Engine) -> int:
    """Bumped by every import, undo or settings change: the cache key of the pages' loaders."""
    with engine.connect() as connection:
        value = connection.execute(
            text("SELECT value FROM meta WHERE key = 'data_version'")
        ).scalar()
    return int(value or 0)


IN_CHUNK = 5000  # values per `IN (…)` list: far under every driver's parameter limit


def in_chunks(values: list) -> Iterator[list]:
    """`values` in slices small enough for one `IN (…)` clause each."""
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def bump_data_version(connection: Connection) -> int:
    """The version this write makes (writers run one at a time: model/db.writer_transaction)."""
    # One statement, so that two writers committing together never give the same version.
    connection.execute(
        text(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR) "
            "WHERE key = 'data_version'"
        )
    )
    found = connection.execute(text("SELECT value FROM meta WHERE key = 'data_version'"))
    return int(found.scalar() or 0)
