"""Taux de charge: TACE and its family per person, pôle and month; untracked hours; the lines."""

from __future__ import annotations

import polars as pl
import streamlit as st

from model.workbook import Sheet
from ui.charts import LINE_COLUMNS, bars, heatmap, threshold_lines
from ui.filters import dashboard_page, period_caption
from ui.loaders import assumptions, drill_down, kpi_settings, page_view, version
from ui.texts import plain, t
from ui.widgets import (
    download,
    explain,
    show_assumptions,
    show_cards,
    show_table,
    show_validation,
    table_columns,
)

RATES = [
    ("capacity_h", "capacity_h", "hours"),
    ("available_h", "available_h", "hours"),
    ("worked_h", "worked_h", "hours"),
    ("billable_h", "billable_h", "hours"),
    ("productive_h", "productive_h", "hours"),
    ("tace_pct", "tace", "pct"),
    ("charge_pct", "charge_pct", "pct"),
    ("occupation_pct", "occupation", "pct"),
]
EMPLOYEES = [("employee", "employee", "text"), ("team", "team", "text"),
             ("assumed_contract", "assumed_contract", "text"), *RATES,
             ("untracked_h", "untracked_h", "hours")]  # fmt: skip
TEAMS = [("team", "team", "text"), *RATES]
MONTHS = [("employee", "employee", "text"), ("month", "month", "date"), *RATES]

engine, scope = dashboard_page("charge")
view = page_view(engine, version(), "charge", scope)
limits = kpi_settings().charge
period_caption(scope)
show_assumptions(*assumptions(engine, version()))
if scope.client:
    st.caption(t("client_filter_ignored"))
show_cards(view.cards)
# People without a pôle (assumed contracts, or none given) are shown under a named group.
teams = view.teams.with_columns(pl.col("team").fill_null(t("no_team")))
people = view.employees.with_columns(pl.col("team").fill_null(t("no_team")))

left, right = st.columns(2)
with left:
    st.subheader(t("team_bars", red=int(limits.red_pct), amber=int(limits.amber_pct)))
    figure = bars(teams, x="team", y="tace_pct", status="status", y_title="TACE (%)")
    threshold_lines(figure, [limits.red_pct, limits.amber_pct])
    st.plotly_chart(figure, key="team-bars")
with right:
    st.subheader(t("untracked_chart"))
    untracked = people.sort("untracked_h", descending=True)
    st.plotly_chart(
        bars(untracked, x="employee", y="untracked_h", y_title=t("untracked_h")),
        key="untracked-bars",
    )
st.subheader(t("heatmap"))
st.plotly_chart(
    heatmap(view.months, x="month", y="employee", z="tace_pct", z_title="TACE (%)"),
    key="heatmap",
)

employee_columns = table_columns(EMPLOYEES)
chosen = show_table(people, employee_columns, progress=("tace_pct",), key="employees",
                    selectable=True)  # fmt: skip
rows = chosen.selection.rows if chosen else []
employee = people["employee"][rows[0]] if rows else None
download(
    [
        Sheet(t("charge"), people, employee_columns),
        Sheet(t("team"), teams, table_columns(TEAMS)),
        Sheet(t("month"), view.months, table_columns(MONTHS)),
    ],
    "taux-de-charge",
    key="download-charge",
)
if employee:
    st.subheader(f"{t('pick_employee')} {plain(employee)}")
    # The charge rate ignores the client filter; so do the lines behind it.
    lines = drill_down("employee", scope, employee)
    show_table(lines, table_columns(LINE_COLUMNS), key="employee-lines")
    download([Sheet(employee, lines, table_columns(LINE_COLUMNS))], "lignes-collaborateur",
             key="download-employee-lines", label=t("download_lines"))  # fmt: skip
show_validation(view.validation, [("employee", "employee", "text"), ("month", "month", "date")])
explain(view.explanation)
