"""Cash forecast (KPI.md §5): direct method, categorised, 13 ISO weeks and 6 months.

closing(t) = opening + Σ inflows − Σ outflows up to t, from the bank balance at T. Inflows: open
receivables at due date + the client's payment delay, validated unbilled work (invoiced on the
next billing date, then terms + delay), recurring receipts; outflows: recurring flows and VAT.
Scenarios shift the receipts; levers (DSO gained, weekly invoicing, utilisation) show what a
manager can change, in euros.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import polars as pl

from model.kpi.capacity import capacity_calendar
from model.kpi.common import Explanation, categorise, coded
from model.kpi.frames import Facts
from model.kpi.receivables import open_items, settling
from model.kpi.scope import add_months, month_end
from model.text import fold_text
from model.texts import text

Scenario = Literal["base", "pessimistic", "optimistic"]
SCENARIOS: tuple[Scenario, ...] = ("base", "pessimistic", "optimistic")
MOVEMENT_SCHEMA = {
    "date": pl.Date, "category": pl.String, "label": pl.String, "client": pl.String,
    "amount_cents": pl.Int64,  # signed: receipts > 0, payments < 0
}  # fmt: skip


@dataclass(frozen=True)
class CashSettings:
    opening_cents: int = 0  # a balance entered on the page…
    opening_date: str = ""  # …with its date; empty: the bank accounts (512) of the FEC
    vat_mode: str = "encaissements"  # encaissements · debits · flux (VAT in recurring flows)
    vat_rate_pct: float = 20.0
    vat_day: int = 24  # monthly VAT return (CA3) due around the 24th of the next month
    invoicing: str = "monthly"  # monthly · weekly: when unbilled work is invoiced
    payment_terms_days: int = 30
    min_paid_invoices: int = 3  # fewer paid invoices: the company-wide delay is used
    max_overdue_days: int = 90  # older receivables are left out of the forecast
    payroll_category: str = "salaires"
    pessimistic_delay_days: int = 15
    pessimistic_unbilled_share: float = 0.8


@dataclass(frozen=True)
class Levers:
    """What a manager controls, for the what-if."""

    dso_days_gained: int = 0
    weekly_invoicing: bool = False
    utilisation_points: float = 0.0


@dataclass
class CashForecast:
    as_of: date
    scenario: Scenario
    opening_cents: int
    opening_basis: str  # entered (a setting), fec (512 balances) or none
    opening_day: date | None  # the date of that balance
    movements: pl.DataFrame  # every forecast receipt and payment
    weeks: pl.DataFrame  # start, inflows_cents, outflows_cents, closing_cents
    months: pl.DataFrame  # month, inflows_cents, outflows_cents, closing_cents
    lowest_date: date
    lowest_cents: int
    clients: pl.DataFrame  # client, delay_days, invoices_used, spread_days, own_history
    company_delay_days: int
    payroll_cents: int  # next month's payroll: the alert threshold
    below_payroll: date | None  # first bucket end below it
    excluded: pl.DataFrame  # receivables left out (too old)
    explanation: Explanation = field(default_factory=lambda: Explanation(""))

    def opening_source(self, lang: str = "fr") -> str:
        """Where the opening balance comes from; `kpi cash --json` gives it in French."""
        day = f"{self.opening_day:%d/%m/%Y}" if self.opening_day else ""
        return text(f"opening.{self.opening_basis}", lang, day=day)


# ── Payment behaviour ────────────────────────────────────────────────────────────────────────


def payment_behaviour(
    invoices: pl.DataFrame, payments: pl.DataFrame, *, as_of: date, min_invoices: int = 3
) -> tuple[pl.DataFrame, int]:
    """Each client's amount-weighted mean delay (payment date − due date), rounded up to whole
    days, over invoices fully paid in the 12 months before T; the company-wide delay for clients
    with fewer than `min_invoices`; the weighted spread, for the confidence band."""
    paid = paid_invoices(invoices, payments, as_of=as_of)
    weighted = (pl.col("delay") * pl.col("amount")).sum() / pl.col("amount").sum()
    company = paid.select(weighted).item() if paid.height else 0.0
    company_days = math.ceil(company - 1e-9) if company is not None else 0
    clients = (
        paid.group_by("client")
        .agg(
            weighted.alias("mean"),
            pl.len().alias("invoices_used"),
            ((pl.col("delay") - weighted).pow(2) * pl.col("amount")).sum()
            .truediv(pl.col("amount").sum()).sqrt().alias("spread_days"),
        )
        .with_columns((pl.col("invoices_used") >= min_invoices).alias("own_history"))
        .with_columns(
            pl.when(pl.col("own_history"))
            .then((pl.col("mean") - 1e-9).ceil().cast(pl.Int64))
            .otherwise(pl.lit(company_days))
            .alias("delay_days")
        )
        .select("client", "delay_days", "invoices_used", "spread_days", "own_history")
        .sort("client")
    )  # fmt: skip
    return clients, company_days


def paid_invoices(invoices: pl.DataFrame, payments: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """Invoices whose linked payments reached what was due (total net of the credit notes that
    reverse them), with the date they did."""
    posted = invoices.filter(pl.col("status") == "posted")
    credited = (
        posted.filter((pl.col("kind") == "credit_note") & pl.col("reversed_number").is_not_null())
        .group_by("reversed_number")
        .agg(pl.col("amount_total_cents").sum().alias("credited"))
    )
    due = (
        posted.filter(pl.col("kind") == "invoice")
        .join(credited, left_on="number", right_on="reversed_number", how="left")
        .select(
            pl.col("number").alias("invoice_number"), "due_date",
            pl.col("amount_total_cents").alias("amount"),
            (pl.col("amount_total_cents") + pl.col("credited").fill_null(0)).alias("owed"),
        )
    )  # fmt: skip
    linked = payments.filter(pl.col("invoice_number").is_not_null() & (pl.col("date") <= as_of))
    running = (
        settling(posted, linked)
        .sort("date")
        .with_columns(
            pl.col("settled_cents").cum_sum().over("invoice_number").round(0).alias("paid")
        )
        .join(due, on="invoice_number")
    )
    settled = (
        running.filter(pl.col("paid") >= pl.col("owed"))
        .group_by("invoice_number", "client", "due_date", "amount")
        .agg(pl.col("date").min().alias("paid_on"))
    )
    return settled.filter(pl.col("paid_on") > as_of - timedelta(days=365)).with_columns(
        (pl.col("paid_on") - pl.col("due_date")).dt.total_days().cast(pl.Float64).alias("delay")
    )


# ── The forecast ─────────────────────────────────────────────────────────────────────────────


def cash_forecast(
    facts: Facts,
    settings: CashSettings,
    *,
    as_of: date,
    scenario: Scenario = "base",
    weeks: int = 13,
    months: int = 6,
    levers: Levers = Levers(),
    spread: int = 0,
) -> CashForecast:
    """`spread` = +1 or −1 moves every client's delay by its spread (weighted standard
    deviation, whole days): the edges of the confidence band."""
    explanation = Explanation(
        "Solde de clôture = solde d'ouverture + encaissements − décaissements. Créances ouvertes "
        "encaissées à l'échéance + retard moyen du client (pondéré par les montants, factures "
        "payées sur 12 mois, arrondi au jour supérieur ; retard de la société sous "
        f"{settings.min_paid_invoices} factures) ; date passée → T + 1 ; plus de "
        f"{settings.max_overdue_days} jours de retard : écartées. Temps validé non facturé × "
        "taux × (1 + TVA), facturé à la prochaine date de facturation, puis délai de paiement + "
        "retard. Flux récurrents du modèle ; TVA selon le régime choisi.",
        english="Closing balance = opening balance + receipts − payments. Open receivables are "
        "received on their due date + the client's mean delay (weighted by amount, invoices paid "
        "over 12 months, rounded up; the company's delay under "
        f"{settings.min_paid_invoices} invoices); a past date → T + 1; more than "
        f"{settings.max_overdue_days} days late: left out. Validated unbilled time × rate × "
        "(1 + VAT), invoiced on the next billing date, then terms + delay. Recurring flows from "
        "the template; VAT by the chosen regime.",
        settings={
            "explain.scenario": coded(scenario),
            "explain.vat_mode": coded(f"vat_{settings.vat_mode}", raw=settings.vat_mode),
            "explain.vat_rate_pct": settings.vat_rate_pct,
            "explain.vat_day": settings.vat_day,
            "explain.opening_date": settings.opening_date or "—",
            "explain.max_overdue_days": settings.max_overdue_days,
            "explain.payment_terms_days": settings.payment_terms_days,
            "explain.payroll_category": settings.payroll_category,
            # `--json` has always said "hebdomadaire" for the weekly-invoicing lever.
            "explain.invoicing": coded("weekly", raw="hebdomadaire")
            if levers.weekly_invoicing
            else coded(settings.invoicing),
        },
    )  # fmt: skip
    first_week = _monday(as_of + timedelta(days=1))
    first_month = (as_of + timedelta(days=1)).replace(day=1)
    horizon = max(first_week + timedelta(weeks=weeks) - timedelta(days=1),
                  add_months(first_month, months) - timedelta(days=1))  # fmt: skip
    clients, company_days = payment_behaviour(
        facts.invoices, facts.payments, as_of=as_of, min_invoices=settings.min_paid_invoices
    )
    delays = _scenario_delays(clients, company_days, scenario, levers, spread)
    shift = settings.pessimistic_delay_days if scenario == "pessimistic" else 0
    receivables, excluded = _receivables(facts, settings, as_of, delays, shift, explanation)
    unbilled = _unbilled(facts, settings, as_of, delays, shift, scenario, levers, explanation)
    extra = _extra_production(facts, settings, as_of, horizon, company_days, shift, levers)
    client_receipts = pl.concat([receivables, unbilled, extra], how="vertical_relaxed")
    vat = _vat(client_receipts, facts, settings, as_of)
    computed_vat = vat["amount_cents"].sum() != 0
    flows = _flows(facts.flows, settings, as_of, horizon, shift, computed_vat, explanation)
    movements = (
        pl.concat([client_receipts.drop("invoice_date"), flows, vat], how="vertical_relaxed")
        .filter(pl.col("date").is_between(as_of + timedelta(days=1), horizon))
        .select(list(MOVEMENT_SCHEMA))
        .cast(MOVEMENT_SCHEMA)  # type: ignore[arg-type]
        .sort("date", "category")
    )
    opening, basis, opening_day = _opening(facts.bank_balances, settings, as_of)
    explanation.input_lines = movements.height
    week_starts = [first_week + timedelta(weeks=n) for n in range(weeks)]
    month_starts = [add_months(first_month, n) for n in range(months)]
    weekly = _buckets(movements, opening, week_starts, lambda d: d + timedelta(days=6), "start")
    monthly = _buckets(movements, opening, month_starts,
                       lambda d: add_months(d, 1) - timedelta(days=1), "month")  # fmt: skip
    lowest_date, lowest = _lowest(movements, opening, as_of)
    payroll = _next_payroll(facts.flows, settings, as_of)
    below = monthly.filter(pl.col("closing_cents") < payroll)
    return CashForecast(
        as_of=as_of, scenario=scenario, opening_cents=opening, opening_basis=basis,
        opening_day=opening_day,
        movements=movements, weeks=weekly, months=monthly, lowest_date=lowest_date,
        lowest_cents=lowest, clients=clients, company_delay_days=company_days,
        payroll_cents=payroll,
        below_payroll=add_months(below["month"][0], 1) - timedelta(days=1) if below.height
        else None,
        excluded=excluded, explanation=explanation,
    )  # fmt: skip


def _scenario_delays(
    clients: pl.DataFrame, company_days: int, scenario: Scenario, levers: Levers, spread: int
) -> dict[str | None, int]:
    delays: dict[str | None, int] = dict(clients.select("client", "delay_days").iter_rows())
    delays[None] = company_days
    if spread:
        spreads = clients.select("client", pl.col("spread_days").fill_null(0).ceil())
        for client, days in spreads.iter_rows():
            delays[client] += spread * int(days)
    if scenario == "optimistic":
        delays = dict.fromkeys(delays, 0)
    return {client: days - levers.dso_days_gained for client, days in delays.items()}


def _receivables(
    facts: Facts,
    settings: CashSettings,
    as_of: date,
    delays: dict[str | None, int],
    shift: int,
    explanation: Explanation,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    items = open_items(facts.invoices, facts.payments, as_of=as_of, explanation=Explanation(""))
    items = items.filter(pl.col("item").is_in(["invoice", "credit_note"]))
    too_old = (pl.lit(as_of) - pl.col("due_date")).dt.total_days() > settings.max_overdue_days
    excluded = items.filter(too_old)
    explanation.exclude(
        excluded.height,
        f"créance(s) à plus de {settings.max_overdue_days} jours de retard écartée(s) "
        f"({excluded['residual_cents'].sum() / 100:.2f} €)",
        f"receivable(s) more than {settings.max_overdue_days} days late left out "
        f"(€{excluded['residual_cents'].sum() / 100:.2f})",
    )
    kept = _at_spot_rate(items.filter(~too_old), facts.rates, as_of, explanation)
    expected = [
        _receipt_date(due, delays.get(client, delays[None]), as_of, shift)
        for client, due in kept.select("client", "due_date").iter_rows()
    ]
    frame = kept.select(
        pl.Series("date", expected, dtype=pl.Date),
        pl.when(pl.col("item") == "credit_note").then(pl.lit("credit_notes"))
        .otherwise(pl.lit("receivable")).alias("category"),
        pl.col("number").alias("label"),
        "client",
        pl.col("residual_cents").alias("amount_cents"),
        pl.col("invoice_date"),
    )  # fmt: skip
    return frame, excluded


def _at_spot_rate(
    items: pl.DataFrame, rates: pl.DataFrame, as_of: date, explanation: Explanation
) -> pl.DataFrame:
    """Receivables in another currency at the last reference rate known at T (KPI.md §5): the
    euros they will bring as far as T can tell; without one, at their invoice's rate."""
    spot = (
        rates.filter(pl.col("date") <= as_of)
        .sort("date")
        .group_by("currency")
        .agg(pl.col("date").last().alias("_rate_date"), pl.col("rate").last().alias("_spot"))
    )
    valued = items.join(spot, on="currency", how="left", maintain_order="left")
    at_spot = pl.col("currency_residual_cents").is_not_null() & pl.col("_spot").is_not_null()
    used = valued.filter(at_spot).group_by("currency", "_rate_date", "_spot").len().sort("currency")
    for currency, day, rate, count in used.iter_rows():
        explanation.exclude(
            count,
            f"créance(s) en {currency} au cours BCE du {day:%d/%m/%Y} : "
            f"{rate:.4f} {currency} pour 1 €".replace(".", ","),
            f"receivable(s) in {currency} at the ECB rate of {day:%Y-%m-%d}: "
            f"{rate:.4f} {currency} to €1",
        )
    in_euros = (pl.col("currency_residual_cents") / pl.col("_spot")).round(
        0, mode="half_away_from_zero"
    )
    return valued.with_columns(
        pl.when(at_spot)
        .then(in_euros.cast(pl.Int64))
        .otherwise(pl.col("residual_cents"))
        .alias("residual_cents")
    ).drop("_rate_date", "_spot")


