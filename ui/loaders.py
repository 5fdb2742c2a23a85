"""The store read through Streamlit's caches, keyed on the data version: a redraw reads nothing
again until an import, an undo or an edit changes the data (`refresh_after_write`)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

import polars as pl
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from model import services
from model.db import DatabaseError, data_version, get_engine, init_db
from model.exports import template_bytes
from model.importing import ImportResult, import_file, unpack_limits
from model.imports.pipeline import file_headers
from model.imports.reader import ReadError
from model.kpi.assumed import assumed_names
from model.kpi.cash import Levers
from model.kpi.frames import Facts
from model.kpi.scope import Scope
from model.kpi.settings import KpiSettings
from model.memory import give_back_freed_memory
from model.roles import Viewer
from model.settings import Settings, SettingsError, get_settings, paris_now
from model.views import access, dashboard
from model.views.diagnostic import Diagnostic
from model.views.loading import (
    StoredFacts,
    completed_facts,
    load_duplicated_lines,
    load_settings,
    read_stored_facts,
    with_imports,
)
from model.views.quality import QualityReport, quality_report
from ui import workspace
from ui.auth import signed_in_name
from ui.texts import plain, t

# Which store (its workspace, "" for the firm's base) and its data version: every cached read
# is keyed by it, so that nothing cached for one workspace is served in another.
DataKey = tuple[str, int]
# Figures computed at once by one server's sessions, at most. Twenty sessions opening their
# pages together each held a page's intermediate frames (1M lines: 1.9 GB at the peak), for no
# gain in time: the computations are bound by the processors and Python's lock. A computation
# waits for a slot; what the caches already hold is served without one.
COMPUTING_SLOTS = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


@st.cache_resource
def engine() -> Engine:
    """The firm's base, one engine per process (its schema created or upgraded once): the
    accounts, the list of workspaces, and the firm's own figures."""
    created = get_engine(get_settings().database_url)
    init_db(created)
    return created


def engine_or_stop() -> Engine:
    """The store this session works in: the firm's base, or the workspace chosen."""
    return workspace.opened(home_or_stop())[0]


def home_or_stop() -> Engine:
    try:
        return engine()
    except SettingsError as error:  # a PILOTAGE_* variable that is not a number
        st.error(plain(error))
        st.stop()
        raise
    except (DatabaseError, OperationalError) as error:
        st.error(f"{t('db_error')} : {plain(error)}")
        st.stop()
        raise


def settings() -> Settings:
    """The server's settings; in a signed-in session, that person signs what they change and
    their role (as they act in the workspace chosen) bounds what they may change."""
    name = signed_in_name()
    if name is None:
        return get_settings()
    return replace(get_settings(), user=name, role=acting().role)


def acting() -> Viewer:
    """Who is looking, as they act in the store chosen (a consultant: its auditor)."""
    return workspace.opened(home_or_stop())[1]


def version() -> DataKey:
    store, _, key = workspace.opened(home_or_stop())
    return key, data_version(store)


@st.cache_data(max_entries=16)
def fact_counts(_engine: Engine, data_version_key: DataKey) -> dict[str, int]:
    return services.fact_counts(_engine)


@st.cache_data(max_entries=16)
def batches(_engine: Engine, data_version_key: DataKey) -> pl.DataFrame:
    return services.import_history(_engine)


# A resource, not data: the result holds the file as read (its Batch), which confirming writes
# without reading the file again; copying it out of the cache at every redraw would cost more.
@st.cache_resource(max_entries=8, show_spinner=False)
def preview(
    _engine: Engine, name: str, data: bytes, kind: str | None, data_version_key: DataKey
) -> ImportResult:
    """What importing the file would change; recomputed only when the file or the store changes."""
    result = import_file(
        _engine, data, name, settings=settings(), now=paris_now(), kind=kind, dry_run=True
    )
    give_back_freed_memory()  # what reading the file took, beyond what its preview keeps
    return result


@st.cache_data(max_entries=16, show_spinner=False)
def headers_of(name: str, data: bytes) -> list[str]:
    """The headers a column mapping starts from; none when the file cannot be read at all."""
    try:
        limits = settings()
        return file_headers(
            data, name, max_bytes=limits.max_file_bytes, unpack=unpack_limits(limits)
        )
    except ReadError:
        return []


@st.cache_data(show_spinner=False)
def empty_template() -> bytes:
    return template_bytes(None)


# Two stores' facts in memory at most: the firm's and a workspace's, or two versions of one.
@st.cache_resource(max_entries=2, show_spinner=False)
def facts_and_settings(_engine: Engine, data_version_key: DataKey) -> tuple[Facts, KpiSettings]:
    """Every fact and the KPI settings, read once per data version. A resource, not data:
    shared as is (polars frames are immutable) instead of unpickled on every redraw, which
    costs a copy of a million lines each time."""
    loaded = completed_facts(_stored_facts(_engine, data_version_key)), load_settings(_engine)
    _FACTS_READ_AT[data_version_key[0]] = data_version_key
    give_back_freed_memory()  # what reading them took, not what they hold
    return loaded


