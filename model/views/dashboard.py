"""What each dashboard page shows, ready to draw: cards with their previous-period value and
threshold status, the frames behind the charts and tables, the explanation.

Pages only format and draw: every figure, delta, status and drill-down filter is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import polars as pl

from model.kpi.cash import (
    SCENARIOS,
    CashForecast,
    Levers,
    Scenario,
    WhatIf,
    cash_forecast,
    is_receipt,
    what_if,
)
from model.kpi.common import Explanation
from model.kpi.dso import Dso, dso
from model.kpi.frames import Facts
from model.kpi.projects import SoldVsConsumed, sold_vs_consumed
from model.kpi.quality import completeness, invoices_completeness, person_weeks
from model.kpi.receivables import AgedReceivables, aged_receivables
from model.kpi.scope import Scope, comparison_scope, covered_from, narrow, previous_scope
from model.kpi.settings import KpiSettings
from model.kpi.sla import SlaRespect, sla_respect
from model.kpi.support import support_lines
from model.kpi.validation import validation
from model.views.headlines import Alert, headlines
from model.views.report import compute_charge, compute_support

Unit = Literal["pct", "days", "cents", "count", "hours", "rate_cents"]
Status = Literal["green", "amber", "red"] | None
# Timesheets: expected person-weeks with lines; invoices: the FEC's revenue they cover.
Basis = Literal["timesheets", "invoices"]


@dataclass(frozen=True)
class Card:
    key: str  # the page's label for it
    value: float | None
    previous: float | None
    unit: Unit
    status: Status = None
    higher_is_better: bool = True
    # How complete the data behind it is over the period, in percent, and what that measures.
    complete_pct: float | None = None
    complete_basis: Basis | None = None

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def with_completeness(
    cards: list[Card], facts: Facts, settings: KpiSettings, scope: Scope, basis: Basis
) -> list[Card]:
    """The cards, each saying how complete its data is over the period (model/kpi/quality)."""
    if basis == "timesheets":
        weeks = person_weeks(facts, scope.start, scope.end, settings.calendar)
        pct = completeness(weeks)
    else:
        pct = invoices_completeness(facts, scope.start, scope.end)
    return [replace(card, complete_pct=pct, complete_basis=basis) for card in cards]


@dataclass(frozen=True)
class _NoData(Scope):
    """A previous period the data do not reach: figures computed over it are not shown."""


def compared_with(facts: Facts, scope: Scope) -> Scope:
    """The previous period cut to what the data cover (kpi.scope.comparison_scope); when
    they cover none of it, the uncut one marked as such, so that no change is shown."""
    comparison = comparison_scope(scope, covered_from(facts))
    uncut = previous_scope(scope)
    if comparison is None:
        return _NoData(**vars(uncut))
    return _Cut(**vars(comparison)) if comparison.start > uncut.start else comparison


@dataclass(frozen=True)
class _Cut(Scope):
    """A previous period cut to the part the data cover: shorter than the period shown."""


# Hours summed over the period: against a shorter, cut previous period, a change would only
# say that it is shorter (+645 h). Rates, days and states at a date compare as they are.
PERIOD_SUMS = ("untracked_h", "support_excess")


def unchanged_without(past: Scope, cards: list[Card]) -> list[Card]:
    """No change on a card whose previous period has no data, nor on a sum over the period
    when the previous one is cut shorter."""
    if isinstance(past, _NoData):
        return [replace(card, previous=None) for card in cards]
    if isinstance(past, _Cut):
        return [replace(c, previous=None) if c.key in PERIOD_SUMS else c for c in cards]
    return cards


def _drift_status(drifting: int, fixed_price: int) -> Status:
    """Red with a drifting project, green without; no status without any fixed-price one."""
    return None if not fixed_price else "red" if drifting else "green"


def _fixed_price_count(facts: Facts) -> int:
    return facts.projects.filter(pl.col("billing_mode") == "fixed_price").height


def status_rising(value: float | None, red_below: float, green_from: float) -> Status:
    """A figure that should be high (TACE): red below one bound, green from the other."""
    if value is None:
        return None
    return "red" if value < red_below else "amber" if value < green_from else "green"


def status_falling(value: float | None, amber_above: float, red_above: float) -> Status:
    """A figure that should be low (DSO): green up to one bound, red beyond the other."""
    if value is None:
        return None
    return "red" if value > red_above else "amber" if value > amber_above else "green"


def _first(frame: pl.DataFrame, column: str) -> float | None:
    return frame[column].item() if frame.height and column in frame.columns else None


# ── Taux de charge ───────────────────────────────────────────────────────────────────────────


@dataclass
class ChargeView:
    cards: list[Card]
    employees: pl.DataFrame  # + untracked_h, status
    teams: pl.DataFrame  # + status
    months: pl.DataFrame  # employee × month, for the heatmap
    explanation: Explanation
    validation: pl.DataFrame  # employee × month: hours validated, waiting, unknown


def charge_view(facts: Facts, settings: KpiSettings, scope: Scope) -> ChargeView:
    """Charge rates of the period for a pôle; the client filter does not apply (capacity is
    the staff's, not a client's)."""
    staff = narrow(facts, team=scope.team, client=None)
    now = compute_charge(staff, settings, scope.start, scope.end)
    before_scope = compared_with(facts, scope)
    before = compute_charge(staff, settings, before_scope.start, before_scope.end)
    limits = settings.charge

    def status(column: pl.Expr) -> pl.Expr:
        return (
            pl.when(column.is_null())
            .then(None)
            .when(column < limits.red_pct)
            .then(pl.lit("red"))
            .when(column < limits.amber_pct)
            .then(pl.lit("amber"))
            .otherwise(pl.lit("green"))
        )

    untracked = (pl.col("available_h") - pl.col("worked_h")).clip(lower_bound=0)
    employees = now.employees.with_columns(
        untracked.alias("untracked_h"), status(pl.col("tace_pct")).alias("status")
    ).join(_assumed_contracts(staff.employees), on="employee", how="left")
    occupation = _first(now.company, "occupation_pct")
    cards = [
        Card("tace", _first(now.company, "tace_pct"), _first(before.company, "tace_pct"), "pct",
             status_rising(_first(now.company, "tace_pct"), limits.red_pct, limits.amber_pct)),
        Card("charge_pct", _first(now.company, "charge_pct"),
             _first(before.company, "charge_pct"), "pct"),
        Card("occupation", occupation, _first(before.company, "occupation_pct"), "pct",
             None if occupation is None
             else "amber" if occupation > limits.overload_pct else None),
        Card("untracked_h", _untracked(now.employees), _untracked(before.employees), "hours",
             higher_is_better=False),
    ]  # fmt: skip
    return ChargeView(
        cards=with_completeness(
            unchanged_without(before_scope, cards), staff, settings, scope, "timesheets"
        ),
        employees=employees,
        teams=now.teams.with_columns(status(pl.col("tace_pct")).alias("status")),
        months=now.months,
        explanation=now.explanation,
        validation=validation(staff.timesheets, start=scope.start, end=scope.end),
    )


def _assumed_contracts(employees: pl.DataFrame) -> pl.DataFrame:
    """Who works on an assumed contract (35 h over 5 days: not in the staff list)."""
    assumed = pl.col("assumed") if "assumed" in employees.columns else pl.lit(False)
    return employees.select("employee", assumed.fill_null(False).alias("assumed_contract"))


def _untracked(employees: pl.DataFrame) -> float | None:
    if employees.height == 0:
        return None
    gap = (pl.col("available_h") - pl.col("worked_h")).clip(lower_bound=0)
    return employees.filter(pl.col("available_h") > 0).select(gap.sum()).item()


# ── Vendu vs consommé ────────────────────────────────────────────────────────────────────────


@dataclass
class ProjectsView:
    cards: list[Card]
    projects: pl.DataFrame
    burn_up: pl.DataFrame
    explanation: Explanation
    validation: pl.DataFrame  # project: hours validated, waiting, unknown, to the as-of date


def projects_view(facts: Facts, settings: KpiSettings, scope: Scope) -> ProjectsView:
    """Fixed-price projects at the as-of date, compared with their state at the previous
    period's end; pôle narrows the lines, client the projects."""
    narrowed = _client_projects(narrow(facts, team=scope.team, client=None), scope.client)
    past = compared_with(facts, scope)

    def state(as_of: date) -> SoldVsConsumed:
        return sold_vs_consumed(
            narrowed.timesheets, narrowed.projects, facts.employees, as_of=as_of,
            thresholds=settings.projects,
        )  # fmt: skip

    now, before = state(scope.as_of), state(past.as_of)

    def drifting(frame: pl.DataFrame) -> int:
        return frame.filter(pl.col("status").is_in(["red", "unrecoverable"])).height

    def total(frame: pl.DataFrame, column: str) -> float:
        return frame[column].fill_null(0).clip(lower_bound=0).sum()

    cards = [
        Card("drifting_projects", drifting(now.projects), drifting(before.projects), "count",
             _drift_status(drifting(now.projects), now.projects.height),
             higher_is_better=False),
        Card("overtime_cost", total(now.projects, "overtime_cost_cents"),
             total(before.projects, "overtime_cost_cents"), "cents", higher_is_better=False),
        Card("forecast_overrun_cost", total(now.projects, "forecast_overrun_cost_cents"),
             total(before.projects, "forecast_overrun_cost_cents"), "cents",
             higher_is_better=False),
        Card("fixed_price_projects", now.projects.height, before.projects.height, "count"),
    ]  # fmt: skip
    shown = narrowed.timesheets.filter(pl.col("project").is_in(now.projects["project"].implode()))
    waiting = validation(shown, start=date.min, end=scope.as_of, by=("project",))
    cards = with_completeness(unchanged_without(past, cards), narrowed, settings, scope,
                              "timesheets")  # fmt: skip
    return ProjectsView(cards, now.projects, now.burn_up, now.explanation, waiting)


