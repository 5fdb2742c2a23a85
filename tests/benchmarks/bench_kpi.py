"""KPI benchmark (issue 4), outside the default test run:

    python tests/benchmarks/bench_kpi.py [--lines 1000000] [--invoices 100000] [--db URL]

Generates a store of `--lines` timesheet lines (30 employees, 200 projects, 3 years) and
`--invoices` invoices, then measures in one run the time to read the facts from the store and
the time to compute every overview KPI from them. Computing must take less than reading.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from model.db import get_engine, init_db
from model.store import ALIKE_LINES
from model.tables import FACT_TABLES, ImportBatch
from model.views.loading import load_facts, load_settings
from model.views.overview import overview
from model.views.report import NAMES, kpi_json

START, END = date(2023, 1, 2), date(2025, 12, 31)
CHUNK = 50_000


def generate(
    lines: int, invoices: int, seed: int = 1, start: date = START, end: date = END
) -> dict[str, pl.DataFrame]:
    """A synthetic firm over [start, end]: 30 employees, 200 projects, 60 clients."""
    rng = np.random.default_rng(seed)
    days = (end - start).days
    employees = [f"Employé {i:02d}" for i in range(30)]
    projects = [f"Projet {i:03d}" for i in range(200)]
    modes = ["time_and_materials", "fixed_price", "support", "internal"]
    project_modes = [modes[i % 4] for i in range(200)]
    line_projects = rng.integers(0, 200, lines)
    billing_by_mode = {
        "time_and_materials": "billable",
        "fixed_price": "included",
        "support": "included",
        "internal": "non_billable",
    }
    timesheets = pl.DataFrame(
        {
            "date": [start + timedelta(days=int(d)) for d in rng.integers(0, days, lines)],
            "employee": [employees[i] for i in rng.integers(0, 30, lines)],
            "client": [f"Client {p % 60:02d}" for p in line_projects],
            "project": [projects[p] for p in line_projects],
            "hours": rng.choice([1.0, 2.0, 3.5, 4.0, 7.0], lines),
            "billing": [billing_by_mode[project_modes[p]] for p in line_projects],
            "validated": rng.random(lines) > 0.05,
            "ticket": None,
            "invoice_number": None,
            "source_id": None,
            "task": None,
            "description": None,
        }
    )
    project_rows = pl.DataFrame(
        {
            "project": projects,
            "client": [f"Client {i % 60:02d}" for i in range(200)],
            "billing_mode": project_modes,
            "sold_hours": [2000.0 if m == "fixed_price" else None for m in project_modes],
            "hours_per_day": 7.0,
            "hourly_rate_cents": 9000,
            "progress_pct": 60.0,
            "sold_amount_cents": [
                18_000_000 if m == "fixed_price" else None for m in project_modes
            ],
        }
    )
    staff = pl.DataFrame(
        {
            "employee": employees,
            "team": [f"Pôle {i % 3}" for i in range(30)],
            "weekly_hours": 35.0,
            "workdays": "mon,tue,wed,thu,fri",
            "cost_rate_cents": 4500,
            "billing_rate_cents": 9000,
            "start_date": date(2020, 1, 1),
        }
    )
    issued = [start + timedelta(days=int(d)) for d in rng.integers(0, days, invoices)]
    totals = rng.integers(10_000, 2_000_000, invoices)
    invoice_rows = pl.DataFrame(
        {
            "number": [f"F{i:07d}" for i in range(invoices)],
            "client": [f"Client {c:02d}" for c in rng.integers(0, 60, invoices)],
            "invoice_date": issued,
            "due_date": [d + timedelta(days=30) for d in issued],
            "amount_untaxed_cents": (totals / 1.2).round().astype(int),
            "amount_total_cents": totals,
            "amount_residual_cents": np.where(rng.random(invoices) < 0.1, totals, 0),
            "currency": "EUR",
            "kind": "invoice",
            "status": "posted",
        }
    )
    contracts = pl.DataFrame(
        {
            "contract": [f"SUP-{p}" for p in projects[2::4]],
            "client": [f"Client {i % 60:02d}" for i in range(2, 200, 4)],
            "included_hours_per_month": 20.0,
            "monthly_fee_cents": 150_000,
            "overage_rate_cents": 8000,
            "start_date": start,
        }
    )
    return {
        "timesheets": timesheets,
        "projects": project_rows,
        "employees": staff,
        "invoices": invoice_rows,
        "contracts": contracts,
    }


def write(url: str, frames: dict[str, pl.DataFrame]) -> None:
    engine = get_engine(url)
    init_db(engine)
    with engine.begin() as connection:
        batch = connection.execute(
            insert(ImportBatch).returning(ImportBatch.id),
            {
                "created_at": datetime.now(),
                "user": "bench",
                "file_name": "bench",
                "file_sha256": "-",
                "file_size": 0,
                "source": "bench",
                "kinds": ",".join(frames),
                # As an import says it: no two ID-less lines alike (the hashes are distinct).
                "details": json.dumps({ALIKE_LINES: 0}),
            },
        ).scalar_one()
        for kind, frame in frames.items():
            rows = frame.with_columns(
                pl.lit(batch).alias("batch_id"),
                pl.lit("bench").alias("source"),
                # Distinct per line, as an import's hash of the values is.
                pl.concat_str(pl.all().cast(pl.String), ignore_nulls=True)
                .hash()
                .cast(pl.String)
                .alias("row_hash"),
            )
            for start in range(0, rows.height, CHUNK):
                connection.execute(insert(FACT_TABLES[kind]), rows.slice(start, CHUNK).to_dicts())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    started = time.perf_counter()
    write(url, generate(args.lines, args.invoices))
    print(f"store written: {time.perf_counter() - started:.1f} s ({url})")
    engine = get_engine(url)

    started = time.perf_counter()
    facts = load_facts(engine)
    settings = load_settings(engine)
    read = time.perf_counter() - started

    timings = {}
    for name in NAMES:
        started = time.perf_counter()
        kpi_json(name, facts, settings, as_of=END, start=date(2025, 1, 1), end=END)
        timings[name] = time.perf_counter() - started
    started = time.perf_counter()
    overview(facts, settings, as_of=END, start=date(2025, 1, 1), end=END)
    compute = time.perf_counter() - started
    print(
        f"read {facts.timesheets.height:,} lines + {facts.invoices.height:,} invoices: {read:.2f} s"
    )
    for name, seconds in timings.items():
        print(f"  {name:18s} {seconds:6.2f} s")
    print(f"each KPI on its own, summed: {sum(timings.values()):.2f} s")
    print(
        f"every overview KPI, shared inputs: {compute:.2f} s "
        f"(compute / read = {compute / read:.2f})"
    )


if __name__ == "__main__":
    main()
