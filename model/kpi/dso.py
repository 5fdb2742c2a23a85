"""DSO, délai moyen de paiement clients (KPI.md §4b): countback (default), simple, average-based,
best possible DSO and average days delinquent. TTC receivables over TTC sales, net of credit notes.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from model.kpi.common import Explanation
from model.kpi.receivables import NOT_DUE, ReceivablesSettings, aged_receivables


@dataclass(frozen=True)
class DsoSettings:
    window_months: int = 3  # simple and average methods: sales of the last 3 months
    max_months: int = 12  # countback stops there: "> 12 mois"
    vat_rate_pct: float = 20.0  # unbilled work is valued TTC for the "DSO incl. WIP" line
    amber_days: float = 45.0  # KPI.md §4b: ≤ 45 green, 45–60 amber, > 60 red
    red_days: float = 60.0


@dataclass
class MonthSales:
    start: date
    days: int
    sales_cents: int


@dataclass
class Dso:
    countback: float | None
    countback_beyond: bool  # AR not used up within max_months
    simple: float | None
    average: float | None
    best_possible: float | None
    average_days_late: float | None
    credit_balance: bool
    receivables_cents: int
    window_sales_cents: int
    window_days: int
    clients: pl.DataFrame
    trend: pl.DataFrame  # month end, simple DSO
    explanation: Explanation


def countback(receivables_cents: int, months: list[MonthSales]) -> tuple[float | None, bool]:
    """Going back from T month by month, days whose sales the receivables still cover.

    `months` starts with the month holding T (its days up to T) and goes back in time.
    Returns (days, beyond): beyond is True when the months ran out before the receivables.
    """
    if receivables_cents <= 0:
        # Nothing owed: 0 days, when there were sales; with none, there is no DSO to show.
        return (0.0 if any(m.sales_cents > 0 for m in months) else None), False
    left, days = receivables_cents, 0.0
    for month in months:
        if month.sales_cents > 0 and left <= month.sales_cents:
            return days + left / month.sales_cents * month.days, False
        left -= max(month.sales_cents, 0)
        days += month.days
    return None, True


def simple(receivables_cents: int, sales_cents: int, days: int) -> float | None:
    """AR ÷ sales of the window × its days (the accounting method)."""
    if sales_cents <= 0:
        return None
    return max(receivables_cents, 0) / sales_cents * days


def month_sales(invoices: pl.DataFrame, as_of: date, count: int) -> list[MonthSales]:
    """Net TTC sales (invoices + credit notes) of the month of T up to T, then earlier months."""
    posted = invoices.filter((pl.col("status") == "posted") & (pl.col("invoice_date") <= as_of))
    by_month = dict(
        posted.group_by(pl.col("invoice_date").dt.truncate("1mo"))
        .agg(pl.col("amount_total_cents").sum())
        .rows()
    )
    months, start = [], as_of.replace(day=1)
    for index in range(count):
        days = as_of.day if index == 0 else calendar.monthrange(start.year, start.month)[1]
        months.append(MonthSales(start, days, int(by_month.get(start, 0))))
        start = (start - timedelta(days=1)).replace(day=1)
    return months


def dso(
    invoices: pl.DataFrame,
    payments: pl.DataFrame,
    *,
    as_of: date,
    settings: DsoSettings = DsoSettings(),
    receivables: ReceivablesSettings = ReceivablesSettings(),  # noqa: B008 - frozen
    trend_months: int = 12,
) -> Dso:
    explanation = Explanation(
        "Méthode par épuisement (par défaut) : on remonte les mois depuis T en retirant le CA TTC "
        "de chaque mois jusqu'à épuiser les créances TTC. Méthode simple : créances ÷ CA TTC des "
        "derniers mois × nombre de jours. DSO optimal : même calcul avec les seules créances non "
        "échues ; retard moyen = DSO simple − DSO optimal. CA net des avoirs.",
        english="Countback (default): going back month by month from T, each month's sales "
        "incl. VAT are taken off until the receivables incl. VAT are used up. Simple method: "
        "receivables ÷ sales incl. VAT of the last months × days. Best possible DSO: the same "
        "with the receivables not yet due; average days late = simple − best possible. Sales "
        "net of credit notes.",
        settings={
            "explain.window_months": settings.window_months,
            "explain.max_months": settings.max_months,
            "explain.vat_rate_pct": settings.vat_rate_pct,
        },
    )
    aged = aged_receivables(invoices, payments, as_of=as_of, settings=receivables)
    explanation.input_lines = aged.explanation.input_lines
    explanation.excluded += aged.explanation.excluded
    explanation.settings["explain.basis"] = aged.explanation.settings["explain.basis"]
    ar = int(aged.total["total"].item() or 0)
    not_due = int(aged.total[NOT_DUE].item() or 0)
    months = month_sales(invoices, as_of, settings.max_months)
    window = months[: settings.window_months]
    window_sales, window_days = sum(m.sales_cents for m in window), sum(m.days for m in window)
    counted, beyond = countback(ar, months)
    simple_dso = simple(ar, window_sales, window_days)
    best = simple(not_due, window_sales, window_days)
    opening = _receivables_before(invoices, payments, window[-1].start, receivables)
    average = simple((opening + ar) // 2, window_sales, window_days)
    late = simple_dso - best if simple_dso is not None and best is not None else None
    clients = _per_client(invoices, payments, aged.clients, as_of, settings)
    trend = _trend(invoices, payments, as_of, trend_months, settings, receivables)
    return Dso(counted, beyond, simple_dso, average, best, late, ar <= 0, ar, window_sales,
               window_days, clients, trend, explanation)  # fmt: skip


def including_wip(result: Dso, wip_untaxed_cents: int, settings: DsoSettings) -> float | None:
    """DSO with validated unbilled work (factures à émettre) added, TTC: the AFDCC's advice
    for IT services, where it is worth about 15 days of revenue (KPI.md §4b)."""
    wip = wip_untaxed_cents * (1 + settings.vat_rate_pct / 100)
    return simple(
        round(result.receivables_cents + wip), result.window_sales_cents, result.window_days
    )


def _receivables_before(
    invoices: pl.DataFrame, payments: pl.DataFrame, start: date, settings: ReceivablesSettings
) -> int:
    day_before = start - timedelta(days=1)
    aged = aged_receivables(invoices, payments, as_of=day_before, settings=settings)
    return int(aged.total["total"].item() or 0)


def _per_client(
    invoices: pl.DataFrame,
    payments: pl.DataFrame,
    aged_clients: pl.DataFrame,
    as_of: date,
    settings: DsoSettings,
) -> pl.DataFrame:
    rows = []
    for client, ar in aged_clients.select("client", "total").rows():
        months = month_sales(
            invoices.filter(pl.col("client") == client), as_of, settings.max_months
        )
        window = months[: settings.window_months]
        counted, _ = countback(ar, months)
        simple_dso = simple(ar, sum(m.sales_cents for m in window), sum(m.days for m in window))
        rows.append((client, counted, simple_dso))
    schema = {"client": pl.String, "countback": pl.Float64, "simple": pl.Float64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _trend(
    invoices: pl.DataFrame,
    payments: pl.DataFrame,
    as_of: date,
    months: int,
    settings: DsoSettings,
    receivables: ReceivablesSettings,
) -> pl.DataFrame:
    """Simple DSO at each of the last month ends (and at T)."""
    rows, end = [], as_of
    for _ in range(months):
        aged = aged_receivables(invoices, payments, as_of=end, settings=receivables)
        window = month_sales(invoices, end, settings.window_months)
        ar = int(aged.total["total"].item() or 0)
        sales = sum(m.sales_cents for m in window)
        rows.append((end, simple(ar, sales, sum(m.days for m in window))))
        end = end.replace(day=1) - timedelta(days=1)
    return pl.DataFrame(rows, schema={"date": pl.Date, "dso": pl.Float64}, orient="row").sort(
        "date"
    )
