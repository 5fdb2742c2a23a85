"""Writes (one transaction per import, undo) and reads (→ polars frames) of the store.

Re-import rules (FORMATS.md §3): a row whose natural key is already stored is unchanged when its
values are equal, else updated (the old version is kept, marked superseded by the new batch);
timesheet lines without a source id are replaced within the scope of the new file (its source ×
its date range × its employees). Nothing else is ever removed, except by undoing a batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl
from sqlalchemy import Connection, Engine, Select, delete, func, insert, select, true, update
from sqlmodel import Session, SQLModel

from model import audit, staging
from model.batch import ROW, Batch
from model.db import IN_CHUNK, bump_data_version, in_chunks, schema_of, writer_transaction
from model.facts import FACTS, Fact
from model.tables import (
    FACT_TABLES,
    CashForecastSnapshot,
    ColumnMapping,
    Delivery,
    FactRow,
    ImportBatch,
    Setting,
    TimesheetLine,
)
from model.undo import replay_without

CHUNK = 5000
DELIVERED = {"row_id": pl.Int64, "source_row": pl.Int64}
COPY_CHUNK = 100_000


class StoreError(Exception):
    """An operation on the store is refused; the message is for the user."""


class PlanRefused(StoreError):
    """The file is valid alone but not with what the store holds; `errors` says where."""

    def __init__(self, message: str, errors: list[dict]) -> None:
        super().__init__(message)
        self.errors = errors


MAX_HOURS_A_DAY = 24


@dataclass
class KindPlan:
    kind: str
    rows: pl.DataFrame  # canonical rows to insert (added + updated), store column names
    supersede_ids: list[int]  # stored rows replaced (updated) or removed
    # Stored rows the file delivers again unchanged (row_id, source_row): recorded, so that
    # undoing the batch that wrote them hands them to this one (model/undo.py).
    delivered: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=DELIVERED))
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    scope: dict | None = None
    # Keyless lines of the file alike to another of its lines: the only batches whose current
    # rows can hold alike lines (an undo hands a row only to a batch that delivered it too).
    alike_keyless: int = 0


@dataclass
class Plan:
    kinds: list[KindPlan] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(k, name) for k in self.kinds)


# ---------------------------------------------------------------- planning


def plan_import(engine: Engine, batch: Batch) -> Plan:
    """What writing `batch` would change, computed against the current facts (the preview)."""
    with engine.connect() as connection:
        return _plan(connection, batch)


def _plan(connection: Connection, batch: Batch) -> Plan:
    plan = Plan()
    for kind in batch.kinds:
        rows = batch.valid(kind)
        plan.kinds.append(_plan_kind(connection, FACTS[kind], rows, batch.source))
    for kind_plan in plan.kinds:
        if kind_plan.kind == "timesheets":
            _refuse_days_over_24_hours(connection, kind_plan)
    return plan


def _refuse_days_over_24_hours(connection: Connection, plan: KindPlan) -> None:
    """A person's day, over the lines already stored and the new ones, stays within 24 h."""
    new = plan.rows
    if new.height == 0:
        return
    table = FACT_TABLES["timesheets"]
    day = ["employee", "date"]
    sums = select(table.employee, table.date, func.sum(table.hours))
    stored = _day_sums(
        connection,
        sums.where(
            table.superseded_by.is_(None),
            table.employee.in_(new["employee"].unique().to_list()),
            table.date.between(new["date"].min(), new["date"].max()),
        ),
    )
    replaced = [
        _day_sums(connection, sums.where(table.id.in_(ids))).with_columns(-pl.col("hours"))
        for ids in in_chunks(plan.supersede_ids)
    ]
    totals = (
        pl.concat([stored, *replaced, new.select(*day, "hours")])
        .group_by(day)
        .agg(pl.col("hours").sum().alias("total"))
        .filter(pl.col("total") > MAX_HOURS_A_DAY + 1e-6)
    )
    if totals.height == 0:
        return
    over = new.join(totals, on=day).filter(pl.col("hours") > 0).sort("source_row")
    errors = [_day_over_error(row) for row in over.iter_rows(named=True)]
    raise PlanRefused(
        f"Fichier refusé : {len(errors)} ligne(s) portent une journée au-delà de "
        f"{MAX_HOURS_A_DAY} h avec les temps déjà importés. Rien n'a été enregistré.",
        errors,
    )


