"""Time trackers' project lists: Clockify's projects export, Harvest's projects export and
solidtime's generic projects file, as projects (billing mode, client, budgeted hours).

A rate is taken only in euros: Clockify names the workspace's currency in its headers
("Billable Rate (USD)"), and a rate in another currency has no date to convert it at; it is left
out and said among the unused columns. solidtime's rates and estimates carry no unit in the file:
left out too.
"""

from __future__ import annotations

import polars as pl

from model.imports import parse
from model.imports.layouts import Layout, file_column

HOURS_BUDGETS = ("hours", "hours per project", "total project hours", "heures")


def _mode(billable: pl.Expr) -> pl.Expr:
    """Billable projects are time and materials (an assumption: the file says no more), the
    others internal."""
    return (
        pl.when(parse.boolean(billable).eq(False))
        .then(pl.lit("internal"))
        .otherwise(pl.lit("time_and_materials"))
    )


def _convert_clockify(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        _mode(file_column(frame, "billability")).alias("billing_mode"),
        file_column(frame, "estimated").alias("sold_hours"),
        file_column(frame, "rate_eur").alias("hourly_rate"),
    )


CLOCKIFY_PROJECTS = Layout(
    source="clockify",
    kind="projects",
    label="Clockify",
    headers={
        "project": {"en": "Project"},
        "client": {"en": "Client"},
        "billability": {"en": "Billability"},
        "estimated": {"en": "Estimated (h)"},
        "rate_eur": {"en": "Billable Rate (EUR)"},
    },
    required=("project", "billability"),
    convert=_convert_clockify,
    derived_from={
        "billing_mode": ("billability",),
        "sold_hours": ("estimated",),
        "hourly_rate": ("rate_eur",),
    },
)


def _convert_harvest(frame: pl.DataFrame) -> pl.DataFrame:
    by_hours = parse.fold(file_column(frame, "budget_by")).is_in(list(HOURS_BUDGETS))
    budget = file_column(frame, "budget")
    # A budget of 0 hours is Harvest's "no budget".
    hours = pl.when(by_hours & (parse.number(budget) != 0)).then(budget)
    return frame.with_columns(
        pl.lit("time_and_materials").alias("billing_mode"), hours.alias("sold_hours")
    )


HARVEST_PROJECTS = Layout(
    source="harvest",
    kind="projects",
    label="Harvest",
    headers={
        "client": {"en": "Client"},
        "project": {"en": "Project"},
        "start_date": {"en": "Start Date"},
        "end_date": {"en": "End Date"},
        "budget_by": {"en": "Budget By"},
        "budget": {"en": "Budget"},
    },
    required=("project", "budget_by"),
    convert=_convert_harvest,
    derived_from={"sold_hours": ("budget", "budget_by")},
)


def _convert_solidtime(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        file_column(frame, "name").alias("project"),
        _mode(file_column(frame, "billable_default")).alias("billing_mode"),
    )


SOLIDTIME_PROJECTS = Layout(
    source="solidtime",
    kind="projects",
    label="solidtime",
    headers={
        "name": {"en": "name"},
        "client": {"en": "client"},
        "billable_default": {"en": "billable_default"},
        "is_public": {"en": "is_public"},
        "color": {"en": "color"},
        "archived_at": {"en": "archived_at"},
    },
    required=("name", "billable_default"),
    convert=_convert_solidtime,
    derived_from={"project": ("name",), "billing_mode": ("billable_default",)},
)

LAYOUTS = (CLOCKIFY_PROJECTS, HARVEST_PROJECTS, SOLIDTIME_PROJECTS)

# Files a time tracker writes that hold nothing Pilotage keeps: refused with what to export
# instead (folded headers that identify them -> the reason).
NOTHING_TO_IMPORT = (
    (
        ("client name", "address"),
        "est la liste des clients de Harvest : Pilotage n'a pas de fiche client à importer (les "
        "clients viennent des projets, des temps et des factures). Importez plutôt l'export des "
        "projets de Harvest, ou ses temps.",
    ),
    (
        ("position in default template", "template column id"),
        "décrit les colonnes de l'export de Kimai (un modèle) et ne contient aucun temps : "
        "exportez les temps depuis Kimai.",
    ),
)
