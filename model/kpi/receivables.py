"""Aged receivables (balance âgée, KPI.md §4a) as of a date T.

Residual `r(T) = TTC − linked credit notes − allocations dated ≤ T` (payments after T ignored);
aged by due date (default) or invoice date, `d = (T − ageing date).days`: a payment due today
(d = 0) is not overdue. Unlinked credit notes are their own negative lines; unallocated payments
sit in their own column and count in the client's net total. Amounts are TTC, integer cents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import polars as pl

from model.facts import COMPANY_CURRENCY
from model.kpi.common import Explanation, Words, pct
from model.texts import LANGUAGES, code_word

NOT_DUE = "not_due"


@dataclass(frozen=True)
class ReceivablesSettings:
    basis: Literal["due_date", "invoice_date"] = "due_date"
    limits: tuple[int, ...] = (30, 60, 90)  # → not due, 1–30, 31–60, 61–90, > 90
    # Late-payment interest: ECB refinancing rate + 10 points, a dated setting (KPI.md §4a):
    # (first day in force, rate %), the rate of an invoice being the one in force on its due date.
    penalty_rates: tuple[tuple[str, float], ...] = (("2024-07-01", 14.25),)
    recovery_fee_cents: int = 4000  # 40 € per late invoice (art. D441-5 C. com.)

    @property
    def buckets(self) -> list[str]:
        names, low = [NOT_DUE], 1
        for limit in self.limits:
            names.append(f"{low}-{limit}")
            low = limit + 1
        return [*names, f"{self.limits[-1]}+"]


@dataclass
class AgedReceivables:
    items: pl.DataFrame  # one open item per row: invoice, credit note or unallocated payment
    clients: pl.DataFrame
    total: pl.DataFrame  # one row
    overdue_pct: float | None
    chase: pl.DataFrame  # who to chase first
    explanation: Explanation
    settings: ReceivablesSettings = field(default_factory=ReceivablesSettings)


def open_items(
    invoices: pl.DataFrame, payments: pl.DataFrame, *, as_of: date, explanation: Explanation
) -> pl.DataFrame:
    """Invoices and unlinked credit notes with their residual at T, and unallocated payments;
    `disputed` says which a platform reports rejected, refused or in dispute."""
    if "disputed" not in invoices.columns:  # no platform statuses
        invoices = invoices.with_columns(pl.lit(False).alias("disputed"))
    posted = invoices.filter(pl.col("status") == "posted")
    explanation.exclude(
        invoices.height - posted.height,
        "facture(s) en brouillon ou annulée(s) exclue(s)",
        "draft or cancelled invoice(s) left out",
    )
    known = posted.filter(pl.col("invoice_date") <= as_of)
    explanation.exclude(posted.height - known.height, "facture(s) datée(s) après T ignorée(s)",
                        "invoice(s) dated after T ignored")  # fmt: skip
    numbers = known.filter(pl.col("kind") == "invoice").select("number")
    notes = known.filter(pl.col("kind") == "credit_note")
    linked = notes.join(numbers, left_on="reversed_number", right_on="number", how="semi")
    credits = linked.group_by("reversed_number").agg(
        pl.col("amount_total_cents").sum().alias("credited_cents")
    )
    dated_payments = payments.filter(pl.col("date") <= as_of)
    allocated = settling(
        known, payments.filter(pl.col("invoice_number").is_in(numbers["number"].implode()))
    )
    # An invoice with payment rows is settled by them, dated; the later ones are ignored at T.
    paid = allocated.group_by("invoice_number").agg(
        pl.col("settled_cents").filter(pl.col("date") <= as_of).sum().round(0)
        .cast(pl.Int64).alias("paid_cents"),
        pl.col("date").filter(pl.col("date") <= as_of).max().alias("paid_on"),
    )  # fmt: skip
    has_payments = pl.col("paid_cents").is_not_null()
    invoices_open = (
        known.filter(pl.col("kind") == "invoice")
        .join(credits, left_on="number", right_on="reversed_number", how="left")
        .join(paid, left_on="number", right_on="invoice_number", how="left")
        .with_columns(
            # Without dated payments, the export's amount due is the best we know (it already
            # nets out reconciled credit notes).
            pl.when(has_payments | pl.col("amount_residual_cents").is_null())
            .then(
                pl.col("amount_total_cents")
                + pl.col("credited_cents").fill_null(0)
                - pl.col("paid_cents").fill_null(0)
            )
            .otherwise(pl.col("amount_residual_cents"))
            .alias("residual_cents"),
            pl.lit("invoice").alias("item"),
        )
    )
    # What was paid beyond an invoice is the client's money, not that invoice's age: it goes
    # to the unallocated column, dated by the last payment (as Odoo and ERPNext report it).
    overpaid = invoices_open.filter(has_payments & (pl.col("residual_cents") < 0)).select(
        "client",
        "number",
        pl.col("paid_on").alias("invoice_date"),
        pl.col("paid_on").alias("due_date"),
        "residual_cents",
        pl.lit("unallocated").alias("item"),
        pl.lit(False).alias("disputed"),
    )
    explanation.exclude(
        overpaid.height,
        "facture(s) payée(s) au-delà de leur montant : l'excédent est en non affecté",
        "invoice(s) paid beyond their amount: the excess is unallocated",
    )
    invoices_open = invoices_open.with_columns(
        pl.when(has_payments).then(pl.col("residual_cents").clip(lower_bound=0))
        .otherwise(pl.col("residual_cents")).alias("residual_cents")
    )  # fmt: skip
    undated = invoices_open.filter(~has_payments & pl.col("amount_residual_cents").is_not_null())
    explanation.exclude(
        undated.filter(pl.col("amount_residual_cents") != pl.col("amount_total_cents")).height,
        "facture(s) sans paiement daté : reste dû de l'export utilisé",
        "invoice(s) with no dated payment: the export's amount due is used",
    )
    unlinked_notes = notes.join(linked.select("number"), on="number", how="anti").with_columns(
        pl.coalesce("amount_residual_cents", "amount_total_cents").alias("residual_cents"),
        pl.lit("credit_note").alias("item"),
    )
    unallocated = dated_payments.filter(
        ~pl.col("invoice_number").is_in(numbers["number"].implode())
        | pl.col("invoice_number").is_null()
    ).select(
        "client",
        pl.coalesce("reference", pl.lit("paiement")).alias("number"),
        pl.col("date").alias("invoice_date"),
        pl.col("date").alias("due_date"),
        (-pl.col("amount_cents")).alias("residual_cents"),
        pl.lit("unallocated").alias("item"),
        pl.lit(False).alias("disputed"),
        _currency(payments),
        _in_currency(payments, "currency_amount_cents").neg().alias("currency_residual_cents"),
    )
    columns = ["client", "number", "invoice_date", "due_date", "residual_cents", "item", "disputed"]
    documents = pl.concat([invoices_open.select(columns), unlinked_notes.select(columns)])
    return pl.concat(
        [
            _in_their_currency(documents, known),
            _in_their_currency(overpaid.select(columns), known),
            unallocated,
        ]
    ).filter(pl.col("residual_cents") != 0)


def _currency(frame: pl.DataFrame) -> pl.Expr:
    """The document's currency (rows stored before currencies were kept are in euros)."""
    if "currency" not in frame.columns:
        return pl.lit(COMPANY_CURRENCY).alias("currency")
    return pl.col("currency").fill_null(COMPANY_CURRENCY)