def _receipt_date(due: date, delay: int, as_of: date, shift: int) -> date:
    """Due date + delay; a date already past becomes T + 1; the pessimistic shift comes last."""
    expected = max(due + timedelta(days=delay), as_of + timedelta(days=1))
    return expected + timedelta(days=shift)


def _next_billing_date(as_of: date, weekly: bool) -> date:
    if weekly:  # the next Friday after T
        return as_of + timedelta(days=(4 - as_of.weekday()) % 7 or 7)
    end = month_end(as_of)
    return end if end > as_of else month_end(end + timedelta(days=1))


def _unbilled(
    facts: Facts,
    settings: CashSettings,
    as_of: date,
    delays: dict[str | None, int],
    shift: int,
    scenario: Scenario,
    levers: Levers,
    explanation: Explanation,
) -> pl.DataFrame:
    """Validated billable hours without an invoice, valued at the project's rate, TTC."""
    lines = (
        categorise(facts.timesheets.lazy(), facts.projects.lazy())
        .filter(
            pl.col("category").is_in(["billable", "support_billed"])
            & pl.col("invoice_number").is_null()
            & (pl.col("date") <= as_of)
            & pl.col("validated").fill_null(True)
        )
        .join(facts.projects.lazy().select("project", pl.col("client").alias("_client"),
                                           "hourly_rate_cents"), on="project", how="left")
        .join(facts.employees.lazy().select("employee", "billing_rate_cents"), on="employee",
              how="left")
        .with_columns(pl.coalesce("client", "_client").alias("client"))
        .collect()
    )  # fmt: skip
    share = settings.pessimistic_unbilled_share if scenario == "pessimistic" else 1.0
    vat = 1 + settings.vat_rate_pct / 100
    per_client = lines.group_by("client").agg(
        (pl.col("hours") * pl.coalesce("hourly_rate_cents", "billing_rate_cents").fill_null(0))
        .sum().alias("untaxed")
    )  # fmt: skip
    weekly = levers.weekly_invoicing or settings.invoicing == "weekly"
    invoice_date = _next_billing_date(as_of, weekly)
    rows = []
    for client, untaxed in per_client.iter_rows():
        delay = delays.get(client, delays[None])
        due = invoice_date + timedelta(days=settings.payment_terms_days)
        rows.append({
            "date": _receipt_date(due, delay, as_of, shift), "category": "unbilled_work",
            "label": f"facturation du {invoice_date:%d/%m/%Y}", "client": client,
            "amount_cents": round(untaxed * vat * share), "invoice_date": invoice_date,
        })  # fmt: skip
    explanation.settings["explain.unbilled_hours"] = round(float(lines["hours"].sum()), 2)
    return pl.DataFrame(rows, schema={**MOVEMENT_SCHEMA, "invoice_date": pl.Date})


