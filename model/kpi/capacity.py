"""Capacity calendar (KPI.md §0, §1): contract hours per employee and day, and what is available.

`C` capacity = contract hours on the employee's working days within the contract dates, minus
French public holidays (the `holidays` package; Alsace-Moselle's two extra days as a setting).
`A` available = `C` − absence hours (sick leave only when `sick_reduces_available`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays
import polars as pl

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class CalendarSettings:
    sick_reduces_available: bool = True  # Productive's convention (KPI.md §1)
    alsace_moselle: bool = False  # Good Friday and 26 December are public holidays
    solidarity_day_worked: bool = False  # Pentecost Monday worked (journée de solidarité)


def public_holidays(start: date, end: date, settings: CalendarSettings) -> set[date]:
    years = range(start.year, end.year + 1)
    calendar = holidays.France(years=years, subdiv="57" if settings.alsace_moselle else None)
    days = set(calendar)
    if settings.solidarity_day_worked:
        days -= {d for d, name in calendar.items() if "Pentecost" in name or "Pentecôte" in name}
    return days


def capacity_calendar(
    employees: pl.DataFrame,
    absences: pl.DataFrame,
    *,
    start: date,
    end: date,
    settings: CalendarSettings = CalendarSettings(),
) -> pl.DataFrame:
    """One row per employee and calendar day of [start, end] within the contract.

    Columns: employee, team, date, capacity_h, absence_h, available_h.
    Hours per working day = weekly hours ÷ number of working days (35 h / 5 d → 7 h).
    """
    days = pl.DataFrame({"date": pl.date_range(start, end, "1d", eager=True)}).with_columns(
        pl.col("date").dt.weekday().alias("_weekday"),  # 1 = Monday
        pl.col("date").is_in(sorted(public_holidays(start, end, settings))).alias("_holiday"),
    )
    staff = employees.select(
        "employee",
        "team",
        pl.col("weekly_hours").fill_null(35.0),
        pl.col("workdays").fill_null("mon,tue,wed,thu,fri").str.split(",").alias("_workdays"),
        pl.col("start_date").fill_null(date.min),
        pl.col("end_date").fill_null(date.max),
    ).with_columns(
        (pl.col("weekly_hours") / pl.col("_workdays").list.len()).alias("_hours_per_day"),
        pl.col("_workdays")
        .list.eval(
            pl.element().replace_strict(
                {code: i + 1 for i, code in enumerate(WEEKDAY_CODES)}, return_dtype=pl.Int8
            )
        )
        .alias("_weekdays"),
    )
    grid = staff.join(days, how="cross").filter(
        pl.col("date").is_between(pl.col("start_date"), pl.col("end_date"))
    )
    works = pl.col("_weekdays").list.contains(pl.col("_weekday").cast(pl.Int8)) & ~pl.col(
        "_holiday"
    )
    grid = grid.with_columns(
        pl.when(works).then(pl.col("_hours_per_day")).otherwise(0.0).alias("capacity_h")
    )
    counted = absences.filter(
        pl.col("date").is_between(start, end)
        & (pl.lit(settings.sick_reduces_available) | (pl.col("kind") != "sick"))
    )
    absence_hours = counted.group_by("employee", "date").agg(
        pl.col("hours").sum().alias("absence_h")
    )
    return (
        grid.join(absence_hours, on=["employee", "date"], how="left")
        .with_columns(pl.col("absence_h").fill_null(0.0))
        .with_columns(
            # An absence on a non-working day or a holiday takes nothing away.
            pl.min_horizontal("absence_h", "capacity_h").alias("absence_h"),
        )
        .with_columns((pl.col("capacity_h") - pl.col("absence_h")).alias("available_h"))
        .select("employee", "team", "date", "capacity_h", "absence_h", "available_h")
        .sort("employee", "date")
    )


def working_days(start: date, end: date, settings: CalendarSettings = CalendarSettings()) -> int:
    """Monday–Friday days of [start, end] that are not public holidays."""
    off = public_holidays(start, end, settings)
    count, day = 0, start
    while day <= end:
        if day.weekday() < 5 and day not in off:
            count += 1
        day += timedelta(days=1)
    return count