def _day_over_error(row: dict) -> dict:
    header = FACTS["timesheets"].column("hours").header
    hours, total = _decimal_comma(row["hours"]), _decimal_comma(row["total"])
    message = (
        f"Ligne {row['source_row']}, colonne « {header} » : « {hours} » porte le total de "
        f"{row['employee']} le {row['date']:%d/%m/%Y} à {total} h avec les lignes déjà "
        f"importées (au plus {MAX_HOURS_A_DAY} h par jour)"
    )
    return {"row": row["source_row"], "column": header, "value": hours, "message": message}


def _day_sums(connection: Connection, query: Select) -> pl.DataFrame:
    schema = {"employee": pl.String, "date": pl.Date, "hours": pl.Float64}
    rows = connection.execute(query.group_by(query.selected_columns[0], query.selected_columns[1]))
    return pl.DataFrame(rows.all(), schema=schema, orient="row")


def _decimal_comma(hours: float) -> str:
    return f"{hours:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _plan_kind(connection: Connection, fact: Fact, rows: pl.DataFrame, source: str) -> KindPlan:
    table = FACT_TABLES[fact.kind]
    if rows.height == 0:
        return KindPlan(fact.kind, pl.DataFrame(), [])
    rows = to_store_columns(fact, rows).with_columns(
        pl.lit(source).alias("source"), pl.col(ROW).alias("source_row")
    )
    rows = _with_keys(fact, rows, source)
    keyed = rows.filter(pl.col("natural_key").is_not_null())
    keyless = rows.filter(pl.col("natural_key").is_null())
    plan = KindPlan(fact.kind, rows.clear(), [])
    _plan_keyed(connection, table, keyed, plan)
    if keyless.height:
        _plan_keyless(connection, table, keyless, source, plan)
    return plan


def _plan_keyed(
    connection: Connection, table: type[FactRow], keyed: pl.DataFrame, plan: KindPlan
) -> None:
    if keyed.height == 0:
        return
    current = _current_by_key(connection, table, keyed["natural_key"].to_list())
    joined = keyed.join(
        current, on="natural_key", how="left", suffix="_stored", maintain_order="left"
    )
    new = joined.filter(pl.col("stored_id").is_null())
    changed = joined.filter(
        pl.col("stored_id").is_not_null() & (pl.col("row_hash") != pl.col("row_hash_stored"))
    )
    unchanged = joined.filter(pl.col("row_hash") == pl.col("row_hash_stored"))
    plan.added += new.height
    plan.updated += changed.height
    plan.unchanged += unchanged.height
    plan.delivered = pl.concat([plan.delivered, _delivered(unchanged)])
    plan.supersede_ids += changed["stored_id"].to_list()
    columns = plan.rows.columns
    plan.rows = pl.concat([plan.rows, new.select(columns), changed.select(columns)])


def _current_by_key(connection: Connection, table: type[FactRow], keys: list[str]) -> pl.DataFrame:
    schema = {"natural_key": pl.String, "stored_id": pl.Int64, "row_hash_stored": pl.String}
    found = []
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), CHUNK):
        query = select(table.natural_key, table.id, table.row_hash).where(
            table.superseded_by.is_(None), table.natural_key.in_(unique[start : start + CHUNK])
        )
        found += connection.execute(query).all()
    return pl.DataFrame(found, schema=schema, orient="row")