def _extra_production(
    facts: Facts,
    settings: CashSettings,
    as_of: date,
    horizon: date,
    company_days: int,
    shift: int,
    levers: Levers,
) -> pl.DataFrame:
    """The utilisation lever: `points` % more of the available hours billed, at the staff's
    billing rate, invoiced on the usual rhythm, paid after terms + the company's delay."""
    schema = {**MOVEMENT_SCHEMA, "invoice_date": pl.Date}
    if not levers.utilisation_points or facts.employees.height == 0:
        return pl.DataFrame(schema=schema)
    days = capacity_calendar(facts.employees, facts.absences, start=as_of + timedelta(days=1),
                             end=horizon).join(
        facts.employees.select("employee", "billing_rate_cents"), on="employee", how="left"
    )  # fmt: skip
    weekly = levers.weekly_invoicing or settings.invoicing == "weekly"
    billed = days.with_columns(
        (pl.col("available_h") * levers.utilisation_points / 100
         * pl.col("billing_rate_cents").fill_null(0) * (1 + settings.vat_rate_pct / 100))
        .alias("value"),
    )  # fmt: skip
    rows = []
    for day, value in billed.group_by("date").agg(pl.col("value").sum()).sort("date").iter_rows():
        invoice_date = _next_billing_date(day - timedelta(days=1), weekly)
        due = invoice_date + timedelta(days=settings.payment_terms_days)
        rows.append((_receipt_date(due, company_days - levers.dso_days_gained, as_of, shift),
                     invoice_date, value))  # fmt: skip
    frame = pl.DataFrame(rows, schema=["date", "invoice_date", "value"], orient="row")
    return frame.group_by("date", "invoice_date").agg(pl.col("value").sum()).select(
        "date", pl.lit("extra_production").alias("category"),
        pl.lit("levier taux de charge").alias("label"), pl.lit(None, pl.String).alias("client"),
        pl.col("value").round(0).cast(pl.Int64).alias("amount_cents"), "invoice_date",
    )  # fmt: skip