def _client_projects(facts: Facts, client: str | None) -> Facts:
    if not client:
        return facts
    projects = facts.projects.filter(pl.col("client") == client)
    of_client = (pl.col("client") == client) | pl.col("project").is_in(
        projects["project"].implode()
    )
    return replace(facts, projects=projects, timesheets=facts.timesheets.filter(of_client))


# ── Support ──────────────────────────────────────────────────────────────────────────────────


@dataclass
class SupportView:
    cards: list[Card]
    months: pl.DataFrame  # contract × month
    contracts: pl.DataFrame  # + runout_date
    explanation: Explanation
    packs: pl.DataFrame  # prepaid packs at the as-of date
    sla: SlaRespect  # tickets closed by their SLA deadline, per contract


def support_view(facts: Facts, settings: KpiSettings, scope: Scope) -> SupportView:
    narrowed = narrow(facts, team=scope.team, client=scope.client)
    now = compute_support(narrowed, settings, scope.start, scope.end, scope.as_of)
    past = compared_with(facts, scope)
    before = compute_support(narrowed, settings, past.start, past.end, past.as_of)
    red = settings.support.red_unbilled_pct
    unbilled = _first(now.total, "unbilled_pct")
    cards = [
        Card("support_unbilled", unbilled, _first(before.total, "unbilled_pct"), "pct",
             None if unbilled is None else "red" if unbilled > red else "green",
             higher_is_better=False),
        Card("support_excess", _first(now.total, "excess_h"), _first(before.total, "excess_h"),
             "hours", higher_is_better=False),
        Card("quota_use", _first(now.total, "quota_use_pct"),
             _first(before.total, "quota_use_pct"), "pct"),
        Card("support_rate", _first(now.total, "effective_rate_cents"),
             _first(before.total, "effective_rate_cents"), "rate_cents"),
    ]  # fmt: skip
    contracts = now.contracts.join(
        now.runout.select("contract", "runout_date"), on="contract", how="left"
    )
    sla = sla_respect(narrowed.tickets, narrowed.contracts, start=scope.start, end=scope.end,
                      as_of=scope.as_of)  # fmt: skip
    cards = with_completeness(unchanged_without(past, cards), narrowed, settings, scope,
                              "timesheets")  # fmt: skip
    return SupportView(cards, now.months, contracts, now.explanation, now.packs, sla)


