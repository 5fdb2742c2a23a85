"""Trésorerie: the 13-week and 6-month forecast, its scenarios, where the money comes from and
goes, what the levers would change, and past forecasts against what the bank saw."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from model import roles
from model.formatting import day, euros_from_cents
from model.kpi.cash import SCENARIOS, Levers, opening_changes
from model.services import keep_cash_forecast, save_settings
from model.settings import paris_now
from model.views.dashboard import client_receipts
from model.workbook import Sheet, in_euros
from ui.charts import STATUS_COLOURS, band, line, stacked, threshold_lines
from ui.editors import table_editor
from ui.filters import dashboard_page
from ui.loaders import (
    cash_forecasts,
    cash_page_view,
    forecast_versus_actual,
    kpi_settings,
    refresh_after_write,
    settings,
    version,
)
from ui.texts import labeller, lang, plain, t, with_code_labels
from ui.widgets import download, explain, show_cards, show_table, table_columns

WEEKS = [
    ("start", "week", "date"),
    ("inflows_cents", "forecast_in", "cents"),
    ("outflows_cents", "forecast_out", "cents"),
    ("closing_cents", "forecast_closing", "cents"),
]
MONTHS = [
    ("month", "month", "date"),
    ("inflows_cents", "forecast_in", "cents"),
    ("outflows_cents", "forecast_out", "cents"),
    ("closing_cents", "forecast_closing", "cents"),
]
MOVEMENTS = [
    ("date", "date", "date"),
    ("category", "category", "text"),
    ("label", "label", "text"),
    ("client", "client", "text"),
    ("amount_cents", "amount", "cents"),
]
RECEIPTS = [
    ("client", "client", "text"),
    ("amount_cents", "amount", "cents"),
    ("first_date", "first_date", "date"),
    ("last_date", "last_date", "date"),
    ("delay_days", "delay_days", "int"),
    ("own_history", "own_history", "text"),
    ("items", "items", "int"),
]
EFFECTS = [
    ("lever", "lever", "text"),
    ("lowest_effect_cents", "lowest_effect", "cents"),
    ("closing_effect_cents", "closing_effect", "cents"),
    ("peak_gain_cents", "peak_gain", "cents"),
    ("peak_week", "peak_week", "date"),
]
VERSUS = [("start", "week", "date"),
          ("forecast_inflows_cents", "forecast_in", "cents"),
          ("actual_inflows_cents", "actual_in", "cents"),
          ("inflows_miss", "inflows_miss", "cents"),
          ("forecast_outflows_cents", "forecast_out", "cents"),
          ("actual_outflows_cents", "actual_out", "cents"),
          ("outflows_miss", "outflows_miss", "cents"),
          ("forecast_closing_cents", "forecast_closing", "cents"),
          ("actual_closing_cents", "actual_closing", "cents")]  # fmt: skip

engine, scope = dashboard_page("cash")
for ok, message in st.session_state.pop("cash_messages", []):
    (st.success if ok else st.error)(message)
label = labeller()
left, right = st.columns([3, 1])
scenario = left.segmented_control(t("scenario"), SCENARIOS, default="base", format_func=label,
                                  required=True, key="cash-scenario")  # fmt: skip
months = right.selectbox(t("horizon_months"), [6, 12], key="cash-months")

with st.expander(t("what_if"), icon=":material/tune:"):
    st.caption(t("what_if_help"))
    levers = Levers(
        dso_days_gained=st.slider(t("dso_gained"), 0, 30, 0, key="lever-dso"),
        weekly_invoicing=st.toggle(t("weekly_invoicing"), key="lever-weekly"),
        utilisation_points=st.slider(t("utilisation_points"), 0.0, 10.0, 0.0, 0.5,
                                     key="lever-utilisation"),
    )  # fmt: skip

# What writes (the opening balance, the flows, a kept forecast) is for the roles that may.
role = settings().role
if roles.may(role, "settings"):
    with st.expander(t("opening_title"), icon=":material/account_balance_wallet:"):
        entered = kpi_settings().cash
        with st.form("cash-opening"):
            st.caption(t("opening_help"))
            amount = st.number_input(t("opening_amount"), value=entered.opening_cents / 100,
                                     step=1000.0, format="%.2f", key="opening-amount")  # fmt: skip
            opening_day = st.date_input(
                t("opening_day"), value=date.fromisoformat(entered.opening_date)
                if entered.opening_date else None, format="DD/MM/YYYY" if lang() == "fr"
                else "YYYY-MM-DD", key="opening-day",
            )  # fmt: skip
            if st.form_submit_button(t("save_opening")):
                save_settings(engine, opening_changes(amount, opening_day), now=paris_now(),
                              user=settings().user, role=role)  # fmt: skip
                refresh_after_write()
                st.rerun()

view = cash_page_view(engine, version(), scope, scenario, months, levers)
forecast = view.forecast
st.caption(
    t("opening_from", source=forecast.opening_source(lang()), day=day(forecast.lowest_date, lang()))
)
show_cards(view.cards)
if forecast.below_payroll:
    st.error(t("below_payroll", day=day(forecast.below_payroll, lang()),
               payroll=euros_from_cents(forecast.payroll_cents, lang())))  # fmt: skip
effects = None
if view.what_if is not None:
    lever_names = ("dso_days_gained", "weekly_invoicing", "utilisation_points", "all")
    lever_labels = {name: label(f"lever_{name}") for name in lever_names}
    effects = view.what_if.summary.with_columns(pl.col("lever").replace(lever_labels))
    show_table(effects, table_columns(EFFECTS), key="what-if-table")
    st.subheader(t("lever_weeks"))
    st.caption(t("lever_weeks_help"))
    gains = in_euros(view.what_if.weeks, ["gain_cents"]).pivot(
        on="lever", index="start", values="gain_cents"
    )
    st.plotly_chart(line(gains, x="start", series=lever_labels, y_title="€"), key="lever-weeks")

st.subheader(t("closing_chart", payroll=euros_from_cents(forecast.payroll_cents, lang())))
by_scenario = in_euros(view.scenarios, ["closing_cents"]).pivot(
    on="scenario", index="start", values="closing_cents"
)
# Base blue, pessimistic red, optimistic green, whatever the order of SCENARIOS.
SCENARIO_COLOURS = {"base": STATUS_COLOURS[None], "pessimistic": STATUS_COLOURS["red"],
                    "optimistic": STATUS_COLOURS["green"]}  # fmt: skip
figure = line(by_scenario, x="start", series={name: label(name) for name in SCENARIOS},
              y_title="€", colours=[SCENARIO_COLOURS[name] for name in SCENARIOS])  # fmt: skip
band(figure, in_euros(view.band, ["low_cents", "high_cents"]), x="start", low="low_cents",
     high="high_cents", name=t("confidence_band"))  # fmt: skip
if forecast.payroll_cents:
    threshold_lines(figure, [forecast.payroll_cents / 100])
st.plotly_chart(figure, key="closing-lines")

st.subheader(t("category_chart"))
per_month = (
    in_euros(with_code_labels(view.by_category, ("category",)), ["net_cents"])
    .pivot(on="category", index="month", values="net_cents")
    .fill_null(0)
)
categories = [c for c in per_month.columns if c != "month"]
st.plotly_chart(stacked(per_month, x="month", series={c: c for c in categories}, y_title="€"),
                key="category-bars")  # fmt: skip

st.subheader(t("receipts"))
chosen = show_table(view.receipts, table_columns(RECEIPTS), key="receipts-table", selectable=True)
rows = chosen.selection.rows if chosen else []
if rows:
    client = view.receipts["client"][rows[0]]
    st.caption(f"{t('receipts_of')} {plain(client) if client else t('company_wide')}")
    show_table(client_receipts(view, client), table_columns(MOVEMENTS), key="client-receipts")

download(
    [Sheet(t("week"), forecast.weeks, table_columns(WEEKS)),
     Sheet(t("month"), forecast.months, table_columns(MONTHS)),
     Sheet(t("label"), forecast.movements, table_columns(MOVEMENTS)),
     Sheet(t("receipts"), view.receipts, table_columns(RECEIPTS)),
     *([Sheet(t("what_if"), effects, table_columns(EFFECTS))] if effects is not None else [])],
    "tresorerie",
    key="download-cash",
)  # fmt: skip

if roles.may(role, "tables"):
    with st.expander(t("flows_editor"), icon=":material/edit_calendar:"):
        table_editor(engine, "flows", "cash_messages")

st.subheader(t("vs_actual"))
if roles.may(role, "forecasts") and st.button(
    t("save_forecast"), icon=":material/bookmark_add:", key="save-forecast"
):
    saved = keep_cash_forecast(
        engine, forecast, as_of=scope.as_of, scenario=scenario, user=settings().user,
        now=paris_now(), role=role,
    )  # fmt: skip
    refresh_after_write()
    st.success(t("forecast_saved", id=saved))
saved_forecasts = cash_forecasts(engine, version())
if saved_forecasts.height == 0:
    st.caption(t("no_forecast"))
else:
    options = saved_forecasts["id"].to_list()
    described = {
        row["id"]: f"n° {row['id']} — {day(row['as_of'], lang())} — {label(row['scenario'])}"
        for row in saved_forecasts.iter_rows(named=True)
    }
    picked = st.selectbox(t("pick_forecast"), options, format_func=described.get,
                          key="pick-forecast")  # fmt: skip
    versus = forecast_versus_actual(engine, version(), picked, scope.as_of)
    if versus.height == 0:
        st.caption(t("no_actual_yet"))
    else:
        show_table(versus, table_columns(VERSUS), key="versus-table")
        st.caption(t("largest_misses"))
        misses = versus.sort(pl.col("inflows_miss").abs(), descending=True).head(3)
        show_table(misses, table_columns(VERSUS), key="misses-table")
explain(view.explanation)