# The data version each store's facts were last read at (by workspace): once a write moves it,
# those facts are never asked for again and are freed at once (after a 50 MB import, 0.4 GB
# held for nothing until two newer versions pushed them out).
_FACTS_READ_AT: dict[str, DataKey] = {}


class _KeptFacts:
    """Each store's facts as last read, and the imports this process wrote, by the data version
    each made: the facts after an import are the facts before it with its rows (1M lines:
    0.2 s instead of 3.5 s to read them all again). Any other write has them read whole."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stored: dict[tuple[str, str], StoredFacts] = {}  # by database and workspace
        self.imported_at: dict[tuple[str, str, int], int] = {}  # (… and version) → batch

    def imports_since(self, store: tuple[str, str], version: int) -> list[int]:
        """The batches imported here one after the other from `version` on."""
        found: list[int] = []
        while (batch := self.imported_at.get((*store, version + len(found) + 1))) is not None:
            found.append(batch)
        return found


# A resource, so that clearing Streamlit's caches forgets these too (tests; a new database).
@st.cache_resource
def _kept_facts() -> _KeptFacts:
    return _KeptFacts()


def _store_of(engine: Engine, store_key: str) -> tuple[str, str]:
    return engine.url.render_as_string(hide_password=True), store_key


def _stored_facts(engine: Engine, data_version_key: DataKey) -> StoredFacts:
    kept, (store_key, version) = _kept_facts(), data_version_key
    store = _store_of(engine, store_key)
    with kept.lock:
        before = kept.stored.get(store)
        imports = kept.imports_since(store, before.version) if before is not None else []
        for key in [k for k in kept.imported_at if k[:2] == store and k[2] <= version]:
            del kept.imported_at[key]
    stored = None
    if before is not None and imports and before.version + len(imports) == version:
        stored = with_imports(engine, before, imports)
    if stored is None:
        stored = read_stored_facts(engine)
    with kept.lock:
        held = kept.stored.pop(store, None)
        kept.stored[store] = stored if held is None or held.version < stored.version else held
        while len(kept.stored) > KEPT_STORES:  # as many as the facts' cache keeps
            del kept.stored[next(iter(kept.stored))]
    return stored


KEPT_STORES = 2


def assumptions(_engine: Engine, data_version_key: DataKey) -> tuple[list[str], list[str]]:
    """The people and projects the timesheets imply but the lists lack (assumed)."""
    facts, _ = facts_and_settings(_engine, data_version_key)
    return assumed_names(access.visible_facts(acting(), facts))


def cash_page_view(
    _engine: Engine,
    data_version_key: DataKey,
    scope: Scope,
    scenario: str,
    months: int,
    levers: Levers | None,
) -> dashboard.CashView:
    return _cash_view(_engine, data_version_key, _sight(), scope, scenario, months, levers)


@st.cache_data(max_entries=32, show_spinner=False)
def _cash_view(
    _engine: Engine,
    data_version_key: DataKey,
    seen_by: Viewer,
    scope: Scope,
    scenario: str,
    months: int,
    levers: Levers | None,
) -> dashboard.CashView:
    facts, kpi_settings = facts_and_settings(_engine, data_version_key)
    with COMPUTING_SLOTS:
        return access.cash_view(seen_by, facts, kpi_settings, scope, scenario=scenario,
                                months=months, levers=levers)  # fmt: skip


def _sight() -> Viewer:
    """What decides the figures shown (role and pôle), not who: people of one role share the
    cached figures."""
    return replace(acting(), name=None)


def page_view(_engine: Engine, data_version_key: DataKey, page: str, scope: Scope):
    """A page's figures for one filter choice, as the signed-in person may see them."""
    return _page_view(_engine, data_version_key, _sight(), page, scope)


@st.cache_data(max_entries=64, show_spinner=False)
def _page_view(
    _engine: Engine, data_version_key: DataKey, seen_by: Viewer, page: str, scope: Scope
):
    """Computed once per data version and viewer: a redraw after a filter change reads nothing
    from the store, and going back to a choice costs nothing."""
    facts, kpi_settings = facts_and_settings(_engine, data_version_key)
    with COMPUTING_SLOTS:
        return access.page_view(seen_by, page, facts, kpi_settings, scope)


def diagnostic_view(_engine: Engine, data_version_key: DataKey, as_of: date) -> Diagnostic:
    """The diagnostic at a date, as the signed-in person may see it (model/views/access.py)."""
    return _diagnostic(_engine, data_version_key, _sight(), as_of)


@st.cache_data(max_entries=8, show_spinner=False)
def _diagnostic(
    _engine: Engine, data_version_key: DataKey, seen_by: Viewer, as_of: date
) -> Diagnostic:
    facts, kpi_settings = facts_and_settings(_engine, data_version_key)
    with COMPUTING_SLOTS:
        return access.diagnostic_for(seen_by, facts, kpi_settings, as_of=as_of)


