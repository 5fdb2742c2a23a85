"""Every current fact as a frame: what the KPI families compute from. No I/O here: the store
reads them (model/views/loading.py), tests build them by hand."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Facts:
    """Every current fact of the store, canonical columns, money in integer cents."""

    timesheets: pl.DataFrame
    projects: pl.DataFrame
    employees: pl.DataFrame
    absences: pl.DataFrame
    invoices: pl.DataFrame
    payments: pl.DataFrame
    contracts: pl.DataFrame
    tickets: pl.DataFrame
    flows: pl.DataFrame
    bank_balances: pl.DataFrame
    revenue: pl.DataFrame
