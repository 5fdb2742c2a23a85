"""Odoo's people: employees (`hr.employee`) and time off (`hr.leave`), FORMATS.md §2.

Headers are the fields' labels in French or English, or their technical names. An employee's
weekly hours come from the name of their working schedule ("35 heures/semaine", "Standard 40
hours/week"); Odoo's hourly cost of 0 is its default, not a cost. A leave runs from one date to
another: it becomes one absence per working day in between (weekdays that are not French public
holidays: those are the calendar's), its hours spread evenly, or 7 h a day when the export gives
days only. Only approved leave counts; the others are set aside with their status.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from model.imports import parse
from model.imports.layouts import Layout, file_column
from model.imports.odoo import labels
from model.imports.reader import ROW
from model.text import fold_text

HOURS_PER_LEAVE_DAY = 7.0
MAX_LEAVE_DAYS = 366  # longer is a typo in a year (and would be spread day by day)
# "35 heures/semaine", "Standard 40 hours/week", "Temps partiel (28h)".
SCHEDULE_HOURS = r"(\d+(?:[.,]\d+)?)\s*(?:h|heures?|hours?|hrs?)\b"


def _convert_employees(frame: pl.DataFrame) -> pl.DataFrame:
    schedule = file_column(frame, "calendar").str.to_lowercase()
    cost = file_column(frame, "hourly_cost")
    return frame.with_columns(
        file_column(frame, "name").alias("employee"),
        file_column(frame, "department").alias("team"),
        schedule.str.extract(SCHEDULE_HOURS, 1).alias("weekly_hours"),
        # Odoo's default hourly cost is 0: a person nobody costed, not a free one.
        pl.when(parse.number(cost) == 0).then(None).otherwise(cost).alias("cost_rate"),
        file_column(frame, "first_contract_date").alias("start_date"),
        file_column(frame, "departure_date").alias("end_date"),
    )


ODOO_EMPLOYEES = Layout(
    source="odoo",
    kind="employees",
    label="Odoo",
    headers={
        "name": labels(("Nom de l'employé", "Nom"), ("Employee Name", "Name"), "name"),
        "department": labels("Département", "Department", ("department_id", "department_id/name")),
        "calendar": labels(
            "Heures de travail",
            "Working Hours",
            ("resource_calendar_id", "resource_calendar_id/name"),
        ),
        "hourly_cost": labels("Coût horaire", "Hourly Cost", "hourly_cost"),
        "first_contract_date": labels(
            "Première date de contrat", "First Contract Date", "first_contract_date"
        ),
        "departure_date": labels("Date de départ", "Departure Date", "departure_date"),
    },
    required=("name",),
    # A "Name" column alone is any list: an employees export has one of these besides.
    required_any=(("department", "calendar", "hourly_cost", "first_contract_date"),),
    convert=_convert_employees,
    derived_from={
        "employee": ("name",),
        "team": ("department",),
        "weekly_hours": ("calendar",),
        "cost_rate": ("hourly_cost",),
        "start_date": ("first_contract_date",),
        "end_date": ("departure_date",),
    },
)

# Odoo's leave states: only approved leave is an absence (FORMATS.md §2).
APPROVED = {fold_text(word) for word in ("Approuvé", "Approuvée", "Approved", "validate")}
# Time-off type names are the firm's own: the usual French and English ones, by keyword.
LEAVE_KINDS = (
    (("non paye", "unpaid", "sans solde"), "other"),
    (("rtt", "compensat", "recuperation"), "rtt"),
    (("maladie", "sick"), "sick"),
    (("conges payes", "conge paye", "paid time off", "paid leave", "vacances", "vacation",
      "annual"), "paid_leave"),
)  # fmt: skip


def _not_approved(frame: pl.DataFrame) -> pl.Expr:
    state = file_column(frame, "state")
    folded = parse.fold(state)
    reason = pl.concat_str(pl.lit("congé non approuvé (statut « "), state, pl.lit(" »)"))
    return pl.when(folded.is_not_null() & ~folded.is_in(sorted(APPROVED))).then(reason)


def _impossible_leaves(frame: pl.DataFrame) -> list[tuple[pl.Expr, str, str]]:
    start = parse.date(file_column(frame, "date_from"))
    end = parse.date(file_column(frame, "date_to"))
    return [
        (end < start, "date_to", "est avant la date de début (attendu : ce jour-là ou après)"),
        (
            end > start.dt.offset_by(f"{MAX_LEAVE_DAYS}d"),
            "date_to",
            f"est plus de {MAX_LEAVE_DAYS} jours après la date de début : un congé ne dure pas "
            "si longtemps, vérifiez l'année des deux dates",
        ),
    ]


def leave_kind(label: str | None) -> str:
    folded = fold_text(label or "")
    for words, kind in LEAVE_KINDS:
        if any(word in folded for word in words):
            return kind
    return "other"


def _convert_leaves(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per working day of each leave; a leave whose dates cannot be read stays one row
    with the dates as written, refused with its line."""
    typed = frame.select(
        ROW,
        file_column(frame, "employee").alias("employee"),
        file_column(frame, "date_from").alias("_from_text"),
        parse.date(file_column(frame, "date_from")).alias("_from"),
        parse.date(file_column(frame, "date_to")).alias("_to"),
        parse.number(file_column(frame, "hours")).alias("_hours"),
        parse.number(file_column(frame, "days")).alias("_days"),
        file_column(frame, "leave_type").alias("_type"),
    )
    rows = [day for leave in typed.iter_rows(named=True) for day in _leave_days(leave)]
    days = pl.DataFrame(
        rows,
        schema={ROW: pl.Int64, "employee": pl.String, "date": pl.String, "hours": pl.String,
                "kind": pl.String},
        orient="row",
    )  # fmt: skip
    # Two leaves of one kind on one day (two half days) are one absence of their hours.
    dated = days.filter(pl.col("hours").is_not_null())
    merged = dated.group_by("employee", "date", "kind", maintain_order=True).agg(
        pl.col(ROW).first(),
        pl.col("hours").cast(pl.Float64).sum().round(4).cast(pl.String),
    )
    return pl.concat([merged.select(days.columns), days.filter(pl.col("hours").is_null())])