def _plan_keyless(
    connection: Connection, table: type[FactRow], keyless: pl.DataFrame, source: str, plan: KindPlan
) -> None:
    """Replace stored keyless lines within the file's scope: source × dates × employees.

    Lines equal to stored ones are unchanged whatever source stored them (an exported and
    re-imported line is the same line); only lines of the same source can be removed.
    """
    first, last = keyless["date"].min(), keyless["date"].max()
    employees = sorted(keyless["employee"].unique().to_list())
    query = select(table.id, table.row_hash, table.source).where(
        table.superseded_by.is_(None),
        table.natural_key.is_(None),
        table.date.between(first, last),
        table.employee.in_(employees),
    )
    stored = pl.DataFrame(
        connection.execute(query).all(),
        schema={"stored_id": pl.Int64, "row_hash": pl.String, "stored_source": pl.String},
        orient="row",
    )
    # Same-source lines first, so a line present in both sources matches its own source.
    stored = stored.sort(pl.col("stored_source") != source, "stored_id")
    alike = keyless["row_hash"].is_duplicated()
    new = keyless.with_columns(_occurrence(alike.any()))
    stored = stored.with_columns(_occurrence(stored["row_hash"].is_duplicated().any()))
    matched = new.join(stored, on=["row_hash", "_occurrence"], how="left", maintain_order="left")
    added = matched.filter(pl.col("stored_id").is_null())
    removed = stored.join(new, on=["row_hash", "_occurrence"], how="anti").filter(
        pl.col("stored_source") == source
    )
    plan.added += added.height
    plan.removed += removed.height
    plan.unchanged += matched.height - added.height
    plan.delivered = pl.concat(
        [plan.delivered, _delivered(matched.filter(pl.col("stored_id").is_not_null()))]
    )
    plan.supersede_ids += removed["stored_id"].to_list()
    plan.rows = pl.concat([plan.rows, added.select(plan.rows.columns)])
    plan.alike_keyless = int(alike.sum())
    plan.scope = {
        "source": source,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "employees": employees,
    }


def _occurrence(repeated: bool) -> pl.Expr:
    """Which copy of its line each line is (0, 1…), so that alike lines match one for one;
    numbering within groups is the costly part (300k lines: 0.2 s), needed only for copies."""
    if not repeated:
        return pl.lit(0, dtype=pl.Int64).alias("_occurrence")
    return pl.int_range(pl.len(), dtype=pl.Int64).over("row_hash").alias("_occurrence")


def _delivered(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(pl.col("stored_id").alias("row_id"), "source_row").cast(DELIVERED)


def to_store_columns(fact: Fact, rows: pl.DataFrame) -> pl.DataFrame:
    """Canonical names → table names: money columns gain their `_cents` suffix."""
    return rows.rename({c.name: c.stored for c in fact.columns})


def _with_keys(fact: Fact, rows: pl.DataFrame, source: str) -> pl.DataFrame:
    """The natural key as one string, and a stable hash of the canonical values."""
    names = _store_names(fact)
    as_text = [pl.col(n).cast(pl.String).fill_null("\u2205") for n in names]
    fingerprint = pl.concat_str(as_text, separator="\x1f")
    rows = rows.with_columns(_natural_key(fact, source).alias("natural_key"))
    blake2b = hashlib.blake2b
    hashes = [
        blake2b(text, digest_size=16).hexdigest()
        for text in rows.select(fingerprint.cast(pl.Binary))[:, 0].to_list()  # UTF-8 bytes
    ]
    return rows.with_columns(pl.Series("row_hash", hashes, dtype=pl.String))


def _natural_key(fact: Fact, source: str) -> pl.Expr:
    key = [_store_name(fact, k) for k in fact.natural_key]
    main = pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator="\x1f")
    if fact.kind == "timesheets":
        # Source ids are only unique within the software that made them.
        return pl.when(pl.col("source_id").is_not_null()).then(pl.lit(f"{source}:") + main)
    if fact.fallback_key:
        fallback = [_store_name(fact, k) for k in fact.fallback_key]
        composite = pl.concat_str(
            [pl.col(k).cast(pl.String).fill_null("") for k in fallback], separator="\x1f"
        )
        # Two identical payments without reference are two payments: number the repeats.
        repeat = pl.int_range(pl.len()).over(composite).cast(pl.String)
        return pl.coalesce(main, pl.lit("~") + composite + pl.lit("#") + repeat)
    return main


def _store_name(fact: Fact, name: str) -> str:
    return fact.column(name).stored


def _store_names(fact: Fact) -> list[str]:
    return [c.stored for c in fact.columns]


# ---------------------------------------------------------------- writing


def find_active_batch(engine: Engine, sha256: str) -> ImportBatch | None:
    with engine.connect() as connection:
        return _active_batch(connection, sha256)


