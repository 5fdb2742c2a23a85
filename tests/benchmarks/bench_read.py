"""Store read benchmark (issue 16 B3), outside the default test run:

    python tests/benchmarks/bench_read.py [--lines 1000000] [--pg URL] [--no-pg]

Writes `--lines` timesheet lines into SQLite and PostgreSQL (a throwaway server when no --pg
URL is given and Debian's binaries are there), then measures in one run, for each: reading
them the way the app does (`store.read_facts`), and a raw Arrow read of the same query by
ADBC's driver on the base (on SQLite, the sqlite3 cursor into polars where the driver is not
installed: a far slower baseline). Target: read_facts within 2× of the raw read.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_kpi import generate, write

from model.db import get_engine
from model.facts import FACTS
from model.store import _store_names, read_facts
from model.tables import FACT_TABLES


def facts_sql(engine) -> str:
    from sqlalchemy import select

    table = FACT_TABLES["timesheets"]
    names = _store_names(FACTS["timesheets"])
    query = select(*[getattr(table, n) for n in names]).where(table.superseded_by.is_(None))
    compiled = query.order_by(table.id).compile(
        dialect=engine.dialect, compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


def raw_read(url: str, sql: str) -> pl.DataFrame:
    if url.startswith("postgresql"):
        import adbc_driver_postgresql.dbapi as adbc

        uri = url.replace("postgresql+psycopg://", "postgresql://")
        with adbc.connect(uri) as connection, connection.cursor() as cursor:
            cursor.execute(sql)
            return pl.from_arrow(cursor.fetch_arrow_table())  # type: ignore[return-value]
    path = url.removeprefix("sqlite:///")
    try:
        import adbc_driver_sqlite.dbapi as adbc_sqlite
    except ImportError:
        with sqlite3.connect(path) as connection:
            return pl.DataFrame(connection.execute(sql).fetchall(), orient="row",
                                infer_schema_length=None)  # fmt: skip
    with adbc_sqlite.connect(path) as connection, connection.cursor() as cursor:
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "100000000"})
        cursor.execute(sql)
        return pl.from_arrow(cursor.fetch_arrow_table())  # type: ignore[return-value]


def measure(label: str, url: str, lines: int) -> None:
    write(url, generate(lines, 1_000))
    engine = get_engine(url)
    sql = facts_sql(engine)
    start = time.perf_counter()
    raw = raw_read(url, sql)
    raw_s = time.perf_counter() - start
    start = time.perf_counter()
    facts = read_facts(engine, "timesheets")
    app_s = time.perf_counter() - start
    assert facts.height == raw.height == lines, (facts.height, raw.height)
    print(f"{label}: raw Arrow read {raw_s:.2f} s; read_facts {app_s:.2f} s; "
          f"ratio {app_s / raw_s:.2f}× (target ≤ 2×)", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--pg", default=None)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    measure("SQLite", f"sqlite:///{tempfile.mkdtemp()}/read.db", args.lines)
    if args.no_pg:
        return
    with ExitStack() as stack:
        url = args.pg
        if url is None:
            from tests.conftest import throwaway_postgres

            try:
                url = stack.enter_context(throwaway_postgres())
            except FileNotFoundError:
                print("PostgreSQL: Debian's binaries are not installed, skipped")
                return
        measure("PostgreSQL", url, args.lines)


if __name__ == "__main__":
    main()