def _flows(
    flows: pl.DataFrame,
    settings: CashSettings,
    as_of: date,
    horizon: date,
    shift: int,
    computed_vat: bool,
    explanation: Explanation,
) -> pl.DataFrame:
    """Each recurring flow's occurrences in (T, horizon]; receipts shifted in the pessimistic
    scenario. VAT flows are left to the VAT computation when it finds VAT to pay (a regime
    other than "flux"); when it finds none, the flow typed by the user stays."""
    rows = []
    for flow in flows.iter_rows(named=True):
        is_vat = fold_text(flow["category"]) == "tva"
        if is_vat and settings.vat_mode != "flux" and computed_vat:
            explanation.exclude(
                1,
                f"flux « {flow['label']} » (TVA) remplacé par la TVA calculée",
                f"flow “{flow['label']}” (VAT) replaced by the computed VAT",
            )
            continue
        receipt = flow["direction"] == "in"
        sign = 1 if receipt else -1
        for day in occurrences(flow, as_of + timedelta(days=1), horizon):
            rows.append({
                "date": day + timedelta(days=shift if receipt else 0),
                "category": flow["category"], "label": flow["label"], "client": None,
                "amount_cents": sign * flow["amount_cents"],
            })  # fmt: skip
    return pl.DataFrame(rows, schema=MOVEMENT_SCHEMA)


