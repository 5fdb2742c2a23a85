"""Every overview KPI over one period, computing shared inputs once (charge rates and support
inclusion feed the leakage; the lines are categorised once per family)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from model.kpi.billing import InvoicingDelay, invoicing_delay
from model.kpi.charge import ChargeRate
from model.kpi.dso import Dso, dso
from model.kpi.frames import Facts
from model.kpi.leakage import Leakage, leakage
from model.kpi.projects import SoldVsConsumed, sold_vs_consumed
from model.kpi.receivables import AgedReceivables, aged_receivables
from model.kpi.settings import KpiSettings
from model.kpi.support import SupportInclusion
from model.views.report import compute_charge, compute_support


@dataclass
class Overview:
    charge: ChargeRate
    projects: SoldVsConsumed
    support: SupportInclusion
    receivables: AgedReceivables
    dso: Dso
    invoicing: InvoicingDelay
    leakage: Leakage


def overview(
    facts: Facts, settings: KpiSettings, *, as_of: date, start: date, end: date
) -> Overview:
    charge = compute_charge(facts, settings, start, end)
    support = compute_support(facts, settings, start, end, as_of)
    period_lines = facts.timesheets.filter(pl.col("date").is_between(start, end))
    return Overview(
        charge=charge,
        projects=sold_vs_consumed(
            facts.timesheets, facts.projects, facts.employees, as_of=as_of,
            thresholds=settings.projects,
        ),
        support=support,
        receivables=aged_receivables(
            facts.invoices, facts.payments, as_of=as_of, settings=settings.receivables
        ),
        dso=dso(facts.invoices, facts.payments, as_of=as_of, settings=settings.dso,
                receivables=settings.receivables),
        invoicing=invoicing_delay(facts.timesheets, facts.projects, facts.invoices, as_of=as_of),
        leakage=leakage(
            period_lines, facts.projects, facts.employees, facts.contracts, facts.tickets,
            charge=charge, support=support, settings=settings.leakage,
        ),
    )  # fmt: skip
