"""Every KPI as the JSON the command line prints (`python -m model kpi NAME --json`).

Amounts in euros with 2 decimals, ratios in percent with 2 decimals, hours with 2 decimals,
`null` where KPI.md says n/a. The shapes are a contract with users' scripts: extend, never break.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from model.kpi.assumed import explain_assumptions
from model.kpi.billing import invoicing_delay, project_margin
from model.kpi.capacity import capacity_calendar
from model.kpi.cash import Scenario, cash_forecast
from model.kpi.charge import ChargeRate, charge_rate
from model.kpi.dso import dso, including_wip
from model.kpi.frames import Facts
from model.kpi.leakage import leakage
from model.kpi.projects import sold_vs_consumed
from model.kpi.receivables import aged_receivables
from model.kpi.settings import KpiSettings
from model.kpi.sla import COUNTS, sla_respect
from model.kpi.support import SupportInclusion, support_inclusion
from model.kpi.validation import validation
from model.views import KPI_NAMES

NAMES = KPI_NAMES
RATE_KEYS = ("tace_pct", "charge_pct", "occupation_pct", "billable_ratio_pct", "harvest_pct")
HOUR_KEYS = ("capacity_h", "available_h", "worked_h", "billable_h", "productive_h")


def euros(cents: float | None) -> float | None:
    return None if cents is None else round(cents / 100, 2)


def two(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass(frozen=True)
class Period:
    as_of: date
    start: date
    end: date
    weeks: int = 13  # cash forecast horizons
    months: int = 6
    scenario: Scenario = "base"


def kpi_json(
    name: str,
    facts: Facts,
    settings: KpiSettings,
    *,
    as_of: date,
    start: date,
    end: date,
    weeks: int = 13,
    months: int = 6,
    scenario: Scenario = "base",
) -> dict[str, Any]:
    compute: dict[str, Callable[..., dict[str, Any]]] = {
        "charge-rate": _charge_rate,
        "sold-vs-consumed": _sold_vs_consumed,
        "support": _support,
        "receivables": _receivables,
        "dso": _dso,
        "invoicing-delay": _invoicing_delay,
        "margin": _margin,
        "leakage": _leakage,
        "cash-forecast": _cash_forecast,
        "sla": _sla,
    }
    return compute[name](facts, settings, Period(as_of, start, end, weeks, months, scenario))


def _sla(facts: Facts, settings: KpiSettings, period: Period) -> dict:
    result = sla_respect(facts.tickets, facts.contracts, start=period.start, end=period.end,
                         as_of=period.as_of)  # fmt: skip

    def counts(row: dict[str, Any]) -> dict[str, Any]:
        return {**{k: row[k] for k in COUNTS}, "respect_pct": two(row["respect_pct"])}

    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "as_of": period.as_of.isoformat(),
        "total": counts(result.total.row(0, named=True)),
        "contracts": [
            {"contract": r["contract"], **counts(r)} for r in result.contracts.iter_rows(named=True)
        ],
        "months": [
            {"contract": r["contract"], "month": r["month"].isoformat()[:7], **counts(r)}
            for r in result.months.iter_rows(named=True)
        ],
        "open_late": [
            {
                "ticket": r["ticket"],
                "client": r["client"],
                "contract": r["contract"],
                "sla_deadline": r["sla_deadline"].isoformat(sep=" "),
                "days_late": r["days_late"],
            }
            for r in result.open_late.iter_rows(named=True)
        ],
        "explanation": result.explanation.to_json(),
    }


def compute_charge(facts: Facts, settings: KpiSettings, start: date, end: date) -> ChargeRate:
    calendar = capacity_calendar(
        facts.employees, facts.absences, start=start, end=end, settings=settings.calendar
    )
    history = facts.timesheets.filter(pl.col("date") <= end)
    result = charge_rate(
        history, facts.projects, calendar, start=start, end=end,
        calendar_settings=settings.calendar,
    )  # fmt: skip
    explain_assumptions(result.explanation, facts, start, end)
    return result


def compute_support(
    facts: Facts, settings: KpiSettings, start: date, end: date, as_of: date
) -> SupportInclusion:
    return support_inclusion(
        facts.timesheets, facts.projects, facts.contracts, facts.tickets,
        start=start, end=end, as_of=as_of, settings=settings.support,
    )  # fmt: skip


def _rows(frame: pl.DataFrame, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for row in frame.iter_rows(named=True):
        out = {k: row[k] for k in keys if k in row}
        out.update({k: two(row[k]) for k in (*HOUR_KEYS, *RATE_KEYS) if k in row})
        rows.append(out)
    return rows


def _charge_rate(facts: Facts, settings: KpiSettings, period: Period) -> dict:
    result = compute_charge(facts, settings, period.start, period.end)
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "employees": _rows(result.employees, ("employee", "team")),
        "teams": _rows(result.teams, ("team",)),
        "company": _rows(result.company, ())[0] if result.company.height else {},
        # Hours validated and still waiting, per person and month (what month end waits for).
        "validation": [
            {
                "employee": r["employee"],
                "month": r["month"].isoformat()[:7],
                **{k: two(r[k]) for k in ("validated_h", "waiting_h", "unknown_h")},
                "validated_pct": two(r["validated_pct"]),
            }
            for r in validation(facts.timesheets, start=period.start, end=period.end).iter_rows(
                named=True
            )
        ],
        "explanation": result.explanation.to_json(),
    }


def _sold_vs_consumed(facts: Facts, settings: KpiSettings, period: Period) -> dict:
    result = sold_vs_consumed(facts.timesheets, facts.projects, facts.employees, as_of=period.as_of,
                              thresholds=settings.projects)  # fmt: skip
    projects = [
        {
            "project": r["project"], "client": r["client"], "sold_h": two(r["sold_h"]),
            "consumed_h": two(r["consumed_h"]), "pct_consumed": two(r["pct_consumed"]),
            "remaining_h": two(r["remaining_h"]), "progress_pct": two(r["progress_pct"]),
            "cpi": None if r["cpi"] is None else round(r["cpi"], 3), "eac_h": two(r["eac_h"]),
            "forecast_overrun_h": two(r["forecast_overrun_h"]), "status": r["status"],
            "overtime_h": two(r["overtime_h"]), "overtime_cost": euros(r["overtime_cost_cents"]),
            "forecast_overrun_cost": euros(r["forecast_overrun_cost_cents"]),
            "effective_rate": euros(r["effective_rate_cents"]),
            "hours_after_end": two(r["hours_after_end"]),
        }
        for r in result.projects.iter_rows(named=True)
    ]  # fmt: skip
    return {"as_of": period.as_of.isoformat(), "projects": projects,
            "explanation": result.explanation.to_json()}  # fmt: skip


def _support_row(row: dict[str, Any]) -> dict[str, Any]:
    hours = ("included_h", "billed_h", "non_billable_h", "unqualified_h", "quota_h", "excess_h")
    out = {k: row[k] for k in ("contract", "client") if k in row}
    out.update({k: two(row[k]) for k in (*hours, "hours_h", "unbilled_pct", "quota_use_pct")})
    out["effective_rate"] = euros(row["effective_rate_cents"])
    return out


def _support(facts: Facts, settings: KpiSettings, period: Period) -> dict:
    result = compute_support(facts, settings, period.start, period.end, period.as_of)
    runout = dict(result.runout.select("contract", "runout_date").rows())
    contracts = []
    for row in result.contracts.iter_rows(named=True):
        item = _support_row(row)
        day = runout.get(row["contract"])
        item["runout_date"] = day.isoformat() if day else None
        contracts.append(item)
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "contracts": contracts,
        "total": _support_row(result.total.row(0, named=True)),
        "packs": [_pack_row(row) for row in result.packs.iter_rows(named=True)],
        "explanation": result.explanation.to_json(),
    }


def _pack_row(row: dict[str, Any]) -> dict[str, Any]:
    hours = ("prepaid_h", "used_h", "remaining_h", "burn_h_per_month")
    day = row["runout_date"]
    return {
        "contract": row["contract"],
        "client": row["client"],
        **{k: two(row[k]) for k in hours},
        "runout_date": day.isoformat() if day else None,
    }


def _receivables(facts: Facts, settings: KpiSettings, period: Period) -> dict:
    result = aged_receivables(
        facts.invoices, facts.payments, as_of=period.as_of, settings=settings.receivables
    )
    buckets = result.settings.buckets
    amounts = (*buckets, "disputed", "unallocated", "total")

    def money(row: dict[str, Any]) -> dict[str, Any]:
        return {k: euros(row[k]) for k in amounts}

    return {
        "as_of": period.as_of.isoformat(),
        "basis": result.settings.basis,
        "buckets": buckets,
        "clients": [
            {"client": r["client"], **money(r)} for r in result.clients.iter_rows(named=True)
        ],
        "total": money(result.total.row(0, named=True)),
        "overdue_pct": two(result.overdue_pct),
        "exposure": euros(result.total["exposure_cents"].item()),
        "chase": [
            {
                "client": r["client"],
                "overdue": euros(r["overdue"]),
                "max_days_late": r["max_days_late"],
                "penalties": euros(r["exposure_cents"]),
            }
            for r in result.chase.iter_rows(named=True)
        ],
        "items": [
            _open_item(r) for r in result.items.sort("client", "due_date").iter_rows(named=True)
        ],
        "explanation": result.explanation.to_json(),
    }


def _open_item(row: dict[str, Any]) -> dict[str, Any]:
    """One open invoice, credit note or unallocated payment: euros, and its own currency."""
    return {
        "client": row["client"],
        "number": row["number"],
        "item": row["item"],
        "invoice_date": row["invoice_date"].isoformat(),
        "due_date": row["due_date"].isoformat() if row["due_date"] else None,
        "residual": euros(row["residual_cents"]),
        "disputed": row["disputed"],
        "currency": row["currency"],
        # In the document's currency when it is not the euro.
        "residual_in_currency": euros(row["currency_residual_cents"]),
        "days_late": row["days_late"],
        "bucket": row["bucket"],
    }


def _dso(facts: Facts, settings: KpiSettings, period: Period) -> dict:
    wip = invoicing_delay(facts.timesheets, facts.projects, facts.invoices, as_of=period.as_of)
    result = dso(
        facts.invoices,
        facts.payments,
        as_of=period.as_of,
        settings=settings.dso,
        receivables=settings.receivables,
    )
    return {
        "as_of": period.as_of.isoformat(),
        "countback": two(result.countback),
        "countback_beyond_months": result.countback_beyond,
        "simple": two(result.simple),
        "average": two(result.average),
        "best_possible": two(result.best_possible),
        "average_days_late": two(result.average_days_late),
        "simple_incl_wip": two(including_wip(result, wip.wip_cents, settings.dso)),
        "credit_balance": result.credit_balance,
        "receivables": euros(result.receivables_cents),
        "clients": [
            {"client": c, "countback": two(cb), "simple": two(s)}
            for c, cb, s in result.clients.rows()
        ],
        "trend": [{"date": d.isoformat(), "dso": two(v)} for d, v in result.trend.rows()],
        "explanation": result.explanation.to_json(),
    }


def _invoicing_delay(facts: Facts, settings: KpiSettings, period: Period) -> dict:
    result = invoicing_delay(facts.timesheets, facts.projects, facts.invoices, as_of=period.as_of)
    return {
        "as_of": period.as_of.isoformat(),
        "mean_days": two(result.mean_days),
        "median_days": two(result.median_days),
        "p90_days": two(result.p90_days),
        "after_month_end_days": two(result.after_month_days),
        "wip_h": two(result.wip_hours),
        "wip_mean_age_days": two(result.wip_mean_age_days),
        "wip_oldest_days": result.wip_oldest_days,
        "wip_amount": euros(result.wip_cents),
        "explanation": result.explanation.to_json(),
    }


def _margin(facts: Facts, settings: KpiSettings, period: Period) -> dict:
    result = project_margin(
        facts.timesheets, facts.projects, facts.employees, as_of=period.as_of,
        default_cost_rate_cents=settings.projects.default_cost_rate_cents,
    )  # fmt: skip
    projects = [
        {
            "project": r["project"], "client": r["client"], "billing_mode": r["billing_mode"],
            "hours_h": two(r["hours_h"]), "revenue": euros(r["revenue_cents"]),
            "poc_revenue": euros(r["poc_revenue_cents"]), "cost": euros(r["cost_cents"]),
            "margin": euros(r["margin_cents"]), "margin_pct": two(r["margin_pct"]),
            "billable_ratio_pct": two(r["billable_ratio_pct"]),
        }
        for r in result.projects.iter_rows(named=True)
    ]  # fmt: skip
    return {"as_of": period.as_of.isoformat(), "projects": projects,
            "explanation": result.explanation.to_json()}  # fmt: skip


def _leakage(facts: Facts, settings: KpiSettings, period: Period) -> dict:
    lines = facts.timesheets.filter(pl.col("date").is_between(period.start, period.end))
    result = leakage(
        lines, facts.projects, facts.employees, facts.contracts, facts.tickets,
        charge=compute_charge(facts, settings, period.start, period.end),
        support=compute_support(facts, settings, period.start, period.end, period.as_of),
        settings=settings.leakage,
    )  # fmt: skip
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        **{f"{name}_h": two(hours) for name, hours in result.hours.items()},
        "total_h": two(result.total_h),
        "pct": two(result.pct),
        "eur": euros(result.euros_cents),
        "eur_by_class": {name: euros(c) for name, c in result.by_class_cents.items()},
        "explanation": result.explanation.to_json(),
    }


def _cash_forecast(facts: Facts, settings: KpiSettings, period: Period) -> dict:
    result = cash_forecast(facts, settings.cash, as_of=period.as_of, scenario=period.scenario,
                           weeks=period.weeks, months=period.months)  # fmt: skip

    def bucket(row: dict[str, Any], key: str) -> dict[str, Any]:
        return {
            key: row[key].isoformat(),
            "inflows": euros(row["inflows_cents"]),
            "outflows": euros(row["outflows_cents"]),
            "closing": euros(row["closing_cents"]),
        }

    below = result.below_payroll
    return {
        "as_of": period.as_of.isoformat(),
        "opening": euros(result.opening_cents),
        "opening_source": result.opening_source(),
        "scenario": period.scenario,
        "weeks": [bucket(row, "start") for row in result.weeks.iter_rows(named=True)],
        "months": [bucket(row, "month") for row in result.months.iter_rows(named=True)],
        "lowest": {"date": result.lowest_date.isoformat(), "balance": euros(result.lowest_cents)},
        "payroll": euros(result.payroll_cents),
        "below_payroll": below.isoformat() if below else None,
        "clients": [
            {
                "client": r["client"],
                "delay_days": r["delay_days"],
                "invoices_used": r["invoices_used"],
                "own_history": r["own_history"],
            }
            for r in result.clients.iter_rows(named=True)
        ],
        "company_delay_days": result.company_delay_days,
        "explanation": result.explanation.to_json(),
    }
