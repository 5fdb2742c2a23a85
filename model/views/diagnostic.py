"""The consultant's diagnostic (issue 15 §2, §4): money lost per year, leak by leak, each with
its method, inputs and a low–high range where an input is uncertain, and the levers that win
it back, from the firm's own figures.

Over the 12 months up to the as-of date. Each euro is counted once: KPI.md's unbilled-time
leakage (§6) is split between "unbilled time" (untracked, unqualified, out-of-scope support not
rebilled) and "support given away" (its unmanaged-included class: support beyond quota and
"included" sold nowhere). Money tied up (invoicing delay, DSO) costs its financing: amount ×
days ÷ 365 × the financing-rate setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import polars as pl

from model.kpi.billing import invoicing_delay
from model.kpi.cash import paid_invoices
from model.kpi.charge import ChargeRate
from model.kpi.dso import dso
from model.kpi.frames import Facts
from model.kpi.leakage import Leakage, LeakageSettings, leakage
from model.kpi.projects import sold_vs_consumed
from model.kpi.receivables import aged_receivables
from model.kpi.scope import add_months, month_end
from model.kpi.settings import KpiSettings
from model.texts import text
from model.views.headlines import twelve_months_before
from model.views.report import compute_charge, compute_support, euros, two

Status = Literal["green", "amber", "red"]
LEAKS = ("unbilled_time", "fixed_price_overruns", "support_given_away", "invoicing_delay",
         "dso_excess", "late_penalties")  # fmt: skip
# Lever → the leak it wins back.
LEVERS = {
    "capped_quotes": "fixed_price_overruns",
    "weekly_validated_time": "invoicing_delay",
    "ticket_decision": "support_given_away",
    "invoicing_day_direct_debit": "dso_excess",
    "automatic_reminders": "late_penalties",
}
UNBILLED_CLASSES = ("untracked", "unqualified", "unbilled_support")


@dataclass(frozen=True)
class Leak:
    code: str
    cents: int  # per year, the central figure
    low_cents: int
    high_cents: int
    figure: float | None  # what the threshold judges (a %, days), None when nothing to judge
    unit: str  # of `figure`: pct, days
    status: Status | None
    inputs: dict[str, Any] = field(default_factory=dict)  # name: value (euros, hours, days, %)
    # The lines that matter, largest first: label, value in `unit`, and a detail in its unit.
    lines: pl.DataFrame = field(default_factory=lambda: _lines([], [], "cents", [], "hours"))


@dataclass(frozen=True)
class Lever:
    code: str
    leak: str
    gain_cents: int


@dataclass(frozen=True)
class Diagnostic:
    as_of: date
    start: date
    end: date
    leaks: list[Leak]
    levers: list[Lever]
    trend: pl.DataFrame  # month, cents: the time leaks (unbilled time, support) month by month

    @property
    def total_cents(self) -> int:
        return sum(leak.cents for leak in self.leaks)

    @property
    def low_cents(self) -> int:
        return sum(leak.low_cents for leak in self.leaks)

    @property
    def high_cents(self) -> int:
        return sum(leak.high_cents for leak in self.leaks)

    def largest(self, count: int = 3) -> list[Leak]:
        return sorted(self.leaks, key=lambda leak: -leak.cents)[:count]


def diagnostic(facts: Facts, settings: KpiSettings, *, as_of: date) -> Diagnostic:
    start, end = twelve_months_before(as_of), as_of
    time_leaks = _time_leaks(facts, settings, start, end, as_of)
    leaks = [
        time_leaks[0],
        _overruns(facts, settings, start, end, as_of),
        time_leaks[1],
        *_money_tied_up(facts, settings, start, end, as_of),
        _penalties(facts, settings, as_of),
    ]
    levers = [
        Lever(code, leak, next(x.cents for x in leaks if x.code == leak))
        for code, leak in LEVERS.items()
    ]
    return Diagnostic(as_of, start, end, leaks, levers, _trend(facts, settings, as_of))


def _time_leaks(
    facts: Facts, settings: KpiSettings, start: date, end: date, as_of: date
) -> tuple[Leak, Leak]:
    result, available_h, charge = _leakage(facts, settings, start, end, as_of)
    cents, hours = result.by_class_cents, result.hours
    limits = settings.leakage
    untracked = cents["untracked"]
    # The uncertain input: how much of an untracked hour was billable (ρ_a). Low: half the
    # setting; high: every hour.
    at_full = untracked / limits.realisation_untracked if limits.realisation_untracked else 0
    others = sum(cents[name] for name in UNBILLED_CLASSES if name != "untracked")
    pct = result.pct
    unbilled = Leak(
        "unbilled_time", others + untracked, others + round(untracked / 2), others + round(at_full),
        pct, "pct", _rising(pct, limits.red_pct, limits.red_pct + 2),
        {**{f"{name}_h": two(hours[name]) for name in UNBILLED_CLASSES},
         "untracked_realisation": limits.realisation_untracked,
         "leakage_pct_all_classes": two(pct), "available_h": two(available_h)},
        _untracked_people(facts, charge, limits),
    )  # fmt: skip
    support = compute_support(facts, settings, start, end, as_of)
    support_pct = support.total["unbilled_pct"].item() if support.total.height else None
    given = cents["unmanaged_included"]
    red = settings.support.red_unbilled_pct
    given_away = Leak(
        "support_given_away", given, given, given, support_pct, "pct",
        _rising(support_pct, red, red),
        {"unmanaged_included_h": two(hours["unmanaged_included"]),
         "support_unbilled_pct": two(support_pct)},
        _lines([c or "—" for c in support.contracts["contract"]],
               support.contracts["excess_h"].fill_null(0).to_list(), "hours",
               support.contracts["unbilled_pct"].to_list(), "pct"),
    )  # fmt: skip
    return unbilled, given_away


def _untracked_people(facts: Facts, charge: ChargeRate, limits: LeakageSettings) -> pl.DataFrame:
    """Who left the most time untracked, at their selling rate × ρ."""
    rates = facts.employees.select("employee", "billing_rate_cents")
    people = charge.employees.join(rates, on="employee", how="left").with_columns(
        (pl.col("available_h") - pl.col("worked_h")).clip(lower_bound=0).alias("gap")
    )
    rate = pl.col("billing_rate_cents").fill_null(limits.default_rate_cents)
    people = people.with_columns((pl.col("gap") * rate * limits.realisation_untracked).alias("c"))
    return _lines(people["employee"].to_list(), people["c"].to_list(), "cents",
                  people["gap"].to_list(), "hours")  # fmt: skip


def _leakage(
    facts: Facts, settings: KpiSettings, start: date, end: date, as_of: date
) -> tuple[Leakage, float, ChargeRate]:
    """KPI.md §6's leakage over the period, the hours available in it, the charge behind."""
    lines = facts.timesheets.filter(pl.col("date").is_between(start, end))
    charge = compute_charge(facts, settings, start, end)
    result = leakage(
        lines, facts.projects, facts.employees, facts.contracts, facts.tickets, charge=charge,
        support=compute_support(facts, settings, start, end, as_of), settings=settings.leakage,
    )  # fmt: skip
    return result, float(charge.company["available_h"].sum()), charge