def _active_batch(connection: Connection, sha256: str) -> ImportBatch | None:
    query = (
        select(ImportBatch)
        .where(ImportBatch.file_sha256 == sha256, ImportBatch.status == "active")
        .order_by(ImportBatch.id)
    )
    with Session(bind=connection) as session:
        batch = session.exec(query).scalars().first()
        if batch is not None:
            session.expunge(batch)
        return batch


@dataclass
class Written:
    """What an import wrote: its plan and batch, or the earlier batch that holds the same bytes."""

    plan: Plan
    batch_id: int | None = None
    already: ImportBatch | None = None
    data_version: int | None = None  # the store's version once this import was written


def write_import(
    engine: Engine,
    batch: Batch,
    *,
    user: str,
    now: datetime,
    same_bytes_check: bool = True,
    on_wait: Callable[[], None] | None = None,
) -> Written:
    """Plan and write `batch` in one transaction, the only writer of the base meanwhile.

    The plan is made inside the transaction, against the state it writes over: a preview made
    earlier may be stale when another import landed in between.
    """
    with writer_transaction(engine, on_wait=on_wait) as connection:
        if same_bytes_check:
            already = _active_batch(connection, batch.sha256)
            if already is not None:
                return Written(Plan(), already=already)
        plan = _plan(connection, batch)
        batch_id = _insert_batch(connection, batch, plan, user=user, now=now)
        for kind_plan in plan.kinds:
            _write_kind(connection, kind_plan, batch_id)
        audit.record(
            connection, user=user, now=now, subject=batch.file_name,
            action="table_edit" if batch.origin == "screen" else "import",
            details={"batch_id": batch_id, "kinds": batch.kinds,
                     **{n: plan.total(n) for n in ("added", "updated", "removed", "unchanged")}},
        )  # fmt: skip
        version = bump_data_version(connection)
    return Written(plan, batch_id=batch_id, data_version=version)


def _insert_batch(
    connection: Connection,
    batch: Batch,
    plan: Plan,
    *,
    user: str,
    now: datetime,
) -> int:
    details = {
        "kinds": {
            k.kind: {
                "added": k.added,
                "updated": k.updated,
                "removed": k.removed,
                "unchanged": k.unchanged,
            }
            for k in plan.kinds
        },
        "scopes": {k.kind: k.scope for k in plan.kinds if k.scope},
        ALIKE_LINES: plan.total("alike_keyless"),
        "source_label": batch.source_label,
        "notes": batch.notes[:200],
    }
    return connection.execute(
        insert(ImportBatch).returning(ImportBatch.id),
        {
            "created_at": now,
            "user": user,
            "file_name": batch.file_name,
            "file_sha256": batch.sha256,
            "file_size": batch.size,
            "source": batch.source,
            "kinds": ",".join(batch.kinds),
            "rows_read": batch.rows_read,
            "added": plan.total("added"),
            "updated": plan.total("updated"),
            "removed": plan.total("removed"),
            "unchanged": plan.total("unchanged"),
            "rejected": batch.rejected_rows,
            "status": "active",
            "details": json.dumps(details, ensure_ascii=False),
        },
    ).scalar_one()


def _write_kind(connection: Connection, kind_plan: KindPlan, batch_id: int) -> None:
    table = FACT_TABLES[kind_plan.kind]
    if kind_plan.delivered.height:
        deliveries = kind_plan.delivered.select(
            pl.lit(batch_id).alias("batch_id"), pl.lit(kind_plan.kind).alias("kind"), pl.all()
        )
        bulk_insert(connection, Delivery, deliveries)
    ids = kind_plan.supersede_ids
    for start in range(0, len(ids), CHUNK):
        connection.execute(
            update(table)
            .where(table.id.in_(ids[start : start + CHUNK]))
            .values(superseded_by=batch_id)
        )
    if kind_plan.rows.height == 0:
        return
    columns = [c.name for c in table.__table__.columns if c.name not in ("id", "superseded_by")]
    rows = kind_plan.rows.with_columns(pl.lit(batch_id).alias("batch_id")).select(columns)
    bulk_insert(connection, table, rows)