# ── Balance âgée & DSO ───────────────────────────────────────────────────────────────────────


@dataclass
class ReceivablesView:
    cards: list[Card]
    aged: AgedReceivables
    dso: Dso
    buckets: list[str]
    explanation: Explanation
    disputed: pl.DataFrame  # open items a platform reports contested, with status and reason


def receivables_view(facts: Facts, settings: KpiSettings, scope: Scope) -> ReceivablesView:
    """The aged balance and DSO at the as-of date, against the previous period's end."""
    narrowed = narrow(facts, team=None, client=scope.client)
    past = compared_with(facts, scope)

    def at(as_of: date) -> tuple[AgedReceivables, Dso]:
        aged = aged_receivables(
            narrowed.invoices, narrowed.payments, as_of=as_of, settings=settings.receivables
        )
        days = dso(narrowed.invoices, narrowed.payments, as_of=as_of, settings=settings.dso,
                   receivables=settings.receivables)  # fmt: skip
        return aged, days

    (aged, days), (aged_before, days_before) = at(scope.as_of), at(past.as_of)
    bands = settings.dso
    cards = [
        Card("receivables_total", _first(aged.total, "total"), _first(aged_before.total, "total"),
             "cents", higher_is_better=False),
        Card("overdue", _first(aged.total, "overdue"), _first(aged_before.total, "overdue"),
             "cents",
             None if narrowed.invoices.is_empty()  # no invoice: nothing to be on target with
             else "red" if (_first(aged.total, "overdue") or 0) > 0 else "green",
             higher_is_better=False),
        Card("dso", days.countback, days_before.countback, "days",
             status_falling(days.countback, bands.amber_days, bands.red_days),
             higher_is_better=False),
        Card("penalties", _first(aged.total, "exposure_cents"),
             _first(aged_before.total, "exposure_cents"), "cents", higher_is_better=False),
    ]  # fmt: skip
    cards = with_completeness(unchanged_without(past, cards), narrowed, settings, scope,
                              "invoices")  # fmt: skip
    disputed = _disputed_items(aged.items, narrowed.invoices)
    return ReceivablesView(
        cards, aged, days, list(aged.settings.buckets), aged.explanation, disputed
    )