def _overruns(facts: Facts, settings: KpiSettings, start: date, end: date, as_of: date) -> Leak:
    """Fixed-price projects worked on in the period: hours beyond sold at their cost (so far;
    high: at completion, EAC)."""
    limits = settings.projects
    result = sold_vs_consumed(facts.timesheets, facts.projects, facts.employees, as_of=as_of,
                              thresholds=limits)  # fmt: skip
    active = facts.timesheets.filter(pl.col("date").is_between(start, end))["project"].unique()
    projects = result.projects.filter(pl.col("project").is_in(active.implode()))
    so_far = int(projects["overtime_cost_cents"].fill_null(0).clip(lower_bound=0).sum())
    at_end = int(
        projects.select(
            pl.max_horizontal(
                pl.col("overtime_cost_cents").fill_null(0),
                pl.col("forecast_overrun_cost_cents").fill_null(0),
            ).clip(lower_bound=0)
        )
        .to_series()
        .sum()
    )
    worst = projects["pct_consumed"].max() if projects.height else None
    status = None if worst is None else _rising(worst, 100.0, limits.unrecoverable_pct)
    beyond = projects.filter(pl.col("pct_consumed") > limits.unrecoverable_pct).height
    return Leak(
        "fixed_price_overruns", so_far, so_far, max(so_far, at_end), worst, "pct", status,
        {"fixed_price_projects": projects.height, "beyond_unrecoverable": beyond,
         "overtime_h": two(float(projects["overtime_h"].fill_null(0).clip(lower_bound=0).sum())),
         "unrecoverable_pct": limits.unrecoverable_pct},
        _lines(projects["project"].to_list(),
               projects["overtime_cost_cents"].fill_null(0).cast(pl.Float64).to_list(), "cents",
               projects["pct_consumed"].to_list(), "pct"),
    )  # fmt: skip


