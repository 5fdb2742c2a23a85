"""Invoicing delay, unbilled work in progress and project margin (KPI.md §6).

Invoicing delay: for each invoiced billable entry, `invoice date − work date`, weighted by hours
(mean, median, 90th percentile). WIP age: `T − work date` for billable entries not invoiced yet.
Margin: revenue HT (invoiced + to invoice, at the project's hourly rate; fixed price: the sold
amount, and a percentage-of-completion variant) − hours × cost rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from model.kpi.charge import billable_hours, with_recognised_hours
from model.kpi.common import (
    Explanation,
    categorise,
    cost_rate,
    explain_default_cost,
    explain_timesheet_cost,
    pct,
    person_costs,
    ratio,
)


def with_invoiced_periods(lines: pl.DataFrame, invoices: pl.DataFrame) -> pl.DataFrame:
    """The lines, those without an invoice number given the invoice whose billed period covers
    them (an e-invoice's BG-14 or lines' BG-26): same project, or same client when the invoice
    names no project, worked by the invoice date; the earliest such invoice. They are marked
    `invoice_from_period`: the invoicing delay then measures the real delay of that work."""
    if "invoice_from_period" in lines.columns:  # already done
        return lines
    marked = lines.with_columns(pl.lit(False).alias("invoice_from_period"))
    periods = invoices.filter(
        pl.col("period_start").is_not_null()
        & pl.col("period_end").is_not_null()
        & (pl.col("kind") != "credit_note")
    ).select(pl.col("number").alias("_number"), "invoice_date", "project", "client",
             "period_start", "period_end")  # fmt: skip
    if periods.height == 0:
        return marked
    loose = marked.with_row_index("_line").filter(pl.col("invoice_number").is_null())
    columns = ["_line", "date", "project", "client"]
    candidates = pl.concat([
        loose.select(columns).join(
            periods.filter(pl.col("project").is_not_null()).drop("client"), on="project"
        ),
        loose.select(columns).join(
            periods.filter(pl.col("project").is_null()).drop("project"), on="client"
        ),
    ], how="diagonal_relaxed")  # fmt: skip
    covered = (
        candidates.filter(
            pl.col("date").is_between("period_start", "period_end")
            & (pl.col("date") <= pl.col("invoice_date"))
        )
        .sort("invoice_date", "_number")
        .unique("_line", keep="first")
        .select("_line", "_number")
    )
    return (
        marked.with_row_index("_line")
        .join(covered, on="_line", how="left")
        .with_columns(
            pl.coalesce("invoice_number", "_number").alias("invoice_number"),
            pl.col("_number").is_not_null().alias("invoice_from_period"),
        )
        .drop("_line", "_number")
    )


@dataclass
class InvoicingDelay:
    mean_days: float | None
    median_days: float | None
    p90_days: float | None
    # From the end of the worked month to the invoice: how late a monthly invoice leaves.
    after_month_days: float | None
    wip_hours: float
    wip_mean_age_days: float | None
    wip_oldest_days: int | None
    wip_cents: int
    by_project: pl.DataFrame
    explanation: Explanation


def weighted_quantile(values: pl.Series, weights: pl.Series, q: float) -> float | None:
    """The smallest value whose cumulative weight reaches the share `q` of the total."""
    if values.len() == 0 or weights.sum() <= 0:
        return None
    frame = pl.DataFrame({"v": values, "w": weights}).sort("v")
    share = frame["w"].cum_sum() / frame["w"].sum()
    return float(frame.filter(share >= q - 1e-12)["v"][0])


def invoicing_delay(
    lines: pl.DataFrame, projects: pl.DataFrame, invoices: pl.DataFrame, *, as_of: date
) -> InvoicingDelay:
    explanation = Explanation(
        "Délai de facturation = date de facture − date du travail, pondéré par les heures, sur les "
        "heures facturables facturées ; en-cours non facturé = heures facturables sans facture, "
        "âge = T − date du travail, valorisé au taux horaire du projet. Chaque jour s'ajoute au "
        "DSO : le délai légal de paiement court à partir de la facture.",
        english="Invoicing delay = invoice date − work date, weighted by hours, over invoiced "
        "billable hours; unbilled work = billable hours with no invoice, age = T − work date, "
        "valued at the project's hourly rate. Every day adds to the DSO: the legal payment "
        "period starts at the invoice.",
    )
    billable = (
        categorise(lines.lazy(), projects.lazy())
        .filter(
            pl.col("category").is_in(["billable", "support_billed"]) & (pl.col("date") <= as_of)
        )
        .join(projects.lazy().select("project", "hourly_rate_cents"), on="project", how="left")
        .join(
            invoices.lazy().select(pl.col("number").alias("invoice_number"), "invoice_date"),
            on="invoice_number",
            how="left",
        )
        .collect()
    )
    explanation.input_lines = billable.height
    invoiced = billable.filter(pl.col("invoice_date").is_not_null()).with_columns(
        (pl.col("invoice_date") - pl.col("date")).dt.total_days().alias("delay"),
        (pl.col("invoice_date") - pl.col("date").dt.month_end()).dt.total_days().alias("late"),
    )
    if "invoice_from_period" in invoiced.columns:
        explanation.exclude(
            invoiced["invoice_from_period"].sum(),
            "ligne(s) sans numéro de facture rattachée(s) à la facture électronique dont la "
            "période facturée (BG-14 ou BG-26) les couvre, même projet ou même client",
            "line(s) without an invoice number tied to the e-invoice whose billed period "
            "(BG-14 or BG-26) covers them, same project or same client",
        )
    unknown = billable.filter(
        pl.col("invoice_number").is_not_null() & pl.col("invoice_date").is_null()
    )
    explanation.exclude(
        unknown.height,
        "ligne(s) liée(s) à une facture absente des factures importées",
        "line(s) linked to an invoice missing from the imported invoices",
    )
    wip = billable.filter(pl.col("invoice_number").is_null()).with_columns(
        (pl.lit(as_of) - pl.col("date")).dt.total_days().alias("age")
    )
    hours = invoiced["hours"]
    mean = ratio(pl.lit((invoiced["delay"] * hours).sum()), pl.lit(hours.sum()))
    wip_hours = float(wip["hours"].sum())
    by_project = (
        invoiced.group_by("project")
        .agg(
            ratio((pl.col("delay") * pl.col("hours")).sum(), pl.col("hours").sum()).alias(
                "mean_days"
            )
        )
        .join(
            wip.group_by("project").agg(
                pl.col("hours").sum().alias("wip_h"),
                (pl.col("hours") * pl.col("hourly_rate_cents"))
                .sum()
                .round(0)
                .cast(pl.Int64)
                .alias("wip_cents"),
                pl.col("age").max().alias("wip_oldest_days"),
            ),
            on="project",
            how="full",
            coalesce=True,
        )
        .sort("project")
    )
    return InvoicingDelay(
        mean_days=pl.select(mean).item(),
        median_days=weighted_quantile(invoiced["delay"], hours, 0.5),
        p90_days=weighted_quantile(invoiced["delay"], hours, 0.9),
        after_month_days=(invoiced["late"] * hours).sum() / hours.sum() if hours.sum() else None,
        wip_hours=wip_hours,
        wip_mean_age_days=(wip["age"] * wip["hours"]).sum() / wip_hours if wip_hours else None,
        wip_oldest_days=wip["age"].max(),
        wip_cents=int((wip["hours"] * wip["hourly_rate_cents"].fill_null(0)).sum()),
        by_project=by_project,
        explanation=explanation,
    )


@dataclass
class ProjectMargin:
    projects: pl.DataFrame
    explanation: Explanation


def project_margin(
    lines: pl.DataFrame,
    projects: pl.DataFrame,
    employees: pl.DataFrame,
    *,
    as_of: date,
    default_cost_rate_cents: int = 4500,
) -> ProjectMargin:
    explanation = Explanation(
        "Marge = chiffre d'affaires HT − heures × coût horaire. Part facturable = heures "
        "facturables B (facturé, support facturé, forfait dans le budget vendu) ÷ heures "
        "saisies. Régie : heures facturables "
        "(facturées et à facturer) × taux horaire du projet. Forfait : montant vendu, et en "
        "variante à l'avancement : montant vendu × avancement déclaré (plafonné à 100 %).",
        english="Margin = revenue excl. VAT − hours × hourly cost. Billable ratio = billable "
        "hours B (billed, billed support, fixed price within the sold budget) ÷ logged hours. "
        "Time and materials: billable "
        "hours (invoiced and to invoice) × the project's rate. Fixed price: the sold amount, or "
        "by completion: sold amount × declared progress (capped at 100 %).",
    )
    costs = person_costs(employees.lazy())
    categorised = categorise(lines.lazy().filter(pl.col("date") <= as_of), projects.lazy())
    worked = (
        with_recognised_hours(categorised, projects.lazy())
        .join(costs, on="employee", how="left")
        .group_by("project")
        .agg(
            pl.col("hours").sum().alias("hours_h"),
            # Time and materials revenue: the hours billed at the project's rate.
            pl.col("hours").filter(pl.col("category") == "billable").sum().alias("billed_h"),
            billable_hours().sum().alias("billable_h"),
            pl.col("hours")
            .filter((pl.col("category") == "billable") & pl.col("invoice_number").is_not_null())
            .sum()
            .alias("invoiced_h"),
            (pl.col("hours") * cost_rate(default_cost_rate_cents)).sum().alias("cost_cents"),
            pl.col("cost_rate_cents").is_null().sum().alias("_lines_without_cost"),
            pl.col("_cost_from_lines").fill_null(False).sum().alias("_lines_costed_from_lines"),
        )
    )
    frame = (
        projects.lazy()
        .join(worked, on="project", how="left")
        .with_columns(
            pl.col("hours_h", "billed_h", "billable_h", "invoiced_h", "cost_cents").fill_null(0.0)
        )
        .with_columns(
            _revenue().alias("revenue_cents"), _completion_revenue().alias("poc_revenue_cents")
        )
        .with_columns(
            (pl.col("revenue_cents") - pl.col("cost_cents")).alias("margin_cents"),
            pct(pl.col("revenue_cents") - pl.col("cost_cents"), pl.col("revenue_cents")).alias(
                "margin_pct"
            ),
            pct(pl.col("billable_h"), pl.col("hours_h")).alias("billable_ratio_pct"),
        )
        .collect()
        .sort("project")
    )
    explanation.input_lines = int(frame["hours_h"].count())
    without_cost = int(frame["_lines_without_cost"].fill_null(0).sum())
    explain_default_cost(explanation, without_cost, default_cost_rate_cents)
    explain_timesheet_cost(explanation, int(frame["_lines_costed_from_lines"].fill_null(0).sum()))
    frame = frame.drop("_lines_without_cost", "_lines_costed_from_lines", "billed_h")
    return ProjectMargin(frame, explanation)


def _revenue() -> pl.Expr:
    time_and_materials = pl.col("billed_h") * pl.col("hourly_rate_cents").fill_null(0)
    return (
        pl.when(pl.col("billing_mode") == "fixed_price")
        .then(pl.col("sold_amount_cents").fill_null(0).cast(pl.Float64))
        .otherwise(time_and_materials)
    )


def _completion_revenue() -> pl.Expr:
    share = (pl.col("progress_pct").fill_null(0) / 100).clip(upper_bound=1)
    return pl.when(pl.col("billing_mode") == "fixed_price").then(
        pl.col("sold_amount_cents").fill_null(0) * share
    )