def occurrences(flow: dict, start: date, end: date) -> list[date]:
    """The dates of a monthly, quarterly or yearly flow between start and end (inclusive)."""
    first = flow["start_date"]
    anchor_month = first.month if first else 1
    step = {"monthly": 1, "quarterly": 3, "yearly": 12}[flow["frequency"]]
    wanted_day = flow["day"] or (first.day if first else 1)
    days, month = [], start.replace(day=1)
    while month <= end:
        if (month.month - anchor_month) % step == 0:
            day = month.replace(day=min(wanted_day, month_end(month).day))
            in_life = (first is None or day >= first) and (
                flow["end_date"] is None or day <= flow["end_date"]
            )
            if start <= day <= end and in_life:
                days.append(day)
        month = add_months(month, 1)
    return days


def _vat(receipts: pl.DataFrame, facts: Facts, settings: CashSettings, as_of: date) -> pl.DataFrame:
    """VAT collected, paid with the next month's return: on receipts (encaissements, the rule
    for services) or on invoicing (option débits). What was already cashed (or invoiced) in a
    month whose return is still to come counts too: 12 000 € TTC received on 25/03 puts
    2 000 € of VAT in April's return."""
    if settings.vat_mode == "flux":
        return pl.DataFrame(schema=MOVEMENT_SCHEMA)
    rate = settings.vat_rate_pct / 100
    undeclared = _undeclared_since(settings, as_of)
    if settings.vat_mode == "debits":
        issued = facts.invoices.filter(
            (pl.col("status") == "posted") & pl.col("invoice_date").is_between(undeclared, as_of)
        ).select(
            pl.col("invoice_date").alias("taxed_on"),
            pl.col("amount_total_cents").alias("amount_cents"),
        )
        future = receipts.filter(pl.col("invoice_date") > as_of).select(
            pl.col("invoice_date").alias("taxed_on"), "amount_cents"
        )
        taxed = pl.concat([issued, future], how="vertical_relaxed")
    else:
        cashed = facts.payments.filter(pl.col("date").is_between(undeclared, as_of)).select(
            pl.col("date").alias("taxed_on"), "amount_cents"
        )
        expected = receipts.select(pl.col("date").alias("taxed_on"), "amount_cents")
        taxed = pl.concat([cashed, expected], how="vertical_relaxed")
    if taxed.height == 0:
        return pl.DataFrame(schema=MOVEMENT_SCHEMA)
    by_month = taxed.group_by(pl.col("taxed_on").dt.truncate("1mo").alias("month")).agg(
        (pl.col("amount_cents") * rate / (1 + rate)).sum().round(0).cast(pl.Int64).alias("vat")
    )
    rows = []
    for month, vat in by_month.sort("month").iter_rows():
        due = add_months(month, 1)
        due = due.replace(day=min(settings.vat_day, month_end(due).day))
        rows.append({"date": max(due, as_of + timedelta(days=1)), "category": "vat",
                     "label": f"TVA collectée de {month:%m/%Y}", "client": None,
                     "amount_cents": -vat})  # fmt: skip
    return pl.DataFrame(rows, schema=MOVEMENT_SCHEMA)


