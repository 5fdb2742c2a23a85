"""Every current fact as a frame: what the KPI families compute from. No I/O here: the store
reads them (model/views/loading.py), tests build them by hand."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import polars as pl

from model.facts import RATES_SCHEMA


def no_rates() -> pl.DataFrame:
    return pl.DataFrame(schema=RATES_SCHEMA)


@dataclass(frozen=True)
class Facts:
    """Every current fact of the store, canonical columns, money in integer cents."""

    timesheets: pl.DataFrame
    projects: pl.DataFrame
    sale_lines: pl.DataFrame
    employees: pl.DataFrame
    absences: pl.DataFrame
    invoices: pl.DataFrame
    invoice_events: pl.DataFrame
    payments: pl.DataFrame
    contracts: pl.DataFrame
    tickets: pl.DataFrame
    flows: pl.DataFrame
    bank_balances: pl.DataFrame
    revenue: pl.DataFrame
    # Not a fact of the store: the ECB's rates for the currencies the documents use.
    rates: pl.DataFrame = field(default_factory=no_rates)

    @classmethod
    def stored_kinds(cls) -> list[str]:
        """The facts read from the store, by kind."""
        return [f.name for f in fields(cls) if f.name != "rates"]
