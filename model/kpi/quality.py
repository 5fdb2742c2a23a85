"""Data quality: what the store holds and what it lacks, before anyone trusts a figure.

- Weeks without timesheets: a person's ISO week in which their contract gives available hours
  (after leave and public holidays) and no line was logged. The period's completeness is the
  share of such expected person-weeks that have lines: "données complètes à 92 %".
- Assumed people and projects (model/kpi/assumed.py).
- The FEC's revenue (accounts 70x) beside the invoices' amount excluding VAT, per month, with
  the difference: an invoice missing from one source shows here. The share of the FEC's
  revenue the invoices cover is the invoices' completeness.
- Odoo's timesheet cost (Montant ÷ hours) against the cost rate of the staff list, per person.
ID-less timesheet lines written twice in one file are counted by the store (they are kept as
two lines, never merged): `model.store.duplicated_keyless_lines`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from model.kpi.assumed import assumed_names
from model.kpi.capacity import CalendarSettings, capacity_calendar
from model.kpi.frames import Facts

DEFAULT_CALENDAR = CalendarSettings()
COVERAGE_SCHEMA = {
    "month": pl.Date,
    "expected_weeks": pl.UInt32,
    "weeks_with_time": pl.UInt32,
    "complete_pct": pl.Float64,
}


@dataclass(frozen=True)
class DataQuality:
    start: date
    end: date
    complete_pct: float | None  # expected person-weeks with lines ÷ expected, over the period
    coverage: pl.DataFrame  # per month: expected_weeks, weeks_with_time, complete_pct
    missing_weeks: pl.DataFrame  # employee, team, week (its Monday), month, available_h
    assumed_people: list[str]
    assumed_projects: list[str]
    revenue_vs_invoices: pl.DataFrame  # month, fec_cents, invoices_cents, difference_cents
    costs: pl.DataFrame  # employee, list_cost_cents, timesheet_cost_cents, difference_cents


def person_weeks(
    facts: Facts, start: date, end: date, settings: CalendarSettings = DEFAULT_CALENDAR
) -> pl.DataFrame:
    """Each person's ISO weeks of the period where their contract expects hours: the hours
    available and logged. A week belongs to the month of its first day inside the period."""
    calendar = capacity_calendar(facts.employees, facts.absences, start=start, end=end,
                                 settings=settings)  # fmt: skip
    week = pl.col("date").dt.truncate("1w")
    expected = (
        calendar.group_by("employee", "team", week.alias("week"))
        .agg(pl.col("available_h").sum(), pl.col("date").min().alias("_first"))
        .filter(pl.col("available_h") > 0)
    )
    logged = (
        facts.timesheets.filter(pl.col("date").is_between(start, end))
        .group_by("employee", week.alias("week"))
        .agg(pl.col("hours").sum().alias("logged_h"))
    )
    return (
        expected.join(logged, on=["employee", "week"], how="left")
        .with_columns(
            pl.col("logged_h").fill_null(0.0),
            pl.col("_first").dt.month_start().alias("month"),
        )
        .drop("_first")
        .sort("employee", "week")
    )


def coverage(weeks: pl.DataFrame) -> pl.DataFrame:
    """Per month: the expected person-weeks, those with lines, and the share."""
    if weeks.height == 0:
        return pl.DataFrame(schema=COVERAGE_SCHEMA)
    return (
        weeks.group_by("month")
        .agg(
            pl.len().alias("expected_weeks"),
            (pl.col("logged_h") != 0).sum().alias("weeks_with_time"),
        )
        .with_columns(
            (100 * pl.col("weeks_with_time") / pl.col("expected_weeks")).alias("complete_pct")
        )
        .sort("month")
        .cast(COVERAGE_SCHEMA)
    )


def completeness(weeks: pl.DataFrame) -> float | None:
    """Expected person-weeks with lines ÷ expected person-weeks, in percent (None: none)."""
    if weeks.height == 0:
        return None
    return 100 * weeks.filter(pl.col("logged_h") != 0).height / weeks.height


def revenue_vs_invoices(facts: Facts, start: date, end: date) -> pl.DataFrame:
    """Per month of the period where either source has something: the FEC's 70x revenue, the
    posted invoices' amount excluding VAT (credit notes negative; drafts and cancelled ones are
    not revenue) and the difference (FEC − invoices).
    A month only one source covers has null on the other side, not zero."""
    fec = (
        facts.revenue.filter(pl.col("month").is_between(start, end))
        .group_by(pl.col("month").dt.month_start().alias("month"))
        .agg(pl.col("amount_untaxed_cents").sum().alias("fec_cents"))
    )
    invoiced = (
        facts.invoices.filter(
            pl.col("invoice_date").is_between(start, end) & (pl.col("status") == "posted")
        )
        .group_by(pl.col("invoice_date").dt.month_start().alias("month"))
        .agg(pl.col("amount_untaxed_cents").sum().alias("invoices_cents"))
    )
    return (
        fec.join(invoiced, on="month", how="full", coalesce=True)
        .with_columns((pl.col("fec_cents") - pl.col("invoices_cents")).alias("difference_cents"))
        .sort("month")
        .select("month", "fec_cents", "invoices_cents", "difference_cents")
    )


def invoices_completeness(facts: Facts, start: date, end: date) -> float | None:
    """The share of the FEC's revenue (70x) the invoices cover, month by month: Σ min(invoices,
    FEC) ÷ Σ FEC over the months the FEC has revenue, in percent (None: no FEC to compare)."""
    months = revenue_vs_invoices(facts, start, end).filter(pl.col("fec_cents") > 0)
    if months.height == 0:
        return None
    covered = pl.min_horizontal(pl.col("invoices_cents").fill_null(0), "fec_cents").clip(0)
    return 100 * months.select(covered.sum()).item() / months["fec_cents"].sum()


def timesheet_costs(facts: Facts) -> pl.DataFrame:
    """Per person whose lines carry a cost: the cost per hour they give, the staff list's cost
    rate (when it states one, not one taken from the lines) and the difference."""
    costed = facts.timesheets.filter(pl.col("cost_cents").is_not_null() & (pl.col("hours") != 0))
    per_hour = costed.group_by("employee").agg(
        (pl.col("cost_cents").sum() / pl.col("hours").sum()).round().cast(pl.Int64)
        .alias("timesheet_cost_cents"),
        pl.len().alias("lines"),
    )  # fmt: skip
    staff = facts.employees
    if "cost_from_timesheets" in staff.columns:
        staff = staff.filter(~pl.col("cost_from_timesheets").fill_null(False))
    listed = staff.select("employee", pl.col("cost_rate_cents").alias("list_cost_cents"))
    return (
        per_hour.join(listed, on="employee", how="left")
        .with_columns(
            (pl.col("timesheet_cost_cents") - pl.col("list_cost_cents")).alias("difference_cents")
        )
        .sort("employee")
        .select("employee", "list_cost_cents", "timesheet_cost_cents", "difference_cents", "lines")
    )


def data_quality(
    facts: Facts, start: date, end: date, settings: CalendarSettings = DEFAULT_CALENDAR
) -> DataQuality:
    weeks = person_weeks(facts, start, end, settings)
    people, projects = assumed_names(facts)
    return DataQuality(
        start=start,
        end=end,
        complete_pct=completeness(weeks),
        coverage=coverage(weeks),
        missing_weeks=weeks.filter(pl.col("logged_h") == 0).drop("logged_h"),
        assumed_people=people,
        assumed_projects=projects,
        revenue_vs_invoices=revenue_vs_invoices(facts, start, end),
        costs=timesheet_costs(facts),
    )