def _disputed_items(items: pl.DataFrame, invoices: pl.DataFrame) -> pl.DataFrame:
    statuses = ("platform_status", "status_date", "status_reason")
    if not set(statuses) <= set(invoices.columns):
        return items.filter(pl.lit(False))
    return items.filter("disputed").join(
        invoices.select("number", *statuses), on="number", how="left"
    )


# ── Vue d'ensemble ───────────────────────────────────────────────────────────────────────────


@dataclass
class OverviewView:
    cards: list[Card]
    alerts: list[Alert]
    explanations: list[Explanation]


def overview_view(facts: Facts, settings: KpiSettings, scope: Scope) -> OverviewView:
    """Headline figures of a pôle or the company. The client filter does not apply: a charge
    rate or an unbilled share only means something for people, not for one client."""
    narrowed = narrow(facts, team=scope.team, client=None)
    now = headlines(narrowed, settings, as_of=scope.as_of, start=scope.start, end=scope.end)
    past = compared_with(facts, scope)
    before = headlines(narrowed, settings, as_of=past.as_of, start=past.start, end=past.end,
                       with_cash=False)  # fmt: skip
    limits = settings
    cards = [
        Card("tace", now.tace_pct, before.tace_pct, "pct",
             status_rising(now.tace_pct, limits.charge.red_pct, limits.charge.amber_pct)),
        Card("unbilled_time", now.leakage_pct, before.leakage_pct, "pct",
             None if now.leakage_pct is None
             else "red" if now.leakage_pct > limits.leakage.red_pct else "green",
             higher_is_better=False),
        Card("drifting_projects", now.drifting_projects, before.drifting_projects, "count",
             _drift_status(now.drifting_projects, _fixed_price_count(narrowed)),
             higher_is_better=False),
        Card("dso", now.dso_days, before.dso_days, "days",
             status_falling(now.dso_days, limits.dso.amber_days, limits.dso.red_days),
             higher_is_better=False),
    ]  # fmt: skip
    if now.cash_week13_cents is not None:  # only with a starting balance (FEC or typed in)
        threshold = now.payroll_cents
        status = None if not threshold else "red" if now.cash_week13_cents < threshold else "green"
        # No change shown: a forecast made a period ago says little about today's.
        cards.append(Card("cash_week13", now.cash_week13_cents, None, "cents", status))
    cards = unchanged_without(past, cards)
    time_cards = with_completeness(cards[:3], narrowed, settings, scope, "timesheets")
    money_cards = with_completeness(cards[3:], narrowed, settings, scope, "invoices")
    return OverviewView(time_cards + money_cards, now.alerts, now.explanations)


