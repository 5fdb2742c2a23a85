"""What the timesheets imply when the reference lists lack it (issue 13 §2): never a blank page.

A person found in timesheet lines but absent from the staff list gets an assumed contract: 35 h
over 5 days from their first line. A project found in timesheet lines but absent from the project
list is time and materials by assumption, for the client its lines name most. Both carry
`assumed = true` wherever they are used, until someone confirms or edits them in Paramètres.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from model.kpi.common import Explanation
from model.kpi.frames import Facts

ASSUMED_WEEKLY_HOURS = 35.0
ASSUMED_WORKDAYS = "mon,tue,wed,thu,fri"
ASSUMED_MODE = "time_and_materials"


def assumed_employees(employees: pl.DataFrame, timesheets: pl.DataFrame) -> pl.DataFrame:
    """The people of the lines missing from the staff list, in the employees' columns."""
    missing = (
        timesheets.filter(pl.col("employee").is_not_null())
        .join(employees.select("employee"), on="employee", how="anti")
        .group_by("employee")
        .agg(pl.col("date").min().alias("start_date"))
        .sort("employee")
    )
    return missing.select(
        "employee",
        pl.lit(ASSUMED_WEEKLY_HOURS).alias("weekly_hours"),
        pl.lit(ASSUMED_WORKDAYS).alias("workdays"),
        "start_date",
    ).pipe(in_columns_of, employees)


def assumed_projects(projects: pl.DataFrame, timesheets: pl.DataFrame) -> pl.DataFrame:
    """The projects of the lines missing from the project list, in the projects' columns."""
    lines = timesheets.filter(pl.col("project").is_not_null()).join(
        projects.select("project"), on="project", how="anti"
    )
    # The client the project's lines name most (ties: the first in alphabetical order).
    clients = (
        lines.filter(pl.col("client").is_not_null())
        .group_by("project", "client")
        .len()
        .sort(["project", "len", "client"], descending=[False, True, False])
        .unique(subset="project", keep="first")
        .drop("len")
    )
    missing = lines.select("project").unique().join(clients, on="project", how="left")
    return missing.sort("project").select(
        "project", "client", pl.lit(ASSUMED_MODE).alias("billing_mode"),
        pl.lit(7.0).alias("hours_per_day"),
    ).pipe(in_columns_of, projects)  # fmt: skip


def with_assumptions(facts: Facts) -> Facts:
    """The facts with the assumed people and projects added, every row marked `assumed`, and
    the people without an hourly cost costed from their lines where the source costed them."""
    employees = _marked(facts.employees, assumed_employees(facts.employees, facts.timesheets))
    return replace(
        facts,
        employees=with_timesheet_costs(employees, facts.timesheets),
        projects=_marked(facts.projects, assumed_projects(facts.projects, facts.timesheets)),
    )


def with_timesheet_costs(employees: pl.DataFrame, timesheets: pl.DataFrame) -> pl.DataFrame:
    """A person without an hourly cost gets their lines' average cost (Odoo's Montant ÷ hours),
    marked `cost_from_timesheets`; a cost the staff list gives always wins."""
    if "cost_from_timesheets" in employees.columns:  # already done
        return employees
    costed = timesheets.filter(pl.col("cost_cents").is_not_null() & (pl.col("hours") != 0))
    per_hour = costed.group_by("employee").agg(
        (pl.col("cost_cents").sum() / pl.col("hours").sum())
        .round(0, mode="half_away_from_zero")
        .cast(pl.Int64)
        .alias("_from_lines")
    )
    joined = employees.join(per_hour, on="employee", how="left", maintain_order="left")
    used = pl.col("cost_rate_cents").is_null() & (pl.col("_from_lines") > 0).fill_null(False)
    return joined.with_columns(
        pl.when(used).then(pl.col("_from_lines")).otherwise(pl.col("cost_rate_cents"))
        .alias("cost_rate_cents"),
        used.alias("cost_from_timesheets"),
    ).drop("_from_lines")  # fmt: skip


def assumed_names(facts: Facts) -> tuple[list[str], list[str]]:
    """The people and the projects that are assumed (after `with_assumptions`)."""
    return _assumed(facts.employees, "employee"), _assumed(facts.projects, "project")


def _assumed(frame: pl.DataFrame, name: str) -> list[str]:
    if "assumed" not in frame.columns:
        return []
    return frame.filter(pl.col("assumed"))[name].to_list()


def in_columns_of(rows: pl.DataFrame, like: pl.DataFrame) -> pl.DataFrame:
    """`rows` with every column of `like`, in its order and types, missing ones null."""
    return rows.select(
        (pl.col(name) if name in rows.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in like.schema.items()
    )


def _marked(stored: pl.DataFrame, assumed: pl.DataFrame) -> pl.DataFrame:
    if "assumed" in stored.columns:  # already done
        return stored
    return pl.concat(
        [
            stored.with_columns(pl.lit(False).alias("assumed")),
            assumed.with_columns(pl.lit(True).alias("assumed")),
        ]
    )


def explain_assumptions(explanation: Explanation, facts: Facts, start: date, end: date) -> None:
    """Say how many of the period's people and projects are assumed, and on what terms."""
    lines = facts.timesheets.filter(pl.col("date").is_between(start, end))
    people, projects = assumed_names(facts)
    explanation.exclude(
        lines.filter(pl.col("employee").is_in(people))["employee"].n_unique(),
        "collaborateur(s) sans fiche du personnel : contrat supposé de 35 h sur 5 jours depuis "
        "leur première ligne (à confirmer dans Paramètres)",
        "person(s) missing from the staff list: assumed contract of 35 h over 5 days from their "
        "first line (to confirm in Settings)",
    )
    explanation.exclude(
        lines.filter(pl.col("project").is_in(projects))["project"].n_unique(),
        "projet(s) absent(s) de la liste des projets : régie supposée (à confirmer dans "
        "Paramètres)",
        "project(s) missing from the project list: time and materials assumed (to confirm in "
        "Settings)",
    )
