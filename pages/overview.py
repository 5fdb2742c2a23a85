"""Vue d'ensemble: the headline figures of the period against the previous one, and the alerts,
costliest first, each with a link to the page that explains it."""

from __future__ import annotations

import polars as pl
import streamlit as st

from model.workbook import Column, Sheet
from ui.filters import dashboard_page, period_caption
from ui.loaders import assumptions, page_view, version
from ui.routing import page_file
from ui.texts import lang, plain, t
from ui.widgets import cards_sheet, download, explain, show_assumptions, show_cards

engine, scope = dashboard_page("overview")
view = page_view(engine, version(), "overview", scope)
period_caption(scope)
show_assumptions(*assumptions(engine, version()))
if scope.client:
    st.caption(t("overview_scope"))
show_cards(view.cards)

st.subheader(t("alerts"))
if not view.alerts:
    st.caption(t("no_alert"))
for alert in view.alerts:
    text_column, link_column = st.columns([4, 1], vertical_alignment="center")
    text_column.warning(plain(alert.text(lang())))
    link_column.page_link(
        page_file(alert.page), label=t(alert.page), icon=":material/arrow_forward:"
    )
alert_rows = pl.DataFrame(
    {
        "alert": [alert.text(lang()) for alert in view.alerts],
        "cost_cents": [alert.cost_cents for alert in view.alerts],
        "page": [t(alert.page) for alert in view.alerts],
    },
    schema={"alert": pl.String, "cost_cents": pl.Int64, "page": pl.String},
)
alert_columns = [Column("alert", t("alerts")), Column("cost_cents", t("at_stake"), "cents"),
                 Column("page", t("explained_on"))]  # fmt: skip
download([cards_sheet(view.cards), Sheet(t("alerts"), alert_rows, alert_columns)],
         "vue-d-ensemble" if lang() == "fr" else "overview", key="download-overview")  # fmt: skip
explain(view.explanations)