def bulk_insert(connection: Connection, table: type[SQLModel], rows: pl.DataFrame) -> None:
    """Insert a frame inside the connection's transaction by the driver's fastest path:
    COPY on PostgreSQL; on SQLite, an Arrow staging file for a writer's large inserts
    (model/staging.py), else a plain executemany of tuples (no ORM, no per-row binding)."""
    dialect = connection.dialect.name
    if rows.height == 0:
        return
    if dialect not in ("postgresql", "sqlite"):
        for start in range(0, rows.height, CHUNK):
            connection.execute(insert(table), rows.slice(start, CHUNK).to_dicts())
        return
    table_name = table.__tablename__
    driver = connection.connection.dbapi_connection
    names = ", ".join(f'"{c}"' for c in rows.columns)
    if dialect == "postgresql":
        text_rows = rows.with_columns(pl.col(pl.Date, pl.Datetime).cast(pl.String))
        with (
            driver.cursor() as cursor,
            cursor.copy(f'COPY "{table_name}" ({names}) FROM STDIN WITH (FORMAT csv)') as copy,
        ):
            for start in range(0, text_rows.height, COPY_CHUNK):
                # Canonical text is never empty (blank cells are null), so an empty field is NULL.
                copy.write(text_rows.slice(start, COPY_CHUNK).write_csv(include_header=False))
        return
    # SQLite: the same text forms SQLAlchemy stores (ISO dates, microsecond datetimes).
    stored = rows.with_columns(
        pl.col(pl.Date).dt.strftime("%Y-%m-%d"),
        pl.col(pl.Datetime).dt.strftime("%Y-%m-%d %H:%M:%S.%6f"),
    )
    # Columns empty on every row are left to their default (NULL): binding 300k nulls per
    # column costs as much as binding values.
    nulls = stored.null_count().row(0)
    stored = stored.select(
        c for c, n in zip(stored.columns, nulls, strict=True) if n < stored.height
    )
    if staging.insert_staged(connection, table_name, stored):
        return
    names = ", ".join(f'"{c}"' for c in stored.columns)
    marks = ", ".join("?" for _ in stored.columns)
    cursor = driver.cursor()
    try:
        # Rows streamed to the driver: a 300k-row list of tuples would only cost memory.
        cursor.executemany(f'INSERT INTO "{table_name}" ({names}) VALUES ({marks})',
                           stored.iter_rows(buffer_size=CHUNK))  # fmt: skip
    finally:
        cursor.close()


def undo_batch(
    engine: Engine,
    batch_id: int,
    *,
    now: datetime,
    user: str,
    on_wait: Callable[[], None] | None = None,
) -> ImportBatch:
    """The store as if the batch had never been imported (model/undo.py), in one transaction:
    what it wrote goes, what it replaced comes back, what a later import also delivered stays."""
    with writer_transaction(engine, on_wait=on_wait) as connection:
        found = connection.execute(
            select(ImportBatch.status, ImportBatch.file_name, ImportBatch.user).where(
                ImportBatch.id == batch_id
            )
        ).first()
        if found is None:
            raise StoreError(f"L'import n° {batch_id} n'existe pas.")
        if found.status != "active":
            raise StoreError(f"L'import n° {batch_id} a déjà été annulé.")
        replay_without(connection, batch_id)
        connection.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(status="undone", undone_at=now, undone_by=user)
        )
        audit.record(connection, user=user, action="undo", now=now,
                     subject=f"n° {batch_id} ({found.file_name})",
                     details={"batch_id": batch_id, "imported_by": found.user})  # fmt: skip
        bump_data_version(connection)
    return get_batch(engine, batch_id)


# ---------------------------------------------------------------- reading


def get_batch(engine: Engine, batch_id: int) -> ImportBatch:
    with Session(engine) as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise StoreError(f"L'import n° {batch_id} n'existe pas.")
        session.expunge(batch)
        return batch


