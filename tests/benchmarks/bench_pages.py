"""Dashboard benchmark (issue 5), outside the default test run:

    python tests/benchmarks/bench_pages.py [--lines 1000000] [--invoices 100000]

Writes a synthetic firm of `--lines` timesheet lines over the 3 years up to today into a SQLite
store, then runs every page through AppTest and measures, in one run:
- the baseline: reading every fact from the store once (`load_facts`);
- each page's first run (facts read, figures computed), its warm redraw (same filters), and the
  redraw after a filter change (pôle), with the number of store reads during that redraw.
Ratios are against the baseline read measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

import model.store  # noqa: E402
from model.db import get_engine  # noqa: E402
from model.settings import paris_now  # noqa: E402
from model.views.loading import load_facts  # noqa: E402
from tests.apptest import app_test, page_path  # noqa: E402
from tests.benchmarks.bench_kpi import generate, write  # noqa: E402

PAGES = ("overview", "charge", "projects", "support", "receivables", "cash")


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    args = parser.parse_args()
    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    today = paris_now().date()
    frames = generate(args.lines, args.invoices, start=today - timedelta(days=3 * 365), end=today)
    print(f"store written in {timed(lambda: write(url, frames)):.1f} s")
    os.environ["DATABASE_URL"] = url
    baseline = timed(lambda: load_facts(get_engine(url)))
    print(f"baseline, every fact read once: {baseline:.2f} s")

    reads: list[str] = []
    original_read = model.store.read_facts

    def counting_read(engine, kind, **options):
        reads.append(kind)
        return original_read(engine, kind, **options)

    model.store.read_facts = counting_read
    app = app_test(default_timeout=600)
    print(f"app start (sidebar reads the facts): {timed(app.run):.2f} s")
    print(
        f"{'page':12s} {'first':>8s} {'warm':>8s} {'filter':>8s} {'reads':>6s} {'warm/base':>10s}"
    )
    for page in PAGES:
        first = timed(lambda page=page: app.switch_page(page_path(page)).run())
        warm = timed(app.run)
        reads.clear()
        team = "Pôle 1" if page != "overview" else "Pôle 2"
        changed = timed(lambda team=team: app.sidebar.selectbox(key="pole").set_value(team).run())
        assert not app.exception, app.exception
        print(f"{page:12s} {first:8.2f} {warm:8.2f} {changed:8.2f} {len(reads):6d} "
              f"{warm / baseline:10.3f}")  # fmt: skip
        app.sidebar.selectbox(key="pole").set_value(None).run()
    st.cache_data.clear()


if __name__ == "__main__":
    main()