def _money_tied_up(
    facts: Facts, settings: KpiSettings, start: date, end: date, as_of: date
) -> list[Leak]:
    """Invoicing late and being paid late both keep money out of the bank: its cost is the
    financing of it, amount × days ÷ 365 × rate."""
    rate = settings.leakage.financing_rate_pct / 100
    invoices = facts.invoices.filter(
        (pl.col("status") == "posted") & pl.col("invoice_date").is_between(start, end)
    )
    untaxed = int(invoices["amount_untaxed_cents"].fill_null(invoices["amount_total_cents"]).sum())
    total = int(invoices["amount_total_cents"].sum())

    def financing(amount: int, days: float | None) -> int:
        return round(amount * max(days or 0.0, 0.0) / 365 * rate)

    delay = invoicing_delay(facts.timesheets, facts.projects, facts.invoices, as_of=as_of)
    # The range: the median and the 90th percentile, on either side of the mean.
    known = [d for d in (delay.median_days, delay.mean_days, delay.p90_days) if d is not None]
    late = Leak(
        "invoicing_delay", financing(untaxed, delay.mean_days),
        financing(untaxed, min(known, default=None)), financing(untaxed, max(known, default=None)),
        delay.mean_days, "days", _rising(delay.mean_days, 30.0, 45.0),
        {"revenue_untaxed": euros(untaxed), "mean_days": two(delay.mean_days),
         "median_days": two(delay.median_days), "p90_days": two(delay.p90_days),
         "after_month_end_days": two(delay.after_month_days),
         "financing_rate_pct": settings.leakage.financing_rate_pct},
        _lines(delay.by_project["project"].to_list(),
               delay.by_project["mean_days"].fill_null(0).to_list(), "days", [], None),
    )  # fmt: skip
    owed = dso(facts.invoices, facts.payments, as_of=as_of, settings=settings.dso,
               receivables=settings.receivables)  # fmt: skip
    target = settings.dso.amber_days
    best = owed.best_possible if owed.best_possible is not None else target
    days = owed.countback
    above_target = None if days is None else days - target
    paid_late = Leak(
        "dso_excess", financing(total, above_target), financing(total, above_target),
        financing(total, None if days is None else days - min(best, target)),
        days, "days", _rising(days, settings.dso.amber_days, settings.dso.red_days),
        {"revenue_total": euros(total), "dso_days": two(days), "target_days": target,
         "best_possible_days": two(owed.best_possible),
         "financing_rate_pct": settings.leakage.financing_rate_pct},
        _lines(owed.clients["client"].to_list(), owed.clients["countback"].fill_null(0).to_list(),
               "days", [], None),
    )  # fmt: skip
    return [late, paid_late]


