"""What the sale order lines say a project sold, where the project list leaves it empty.

FORMATS.md §2: a project's billing mode comes from the invoicing policy of the products sold on
its sale order lines, so a mode the lines give is the project's mode. Sold hours (lines in hours,
or in days at the project's hours per day), the amount sold (every line, a licence included)
and the hourly rate (the time lines' amount ÷ their hours) fill what the list leaves empty: a
figure stated on the project itself wins. A project sold but missing from the list gets its row.
Rows completed so carry `from_orders = true`, said where the figures are used.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from model.kpi.common import Explanation
from model.kpi.frames import Facts
from model.text import fold_text

DEFAULT_HOURS_PER_DAY = 7.0
FILLED = ("sold_hours", "sold_amount_cents", "hourly_rate_cents")


def time_unit(unit: str | None) -> str | None:
    """A unit of measure as written, as time: "hour", "day", or None (a licence, a unit)."""
    folded = fold_text(unit or "").strip()
    if folded in ("h", "hr", "hrs") or folded.startswith(("heure", "hour")):
        return "hour"
    if folded in ("j", "d") or folded.startswith(("jour", "day", "journee")):
        return "day"
    return None


def sold_per_project(sale_lines: pl.DataFrame, projects: pl.DataFrame) -> pl.DataFrame:
    """Per project of the lines: sold hours, amount, hourly rate in cents and billing mode."""
    days = projects.select("project", pl.col("hours_per_day").alias("_per_day"))
    lines = sale_lines.join(days, on="project", how="left").with_columns(
        pl.col("unit").map_elements(time_unit, return_dtype=pl.String).alias("_unit"),
        pl.coalesce(
            "subtotal_cents", (pl.col("quantity") * pl.col("unit_price_cents")).round()
        ).alias("_amount"),
    )
    per_day = pl.col("_per_day").fill_null(DEFAULT_HOURS_PER_DAY)
    hours = (
        pl.when(pl.col("_unit") == "hour")
        .then(pl.col("quantity"))
        .when(pl.col("_unit") == "day")
        .then(pl.col("quantity") * per_day)
    )
    lines = lines.with_columns(hours.alias("_hours"))
    timed = pl.col("_hours").is_not_null()
    mode = pl.col("billing_mode").sort_by(pl.col("_amount").fill_null(0), descending=True)
    return (
        lines.group_by("project", maintain_order=True)
        .agg(
            pl.col("client").drop_nulls().first().alias("client"),
            pl.col("_hours").sum().alias("sold_hours"),
            pl.col("_amount").sum().cast(pl.Int64).alias("sold_amount_cents"),
            pl.col("_amount").filter(timed).sum().alias("_timed_amount"),
            timed.any().alias("_any_time"),
            # Several modes: that of the largest line.
            mode.drop_nulls().first().alias("billing_mode"),
        )
        .with_columns(
            pl.when(pl.col("_any_time") & (pl.col("sold_hours") > 0))
            .then((pl.col("_timed_amount") / pl.col("sold_hours")).round().cast(pl.Int64))
            .alias("hourly_rate_cents"),
            pl.when(pl.col("_any_time")).then(pl.col("sold_hours")).alias("sold_hours"),
        )
        .drop("_timed_amount", "_any_time")
    )


def with_sale_lines(facts: Facts) -> Facts:
    """The facts with each project completed from its sale order lines (`from_orders`)."""
    projects = facts.projects
    if "from_orders" in projects.columns:  # already done
        return facts
    if facts.sale_lines.height == 0:
        return replace(facts, projects=projects.with_columns(pl.lit(False).alias("from_orders")))
    sold = sold_per_project(facts.sale_lines, projects)
    joined = projects.join(sold, on="project", how="left", suffix="_sold")
    completes = pl.lit(False)
    for column in FILLED:
        completes = completes | (pl.col(column).is_null() & pl.col(f"{column}_sold").is_not_null())
    mode_given = pl.col("billing_mode_sold").is_not_null()
    changes_mode = mode_given & (pl.col("billing_mode") != pl.col("billing_mode_sold"))
    completed = joined.with_columns(
        *[pl.coalesce(column, f"{column}_sold").alias(column) for column in FILLED],
        pl.coalesce("client", "client_sold").alias("client"),
        pl.when(mode_given)
        .then(pl.col("billing_mode_sold"))
        .otherwise(pl.col("billing_mode"))
        .alias("billing_mode"),
        (completes | changes_mode).alias("from_orders"),
    ).select(*projects.columns, "from_orders")
    missing = sold.join(projects.select("project"), on="project", how="anti").with_columns(
        pl.col("billing_mode").fill_null("time_and_materials"),
        pl.lit(DEFAULT_HOURS_PER_DAY).alias("hours_per_day"),
        pl.lit(True).alias("from_orders"),
    )
    added = pl.concat([completed.clear(), missing], how="diagonal_relaxed").select(
        completed.columns
    )
    return replace(facts, projects=pl.concat([completed, added.cast(completed.schema)]))


def explain_sale_lines(explanation: Explanation, projects: pl.DataFrame) -> None:
    """Say how many of the projects shown have figures or a mode from their sale order lines."""
    if "from_orders" not in projects.columns:
        return
    explanation.exclude(
        projects.filter(pl.col("from_orders")).height,
        "projet(s) complété(s) par leurs lignes de commande : mode de facturation, et heures "
        "vendues, montant vendu ou taux horaire là où la liste des projets ne les donne pas",
        "project(s) completed from their sale order lines: billing mode, and sold hours, sold "
        "amount or hourly rate where the project list leaves them empty",
    )
