"""The Imports page's « Qualité des données » section, what the store lacks before anyone trusts
a figure (model/kpi/quality.py computes it), and its change log (model/audit.py)."""

from __future__ import annotations

import math

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from model.audit import ACTIONS
from model.formatting import day, percent
from ui.filters import current_scope
from ui.loaders import audit_trail, data_quality, version
from ui.texts import lang, t
from ui.widgets import show_assumptions, show_table, table_columns

COVERAGE = [
    ("month", "month", "date"),
    ("expected_weeks", "expected_weeks", "int"),
    ("weeks_with_time", "weeks_with_time", "int"),
    ("complete_pct", "complete_pct", "pct"),
]
MISSING = [
    ("employee", "employee", "text"),
    ("team", "team", "text"),
    ("week", "week", "date"),
    ("available_h", "available_h", "hours"),
]
DUPLICATES = [
    ("file", "file", "text"),
    ("date", "date", "date"),
    ("employee", "employee", "text"),
    ("project", "project", "text"),
    ("hours", "hours", "hours"),
    ("copies", "copies", "int"),
]
REVENUE = [
    ("month", "month", "date"),
    ("fec_cents", "fec_revenue", "cents"),
    ("invoices_cents", "invoices_untaxed", "cents"),
    ("difference_cents", "difference", "cents"),
]
COSTS = [
    ("employee", "employee", "text"),
    ("list_cost_cents", "staff_list_cost", "rate_cents"),
    ("timesheet_cost_cents", "timesheet_cost", "rate_cents"),
    ("difference_cents", "difference", "rate_cents"),
    ("lines", "lines", "int"),
]


def show_data_quality(engine: Engine) -> None:
    """For the sidebar's period (its pôle and client do not apply: the store as a whole)."""
    st.header(t("data_quality"))
    scope = current_scope()
    st.caption(t("period", start=day(scope.start, lang()), end=day(scope.end, lang())) + ".")
    report = data_quality(engine, version(), scope.start, scope.end)
    quality = report.quality
    if quality.complete_pct is not None:
        shown = percent(math.floor(quality.complete_pct), 0, lang())
        st.metric(t("timesheets_complete"), shown, border=True,
                  help=t("complete_help_timesheets"))  # fmt: skip
    _section("quality_coverage", quality.coverage, COVERAGE)
    _section("quality_missing_weeks", quality.missing_weeks, MISSING)
    show_assumptions(quality.assumed_people, quality.assumed_projects)
    _section("quality_duplicates", report.duplicates, DUPLICATES)
    _section("quality_revenue", quality.revenue_vs_invoices, REVENUE)
    if not report.costs_hidden:  # per-person cost rates: the direction's only
        _section("quality_costs", quality.costs, COSTS)


def _section(key: str, frame: pl.DataFrame, columns: list[tuple[str, str, str]]) -> None:
    """A titled table with what it shows; when empty, a sentence saying what that means."""
    st.subheader(t(key))
    st.caption(t(f"{key}_help"))
    if frame.height == 0:
        st.success(t(f"{key}_none"), icon=":material/check:")
        return
    show_table(frame, table_columns(columns), key=f"table-{key}")


AUDIT = [
    ("at", "audit_at", "datetime"),
    ("user", "audit_user", "text"),
    ("action", "audit_action", "text"),
    ("subject", "audit_subject", "text"),
]


def show_audit_trail(engine: Engine) -> None:
    """The change log, latest first: who did what, and when."""
    st.header(t("audit_title"))
    st.caption(t("audit_help"))
    trail = audit_trail(engine, version())
    if trail.height == 0:
        return
    index = 0 if lang() == "fr" else 1
    words = {action: labels[index] for action, labels in ACTIONS.items()}
    show_table(trail.with_columns(pl.col("action").replace_strict(words)),
               table_columns(AUDIT), key="audit-table")  # fmt: skip