def _opening(
    bank: pl.DataFrame, settings: CashSettings, as_of: date
) -> tuple[int, str, date | None]:
    """The opening balance, where it comes from, and its date."""
    if settings.opening_date:
        return settings.opening_cents, "entered", date.fromisoformat(settings.opening_date)
    balance = _balance_on(bank, as_of)
    if balance is None:
        return 0, "none", None
    return balance, "fec", bank.filter(pl.col("date") <= as_of)["date"].max()


def _undeclared_since(settings: CashSettings, as_of: date) -> date:
    """The first day of the oldest month whose VAT return is still to come at T: last month's
    when T falls before this month's return day, else this month's."""
    this_month = as_of.replace(day=1)
    return_day = min(settings.vat_day, month_end(this_month).day)
    return add_months(this_month, -1) if as_of < this_month.replace(day=return_day) else this_month


# Client money: negative amounts (credit notes) lower the receipts, they are not payments.
CLIENT_CATEGORIES = ("receivable", "credit_notes", "unbilled_work", "extra_production")


def is_receipt() -> pl.Expr:
    """A movement that counts in the receipts: client money (even negative), or money in."""
    return pl.col("category").is_in(CLIENT_CATEGORIES) | (pl.col("amount_cents") > 0)


def _buckets(
    movements: pl.DataFrame, opening: int, starts: list[date], end_of, name: str
) -> pl.DataFrame:
    rows, balance = [], opening
    for start in starts:
        end = end_of(start)
        inside = movements.filter(pl.col("date").is_between(start, end))
        receipt = inside.select(is_receipt()).to_series()
        inflows = int(inside.filter(receipt)["amount_cents"].sum())
        outflows = int(-inside.filter(~receipt)["amount_cents"].sum())
        balance += inflows - outflows
        rows.append({name: start, "inflows_cents": inflows, "outflows_cents": outflows,
                     "closing_cents": balance})  # fmt: skip
    return pl.DataFrame(
        rows,
        schema={
            name: pl.Date,
            "inflows_cents": pl.Int64,
            "outflows_cents": pl.Int64,
            "closing_cents": pl.Int64,
        },
    )


