"""Sold vs consumed time on fixed-price projects (KPI.md §2), as of a date.

`pct_consumed = 100 × consumed_h / sold_h`; declared progress is the project manager's input,
never derived from hours. `CPI = progress / pct_consumed`, `EAC = consumed / progress`,
forecast overrun = `EAC − sold`. Status: amber when ≥ 80 % consumed and progress lags, red past
100 %, unrecoverable past 110 % (a field heuristic, shown as such).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from model.kpi.common import (
    Explanation,
    cost_rate,
    explain_default_cost,
    explain_timesheet_cost,
    pct,
    person_costs,
    ratio,
)
from model.kpi.sold import explain_sale_lines


@dataclass(frozen=True)
class ProjectThresholds:
    amber_pct: float = 80.0
    red_pct: float = 100.0
    unrecoverable_pct: float = 110.0
    default_cost_rate_cents: int = 4500  # when nobody on the project has a cost rate


@dataclass
class SoldVsConsumed:
    projects: pl.DataFrame
    burn_up: pl.DataFrame  # project × month: consumed_h, cumulative_h, sold_h
    explanation: Explanation
    settings: ProjectThresholds = field(default_factory=ProjectThresholds)


def sold_hours(projects: pl.LazyFrame) -> pl.LazyFrame:
    """Hours sold: `sold_hours`, else a budget in € converted at the sold hourly rate."""
    from_amount = ratio(pl.col("sold_amount_cents").cast(pl.Float64), pl.col("hourly_rate_cents"))
    return projects.with_columns(pl.coalesce(pl.col("sold_hours"), from_amount).alias("sold_h"))


def sold_vs_consumed(
    lines: pl.DataFrame,
    projects: pl.DataFrame,
    employees: pl.DataFrame,
    *,
    as_of: date,
    thresholds: ProjectThresholds = ProjectThresholds(),
) -> SoldVsConsumed:
    explanation = Explanation(
        "% consommé = heures saisies (toutes catégories) ÷ heures vendues ; avancement déclaré "
        "par le chef de projet ; CPI = avancement ÷ % consommé ; estimation à terminaison = "
        "consommé ÷ avancement ; dépassement prévu = estimation − vendu ; coût au coût horaire "
        "moyen des personnes du projet (coût par défaut pour qui n'en a pas).",
        english="% consumed = logged hours (every category) ÷ sold hours; progress declared by "
        "the project manager; CPI = progress ÷ % consumed; estimate at completion = consumed ÷ "
        "progress; forecast overrun = estimate − sold; cost at the mean hourly cost of the "
        "project's people (the default cost for whoever has none).",
        settings={
            "explain.amber_pct": thresholds.amber_pct,
            "explain.red_pct": thresholds.red_pct,
            "explain.unrecoverable_pct": thresholds.unrecoverable_pct,
        },
    )
    fixed = sold_hours(projects.lazy()).filter(pl.col("billing_mode") == "fixed_price")
    explain_sale_lines(explanation, projects.filter(pl.col("billing_mode") == "fixed_price"))
    until = lines.lazy().filter(pl.col("date") <= as_of)
    costs = person_costs(employees.lazy())
    consumed = (
        until.join(costs, on="employee", how="left")
        .group_by("project")
        .agg(
            pl.col("hours").sum().alias("consumed_h"),
            # Hours-weighted cost rate of the people who worked on the project.
            ratio(
                (pl.col("hours") * cost_rate(thresholds.default_cost_rate_cents)).sum(),
                pl.col("hours").sum(),
            ).alias("cost_rate_cents"),
            pl.col("cost_rate_cents").is_null().sum().alias("_lines_without_cost"),
            pl.col("_cost_from_lines").fill_null(False).sum().alias("_lines_costed_from_lines"),
        )
    )
    after_end = (
        until.join(fixed.select("project", "end_date"), on="project")
        .filter(pl.col("end_date").is_not_null() & (pl.col("date") > pl.col("end_date")))
        .group_by("project")
        .agg(pl.col("hours").sum().alias("hours_after_end"))
    )
    frame = (
        fixed.join(consumed, on="project", how="left")
        .join(after_end, on="project", how="left")
        .with_columns(
            pl.col("consumed_h", "hours_after_end").fill_null(0.0),
            pl.col("cost_rate_cents").fill_null(thresholds.default_cost_rate_cents),
        )
        .pipe(_indicators, thresholds)
        .collect()
        .sort("project")
    )
    without_cost = int(frame["_lines_without_cost"].fill_null(0).sum())
    explain_default_cost(explanation, without_cost, thresholds.default_cost_rate_cents)
    explain_timesheet_cost(explanation, int(frame["_lines_costed_from_lines"].fill_null(0).sum()))
    frame = frame.drop("_lines_without_cost", "_lines_costed_from_lines")
    explanation.input_lines = until.select(pl.len()).collect().item()
    explanation.exclude(
        frame.filter(pl.col("sold_h").is_null() | (pl.col("sold_h") == 0)).height,
        "projet(s) au forfait sans budget (« pas de budget »)",
        "fixed-price project(s) with no budget (“no budget”)",
    )
    return SoldVsConsumed(frame, _burn_up(until, fixed), explanation, thresholds)


def _indicators(frame: pl.LazyFrame, thresholds: ProjectThresholds) -> pl.LazyFrame:
    sold = pl.when(pl.col("sold_h") > 0).then(pl.col("sold_h")).otherwise(None)
    consumed, progress = pl.col("consumed_h"), pl.col("progress_pct")
    pct_consumed = pct(consumed, sold)
    eac = ratio(consumed, progress / 100)
    overrun = eac - sold
    status = (
        pl.when(pct_consumed.is_null())
        .then(pl.lit("no_budget"))
        .when(pct_consumed > thresholds.unrecoverable_pct)
        .then(pl.lit("unrecoverable"))
        .when(pct_consumed > thresholds.red_pct)
        .then(pl.lit("red"))
        .when((pct_consumed >= thresholds.amber_pct) & (progress < pct_consumed))
        .then(pl.lit("amber"))
        .otherwise(pl.lit("ok"))
    )
    cost = pl.col("cost_rate_cents")
    return frame.with_columns(
        pct_consumed.alias("pct_consumed"),
        (sold - consumed).alias("remaining_h"),
        (consumed - sold).clip(lower_bound=0).alias("overtime_h"),
        ratio(progress, pct_consumed).alias("cpi"),
        eac.alias("eac_h"),
        overrun.alias("forecast_overrun_h"),
        pct(overrun, sold).alias("forecast_overrun_pct"),
        ((consumed - sold).clip(lower_bound=0) * cost)
        .round(0)
        .cast(pl.Int64)
        .alias("overtime_cost_cents"),
        (overrun.clip(lower_bound=0) * cost)
        .round(0)
        .cast(pl.Int64)
        .alias("forecast_overrun_cost_cents"),
        # Fixed-price work earns sold amount ÷ hours spent, to compare with sold and cost rates.
        ratio(pl.col("sold_amount_cents").cast(pl.Float64), consumed).alias("effective_rate_cents"),
        status.alias("status"),
    )


def _burn_up(lines: pl.LazyFrame, fixed: pl.LazyFrame) -> pl.DataFrame:
    monthly = (
        lines.join(fixed.select("project", "sold_h"), on="project")
        .with_columns(pl.col("date").dt.truncate("1mo").alias("month"))
        .group_by("project", "month")
        .agg(pl.col("hours").sum().alias("consumed_h"), pl.col("sold_h").first())
        .sort("project", "month")
        .with_columns(pl.col("consumed_h").cum_sum().over("project").alias("cumulative_h"))
    )
    return monthly.collect()
