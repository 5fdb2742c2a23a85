"""Charge rate family (KPI.md §1): TACE, taux de charge, occupation, utilisation, billable ratio.

Per employee, team (pôle) and company, for the period and per month. Team and company figures are
ratios of sums (ΣB/ΣA), never averages of personal ratios; an employee with no available hours
(`A = 0`: hired after the period, a month of leave) gets n/a and stays out of the totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from model.kpi.capacity import CalendarSettings
from model.kpi.common import Explanation, categorise, pct

SUMS = ("capacity_h", "available_h", "worked_h", "billable_h", "productive_h")
DEFAULT_CALENDAR = CalendarSettings()
CLIENT_CATEGORIES = ("support_included", "support_non_billable", "included_unmanaged")


@dataclass(frozen=True)
class ChargeThresholds:
    """KPI.md §1 defaults on TACE (B/A) for delivery staff; occupation above 110 % is amber."""

    red_pct: float = 60.0
    amber_pct: float = 70.0
    overload_pct: float = 110.0


@dataclass
class ChargeRate:
    employees: pl.DataFrame
    teams: pl.DataFrame
    company: pl.DataFrame  # one row
    months: pl.DataFrame  # employee × month
    explanation: Explanation


def with_recognised_hours(lines: pl.LazyFrame, projects: pl.LazyFrame) -> pl.LazyFrame:
    """`recognised_h`: fixed-price hours count as billable only up to the sold budget.

    Productive's "recognised time" (KPI.md §1): the project's hours are taken in date order and
    those past `sold_hours` are not recognised. Needs the project's whole history, not only the
    period. A fixed-price project without a budget recognises all its hours.
    """
    budgets = projects.select("project", pl.col("sold_hours").alias("_sold"))
    fixed = pl.col("category") == "fixed_price"
    before = pl.when(fixed).then(pl.col("hours")).otherwise(0.0).cum_sum().over(
        "project", order_by="date"
    ) - pl.when(fixed).then(pl.col("hours")).otherwise(0.0)
    room = (pl.col("_sold") - before).clip(lower_bound=0)
    recognised = (
        pl.when(pl.col("_sold").is_null())
        .then(pl.col("hours"))
        .otherwise(pl.min_horizontal(pl.col("hours"), room))
    )
    return (
        lines.join(budgets, on="project", how="left")
        .with_columns(pl.when(fixed).then(recognised).otherwise(0.0).alias("recognised_h"))
        .drop("_sold")
    )


def billable_hours() -> pl.Expr:
    """KPI.md's `B`, per line (after `with_recognised_hours`): billed time and billed support,
    and fixed-price time up to the sold budget. Every billable figure takes it from here."""
    billed = pl.col("category").is_in(["billable", "support_billed"])
    return pl.when(billed).then(pl.col("hours")).otherwise(0.0) + pl.col("recognised_h")


def _hours_by(lines: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    category = pl.col("category")
    overrun = pl.col("hours") - pl.col("recognised_h")
    b = billable_hours()
    p = b + pl.when(category.is_in(CLIENT_CATEGORIES)).then(pl.col("hours")).otherwise(0.0)
    p = p + pl.when(category == "fixed_price").then(overrun).otherwise(0.0)
    return lines.group_by(keys).agg(
        pl.col("hours").sum().alias("worked_h"),
        b.sum().alias("billable_h"),
        p.sum().alias("productive_h"),
    )


def _rates(frame: pl.LazyFrame) -> pl.LazyFrame:
    a, c = pl.col("available_h"), pl.col("capacity_h")
    return frame.with_columns(
        pct(pl.col("billable_h"), a).alias("tace_pct"),
        pct(pl.col("productive_h"), a).alias("charge_pct"),
        pct(pl.col("worked_h"), a).alias("occupation_pct"),
        pct(pl.col("worked_h"), c).alias("harvest_pct"),
        pct(pl.col("billable_h"), pl.col("worked_h")).alias("billable_ratio_pct"),
    )


def charge_rate(
    lines: pl.DataFrame,
    projects: pl.DataFrame,
    calendar: pl.DataFrame,
    *,
    start: date,
    end: date,
    calendar_settings: CalendarSettings = DEFAULT_CALENDAR,
) -> ChargeRate:
    """Charge rates over [start, end]; `lines` may hold earlier history (fixed-price budgets).
    `calendar_settings` are those `calendar` was built with: the explanation names them."""
    explanation = Explanation(
        "TACE = heures facturables ÷ heures disponibles ; taux de charge = heures client ÷ "
        "disponibles ; occupation = heures saisies ÷ disponibles ; utilisation Harvest = saisies ÷ "
        "capacité ; ratio facturable = facturables ÷ saisies. Équipes et société : rapport des "
        "sommes. Disponible = capacité contractuelle − absences ; forfait compté facturable "
        "jusqu'au budget vendu.",
        english="TACE = billable hours ÷ available hours; charge rate = client hours ÷ available; "
        "occupation = logged hours ÷ available; Harvest utilisation = logged ÷ capacity; billable "
        "ratio = billable ÷ logged. Teams and company: ratio of the sums. Available = contract "
        "capacity − absences; fixed-price hours count as billable up to the sold budget.",
        settings={
            f"explain.{name}": getattr(calendar_settings, name)
            for name in ("sick_reduces_available", "alsace_moselle", "solidarity_day_worked")
        },
    )
    history = with_recognised_hours(categorise(lines.lazy(), projects.lazy()), projects.lazy())
    period = history.filter(pl.col("date").is_between(start, end)).with_columns(
        pl.col("date").dt.truncate("1mo").alias("month")
    )
    staff = calendar.select("employee", "team").unique()
    period_lines = period.collect()
    unknown = period_lines.join(staff, on="employee", how="anti")
    explanation.input_lines = period_lines.height - unknown.height
    explanation.exclude(
        unknown.height,
        "ligne(s) de collaborateurs absents de la liste du personnel exclues",
        "line(s) of people missing from the staff list left out",
    )
    cal = calendar.lazy().with_columns(pl.col("date").dt.truncate("1mo").alias("month"))
    per_month = _combine(
        cal.group_by("employee", "month").agg(
            pl.col("capacity_h").sum(), pl.col("available_h").sum()
        ),
        _hours_by(period_lines.join(staff, on="employee").lazy(), ["employee", "month"]),
        ["employee", "month"],
    ).join(staff.lazy(), on="employee")
    per_employee = per_month.group_by("employee", "team").agg(pl.col(SUMS).sum())
    counted = per_employee.filter(pl.col("available_h") > 0)
    teams = counted.group_by("team").agg(pl.col(SUMS).sum())
    company = counted.select(pl.col(SUMS).sum())
    frames = pl.collect_all([_rates(f) for f in (per_employee, teams, company, per_month)])
    left_out = frames[0].filter(pl.col("available_h") <= 0).height
    explanation.exclude(left_out, "collaborateur(s) sans heure disponible (n/a, hors totaux)",
                        "employee(s) with no available hour (n/a, out of the totals)")  # fmt: skip
    return ChargeRate(
        employees=frames[0].sort("team", "employee"),
        teams=frames[1].sort("team"),
        company=frames[2],
        months=frames[3].sort("employee", "month"),
        explanation=explanation,
    )


def _combine(capacity: pl.LazyFrame, hours: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Capacity and hours side by side; hours logged outside the contract keep a row (C = 0)."""
    return capacity.join(hours, on=keys, how="full", coalesce=True).with_columns(
        pl.col(SUMS).fill_null(0.0)
    )
