"""The overview's headline figures and its alerts, costliest first.

An alert is a catalogue sentence (`model.texts`, `alert.…`) and its values, worded in the
language asked for; it names the page that explains it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import polars as pl

from model.formatting import euros_from_cents, month, number, percent
from model.kpi.cash import CashForecast, cash_forecast
from model.kpi.common import Explanation
from model.kpi.frames import Facts
from model.kpi.scope import add_months
from model.kpi.settings import KpiSettings
from model.texts import code_word, text
from model.views.overview import Overview, overview

# How an alert's values are written in a language.
SHOWN: dict[str, Callable[[Any, str], str]] = {
    "text": lambda value, lang: str(value),
    "code": lambda code, lang: code_word(code, lang),
    "pct": lambda value, lang: percent(value, 1, lang),
    "whole": lambda value, lang: number(value, 0, lang),
    "euros": lambda cents, lang: euros_from_cents(cents, lang),
    "month": month,
}


# Alerts whose euros are hours at hourly costs (an overrun), not at selling rates.
PRICED_AT_COST = ("alert.project", "alert.project_unrecoverable")


@dataclass(frozen=True)
class Alert:
    cost_cents: int | None  # what is at stake, in euros; None where it would give hourly costs
    page: str  # the dashboard page that explains it: charge, projects, support, receivables
    key: str  # its sentence in the catalogue
    values: dict[str, tuple[str, Any]] = field(default_factory=dict)  # name: (SHOWN kind, value)

    def without_cost(self) -> Alert:
        """Said in hours only, for those who may not see hourly costs (model/roles.py)."""
        if self.key not in PRICED_AT_COST:
            return self
        values = {name: value for name, value in self.values.items() if name != "cost"}
        return replace(self, cost_cents=None, key=f"{self.key}_hours", values=values)

    def text(self, lang: str = "fr") -> str:
        shown = {name: SHOWN[kind](value, lang) for name, (kind, value) in self.values.items()}
        return text(self.key, lang, **shown)


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
        lost = row["status"] == "unrecoverable"
        alerts.append(Alert(
            cost, "projects", "alert.project_unrecoverable" if lost else "alert.project",
            {"project": ("text", row["project"]), "pct": ("pct", row["pct_consumed"]),
             "hours": ("whole", row["overtime_h"]), "cost": ("euros", cost)},
        ))  # fmt: skip
    return alerts


def _support_alerts(result: Overview, settings: KpiSettings) -> list[Alert]:
    red = result.support.contracts.filter(
        pl.col("unbilled_pct") > settings.support.red_unbilled_pct
    )
    alerts = []
    for row in red.iter_rows(named=True):
        given_away = round(row["excess_h"] * (row["effective_rate_cents"] or 0))
        contract = ("text", row["contract"]) if row["contract"] else ("code", "no_contract")
        alerts.append(Alert(
            given_away, "support", "alert.support",
            {"contract": contract, "pct": ("pct", row["unbilled_pct"]),
             "hours": ("whole", row["excess_h"]), "cost": ("euros", given_away)},
        ))  # fmt: skip
    return alerts


def _leakage_alerts(result: Overview, settings: KpiSettings) -> list[Alert]:
    leak = result.leakage
    if leak.pct is None or leak.pct <= settings.leakage.red_pct:
        return []
    return [Alert(leak.euros_cents, "charge", "alert.leakage",
                  {"pct": ("pct", leak.pct), "cost": ("euros", leak.euros_cents)})]  # fmt: skip


def _dso_alerts(result: Overview, settings: KpiSettings) -> list[Alert]:
    days, red_days = result.dso.countback, settings.dso.red_days
    if days is None or days <= red_days:
        return []
    overdue = int(result.receivables.total["overdue"].item() or 0)
    return [Alert(overdue, "receivables", "alert.dso",
                  {"days": ("whole", days), "red": ("whole", red_days),
                   "overdue": ("euros", overdue)})]  # fmt: skip


def _cash_alerts(cash: CashForecast) -> list[Alert]:
    """Red when a month's closing balance falls below the next payroll (KPI.md §5)."""
    if cash.below_payroll is None:
        return []
    below = cash.months.filter(pl.col("closing_cents") < cash.payroll_cents)
    shortfall = int(cash.payroll_cents - below["closing_cents"].min())
    return [Alert(shortfall, "cash", "alert.cash",
                  {"month": ("month", cash.below_payroll),
                   "balance": ("euros", below["closing_cents"][0]),
                   "payroll": ("euros", cash.payroll_cents)})]  # fmt: skip