def read_facts(
    engine: Engine, kind: str, *, with_meta: bool = False, with_ids: bool = False
) -> pl.DataFrame:
    """Current facts of one kind: canonical columns, money as integer cents (`*_cents`), in the
    order they were written (by id); `with_ids` puts each row's id first."""
    table = FACT_TABLES[kind]
    fact = FACTS[kind]
    names = _store_names(fact)
    if with_meta:
        names = ["id", "batch_id", "source", "source_row", *names]
    elif with_ids:
        names = ["id", *names]
    columns = [getattr(table, n) for n in names]
    query = select(*columns).where(table.superseded_by.is_(None)).order_by(table.id)
    staged = engine.dialect.name == "sqlite" and _rows_at_most(engine, table) >= STAGED_READ_ROWS
    return fetch_frame(engine, query, _polars_schema(fact, names), staged=staged)


# From this many rows (counted by the largest id: no scan), a SQLite read goes through a
# staging file (model/staging.py); below, the few milliseconds it costs are not won back.
STAGED_READ_ROWS = 50_000


def _rows_at_most(engine: Engine, table: type[FactRow]) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.max(table.id))).scalar_one() or 0


def read_import_changes(
    engine: Engine, kind: str, batch_id: int, *, after_id: int
) -> tuple[pl.Series, pl.DataFrame]:
    """What one import changed in a kind, for a reader that holds the rows before it (up to
    `after_id`): the ids of the rows it superseded, and the current rows it wrote (ids first,
    in id order; an import's rows come after every row before it, whose ids are smaller)."""
    table = FACT_TABLES[kind]
    fact = FACTS[kind]
    names = ["id", *_store_names(fact)]
    with engine.connect() as connection:
        superseded = connection.execute(
            select(table.id).where(table.superseded_by == batch_id)
        ).scalars()
        superseded_ids = pl.Series("id", list(superseded), dtype=pl.Int64)
    written = (
        select(*[getattr(table, n) for n in names])
        .where(table.id > after_id, table.batch_id == batch_id, table.superseded_by.is_(None))
        .order_by(table.id)
    )
    return superseded_ids, fetch_frame(engine, written, _polars_schema(fact, names))


def fetch_frame(
    engine: Engine, query: Select, schema: dict[str, pl.DataType], *, staged: bool = False
) -> pl.DataFrame:
    """The rows of `query` as a typed frame, without SQLAlchemy's row objects (1M timesheet
    lines: 7 s through them, 3 s without). PostgreSQL: read as Arrow by ADBC's driver.
    SQLite: through Python's own sqlite3 cursor, its text dates and 0/1 booleans typed
    afterwards, or (`staged`, for large reads) copied by it into a staging file that ADBC's
    driver reads as Arrow; never ADBC's driver on the base itself, which links a second SQLite
    library into the process: its locks are not the other's, and it read a state an import
    had replaced."""
    sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    if engine.dialect.name == "postgresql":
        arrow = _adbc_postgres(engine, sql)
        if arrow is not None:
            return _typed(pl.from_arrow(arrow), schema)  # type: ignore[arg-type]
    if staged and (arrow := staging.read_staged(engine, sql)) is not None:
        return _typed(pl.from_arrow(arrow), schema)  # type: ignore[arg-type]
    as_read = {name: _AS_STORED.get(dtype, dtype) for name, dtype in schema.items()}
    if engine.dialect.name == "postgresql":  # psycopg gives dates and booleans as such
        as_read = schema
    chunks = []
    with engine.connect() as connection:
        cursor = connection.exec_driver_sql(sql).cursor
        # By slices: a million rows as Python tuples at once took 0.4 GB the server kept.
        while rows := cursor.fetchmany(FETCH_ROWS):
            chunks.append(pl.DataFrame(rows, schema=as_read, orient="row"))
    frame = pl.concat(chunks, rechunk=True) if chunks else pl.DataFrame(schema=as_read)
    return _typed(frame, schema)


FETCH_ROWS = 50_000


# How SQLite hands these types back: ISO text, and 0/1.
_AS_STORED = {pl.Date: pl.String, pl.Datetime("us"): pl.String, pl.Boolean: pl.Int64}


def _typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """`frame` in `schema`'s types: ISO text to dates, 0/1 to booleans, all-null columns
    (which an Arrow reader may type as anything) to their type."""

    def typed(name: str, dtype: pl.DataType) -> pl.Expr:
        column = pl.col(name)
        if frame[name].dtype == dtype:
            return column
        if frame[name].dtype == pl.String and dtype == pl.Date:
            return column.str.to_date("%Y-%m-%d")
        if frame[name].dtype == pl.String and dtype == pl.Datetime("us"):
            return column.str.to_datetime(time_unit="us")
        return column.cast(dtype)

    return frame.select(typed(name, dtype) for name, dtype in schema.items())


