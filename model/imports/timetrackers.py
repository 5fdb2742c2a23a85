"""Time trackers' exports: Kimai, Clockify, Toggl Track, Harvest, and solidtime's generic format.

Each is a layout (FORMATS.md §2): header aliases and small converters. Durations come as `h:mm`,
`HH:MM:SS` or decimals, or only as start and end times; US dates and 12-hour times for Clockify;
decimal comma with dot thousands for Harvest; ISO-8601 UTC timestamps for solidtime, turned into
Europe/Paris dates before truncating (KPI.md §0).
"""

from __future__ import annotations

import polars as pl

from model.imports import parse
from model.imports.layouts import Layout, file_column

US_HINT = "MM/JJ/AAAA"


def _hours_between(
    frame: pl.DataFrame, date_formats: tuple[str, ...], start: tuple[str, str], end: tuple[str, str]
) -> pl.Expr:
    """Hours from start and end date + time columns (a night shift ends the next day)."""
    if not all(c in frame.columns for c in (*start, *end)):
        return pl.lit(None, pl.Float64)

    def moment(day: str, time: str) -> pl.Expr:
        return parse.datetime_(
            pl.concat_str([pl.col(day), pl.col(time)], separator=" "), date_formats
        )

    return (moment(*end) - moment(*start)).dt.total_seconds() / 3600


def _hours(frame: pl.DataFrame, date_formats: tuple[str, ...], *durations: str) -> pl.Expr:
    """The first duration column that parses, else end − start; as text for the validator."""
    parsed = [parse.duration_hours(pl.col(d)) for d in durations if d in frame.columns]
    from_times = _hours_between(
        frame, date_formats, ("start_date", "start_time"), ("end_date", "end_time")
    )
    # A duration column that does not parse is kept as it is, so the validator reports it.
    raw = file_column(frame, *durations)
    return (
        pl.when(raw.is_not_null() & pl.coalesce(parsed or [pl.lit(None, pl.Float64)]).is_null())
        .then(raw)
        .otherwise(pl.coalesce([*parsed, from_times]).cast(pl.String))
    )


def _convert_clockify(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("start_date").alias("date"),
        _hours(frame, parse.US_DATE_FORMATS, "duration", "duration_decimal").alias("hours"),
        file_column(frame, "billable").alias("billing"),
    )


CLOCKIFY = Layout(
    source="clockify",
    kind="timesheets",
    label="Clockify",
    headers={
        "project": {"en": "Project"},
        "client": {"en": "Client"},
        "description": {"en": "Description"},
        "task": {"en": ("Task", "Activity")},
        "employee": {"en": "User"},
        "billable": {"en": "Billable"},
        "invoice_number": {"en": "Invoice ID"},
        "start_date": {"en": "Start Date"},
        "start_time": {"en": "Start Time"},
        "end_date": {"en": "End Date"},
        "end_time": {"en": "End Time"},
        "duration": {"en": "Duration (h)"},
        "duration_decimal": {"en": "Duration (decimal)"},
    },
    required=("start_date", "employee", "project"),
    date_formats=parse.US_DATE_FORMATS,
    date_hint=US_HINT,
    convert=_convert_clockify,
    derived_from={
        "date": ("start_date",),
        "hours": ("duration", "start_time"),
        "billing": ("billable",),
    },
)


def _convert_toggl(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("start_date").alias("date"),
        _hours(frame, parse.DATE_FORMATS, "duration").alias("hours"),
        file_column(frame, "billable").alias("billing"),
    )


TOGGL = Layout(
    source="toggl",
    kind="timesheets",
    label="Toggl Track",
    headers={
        "employee": {"en": "User"},
        "email": {"en": "Email"},
        "client": {"en": "Client"},
        "project": {"en": "Project"},
        "task": {"en": "Task"},
        "description": {"en": "Description"},
        "billable": {"en": "Billable"},
        "start_date": {"en": "Start date"},
        "start_time": {"en": "Start time"},
        "end_date": {"en": "End date"},
        "end_time": {"en": "End time"},
        "duration": {"en": "Duration"},
    },
    required=("employee", "email", "start_date", "duration"),
    convert=_convert_toggl,
    derived_from={"date": ("start_date",), "hours": ("duration",), "billing": ("billable",)},
)