def data_quality(
    _engine: Engine, data_version_key: DataKey, start: date, end: date
) -> QualityReport:
    """The data-quality report of a period (Imports page), as the signed-in person may see it."""
    return access.quality_for(acting(), _data_quality(_engine, data_version_key, start, end))


@st.cache_data(max_entries=8, show_spinner=False)
def _data_quality(
    _engine: Engine, data_version_key: DataKey, start: date, end: date
) -> QualityReport:
    # The duplicates' query runs in the database while the facts are read: its time is spent
    # in SQLite or PostgreSQL, outside Python's lock (1.4 s on 1M lines).
    with ThreadPoolExecutor(max_workers=1) as pool:
        duplicates = pool.submit(load_duplicated_lines, _engine)
        facts, kpi_settings = facts_and_settings(_engine, data_version_key)
        duplicated = duplicates.result()  # waited for outside a slot: the database's time
    with COMPUTING_SLOTS:
        return quality_report(facts, kpi_settings, duplicated, start, end)


@st.cache_data(max_entries=4, show_spinner=False)
def audit_trail(_engine: Engine, data_version_key: DataKey) -> pl.DataFrame:
    """The change log (every write moves the data version, so a new event shows at once)."""
    return services.audit_trail(_engine)


@st.cache_data(max_entries=4, show_spinner=False)
def cash_forecasts(_engine: Engine, data_version_key: DataKey) -> pl.DataFrame:
    """The forecasts kept so far (keeping one clears the cache: `refresh_after_write`)."""
    return services.kept_cash_forecasts(_engine)


@st.cache_data(max_entries=16, show_spinner=False)
def forecast_versus_actual(
    _engine: Engine, data_version_key: DataKey, forecast_id: int, as_of: date
) -> pl.DataFrame:
    facts, _ = facts_and_settings(_engine, data_version_key)
    return services.kept_forecast_vs_actual(_engine, forecast_id, facts, as_of=as_of)


@st.cache_data(max_entries=4, show_spinner=False)
def setting_values(_engine: Engine, data_version_key: DataKey) -> dict:
    return services.setting_values(_engine)


# The lines behind a figure, by what was picked: a person, a project or a support contract.
DRILL_DOWNS: dict[str, Callable[[Facts, Scope, str | None], pl.DataFrame]] = {
    "employee": lambda facts, scope, name: dashboard.source_lines(
        facts,
        replace(scope, client=None),
        employee=name,  # charge ignores the client filter
    ),
    "project": lambda facts, scope, name: dashboard.project_lines(facts, name, scope.as_of),
    "contract": lambda facts, scope, name: dashboard.contract_lines(facts, scope, name),
}


def drill_down(picked: str, scope: Scope, name: str | None) -> pl.DataFrame:
    """The lines behind the figure of a person, project or contract (`picked`), as the
    signed-in person may see them; computed once per data version and choice, so that a
    warm redraw does not sort through a million lines again (Support: 0.25 s)."""
    return _drill_down(engine_or_stop(), version(), _sight(), picked, scope, name)


# A resource: polars frames are never changed in place, and copying out 100k lines at every
# redraw would cost what the cache saves.
@st.cache_resource(max_entries=32, show_spinner=False)
def _drill_down(
    _engine: Engine,
    data_version_key: DataKey,
    seen_by: Viewer,
    picked: str,
    scope: Scope,
    name: str | None,
) -> pl.DataFrame:
    visible = access.visible_facts(seen_by, facts_and_settings(_engine, data_version_key)[0])
    with COMPUTING_SLOTS:
        return DRILL_DOWNS[picked](visible, scope, name)


def facts() -> Facts:
    """The facts the signed-in person may read (their pôle; no hourly costs unless direction)."""
    return access.visible_facts(acting(), facts_and_settings(engine_or_stop(), version())[0])


def kpi_settings() -> KpiSettings:
    return facts_and_settings(engine_or_stop(), version())[1]


def refresh_after_write(imported: ImportResult | None = None) -> None:
    """Every cached figure depends on the data version; drop what the write made stale (a saved
    mapping changes no data but how a waiting file reads: its preview goes too). After an
    import (`imported`), the facts are those before it with its rows; after any other write,
    they are read whole."""
    st.cache_data.clear()
    preview.clear()
    current = version()
    kept, store = _kept_facts(), _store_of(engine_or_stop(), current[0])
    with kept.lock:
        if imported is not None and imported.data_version and imported.batch_id is not None:
            kept.imported_at[(*store, imported.data_version)] = imported.batch_id
        elif (held := kept.stored.get(store)) is not None and held.version != current[1]:
            del kept.stored[store]  # stale for good: only imports are added to what is held
    read_at = _FACTS_READ_AT.get(current[0])
    if read_at is not None and read_at != current:  # a saved mapping or forecast keeps them
        facts_and_settings.clear(None, read_at)  # the engine is not part of the cache key
        _drill_down.clear()
        give_back_freed_memory()
