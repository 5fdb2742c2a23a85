"""Support: included, billed, non-billable and unqualified hours per contract and month, quota
use and its projected run-out date, effective €/h against the team's cost."""

from __future__ import annotations

import polars as pl
import streamlit as st

from model.workbook import Sheet
from ui.charts import LINE_COLUMNS, stacked
from ui.filters import dashboard_page, period_caption
from ui.loaders import assumptions, drill_down, page_view, version
from ui.texts import plain, t
from ui.widgets import download, explain, show_assumptions, show_cards, show_table, table_columns

HOURS = [
    ("included_h", "included_h", "hours"),
    ("billed_h", "billed_h", "hours"),
    ("non_billable_h", "non_billable_h", "hours"),
    ("unqualified_h", "unqualified_h", "hours"),
    ("hours_h", "hours_h", "hours"),
    ("quota_h", "quota_h", "hours"),
    ("excess_h", "excess_h", "hours"),
    ("unbilled_pct", "unbilled_pct", "pct"),
    ("quota_use_pct", "quota_use_pct", "pct"),
    ("effective_rate_cents", "effective_rate", "rate_cents"),
]
CONTRACTS = [("contract", "contract", "text"), ("client", "client", "text"), *HOURS,
             ("runout_date", "runout_date", "date")]  # fmt: skip
MONTHS = [("contract", "contract", "text"), ("month", "month", "date"), *HOURS]
PACKS = [("contract", "contract", "text"), ("client", "client", "text"),
         ("prepaid_h", "prepaid_h", "hours"), ("used_h", "used_h", "hours"),
         ("remaining_h", "remaining_h", "hours"), ("burn_h_per_month", "burn_h_per_month", "hours"),
         ("runout_date", "runout_date", "date")]  # fmt: skip

engine, scope = dashboard_page("support")
view = page_view(engine, version(), "support", scope)
period_caption(scope)
show_assumptions(*assumptions(engine, version()))
show_cards(view.cards)
SLA = [("contract", "contract", "text"), ("due", "sla_due", "int"), ("met", "sla_met", "int"),
       ("missed", "sla_missed", "int"), ("open_late", "sla_open_late", "int"),
       ("respect_pct", "sla_respect", "pct")]  # fmt: skip
OPEN_LATE = [
    ("ticket", "ticket", "text"),
    ("client", "client", "text"),
    ("contract", "contract", "text"),
    ("opened_at", "opened_at", "date"),
    ("sla_deadline", "sla_deadline", "date"),
    ("days_late", "days_late", "int"),
]


def show_sla() -> None:
    """Tickets closed by their SLA deadline, per contract, and those open past it."""
    if view.sla.total["due"].item() == 0:
        return
    st.subheader(t("sla_title"))
    st.caption(t("sla_help"))
    named = pl.col("contract").fill_null(t("no_contract"))
    show_table(view.sla.contracts.with_columns(named), table_columns(SLA), key="sla-table")
    if view.sla.open_late.height:
        st.markdown(f"**{t('sla_open_list')}**")
        show_table(view.sla.open_late.with_columns(named), table_columns(OPEN_LATE),
                   key="sla-open-late")  # fmt: skip


if view.contracts.height == 0:
    st.info(t("no_support_time"), icon=":material/info:")
    show_sla()
    st.stop()

contracts = view.contracts["contract"].to_list()
contract = st.selectbox(
    t("pick_contract"), contracts, format_func=lambda c: c or t("no_contract"), key="contract"
)
st.subheader(f"{t('support_chart')} — {plain(contract) if contract else t('no_contract')}")
months = view.months.filter(pl.col("contract").eq_missing(contract)).sort("month")
series = {name: t(name) for name in ("included_h", "billed_h", "non_billable_h", "unqualified_h")}
st.plotly_chart(stacked(months, x="month", series=series, y_title="h"), key="support-months")

columns = table_columns(CONTRACTS)
# Lines no contract covers: named on screen and in the workbook, not a blank cell.
named = pl.col("contract").fill_null(t("no_contract"))
show_table(view.contracts.with_columns(named), columns, progress=("quota_use_pct",),
           key="contracts-table")  # fmt: skip
download(
    [Sheet(t("support"), view.contracts.with_columns(named), columns),
     Sheet(t("month"), view.months.with_columns(named), table_columns(MONTHS))],
    "support",
    key="download-support",
)  # fmt: skip
if view.packs.height:
    st.subheader(t("packs"))
    st.caption(t("packs_help"))
    show_table(view.packs, table_columns(PACKS), key="packs-table")
show_sla()
st.subheader(f"{t('lines')} — {plain(contract) if contract else t('no_contract')}")
lines = drill_down("contract", scope, contract)
line_columns = table_columns([*LINE_COLUMNS, ("category", "category", "text")])
show_table(lines, line_columns, key="contract-lines")
download([Sheet(contract or t("no_contract"), lines, line_columns)], "lignes-support",
         key="download-contract-lines", label=t("download_lines"))  # fmt: skip
explain(view.explanation)
