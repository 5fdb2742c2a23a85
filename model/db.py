"""Engine from the URL, schema creation and upgrade, SQLite pragmas."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, select

from model import tables  # noqa: F401 - registers the tables on SQLModel.metadata
from model.settings import DATA_DIR, get_settings
from model.tables import SCHEMA_VERSION, Meta


class DatabaseError(Exception):
    """The database cannot be used (unreachable, newer schema…); the message is for the user."""


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` use psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    url = normalise_url(url or get_settings().database_url)
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


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 128 MB of page cache: bulk imports update several indexes without thrashing the disk.
    cursor.execute("PRAGMA cache_size=-131072")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def init_db(engine: Engine) -> int:
    """Create missing tables, upgrade an older schema in place, return the schema version.

    Upgrades keep the users' data: new tables are created, new columns are added (nullable),
    then the numbered steps of `MIGRATIONS` run for what cannot be derived from the tables.
    """
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
            for statement in MIGRATIONS.get(version, ()):
                session.exec(text(statement))
        _set_meta(session, "schema_version", str(SCHEMA_VERSION))
        if _get_meta(session, "data_version") is None:
            _set_meta(session, "data_version", "0")
        session.commit()
    return SCHEMA_VERSION


# Steps that adding columns cannot express (renames, data moves), by target schema version.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    4: tuple(
        f"DROP INDEX IF EXISTS ix_timesheet_line_{column}"
        for column in ("project", "date", "employee", "batch_id", "superseded_by")
    ),
}


def _add_missing_columns(engine: Engine) -> None:
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
    row = session.exec(select(Meta).where(Meta.key == key)).first()
    return row.value if row else None


def _set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
        session.add(row)


def data_version(engine: Engine) -> int:
    """Bumped by every import, undo or settings change: the cache key of the pages' loaders."""
    with Session(engine) as session:
        return int(_get_meta(session, "data_version") or 0)


def bump_data_version(session: Session) -> None:
    _set_meta(session, "data_version", str(int(_get_meta(session, "data_version") or 0) + 1))
