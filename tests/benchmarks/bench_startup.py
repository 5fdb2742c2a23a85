"""Command-line start-up benchmark (issue 16 B2), outside the default test run:

    python tests/benchmarks/bench_startup.py [--runs 7]

Measures, as whole processes in one run, the median wall time of `python -m model batches`
on a small SQLite base against `python -c "import polars"` (the baseline: the libraries the
command needs cost about that), and prints the ratio. Target: ≤ 2.5×.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# As installed: Python keeps our modules' bytecode (a machine that sets PYTHONDONTWRITEBYTECODE
# would compile them at every start, which no user's server does).
INSTALLED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=INSTALLED)
    return time.perf_counter() - start


def median_seconds(command: list[str], runs: int) -> float:
    seconds(command)  # warm-up: bytecode written, files in the page cache
    return statistics.median(seconds(command) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    base = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    subprocess.run([sys.executable, "-m", "model", "--db", base, "init"], cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    polars = median_seconds([sys.executable, "-c", "import polars"], args.runs)
    batches = median_seconds([sys.executable, "-m", "model", "--db", base, "batches"], args.runs)
    print(f"import polars: {polars:.2f} s; python -m model batches: {batches:.2f} s; "
          f"ratio {batches / polars:.1f}× (target ≤ 2.5×)")  # fmt: skip


if __name__ == "__main__":
    main()