def _convert_harvest(frame: pl.DataFrame) -> pl.DataFrame:
    name = pl.concat_str(
        [file_column(frame, "first_name"), file_column(frame, "last_name")],
        separator=" ",
        ignore_nulls=True,
    )
    return frame.with_columns(
        pl.when(name.str.strip_chars() == "").then(None).otherwise(name).alias("employee"),
        file_column(frame, "billable").alias("billing"),
        file_column(frame, "approved").alias("validated"),
    )


HARVEST = Layout(
    source="harvest",
    kind="timesheets",
    label="Harvest",
    headers={
        "date": {"en": "Date"},
        "client": {"en": "Client"},
        "project": {"en": "Project"},
        "task": {"en": "Task"},
        "description": {"en": "Notes"},
        "hours": {"en": "Hours"},
        "billable": {"en": "Billable?"},
        "approved": {"en": "Approved?"},
        "first_name": {"en": "First Name"},
        "last_name": {"en": "Last Name"},
    },
    required=("date", "project", "hours", "first_name"),
    convert=_convert_harvest,
    derived_from={
        "employee": ("first_name",),
        "billing": ("billable",),
        "validated": ("approved",),
    },
)


def _convert_kimai(frame: pl.DataFrame) -> pl.DataFrame:
    billable = file_column(frame, "billable")
    return frame.with_columns(
        pl.coalesce(file_column(frame, "alias"), file_column(frame, "username")).alias("employee"),
        _hours(frame, parse.DATE_FORMATS, "hours").alias("hours"),
        # Kimai writes 1 for billable and leaves the cell empty otherwise.
        (
            pl.when(billable.is_null()).then(pl.lit("non_billable")).otherwise(billable)
            if "billable" in frame.columns
            else pl.lit(None, pl.String)
        ).alias("billing"),
    )


KIMAI = Layout(
    source="kimai",
    kind="timesheets",
    label="Kimai",
    headers={
        "date": {"en": "Date", "fr": "Date"},
        "start_time": {"en": "From", "fr": "De"},
        "end_time": {"en": "To", "fr": "À"},
        "hours": {"en": "Duration", "fr": "Durée"},
        "alias": {"en": "Name", "fr": "Nom"},
        "username": {"en": "User", "fr": "Nom d'utilisateur"},
        "client": {"en": "Customer", "fr": "Client"},
        "project": {"en": "Project", "fr": "Projet"},
        "task": {"en": "Activity", "fr": "Activité"},
        "description": {"en": "Description", "fr": "Description"},
        "billable": {"en": "Billable", "fr": "Facturable"},
        "source_id": {"en": "ID", "fr": "Identifiant"},
    },
    required=("date", "hours", "project", "task"),
    convert=_convert_kimai,
    derived_from={"employee": ("alias", "username"), "billing": ("billable",)},
)


def _paris(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .str.to_datetime(time_zone="UTC", strict=False)
        .dt.convert_time_zone("Europe/Paris")
    )


def _convert_generic(frame: pl.DataFrame) -> pl.DataFrame:
    start, end = _paris("start"), _paris("end")
    return frame.with_columns(
        # A UTC timestamp becomes a Paris date before it is truncated (23:30 UTC may be tomorrow).
        pl.when(start.is_null()).then(pl.col("start")).otherwise(start.dt.date().cast(pl.String))
        .alias("date"),
        ((end - start).dt.total_seconds() / 3600).cast(pl.String).alias("hours"),
        file_column(frame, "billable").alias("billing"),
    )  # fmt: skip


SOLIDTIME = Layout(
    source="solidtime",
    kind="timesheets",
    label="solidtime",
    headers={
        "description": {"en": "description"},
        "billable": {"en": "billable"},
        "client": {"en": "client"},
        "project": {"en": "project"},
        "start": {"en": "start"},
        "end": {"en": "end"},
        "task": {"en": "task"},
        "employee": {"en": "user_name"},
    },
    required=("start", "end", "employee", "project"),
    convert=_convert_generic,
    derived_from={"date": ("start",), "hours": ("start", "end"), "billing": ("billable",)},
)

LAYOUTS = (KIMAI, CLOCKIFY, TOGGL, HARVEST, SOLIDTIME)
