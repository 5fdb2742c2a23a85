"""The demo's story across dates, outside the test run (like the benchmarks):

    python tests/fuzz/demo_story.py [--from 2026-10-01] [--days 90] [--step 3]

The demo company is generated for the day it is loaded, and the page tests check its story on
the day they run: 2 drifting projects, support more than 20 % unbilled, DSO past 60 days, every
expected week with time, 5-10 % of worked time never billed. This loads it for many as-of
dates into throwaway SQLite stores and prints each date's figures; a date where the story
breaks is printed as a failure, to become a fix of the demo (model/demo.py) and, when useful,
an explicit date in tests/test_demo.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from model.db import get_engine, init_db
from model.demo import load_demo
from model.kpi.scope import scope_from
from model.views.dashboard import projects_view, receivables_view, support_view
from model.views.diagnostic import diagnostic
from model.views.loading import load_duplicated_lines, load_facts, load_settings
from model.views.quality import quality_report
from tests.support import SETTINGS


def story(as_of: date) -> tuple[bool, dict[str, float]]:
    engine = get_engine(f"sqlite:///{tempfile.mkdtemp()}/demo.db")
    init_db(engine)
    load_demo(engine, SETTINGS, seed=7, as_of=as_of,
              now=datetime.combine(as_of, datetime.min.time()))  # fmt: skip
    facts, settings = load_facts(engine), load_settings(engine)
    scope = scope_from("last_12_months", as_of=as_of)
    quality = quality_report(facts, settings, load_duplicated_lines(engine), scope.start, scope.end)
    figures = {
        "drifting": projects_view(facts, settings, scope).cards[0].value,
        "support_unbilled_pct": support_view(facts, settings, scope).cards[0].value,
        "dso": next(
            c.value for c in receivables_view(facts, settings, scope).cards if c.key == "dso"
        ),
        "missing_weeks": quality.quality.missing_weeks.height,
        "unbilled_pct": diagnostic(facts, settings, as_of=as_of).leaks[0].figure,
    }
    engine.dispose()
    holds = (
        figures["drifting"] == 2 and figures["support_unbilled_pct"] > 20 and figures["dso"] > 60
        and figures["missing_weeks"] == 0 and 5 <= figures["unbilled_pct"] <= 10
    )  # fmt: skip
    return holds, figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="start", type=date.fromisoformat,
                        default=date(2026, 10, 1))  # fmt: skip
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--step", type=int, default=3)
    args = parser.parse_args()
    broken = 0
    for offset in range(0, args.days, args.step):
        day = args.start + timedelta(days=offset)
        holds, figures = story(day)
        broken += not holds
        shown = ", ".join(f"{k} {v:.1f}" for k, v in figures.items())
        print(f"{day} {'ok' if holds else 'BROKEN'}: {shown}", flush=True)
    print(f"{broken} date(s) where the story breaks")


if __name__ == "__main__":
    main()
