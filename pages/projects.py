"""Vendu vs consommé: fixed-price projects against their budget, burn-up, EAC, effective €/h."""

from __future__ import annotations

import polars as pl
import streamlit as st

from model.workbook import Sheet
from ui.charts import LINE_COLUMNS, bars, line, threshold_lines
from ui.filters import dashboard_page, period_caption
from ui.loaders import assumptions, drill_down, facts, kpi_settings, page_view, version
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

PROJECTS = [
    ("project", "project", "text"),
    ("client", "client", "text"),
    ("sold_h", "sold_h", "hours"),
    ("consumed_h", "consumed_h", "hours"),
    ("pct_consumed", "pct_consumed", "pct"),
    ("progress_pct", "progress_pct", "pct"),
    ("eac_h", "eac_h", "hours"),
    ("forecast_overrun_h", "forecast_overrun_h", "hours"),
    ("overtime_cost_cents", "overtime_cost", "cents"),
    ("forecast_overrun_cost_cents", "forecast_overrun_cost", "cents"),
    ("effective_rate_cents", "effective_rate", "rate_cents"),
    ("status", "status", "text"),
]
BURN_UP = [("project", "project", "text"), ("month", "month", "date"),
           ("consumed_h", "consumed_h", "hours"), ("cumulative_h", "cumulative_h", "hours"),
           ("sold_h", "sold_h", "hours")]  # fmt: skip

engine, scope = dashboard_page("projects")
view = page_view(engine, version(), "projects", scope)
limits = kpi_settings().projects
period_caption(scope)
show_assumptions(*assumptions(engine, version()))
show_cards(view.cards)
if view.projects.height == 0:  # say why, and what would fill the page
    fixed_price = facts().projects.filter(pl.col("billing_mode") == "fixed_price")
    st.info(t("no_fixed_price_here") if fixed_price.height else t("no_fixed_price"),
            icon=":material/info:")  # fmt: skip
    st.stop()

st.subheader(
    t("consumed_chart", amber=int(limits.amber_pct), red=int(limits.red_pct),
      lost=int(limits.unrecoverable_pct))
)  # fmt: skip
ranked = view.projects.sort("pct_consumed")
figure = bars(ranked, x="project", y="pct_consumed", status="status", y_title="%")
threshold_lines(figure, [limits.amber_pct, limits.red_pct, limits.unrecoverable_pct])
st.plotly_chart(figure, key="consumed-bars")

names = view.projects.sort("pct_consumed", descending=True)["project"].to_list()
project = st.selectbox(t("pick_project"), names, key="project")
st.subheader(t("burn_up", project=project))
history = view.burn_up.filter(pl.col("project") == project)
st.plotly_chart(
    line(history, x="month", series={"cumulative_h": t("cumulative_h"), "sold_h": t("sold_h")},
         y_title="h"),
    key="burn-up",
)  # fmt: skip

columns = table_columns(PROJECTS)
show_table(view.projects, columns, progress=("pct_consumed",), key="projects-table")
download(
    [Sheet(t("projects"), view.projects, columns),
     Sheet("Burn-up", view.burn_up, table_columns(BURN_UP))],
    "vendu-vs-consomme",
    key="download-projects",
)  # fmt: skip
st.subheader(f"{t('lines')} — {plain(project)}")
lines = drill_down("project", scope, project)
show_table(lines, table_columns(LINE_COLUMNS), key="project-lines")
download([Sheet(project, lines, table_columns(LINE_COLUMNS))], "lignes-projet",
         key="download-project-lines", label=t("download_lines"))  # fmt: skip
show_validation(view.validation, [("project", "project", "text")])
explain(view.explanation)