def _penalties(facts: Facts, settings: KpiSettings, as_of: date) -> Leak:
    """Art. L441-10: 40 € and interest at the penalty rate per late invoice, owed by the
    client and not claimed. Low: the open late invoices; central and high: with those paid
    late over the 12 months."""
    limits = settings.receivables
    aged = aged_receivables(facts.invoices, facts.payments, as_of=as_of, settings=limits)
    open_cents = int(aged.total["exposure_cents"].item() or 0) if aged.total.height else 0
    open_late = int(aged.items.filter(pl.col("exposure_cents") > 0).height)
    paid = paid_invoices(facts.invoices, facts.payments, as_of=as_of).filter(pl.col("delay") > 0)
    rate = float(limits.penalty_rates[-1][1]) / 100
    interest = (pl.col("amount") * rate * pl.col("delay") / 365).sum()
    paid_cents = round(
        float(paid.select(interest).item() or 0) + paid.height * limits.recovery_fee_cents
    )
    both = open_cents + paid_cents
    return Leak(
        "late_penalties", both, open_cents, both, float(open_late + paid.height), "count",
        None if both == 0 else "amber",
        {"open_late_invoices": open_late, "open_exposure": euros(open_cents),
         "paid_late_invoices": paid.height, "paid_late_exposure": euros(paid_cents),
         "penalty_rate_pct": limits.penalty_rates[-1][1],
         "recovery_fee": euros(limits.recovery_fee_cents)},
        _late_invoices(aged.items),
    )  # fmt: skip


def _late_invoices(items: pl.DataFrame) -> pl.DataFrame:
    late = items.filter(pl.col("exposure_cents") > 0)
    return _lines([f"{n} · {c}" for n, c in zip(late["number"], late["client"], strict=True)],
                  late["exposure_cents"].cast(pl.Float64).to_list(), "cents",
                  late["days_late"].cast(pl.Float64).to_list(), "days")  # fmt: skip


def _trend(facts: Facts, settings: KpiSettings, as_of: date) -> pl.DataFrame:
    """The time leaks (unbilled time and support given away), month by month."""
    months, cents = [], []
    first = add_months(as_of, -11)
    for index in range(12):
        start = add_months(first, index)
        end = min(month_end(start), as_of)
        result, _, _ = _leakage(facts, settings, start, end, end)
        months.append(start)
        cents.append(sum(result.by_class_cents.values()))
    return pl.DataFrame({"month": months, "cents": cents})


TOP = 10  # lines shown per leak


def _lines(
    labels: list[str], values: list, unit: str, details: list, detail_unit: str | None
) -> pl.DataFrame:
    """The largest lines of a leak; units as `model.formatting.in_unit` writes them."""
    frame = pl.DataFrame(
        {"label": labels, "value": values, "detail": details or [None] * len(labels)},
        schema={"label": pl.String, "value": pl.Float64, "detail": pl.Float64},
    )
    top = frame.filter(pl.col("value") > 0).sort("value", descending=True).head(TOP)
    return top.with_columns(pl.lit(unit).alias("unit"), pl.lit(detail_unit).alias("detail_unit"))


def _rising(value: float | None, amber_above: float, red_above: float) -> Status | None:
    if value is None:
        return None
    return "red" if value > red_above else "amber" if value > amber_above else "green"


def diagnostic_json(result: Diagnostic) -> dict[str, Any]:
    """`python -m model audit --json`: a contract with users' scripts (issue 15 §4)."""
    return {
        "as_of": result.as_of.isoformat(),
        "period": {"from": result.start.isoformat(), "to": result.end.isoformat()},
        "total_eur": euros(result.total_cents),
        "low_eur": euros(result.low_cents),
        "high_eur": euros(result.high_cents),
        "leaks": [_leak_json(leak) for leak in result.leaks],
        "levers": [
            {"code": lever.code, "leak": lever.leak, "gain_eur": euros(lever.gain_cents)}
            for lever in result.levers
        ],
        "trend": [{"month": m.isoformat()[:7], "eur": euros(c)} for m, c in result.trend.rows()],
    }


def _leak_json(leak: Leak) -> dict[str, Any]:
    return {
        "code": leak.code,
        "eur": euros(leak.cents),
        "low_eur": euros(leak.low_cents),
        "high_eur": euros(leak.high_cents),
        "method": text(f"diag.method.{leak.code}", "fr"),
        "inputs": leak.inputs,
        "figure": two(leak.figure),
        "status": leak.status,
    }