# ── Drill-down ───────────────────────────────────────────────────────────────────────────────


def source_lines(
    facts: Facts,
    scope: Scope,
    *,
    employee: str | None = None,
    project: str | None = None,
    client: str | None = None,
) -> pl.DataFrame:
    """The timesheet lines behind a figure: the period's lines, narrowed like the page."""
    lines = narrow(facts, team=scope.team, client=scope.client).timesheets
    lines = lines.filter(pl.col("date").is_between(scope.start, scope.end))
    for column, value in (("employee", employee), ("project", project), ("client", client)):
        if value:
            lines = lines.filter(pl.col(column) == value)
    return lines.sort("date", "employee")


def project_lines(facts: Facts, project: str, as_of: date) -> pl.DataFrame:
    """Every line of a project up to the as-of date (a budget is consumed over its whole life)."""
    lines = facts.timesheets.filter((pl.col("project") == project) & (pl.col("date") <= as_of))
    return lines.sort("date", "employee")


def contract_lines(facts: Facts, scope: Scope, contract: str | None) -> pl.DataFrame:
    """The period's support lines counted on a contract (None: support lines with no contract),
    with the category that decided included, billed, non-billable or unqualified."""
    narrowed = narrow(facts, team=scope.team, client=scope.client)
    tagged = support_lines(
        narrowed.timesheets.lazy(), facts.projects.lazy(), facts.contracts.lazy(),
        facts.tickets.lazy(),
    ).filter(pl.col("date").is_between(scope.start, scope.end))  # fmt: skip
    chosen = pl.col("contract").is_null() if contract is None else pl.col("contract") == contract
    columns = [*facts.timesheets.columns, "category"]
    return tagged.filter(chosen).select(columns).sort("date", "employee").collect()


def client_items(view: ReceivablesView, client: str) -> pl.DataFrame:
    """The open invoices, credit notes and unallocated payments behind a client's balance."""
    return view.aged.items.filter(pl.col("client") == client).sort("due_date")


# ── Trésorerie ───────────────────────────────────────────────────────────────────────────────

RECEIPT_CATEGORIES = ("receivable", "credit_notes", "unbilled_work")


@dataclass
class CashView:
    cards: list[Card]
    forecast: CashForecast  # the scenario chosen
    scenarios: pl.DataFrame  # scenario × week: closing_cents
    band: pl.DataFrame  # week: low_cents, high_cents (client delays ± their spread)
    by_category: pl.DataFrame  # month × category: inflows and outflows
    receipts: pl.DataFrame  # per client: amount, first and last expected date, delay used
    what_if: WhatIf | None
    explanation: Explanation


