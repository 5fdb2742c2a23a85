"""The overview's headline figures and its alerts, costliest first.

Alerts are worded here in French and English (pages only pick the language) and name the page
that explains them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from model.formatting import euros_from_cents, number, percent
from model.kpi.cash import CashForecast, cash_forecast
from model.kpi.common import Explanation
from model.kpi.frames import Facts
from model.kpi.scope import add_months
from model.kpi.settings import KpiSettings
from model.views.overview import Overview, overview


@dataclass(frozen=True)
class Alert:
    cost_cents: int
    page: str  # the dashboard page that explains it: charge, projects, support, receivables
    french: str
    english: str

    def text(self, lang: str = "fr") -> str:
        return self.french if lang == "fr" else self.english


@dataclass
class Headlines:
    start: date
    end: date
    tace_pct: float | None
    leakage_pct: float | None
    drifting_projects: int
    dso_days: float | None
    cash_week13_cents: int | None = None
    payroll_cents: int = 0
    alerts: list[Alert] = field(default_factory=list)
    explanations: list[Explanation] = field(default_factory=list)  # each card's, first line shown


def twelve_months_before(end: date) -> date:
    return add_months(end, -11)


def headlines(
    facts: Facts,
    settings: KpiSettings,
    *,
    as_of: date,
    start: date | None = None,
    end: date | None = None,
    with_cash: bool = True,
) -> Headlines:
    """Figures over [start, end] (default: the 12 months up to as_of) and the alerts at as_of.
    `with_cash=False` skips the cash forecast (a previous period's is never shown)."""
    start = start or twelve_months_before(as_of)
    end = end or as_of
    result = overview(facts, settings, as_of=as_of, start=start, end=end)
    # A cash forecast needs a starting balance: a FEC's bank accounts or one typed in.
    has_cash = with_cash and (facts.bank_balances.height > 0 or bool(settings.cash.opening_date))
    cash = cash_forecast(facts, settings.cash, as_of=as_of) if has_cash else None
    drifting = result.projects.projects.filter(pl.col("status").is_in(["red", "unrecoverable"]))
    alerts = [
        *_project_alerts(drifting),
        *_support_alerts(result, settings),
        *_leakage_alerts(result, settings),
        *_dso_alerts(result, settings),
        *(_cash_alerts(cash) if cash else []),
    ]
    tace = result.charge.company["tace_pct"]
    return Headlines(
        start=start,
        end=end,
        tace_pct=tace.item() if tace.len() else None,
        leakage_pct=result.leakage.pct,
        drifting_projects=drifting.height,
        dso_days=result.dso.countback,
        cash_week13_cents=int(cash.weeks["closing_cents"][-1]) if cash else None,
        payroll_cents=cash.payroll_cents if cash else 0,
        alerts=sorted(alerts, key=lambda a: -a.cost_cents),
        explanations=[
            result.charge.explanation,
            result.leakage.explanation,
            result.projects.explanation,
            result.dso.explanation,
        ],
    )


def _project_alerts(drifting: pl.DataFrame) -> list[Alert]:
    alerts = []
    for row in drifting.iter_rows(named=True):
        cost = row["overtime_cost_cents"] or 0
        lost_fr = " (irrécupérable)" if row["status"] == "unrecoverable" else ""
        lost_en = " (unrecoverable)" if row["status"] == "unrecoverable" else ""
        alerts.append(Alert(
            cost, "projects",
            f"Projet « {row['project']} » : {percent(row['pct_consumed'])} du temps vendu "
            f"consommé{lost_fr}, {number(row['overtime_h'], 0)} h au-delà du budget ≈ "
            f"{euros_from_cents(cost)}.",
            f"Project “{row['project']}”: {percent(row['pct_consumed'], 1, 'en')} of the sold "
            f"time consumed{lost_en}, {number(row['overtime_h'], 0, 'en')} h over budget ≈ "
            f"{euros_from_cents(cost, 'en')}.",
        ))  # fmt: skip
    return alerts


def _support_alerts(result: Overview, settings: KpiSettings) -> list[Alert]:
    red = result.support.contracts.filter(
        pl.col("unbilled_pct") > settings.support.red_unbilled_pct
    )
    alerts = []
    for row in red.iter_rows(named=True):
        given_away = round(row["excess_h"] * (row["effective_rate_cents"] or 0))
        alerts.append(Alert(
            given_away, "support",
            f"Contrat de support « {row['contract'] or 'sans contrat'} » : "
            f"{percent(row['unbilled_pct'])} du temps non facturé, {number(row['excess_h'], 0)} h "
            f"au-delà du quota.",
            f"Support contract “{row['contract'] or 'no contract'}”: "
            f"{percent(row['unbilled_pct'], 1, 'en')} of the time unbilled, "
            f"{number(row['excess_h'], 0, 'en')} h over the quota.",
        ))  # fmt: skip
    return alerts


def _leakage_alerts(result: Overview, settings: KpiSettings) -> list[Alert]:
    leak = result.leakage
    if leak.pct is None or leak.pct <= settings.leakage.red_pct:
        return []
    return [Alert(
        leak.euros_cents, "charge",
        f"Temps non facturé : {percent(leak.pct)} des heures disponibles ≈ "
        f"{euros_from_cents(leak.euros_cents)}.",
        f"Unbilled time: {percent(leak.pct, 1, 'en')} of the available hours ≈ "
        f"{euros_from_cents(leak.euros_cents, 'en')}.",
    )]  # fmt: skip


def _dso_alerts(result: Overview, settings: KpiSettings) -> list[Alert]:
    days, red_days = result.dso.countback, settings.dso.red_days
    if days is None or days <= red_days:
        return []
    overdue = int(result.receivables.total["overdue"].item() or 0)
    return [Alert(
        overdue, "receivables",
        f"DSO à {number(days, 0)} jours (> {number(red_days, 0)}) : "
        f"{euros_from_cents(overdue)} de créances échues à relancer.",
        f"DSO at {number(days, 0, 'en')} days (> {number(red_days, 0, 'en')}): "
        f"{euros_from_cents(overdue, 'en')} of overdue receivables to chase.",
    )]  # fmt: skip


def _cash_alerts(cash: CashForecast) -> list[Alert]:
    """Red when a month's closing balance falls below the next payroll (KPI.md §5)."""
    if cash.below_payroll is None:
        return []
    below = cash.months.filter(pl.col("closing_cents") < cash.payroll_cents)
    shortfall = int(cash.payroll_cents - below["closing_cents"].min())
    month, balance, payroll = cash.below_payroll, below["closing_cents"][0], cash.payroll_cents
    return [Alert(
        shortfall, "cash",
        f"Trésorerie : fin {month:%m/%Y}, le solde prévu ({euros_from_cents(balance)}) passe "
        f"sous la paie du mois ({euros_from_cents(payroll)}).",
        f"Cash: at the end of {month:%m/%Y} the forecast balance "
        f"({euros_from_cents(balance, 'en')}) falls below the month's payroll "
        f"({euros_from_cents(payroll, 'en')}).",
    )]  # fmt: skip