def _in_currency(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A foreign document's amount in its currency; none for a euro one."""
    if column not in frame.columns:
        return pl.lit(None, pl.Int64)
    return pl.when(_currency(frame) != COMPANY_CURRENCY).then(pl.col(column))


def _euros_per_unit(invoices: pl.DataFrame) -> pl.DataFrame:
    """Each foreign-currency invoice's own rate: euros for one unit of its currency."""
    if "currency_total_cents" not in invoices.columns:
        return pl.DataFrame(
            schema={"number": pl.String, "_currency": pl.String, "_euros_per_unit": pl.Float64}
        )
    return invoices.filter(
        (_currency(invoices) != COMPANY_CURRENCY) & (pl.col("currency_total_cents") != 0)
    ).select(
        "number",
        _currency(invoices).alias("_currency"),
        (pl.col("amount_total_cents") / pl.col("currency_total_cents")).alias("_euros_per_unit"),
    )


def settling(invoices: pl.DataFrame, payments: pl.DataFrame) -> pl.DataFrame:
    """The payments with `settled_cents`: what each settles of its invoice, in euros (unrounded).

    A payment in its invoice's currency settles that many units at the invoice's own rate (KPI.md
    §0: 100 USD invoiced and 100 USD received leave nothing due, whatever the rate did in
    between: the difference is an exchange gain or loss, not a balance). Otherwise, its euros.
    """
    rates = _euros_per_unit(invoices).rename({"number": "invoice_number"})
    same_currency = (_currency(payments) == pl.col("_currency")) & pl.col(
        "currency_amount_cents"
    ).is_not_null()
    if "currency_amount_cents" not in payments.columns:
        same_currency = pl.lit(False)
    return (
        payments.join(rates, on="invoice_number", how="left", maintain_order="left")
        .with_columns(
            pl.when(same_currency)
            .then(pl.col("currency_amount_cents") * pl.col("_euros_per_unit"))
            .otherwise(pl.col("amount_cents").cast(pl.Float64))
            .alias("settled_cents")
        )
        .drop("_currency", "_euros_per_unit")
    )


def _in_their_currency(items: pl.DataFrame, invoices: pl.DataFrame) -> pl.DataFrame:
    """Open documents with their currency and what remains due in it (at their own rate)."""
    rates = _euros_per_unit(invoices)
    return items.join(rates, on="number", how="left", maintain_order="left").select(
        *items.columns,
        pl.col("_currency").fill_null(COMPANY_CURRENCY).alias("currency"),
        (pl.col("residual_cents") / pl.col("_euros_per_unit"))
        .round(0, mode="half_away_from_zero")
        .cast(pl.Int64)
        .alias("currency_residual_cents"),
    )


def aged_receivables(
    invoices: pl.DataFrame,
    payments: pl.DataFrame,
    *,
    as_of: date,
    settings: ReceivablesSettings = ReceivablesSettings(),
) -> AgedReceivables:
    explanation = Explanation(
        "Reste dû TTC à la date T = montant TTC − avoirs liés − paiements datés au plus tard T ; "
        "âge = T − date d'échéance (ou date de facture selon le réglage) ; échéance aujourd'hui = "
        "non échu ; avoirs non liés et paiements non lettrés en lignes négatives ; % en retard = "
        "échu ÷ total des pièces ouvertes (hors paiements non lettrés) ; trop-perçu sur une "
        "facture en non affecté. Pénalités de retard et indemnité de 40 € par facture à partir "
        "du lendemain de l'échéance, quelle que soit la base : reste dû × taux × jours de "
        "retard / 365. Montants en euros : une pièce en devise est convertie au taux de sa date, "
        "et un paiement dans sa devise la règle au taux de la facture (l'écart de change n'est "
        "pas une créance).",
        english="Amount due incl. VAT at T = total − linked credit notes − payments dated up "
        "to T; age = T − due date (or invoice date, per the setting); due today = not overdue; "
        "unlinked credit notes and unmatched payments as negative lines; % overdue = overdue ÷ "
        "open items (unmatched payments aside); an over-payment of an invoice is unallocated. "
        "Late-payment penalties and the 40 € indemnity per invoice run from the day after the "
        "due date, whatever the basis: amount due × rate × days late / 365. Amounts in euros: "
        "a document in another currency is converted at its date's rate, and a payment in its "
        "currency settles it at the invoice's rate (the exchange difference is not a "
        "receivable).",
        settings={
            "explain.basis": Words("échéance", "due date")
            if settings.basis == "due_date"
            else Words("date de facture", "invoice date"),
            "explain.limits": Words(
                *(", ".join(code_word(b, lang) for b in settings.buckets) for lang in LANGUAGES),
                raw=", ".join(settings.buckets),
            ),
            "explain.recovery_fee_cents": settings.recovery_fee_cents / 100,
            "explain.penalty_rates": ", ".join(
                f"{rate} ({since})" for since, rate in settings.penalty_rates
            ),
        },
    )
    items = open_items(invoices, payments, as_of=as_of, explanation=explanation)
    explanation.input_lines = items.height
    explanation.exclude(
        items["disputed"].sum(),
        "facture(s) contestée(s) sur la plateforme de facturation (rejetée, refusée ou en "
        "litige) : comptée(s) à part, ni âgée(s), ni en retard, ni à relancer",
        "invoice(s) contested on the e-invoicing platform (rejected, refused or in dispute): "
        "counted apart, neither aged, nor overdue, nor to chase",
    )
    items = _age(items, as_of, settings)
    buckets = settings.buckets
    clients = _by_client(items, buckets)
    total = clients.select(
        pl.col([*buckets, "disputed", "unallocated", "total", "overdue"]).sum(),
        pl.col("exposure_exact").sum().round(0).cast(pl.Int64).alias("exposure_cents"),
    )
    gross = total.select(pl.sum_horizontal(buckets)).item()
    overdue_pct = (total["overdue"].item() / gross * 100) if gross else None
    chase = (
        clients.filter(pl.col("past_due") > 0)
        .select(
            "client", pl.col("past_due").alias("overdue"), "max_days_late", "exposure_cents",
            "chase_score",
        )
        .sort("chase_score", descending=True)
    )  # fmt: skip
    return AgedReceivables(items, clients, total, overdue_pct, chase, explanation, settings)


def _age(items: pl.DataFrame, as_of: date, settings: ReceivablesSettings) -> pl.DataFrame:
    ageing_date = (
        pl.coalesce("due_date", "invoice_date")
        if settings.basis == "due_date"
        else pl.col("invoice_date")
    )
    days = (pl.lit(as_of) - ageing_date).dt.total_days()
    bucket = pl.when(days <= 0).then(pl.lit(NOT_DUE))
    low = 1
    for name, limit in zip(settings.buckets[1:-1], settings.limits, strict=True):
        bucket = bucket.when(days.is_between(low, limit)).then(pl.lit(name))
        low = limit + 1
    bucket = bucket.otherwise(pl.lit(settings.buckets[-1]))
    # Art. L441-10: penalties and the 40 € run from the day after the due date, whatever the
    # ageing basis; they are kept exact and rounded only where shown.
    days_late = (pl.lit(as_of) - pl.coalesce("due_date", "invoice_date")).dt.total_days()
    late = (days_late > 0) & (pl.col("item") == "invoice") & (pl.col("residual_cents") > 0)
    interest = pl.col("residual_cents") * pl.col("_rate") / 100 * days_late / 365
    exposure = pl.when(late).then(settings.recovery_fee_cents + interest).otherwise(0.0)
    return (
        _with_penalty_rate(items, settings)
        .with_columns(
            days.alias("days"),
            pl.when(pl.col("item") == "unallocated").then(None).otherwise(days_late)
            .alias("days_late"),
            pl.when(pl.col("item") == "unallocated").then(None).otherwise(bucket).alias("bucket"),
            exposure.alias("exposure_exact"),
            exposure.round(0).cast(pl.Int64).alias("exposure_cents"),
        )
        .drop("_rate")
    )  # fmt: skip


def _with_penalty_rate(items: pl.DataFrame, settings: ReceivablesSettings) -> pl.DataFrame:
    """`_rate`: the penalty rate in force on each item's due date (the earliest before it)."""
    rates = pl.DataFrame(
        {
            "_since": [date.fromisoformat(since) for since, _ in settings.penalty_rates],
            "_rate": [float(rate) for _, rate in settings.penalty_rates],
        }
    ).sort("_since")
    due = pl.coalesce("due_date", "invoice_date").alias("_due")
    with_due = items.with_row_index("_order").with_columns(due).sort("_due")
    joined = with_due.join_asof(rates, left_on="_due", right_on="_since", strategy="backward")
    return (
        joined.with_columns(pl.col("_rate").fill_null(rates["_rate"][0]))
        .sort("_order")
        .drop("_order", "_due", "_since")
    )


def _by_client(items: pl.DataFrame, buckets: list[str]) -> pl.DataFrame:
    """Per client: the buckets, what is disputed (apart: neither aged, overdue nor chased),
    unallocated payments, the total of all, what is late and who to chase first."""
    amount = pl.col("residual_cents")
    aged = pl.col("bucket").is_not_null() & ~pl.col("disputed")
    in_bucket = [
        amount.filter((pl.col("bucket") == b) & ~pl.col("disputed")).sum().alias(b) for b in buckets
    ]
    overdue = amount.filter((pl.col("days") > 0) & aged).sum()
    past_due = (pl.col("days_late") > 0) & aged
    return (
        items.group_by("client")
        .agg(
            *in_bucket,
            amount.filter(pl.col("disputed")).sum().alias("disputed"),
            amount.filter(pl.col("item") == "unallocated").sum().alias("unallocated"),
            amount.sum().alias("total"),
            overdue.alias("overdue"),
            # Late is counted from the due date, whatever the ageing basis.
            amount.filter(past_due).sum().alias("past_due"),
            pl.col("days_late").filter(past_due).max().alias("max_days_late"),
            pl.col("exposure_exact").filter(~pl.col("disputed")).sum(),
            # Who to chase first: the money late, weighted by how late it is.
            (amount * pl.col("days_late")).filter(past_due).sum().alias("chase_score"),
        )
        .with_columns(
            pct(pl.col("overdue"), pl.sum_horizontal(buckets)).alias("overdue_pct"),
            pl.col("exposure_exact").round(0).cast(pl.Int64).alias("exposure_cents"),
        )
        .sort("client")
    )