def _lowest(movements: pl.DataFrame, opening: int, as_of: date) -> tuple[date, int]:
    daily = movements.group_by("date").agg(pl.col("amount_cents").sum()).sort("date")
    balances = daily.with_columns((pl.col("amount_cents").cum_sum() + opening).alias("balance"))
    if balances.height == 0 or balances["balance"].min() >= opening:
        return as_of, opening
    row = balances.row(int(balances["balance"].arg_min()), named=True)
    return row["date"], int(row["balance"])


def _next_payroll(flows: pl.DataFrame, settings: CashSettings, as_of: date) -> int:
    """The payroll of the month after T: what the balance must cover."""
    wanted = fold_text(settings.payroll_category)
    start = add_months(as_of.replace(day=1), 1)
    end = add_months(start, 1) - timedelta(days=1)
    total = 0
    for flow in flows.iter_rows(named=True):
        if fold_text(flow["category"]) == wanted and flow["direction"] == "out":
            total += flow["amount_cents"] * len(occurrences(flow, start, end))
    return total


@dataclass
class WhatIf:
    """Each lever alone, then all together, against the base scenario: where its cash lands."""

    summary: pl.DataFrame  # lever, lowest_effect_cents, closing_effect_cents, peak_gain_cents,
    #                        peak_week (the week whose closing balance gains the most)
    weeks: pl.DataFrame  # lever, start, gain_cents: closing balance moved, week by week
    months: pl.DataFrame  # lever, month, gain_cents


LEVERS = ("dso_days_gained", "weekly_invoicing", "utilisation_points", "all")


