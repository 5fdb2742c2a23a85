"""The data-quality report: for the Imports page and `python -m model quality --json`.

The JSON shape is a contract with users' scripts: extend it, never break it. Amounts in euros
with 2 decimals, percentages and hours with 2 decimals, months as `YYYY-MM`, days ISO.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from model.kpi.frames import Facts
from model.kpi.quality import DataQuality, data_quality
from model.kpi.settings import KpiSettings
from model.views.report import euros, two


@dataclass(frozen=True)
class QualityReport:
    quality: DataQuality
    duplicates: pl.DataFrame  # file, date, employee, project, hours, copies (in the period)
    # For a role that may not see hourly costs (model/views/access.py): no cost section at all.
    costs_hidden: bool = False


def quality_report(
    facts: Facts, settings: KpiSettings, duplicates: pl.DataFrame, start: date, end: date
) -> QualityReport:
    in_period = duplicates.filter(pl.col("date").is_between(start, end))
    return QualityReport(data_quality(facts, start, end, settings.calendar), in_period)


def _month(day: date) -> str:
    return day.isoformat()[:7]


def quality_json(report: QualityReport) -> dict[str, Any]:
    quality = report.quality
    answer = {
        "from": quality.start.isoformat(),
        "to": quality.end.isoformat(),
        "complete_pct": two(quality.complete_pct),
        "coverage": [
            {
                "month": _month(r["month"]),
                "expected_weeks": r["expected_weeks"],
                "weeks_with_time": r["weeks_with_time"],
                "complete_pct": two(r["complete_pct"]),
            }
            for r in quality.coverage.iter_rows(named=True)
        ],
        "missing_weeks": [
            {
                "employee": r["employee"],
                "team": r["team"],
                "week": r["week"].isoformat(),
                "month": _month(r["month"]),
                "available_h": two(r["available_h"]),
            }
            for r in quality.missing_weeks.iter_rows(named=True)
        ],
        "assumed": {"people": quality.assumed_people, "projects": quality.assumed_projects},
        "duplicated_lines": [
            {**r, "date": r["date"].isoformat(), "hours": two(r["hours"])}
            for r in report.duplicates.iter_rows(named=True)
        ],
        "revenue_vs_invoices": [
            {
                "month": _month(r["month"]),
                "fec_revenue": euros(r["fec_cents"]),
                "invoices_untaxed": euros(r["invoices_cents"]),
                "difference": euros(r["difference_cents"]),
            }
            for r in quality.revenue_vs_invoices.iter_rows(named=True)
        ],
        "timesheet_costs": [
            {
                "employee": r["employee"],
                "staff_list_cost_rate": euros(r["list_cost_cents"]),
                "timesheet_cost_rate": euros(r["timesheet_cost_cents"]),
                "difference": euros(r["difference_cents"]),
                "lines": r["lines"],
            }
            for r in quality.costs.iter_rows(named=True)
        ],
    }
    if report.costs_hidden:
        del answer["timesheet_costs"]
    return answer
