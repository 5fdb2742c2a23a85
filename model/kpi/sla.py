"""SLA respect (issue 13 §3): per support contract and month, the share of tickets closed by
their SLA deadline, and the tickets still open past it.

A ticket counts in the month of its deadline, once the deadline has passed or the ticket is
closed: met when closed by the deadline, missed when closed after it or still open past it at T.
A ticket open before its deadline is pending, counted nowhere yet. Its contract is the one it
names, else the client's contract in force on the day it was opened (the latest to start);
without one it is "hors contrat". Respect = met ÷ (met + missed), as Odoo's SLA success rate
and Zendesk's achievement rate leave the ongoing ones out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import polars as pl

from model.kpi.common import Explanation, pct

COUNTS = ("due", "met", "missed", "open_late")


@dataclass
class SlaRespect:
    tickets: pl.DataFrame  # each ticket due in the period: its contract, month and outcome
    months: pl.DataFrame  # contract × month: due, met, missed, open_late, respect_pct
    contracts: pl.DataFrame  # contract over the period
    total: pl.DataFrame  # one row
    open_late: pl.DataFrame  # tickets open at T past their deadline, the oldest first
    explanation: Explanation


def sla_respect(
    tickets: pl.DataFrame, contracts: pl.DataFrame, *, start: date, end: date, as_of: date
) -> SlaRespect:
    explanation = Explanation(
        "Respect du SLA = tickets clos au plus tard à leur échéance SLA ÷ tickets échus (clos, "
        "ou encore ouverts après l'échéance) ; mois de l'échéance ; un ticket ouvert avant son "
        "échéance n'est pas encore compté ; contrat du ticket, sinon celui du client en vigueur "
        "à l'ouverture.",
        english="SLA respect = tickets closed by their SLA deadline ÷ tickets due (closed, or "
        "still open past the deadline); month of the deadline; a ticket open before its "
        "deadline is not counted yet; the ticket's contract, else the client's contract in force "
        "when it was opened.",
    )
    explanation.exclude(
        tickets.filter(pl.col("sla_deadline").is_null()).height,
        "ticket(s) sans échéance SLA ignoré(s)",
        "ticket(s) without an SLA deadline left out",
    )
    end_of_t = datetime.combine(as_of + timedelta(days=1), time())
    closed = pl.col("closed_at").is_not_null() & (pl.col("closed_at") < end_of_t)
    outcome = (
        pl.when(closed & (pl.col("closed_at") <= pl.col("sla_deadline")))
        .then(pl.lit("met"))
        .when(closed)
        .then(pl.lit("missed"))
        .when(pl.col("sla_deadline") < end_of_t)
        .then(pl.lit("open_late"))
        .otherwise(pl.lit("pending"))
    )
    due = (
        _with_contract(tickets.filter(pl.col("sla_deadline").is_not_null()), contracts)
        .filter(pl.col("sla_deadline").dt.date().is_between(start, end))
        .with_columns(
            outcome.alias("outcome"),
            pl.col("sla_deadline").dt.date().dt.truncate("1mo").alias("month"),
        )
    )
    explanation.input_lines = due.height
    explanation.exclude(
        due.filter(pl.col("outcome") == "pending").height,
        "ticket(s) ouvert(s) avant leur échéance, pas encore comptés",
        "ticket(s) open before their deadline, not counted yet",
    )
    counted = due.filter(pl.col("outcome") != "pending")
    months = _counts(counted, ["contract", "month"]).sort("contract", "month", nulls_last=True)
    by_contract = _counts(counted, ["contract"]).sort("contract", nulls_last=True)
    total = counted.select(_tallies()).with_columns(_respect())
    open_late = due.filter(pl.col("outcome") == "open_late").sort("sla_deadline").select(
        "ticket", "client", "contract", "opened_at", "sla_deadline",
        ((pl.lit(end_of_t) - pl.col("sla_deadline")).dt.total_hours() / 24).floor()
        .cast(pl.Int64).alias("days_late"),
    )  # fmt: skip
    return SlaRespect(due, months, by_contract, total, open_late, explanation)


def _with_contract(tickets: pl.DataFrame, contracts: pl.DataFrame) -> pl.DataFrame:
    """The ticket's contract, else the client's contract in force the day it was opened."""
    numbered = tickets.with_row_index("_ticket")
    opened = pl.coalesce(pl.col("opened_at"), pl.col("sla_deadline")).dt.date()
    periods = contracts.select(
        pl.col("contract").alias("_in_force"), "client", "start_date", "end_date"
    )
    in_force = (pl.col("start_date").is_null() | (pl.col("start_date") <= pl.col("_day"))) & (
        pl.col("end_date").is_null() | (pl.col("_day") <= pl.col("end_date"))
    )
    chosen = (
        numbered.select("_ticket", "client", opened.alias("_day"))
        .join(periods, on="client")
        .filter(in_force)
        .sort(["_ticket", "start_date"], descending=[False, True], nulls_last=True)
        .group_by("_ticket", maintain_order=True)
        .first()
        .select("_ticket", "_in_force")
    )
    return (
        numbered.join(chosen, on="_ticket", how="left")
        .with_columns(pl.coalesce("contract", "_in_force").alias("contract"))
        .sort("_ticket")
        .drop("_ticket", "_in_force")
    )


def _tallies() -> list[pl.Expr]:
    return [
        pl.len().alias("due"),
        *[(pl.col("outcome") == name).sum().alias(name) for name in COUNTS[1:]],
    ]


def _counts(tickets: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    return tickets.group_by(keys).agg(_tallies()).with_columns(_respect())


def _respect() -> pl.Expr:
    return pct(pl.col("met"), pl.col("due")).alias("respect_pct")