def what_if(
    facts: Facts, settings: CashSettings, *, as_of: date, levers: Levers, months: int = 6
) -> WhatIf:
    """A lever brings cash forward: its effect shows in the weeks and months it moves, often
    nothing at the horizon (all receipts are in by then) nor at the lowest point (when that
    comes after them). Each week's and month's closing balance against the base, in cents."""
    base = cash_forecast(facts, settings, as_of=as_of, months=months)
    alone = {
        "dso_days_gained": replace(Levers(), dso_days_gained=levers.dso_days_gained),
        "weekly_invoicing": replace(Levers(), weekly_invoicing=levers.weekly_invoicing),
        "utilisation_points": replace(Levers(), utilisation_points=levers.utilisation_points),
        "all": levers,
    }
    rows, weeks, months_moved = [], [], []
    for name, chosen in alone.items():
        moved = cash_forecast(facts, settings, as_of=as_of, months=months, levers=chosen)
        by_week = _gains(moved.weeks, base.weeks, "start").with_columns(pl.lit(name).alias("lever"))
        by_month = _gains(moved.months, base.months, "month").with_columns(
            pl.lit(name).alias("lever")
        )
        peak = by_week.sort("gain_cents", descending=True).row(0, named=True)
        rows.append({
            "lever": name,
            "lowest_effect_cents": moved.lowest_cents - base.lowest_cents,
            "closing_effect_cents": int(moved.months["closing_cents"][-1]
                                        - base.months["closing_cents"][-1]),
            "peak_gain_cents": max(peak["gain_cents"], 0),
            "peak_week": peak["start"] if peak["gain_cents"] > 0 else None,
        })  # fmt: skip
        weeks.append(by_week)
        months_moved.append(by_month)
    return WhatIf(
        pl.DataFrame(rows, schema_overrides={"peak_week": pl.Date}),
        pl.concat(weeks).select("lever", "start", "gain_cents"),
        pl.concat(months_moved).select("lever", "month", "gain_cents"),
    )


def _gains(moved: pl.DataFrame, base: pl.DataFrame, on: str) -> pl.DataFrame:
    return (
        moved.select(on, "closing_cents")
        .join(base.select(on, pl.col("closing_cents").alias("_base")), on=on)
        .select(on, (pl.col("closing_cents") - pl.col("_base")).alias("gain_cents"))
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def forecast_vs_actual(
    forecast_weeks: pl.DataFrame,
    payments: pl.DataFrame,
    bank_balances: pl.DataFrame,
    *,
    as_of: date,
) -> pl.DataFrame:
    """A saved forecast's weeks that have passed, against what happened: client receipts from
    the payments, payments out from the bank balance's move (receipts − change in balance)."""
    done = forecast_weeks.filter(pl.col("start") + timedelta(days=6) <= as_of)
    rows = []
    for week in done.iter_rows(named=True):
        start, end = week["start"], week["start"] + timedelta(days=6)
        received = int(payments.filter(pl.col("date").is_between(start, end))["amount_cents"].sum())
        before = _balance_on(bank_balances, start - timedelta(days=1))
        after = _balance_on(bank_balances, end)
        paid_out = None if before is None or after is None else received - (after - before)
        rows.append({
            "start": start,
            "forecast_inflows_cents": week["inflows_cents"], "actual_inflows_cents": received,
            "forecast_outflows_cents": week["outflows_cents"], "actual_outflows_cents": paid_out,
            "forecast_closing_cents": week["closing_cents"], "actual_closing_cents": after,
        })  # fmt: skip
    schema = {"start": pl.Date, **{name: pl.Int64 for name in (
        "forecast_inflows_cents", "actual_inflows_cents", "forecast_outflows_cents",
        "actual_outflows_cents", "forecast_closing_cents", "actual_closing_cents")}}  # fmt: skip
    frame = pl.DataFrame(rows, schema=schema)
    return frame.with_columns(
        (pl.col("actual_inflows_cents") - pl.col("forecast_inflows_cents")).alias("inflows_miss"),
        (pl.col("actual_outflows_cents") - pl.col("forecast_outflows_cents"))
        .alias("outflows_miss"),
    )  # fmt: skip


def _balance_on(bank_balances: pl.DataFrame, day: date) -> int | None:
    """Every bank account's last known balance on that day, summed; None before any."""
    known = bank_balances.filter(pl.col("date") <= day)
    if known.height == 0:
        return None
    latest = known.sort("date").group_by("account").agg(pl.col("balance_cents").last())
    return int(latest["balance_cents"].sum())


def opening_changes(euros: float | None, day: date | None) -> dict[str, object]:
    """The settings for an opening balance typed on the page (euros, at a date), or, with no
    date, the return to the bank balances of the FEC."""
    if day is None or euros is None:
        return {"cash.opening_cents": 0, "cash.opening_date": ""}
    cents = int((Decimal(str(euros)) * 100).quantize(Decimal(1), ROUND_HALF_UP))
    return {"cash.opening_cents": cents, "cash.opening_date": day.isoformat()}
