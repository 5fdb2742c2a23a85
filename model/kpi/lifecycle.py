"""What the approved platform says became of each e-invoice (its status export).

An invoice takes its latest status (by date; on one day, the later step of the lifecycle). One
rejected, refused or in dispute is disputed: the aged balance shows it apart and the chase list
leaves it out, since chasing a client for an invoice they contest makes things worse. « Encaissée »
dates the payment: an invoice that no payment of the store settles (no FEC or bank line names it)
gets one on that date, of the amount cashed (else its total), marked `from_platform`.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from model.facts import DISPUTED_STATUSES, LIFECYCLE_CODES
from model.kpi.assumed import in_columns_of
from model.kpi.frames import Facts

PLATFORM_REFERENCE = "plateforme"


def latest_statuses(events: pl.DataFrame) -> pl.DataFrame:
    """number, platform_status, status_date, status_reason: each invoice's latest status."""
    step = pl.col("status").replace_strict(LIFECYCLE_CODES, return_dtype=pl.Int64)
    return (
        events.sort("date", step)
        .group_by("number", maintain_order=True)
        .last()
        .select(
            "number",
            pl.col("status").alias("platform_status"),
            pl.col("date").alias("status_date"),
            pl.col("reason").alias("status_reason"),
        )
    )


def with_invoice_events(facts: Facts) -> Facts:
    """Invoices with their latest platform status and `disputed`; payments with those the
    platform's « encaissée » dates for invoices no payment settles."""
    if "disputed" in facts.invoices.columns:  # already done
        return facts
    latest = latest_statuses(facts.invoice_events)
    invoices = facts.invoices.join(latest, on="number", how="left").with_columns(
        pl.col("platform_status").is_in(DISPUTED_STATUSES).fill_null(False).alias("disputed")
    )
    return replace(facts, invoices=invoices, payments=_with_cashed(facts, invoices))


def _with_cashed(facts: Facts, invoices: pl.DataFrame) -> pl.DataFrame:
    payments = facts.payments.with_columns(pl.lit(False).alias("from_platform"))
    cashed = facts.invoice_events.filter(pl.col("status") == "cashed")
    if cashed.height == 0:
        return payments
    settled = payments.filter(pl.col("invoice_number").is_not_null()).select("invoice_number")
    first = cashed.sort("date").group_by("number", maintain_order=True).first()
    dated = (
        first.join(settled, left_on="number", right_on="invoice_number", how="anti")
        .join(
            invoices.filter(pl.col("kind") == "invoice").select(
                "number", "client", "amount_total_cents"
            ),
            on="number",
        )
        .select(
            "client",
            "date",
            pl.coalesce("amount_cents", "amount_total_cents").alias("amount_cents"),
            pl.col("number").alias("invoice_number"),
            pl.lit(PLATFORM_REFERENCE).alias("reference"),
            pl.lit("EUR").alias("currency"),
            pl.lit(True).alias("from_platform"),
        )
    )
    return pl.concat([payments, in_columns_of(dated, payments)])