def _adbc_postgres(engine: Engine, sql: str):
    """The query's result as an Arrow table read by ADBC's PostgreSQL driver, in the engine's
    schema; None where the driver is not installed (psycopg's rows then)."""
    try:
        import adbc_driver_postgresql.dbapi as adbc
    except ImportError:
        return None
    uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with adbc.connect(uri) as connection, connection.cursor() as cursor:
        if (schema := schema_of(engine)) is not None:
            cursor.execute(f"SET search_path TO {schema}")  # a checked name (db.SCHEMA_NAME)
        cursor.execute(sql)
        return cursor.fetch_arrow_table()


POLARS_TYPES = {
    "text": pl.String, "enum": pl.String, "date": pl.Date, "datetime": pl.Datetime("us"),
    "hours": pl.Float64, "number": pl.Float64, "money": pl.Int64, "bool": pl.Boolean,
    "int": pl.Int64,
}  # fmt: skip


def _polars_schema(fact: Fact, names: list[str]) -> dict[str, pl.DataType]:
    by_store_name = {c.stored: POLARS_TYPES[c.type] for c in fact.columns}
    meta = {"id": pl.Int64, "batch_id": pl.Int64, "source": pl.String, "source_row": pl.Int64}
    return {n: by_store_name.get(n) or meta[n] for n in names}


def to_euros(fact: Fact, frame: pl.DataFrame) -> pl.DataFrame:
    """Store frame → canonical names, money as exact 2-decimal `Decimal` euros."""
    money = {c.stored: c.name for c in fact.columns if c.type == "money"}
    euros = frame.with_columns(
        (pl.col(cents).cast(pl.Decimal(20, 2)) / 100).cast(pl.Decimal(20, 2)).alias(name)
        for cents, name in money.items()
    ).drop(money)
    meta = [c for c in euros.columns if c not in fact.names]
    return euros.select(*meta, *fact.names)


def count_facts(engine: Engine) -> dict[str, int]:
    counts = {}
    with engine.connect() as connection:
        for kind, table in FACT_TABLES.items():
            query = select(func.count()).select_from(table).where(table.superseded_by.is_(None))
            counts[kind] = connection.execute(query).scalar_one()
    return counts


def current_ids_summary(engine: Engine) -> dict[str, tuple[int, int]]:
    """Per kind, how many rows are current and the sum of their ids: what a reader that
    assembled them from earlier reads checks them against."""
    summary = {}
    with engine.connect() as connection:
        for kind, table in FACT_TABLES.items():
            query = select(func.count(), func.coalesce(func.sum(table.id), 0)).where(
                table.superseded_by.is_(None)
            )
            count, id_sum = connection.execute(query).one()
            summary[kind] = int(count), int(id_sum)
    return summary


def read_setting_values(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(connection.execute(select(Setting.key, Setting.value)).all())


def write_setting_values(
    engine: Engine, values: dict[str, str], *, now: datetime, user: str
) -> None:
    """Upsert the settings in one transaction; the data version moves so figures refresh."""
    with engine.begin() as connection:
        for key, value in values.items():
            connection.execute(delete(Setting).where(Setting.key == key))
            connection.execute(insert(Setting), {"key": key, "value": value, "updated_at": now})
        audit.record(connection, user=user, action="settings", now=now,
                     subject=", ".join(values), details=values)  # fmt: skip
        bump_data_version(connection)


def save_mapping(engine: Engine, name: str, kind: str, definition: str, *, now: datetime) -> None:
    """Store (or replace) a named column mapping."""
    with engine.begin() as connection:
        connection.execute(delete(ColumnMapping).where(ColumnMapping.name == name))
        connection.execute(
            insert(ColumnMapping),
            {"name": name, "kind": kind, "definition": definition, "created_at": now},
        )


def read_mappings(engine: Engine) -> list[tuple[str, str, str]]:
    """(name, kind, JSON definition) of every saved mapping."""
    query = select(ColumnMapping.name, ColumnMapping.kind, ColumnMapping.definition)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query.order_by(ColumnMapping.name))]


