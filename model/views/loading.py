"""Facts and KPI settings read from the store for the KPI families."""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl
from sqlalchemy import Engine

from model import store
from model.db import data_version
from model.facts import COMPANY_CURRENCY
from model.kpi.assumed import with_assumptions
from model.kpi.billing import with_invoiced_periods
from model.kpi.frames import Facts, no_rates
from model.kpi.lifecycle import with_invoice_events
from model.kpi.settings import KpiSettings, kpi_settings
from model.kpi.sold import with_sale_lines
from model.rates import reference_history


@dataclass(frozen=True)
class StoredFacts:
    """Every current fact as the store holds it at one data version, each row with its id, in
    id order: the next import's rows are added to these instead of reading every row again."""

    version: int
    frames: dict[str, pl.DataFrame]


def read_stored_facts(engine: Engine) -> StoredFacts:
    """Every current fact, read whole. The version is read before and after: a write landing
    meanwhile makes the result unusable as a base for the next import's rows (version -1)."""
    before = data_version(engine)
    frames = {kind: store.read_facts(engine, kind, with_ids=True) for kind in Facts.stored_kinds()}
    return StoredFacts(before if data_version(engine) == before else -1, frames)


def with_imports(engine: Engine, stored: StoredFacts, batch_ids: list[int]) -> StoredFacts | None:
    """`stored` with what the imports `batch_ids` changed, one after the other: the rows each
    superseded taken out, the rows each wrote added at the end (their ids are larger than every
    row's before them). They must be the writes since `stored`, so the store is at the version
    they end at before and after their rows are read, and holds the rows assembled (as many,
    and the same sum of ids): None otherwise, and the facts are read whole."""
    expected = stored.version + len(batch_ids)
    if stored.version < 0 or data_version(engine) != expected:
        return None
    frames = dict(stored.frames)
    for batch_id in batch_ids:
        for kind, frame in frames.items():
            after_id = int(frame["id"].max() or 0) if frame.height else 0
            superseded, written = store.read_import_changes(
                engine, kind, batch_id, after_id=after_id
            )
            kept = frame.filter(~pl.col("id").is_in(superseded)) if superseded.len() else frame
            frames[kind] = _appended(kept, written) if written.height else kept
    held = store.current_ids_summary(engine)
    if data_version(engine) != expected or any(
        held[kind] != (frame.height, int(frame["id"].sum())) for kind, frame in frames.items()
    ):
        return None
    return StoredFacts(expected, frames)


def _appended(frame: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    joined = pl.concat([frame, rows], rechunk=False)
    # A chunk per import is cheap to add; past a few, every KPI pays for walking them.
    return joined.rechunk() if joined.n_chunks() > MAX_CHUNKS else joined


MAX_CHUNKS = 8


def load_facts(engine: Engine) -> Facts:
    return completed_facts(read_stored_facts(engine))


def completed_facts(stored: StoredFacts) -> Facts:
    """Every current fact, the reference rates of the foreign currencies they use, the projects
    completed from their sale order lines (`from_orders`), the lines an e-invoice's billed period
    covers tied to it (`invoice_from_period`), the invoices' platform statuses (`disputed`) and
    the payments they date, and the people and projects the timesheets imply where the lists
    lack them (marked `assumed`)."""
    facts = Facts(**{kind: frame.drop("id") for kind, frame in stored.frames.items()})
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
