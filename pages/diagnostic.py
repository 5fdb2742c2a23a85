"""Diagnostic: the money lost per year, leak by leak (method, inputs, range, threshold), a
12-month trend, and the levers that win it back (model/views/diagnostic.py)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from model.diagnostic_report import ReportHeader, pdf_bytes, xlsx_bytes
from model.formatting import day, euros_from_cents, in_unit, month_format, number
from model.views.diagnostic import Leak
from ui.auth import signed_in_name
from ui.charts import bars
from ui.filters import dashboard_page
from ui.loaders import diagnostic_view, kpi_settings, version
from ui.texts import lang, t
from ui.workspace import chosen

STATUS_MARKS = {"red": ":red-badge[{}]", "amber": ":orange-badge[{}]", "green": ":green-badge[{}]"}

engine, scope = dashboard_page("diagnostic")
result = diagnostic_view(engine, version(), scope.as_of)
language = lang()


def money(cents: int) -> str:
    return euros_from_cents(cents, language)


def _figure(leak: Leak) -> str:
    """What the threshold judges, written in its unit (a count of invoices: a whole number)."""
    if leak.figure is None:
        return ""
    if leak.unit == "count":
        return t("diag.invoices", count=number(leak.figure, 0, language))
    return in_unit(leak.figure, leak.unit, language)


st.caption(t("diag.period", start=day(result.start, language), end=day(result.end, language)))
if scope.team or scope.client:  # the sidebar's filters narrow the other pages, not this one
    st.caption(t("diag.whole_firm"))
total, trend = st.columns([1, 2])
total.metric(t("diag.total"), money(result.total_cents), border=True)
total.caption(t("diag.range", low=money(result.low_cents), high=money(result.high_cents)))
with trend:
    st.markdown(f"**{t('diag.trend')}**")
    months = result.trend.with_columns(
        pl.col("month").dt.strftime(month_format(language)),
        (pl.col("cents") / 100).alias("eur"),
    )
    st.plotly_chart(bars(months, x="month", y="eur", y_title="€"), key="diag-trend")

for leak in sorted(result.leaks, key=lambda x: -x.cents):
    with st.container(border=True):
        name, amount = st.columns([3, 1], vertical_alignment="center")
        shown = _figure(leak)
        mark = STATUS_MARKS[leak.status].format(shown) if leak.status and shown else shown
        name.markdown(f"**{t(f'diag.leak.{leak.code}')}** {mark}")
        amount.markdown(f"**{money(leak.cents)}**")
        if leak.high_cents != leak.low_cents:
            amount.caption(t("diag.range", low=money(leak.low_cents), high=money(leak.high_cents)))
        st.caption(t(f"diag.method.{leak.code}"))
        with st.expander(t("diag.inputs")):
            for key, value in leak.inputs.items():
                written = number(value, 2, language) if isinstance(value, float) else value
                st.markdown(f"- {t(f'diag.input.{key}')} : {written}")

st.subheader(t("diag.levers"))
levers = pl.DataFrame(
    {"lever": [t(f"diag.lever.{lever.code}") for lever in result.levers],
     "gain_cents": [lever.gain_cents for lever in result.levers]}
).sort("gain_cents", descending=True)  # fmt: skip
for lever in levers.iter_rows(named=True):
    st.markdown(f"- **{money(lever['gain_cents'])}** · {lever['lever']}")

st.subheader(t("report.title"))
left, middle, right = st.columns(3)
company = left.text_input(t("report.company"), value=chosen() or "", key="report-company")
consultant = middle.text_input(t("report.consultant"), value=signed_in_name() or "",
                               key="report-consultant")  # fmt: skip
firm = right.text_input(t("report.firm"), key="report-firm")
header = ReportHeader(company.strip() or "—", consultant.strip(), firm.strip(), language)
name = f"diagnostic-{result.as_of:%Y-%m-%d}"
pdf_column, xlsx_column = st.columns(2)
pdf_column.download_button(
    t("report.download_pdf"), lambda: pdf_bytes(result, header, kpi_settings()),
    file_name=f"{name}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:",
    key="report-pdf",
)  # fmt: skip
xlsx_column.download_button(
    t("report.download_xlsx"), lambda: xlsx_bytes(result, header, kpi_settings()),
    file_name=f"{name}.xlsx", icon=":material/download:", key="report-xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)  # fmt: skip