def save_cash_forecast(
    engine: Engine,
    *,
    as_of: date,
    scenario: str,
    opening_cents: int,
    weeks: pl.DataFrame,
    user: str,
    now: datetime,
) -> int:
    """Keep a forecast's weekly buckets, to set them later against what really happened."""
    payload = weeks.select(
        pl.col("start").cast(pl.String), "inflows_cents", "outflows_cents", "closing_cents"
    ).to_dicts()
    with engine.begin() as connection:
        forecast_id = connection.execute(
            insert(CashForecastSnapshot).returning(CashForecastSnapshot.id),
            {"created_at": now, "user": user, "as_of": as_of, "scenario": scenario,
             "opening_cents": opening_cents, "weeks": json.dumps(payload)},
        ).scalar_one()  # fmt: skip
        audit.record(connection, user=user, action="forecast_kept", now=now,
                     subject=f"n° {forecast_id}",
                     details={"as_of": as_of, "scenario": scenario})  # fmt: skip
        return forecast_id


def list_cash_forecasts(engine: Engine) -> pl.DataFrame:
    query = select(
        CashForecastSnapshot.id, CashForecastSnapshot.created_at, CashForecastSnapshot.user,
        CashForecastSnapshot.as_of, CashForecastSnapshot.scenario,
        CashForecastSnapshot.opening_cents,
    ).order_by(CashForecastSnapshot.id.desc())  # fmt: skip
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    schema = {"id": pl.Int64, "created_at": pl.Datetime, "user": pl.String, "as_of": pl.Date,
              "scenario": pl.String, "opening_cents": pl.Int64}  # fmt: skip
    return pl.DataFrame([tuple(row) for row in rows], schema=schema, orient="row")


def read_cash_forecast_weeks(engine: Engine, forecast_id: int) -> pl.DataFrame:
    query = select(CashForecastSnapshot.weeks).where(CashForecastSnapshot.id == forecast_id)
    with engine.connect() as connection:
        payload = connection.execute(query).scalar_one()
    weeks = pl.DataFrame(json.loads(payload))
    return weeks.with_columns(pl.col("start").str.to_date())


ALIKE_LINES = "alike_keyless_lines"  # in a batch's details: how many of its lines were alike


def duplicated_keyless_lines(engine: Engine) -> pl.DataFrame:
    """Current timesheet lines without a source id written alike more than once by one file:
    kept as separate lines (two equal lines may be two real ones), counted for the data
    quality report with the file that brought them. Only the batches whose file had alike
    lines are looked at (or that do not say: written before they said it)."""
    schema = {"file": pl.String, "date": pl.Date, "employee": pl.String, "project": pl.String,
              "hours": pl.Float64, "copies": pl.Int64}  # fmt: skip
    suspects = _batches_with_alike_lines(engine)
    if not suspects:
        return pl.DataFrame(schema=schema)
    line = TimesheetLine
    # Alike lines share their batch and hash (the hash is of every value): grouping by those
    # two alone, then reading one line of each group, is 2× faster than grouping by the
    # values shown (1M lines: 1.4 s against 2.8 s).
    groups = (
        select(line.batch_id, func.count().label("copies"), func.min(line.id).label("one"))
        .where(
            line.superseded_by.is_(None),
            line.natural_key.is_(None),
            line.batch_id.in_(suspects) if len(suspects) <= IN_CHUNK else true(),
        )
        .group_by(line.batch_id, line.row_hash)
        .having(func.count() > 1)
        .subquery()
    )
    shown = (ImportBatch.file_name, line.date, line.employee, line.project, line.hours)
    query = (
        select(*shown, groups.c.copies)
        .join(groups, groups.c.one == line.id)
        .join(ImportBatch, ImportBatch.id == groups.c.batch_id)
        .order_by(line.date, line.employee)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _batches_with_alike_lines(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        batches = connection.execute(select(ImportBatch.id, ImportBatch.details)).all()
    return [b for b, details in batches if json.loads(details or "{}").get(ALIKE_LINES, 1) > 0]
