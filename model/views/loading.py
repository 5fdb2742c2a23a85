"""Facts and KPI settings read from the store for the KPI families."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
from sqlalchemy import Engine

from model import store
from model.facts import COMPANY_CURRENCY
from model.kpi.assumed import with_assumptions
from model.kpi.billing import with_invoiced_periods
from model.kpi.frames import Facts, no_rates
from model.kpi.lifecycle import with_invoice_events
from model.kpi.settings import KpiSettings, kpi_settings
from model.kpi.sold import with_sale_lines
from model.rates import reference_history


def load_facts(engine: Engine) -> Facts:
    """Every current fact, the reference rates of the foreign currencies they use, the projects
    completed from their sale order lines (`from_orders`), the lines an e-invoice's billed period
    covers tied to it (`invoice_from_period`), the invoices' platform statuses (`disputed`) and
    the payments they date, and the people and projects the timesheets imply where the lists
    lack them (marked `assumed`)."""
    facts = Facts(**{kind: store.read_facts(engine, kind) for kind in Facts.stored_kinds()})
    timesheets = with_invoiced_periods(facts.timesheets, facts.invoices)
    rates = foreign_rates(facts.invoices)
    completed = with_sale_lines(replace(facts, timesheets=timesheets, rates=rates))
    return with_assumptions(with_invoice_events(completed))


def foreign_rates(invoices: pl.DataFrame) -> pl.DataFrame:
    """The ECB's rates of the invoices' foreign currencies, from the first such invoice on."""
    foreign = invoices.filter(pl.col("currency").fill_null(COMPANY_CURRENCY) != COMPANY_CURRENCY)
    if foreign.height == 0:
        return no_rates()
    currencies = sorted(foreign["currency"].unique().to_list())
    return reference_history(currencies, since=foreign["invoice_date"].min())


def load_settings(engine: Engine) -> KpiSettings:
    return kpi_settings(store.read_setting_values(engine))


def load_duplicated_lines(engine: Engine) -> pl.DataFrame:
    """ID-less timesheet lines one file wrote alike more than once (data-quality report)."""
    return store.duplicated_keyless_lines(engine)