def _leave_days(leave: dict) -> list[tuple]:
    start, end, kind = leave["_from"], leave["_to"], leave_kind(leave["_type"])
    if start is None or end is None:
        return [(leave[ROW], leave["employee"], leave["_from_text"], None, kind)]
    working = _working_days(start, end)
    hours = _hours_per_day(len(working), leave["_hours"], leave["_days"])
    return [
        (leave[ROW], leave["employee"], day.isoformat(), str(h), kind)
        for day, h in zip(working, hours, strict=True)
        if h > 0
    ]


def _working_days(start: date, end: date) -> list[date]:
    import holidays  # 60 ms of calendars, for time-off files only (issue 16 B1)

    public = holidays.France(years=range(start.year, end.year + 1))
    span = (start + timedelta(n) for n in range((end - start).days + 1))
    return [day for day in span if day.weekday() < 5 and day not in public]


def _hours_per_day(count: int, hours: float | None, days: float | None) -> list[float]:
    if count == 0:
        return []
    if hours is not None and hours > 0:
        return [round(hours / count, 4)] * count
    total = HOURS_PER_LEAVE_DAY * (days if days is not None and days > 0 else count)
    spread = []
    for _ in range(count):  # whole days first, the half day last
        spread.append(min(HOURS_PER_LEAVE_DAY, max(total, 0.0)))
        total -= HOURS_PER_LEAVE_DAY
    return spread


ODOO_LEAVES = Layout(
    source="odoo",
    kind="absences",
    label="Odoo",
    headers={
        "employee": labels("Employé", "Employee", ("employee_id", "employee_id/name")),
        "leave_type": labels(
            "Type de congés", "Time Off Type", ("holiday_status_id", "holiday_status_id/name")
        ),
        "date_from": labels("Date de début", "Start Date", ("date_from", "request_date_from")),
        "date_to": labels("Date de fin", "End Date", ("date_to", "request_date_to")),
        "days": labels("Durée (jours)", "Duration (Days)", "number_of_days"),
        "hours": labels(
            ("Durée (Heures)", "Durée (heures)"), "Duration (Hours)", "number_of_hours"
        ),
        "state": labels(("Statut", "État"), "Status", "state"),
    },
    required=("employee", "leave_type", "date_from", "date_to"),
    convert=_convert_leaves,
    set_aside=_not_approved,
    refuse=_impossible_leaves,
    derived_from={"date": ("date_from",), "hours": ("hours", "days"), "kind": ("leave_type",)},
)

LAYOUTS = (ODOO_EMPLOYEES, ODOO_LEAVES)