def cash_view(
    facts: Facts,
    settings: KpiSettings,
    scope: Scope,
    *,
    scenario: Scenario = "base",
    months: int = 6,
    levers: Levers | None = None,
) -> CashView:
    """The forecast from the as-of date: company-wide (cash has no pôle); scenarios side by
    side; what the levers would change."""
    forecasts = {name: cash_forecast(facts, settings.cash, as_of=scope.as_of, scenario=name,
                                     months=months) for name in SCENARIOS}  # fmt: skip
    chosen = forecasts[scenario]
    week13 = chosen.weeks["closing_cents"][-1] if chosen.weeks.height else None
    last = chosen.months["closing_cents"][-1] if chosen.months.height else None
    threshold = chosen.payroll_cents

    def versus_payroll(value: float | None) -> Status:
        if value is None or not threshold:
            return None
        return "red" if value < threshold else "green"

    cards = [
        Card("cash_opening", chosen.opening_cents, None, "cents"),
        Card("cash_week13", week13, chosen.opening_cents, "cents", versus_payroll(week13)),
        Card("cash_lowest", chosen.lowest_cents, chosen.opening_cents, "cents",
             versus_payroll(chosen.lowest_cents)),
        Card("cash_last_month", last, chosen.opening_cents, "cents", versus_payroll(last)),
    ]  # fmt: skip
    scenarios = pl.concat(
        [f.weeks.select("start", "closing_cents").with_columns(pl.lit(name).alias("scenario"))
         for name, f in forecasts.items()]
    )  # fmt: skip
    movements = chosen.movements.with_columns(pl.col("date").dt.truncate("1mo").alias("month"))
    by_category = (
        movements.group_by("month", "category")
        .agg(
            pl.col("amount_cents").filter(is_receipt()).sum().alias("inflows_cents"),
            (-pl.col("amount_cents").filter(~is_receipt())).sum().alias("outflows_cents"),
            pl.col("amount_cents").sum().alias("net_cents"),
        )
        .sort("month", "category")
    )
    edges = [cash_forecast(facts, settings.cash, as_of=scope.as_of, scenario=scenario,
                           months=months, spread=sign).weeks for sign in (1, -1)]  # fmt: skip
    # Moving receipts by whole days and weeks is not monotonic week by week (a credit note
    # moves too; dates past T come back to T + 1): the band is the span of the three lines,
    # so that it always encloses the chosen scenario's.
    closings = [
        frame.select("start", pl.col("closing_cents").alias(f"c{i}"))
        for i, frame in enumerate([*edges, chosen.weeks])
    ]
    spans = closings[0].join(closings[1], on="start").join(closings[2], on="start")
    band = spans.select(
        "start",
        pl.min_horizontal("c0", "c1", "c2").alias("low_cents"),
        pl.max_horizontal("c0", "c1", "c2").alias("high_cents"),
    )
    delays = chosen.clients.select("client", "delay_days", "own_history")
    receipts = (
        chosen.movements.filter(pl.col("category").is_in(RECEIPT_CATEGORIES))
        .group_by("client")
        .agg(pl.col("amount_cents").sum(), pl.col("date").min().alias("first_date"),
             pl.col("date").max().alias("last_date"), pl.len().alias("items"))
        .join(delays, on="client", how="left")
        .with_columns(pl.col("delay_days").fill_null(chosen.company_delay_days))
        .sort("amount_cents", descending=True)
    )  # fmt: skip
    effects = None
    if levers is not None and levers != Levers():
        effects = what_if(facts, settings.cash, as_of=scope.as_of, levers=levers, months=months)
    cards = with_completeness(cards, facts, settings, scope, "invoices")
    return CashView(
        cards, chosen, scenarios, band, by_category, receipts, effects, chosen.explanation
    )


def client_receipts(view: CashView, client: str | None) -> pl.DataFrame:
    """The invoices, credit notes and unbilled work behind a client's expected receipts."""
    movements = view.forecast.movements.filter(pl.col("category").is_in(RECEIPT_CATEGORIES))
    chosen = pl.col("client").is_null() if client is None else pl.col("client") == client
    return movements.filter(chosen).sort("date")
