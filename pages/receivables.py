"""Balance âgée & DSO: buckets per client with a totals row, DSO trend with its bands, who to
chase first, and the open items behind a client's balance."""

from __future__ import annotations

import polars as pl
import streamlit as st

from model.formatting import day
from model.views.dashboard import client_items
from model.workbook import Column, Sheet, in_euros
from ui.charts import bands, line, stacked
from ui.filters import dashboard_page, period_caption
from ui.loaders import facts, kpi_settings, page_view, version
from ui.texts import lang, plain, t
from ui.widgets import download, explain, show_cards, show_table, table_columns

CHASE = [
    ("client", "client", "text"),
    ("overdue", "overdue", "cents"),
    ("max_days_late", "max_days_late", "int"),
    ("exposure_cents", "penalties", "cents"),
]
DISPUTED = [
    ("client", "client", "text"),
    ("number", "number", "text"),
    ("invoice_date", "invoice_date", "date"),
    ("residual_cents", "residual", "cents"),
    ("platform_status", "platform_status", "text"),
    ("status_date", "status_date", "date"),
    ("status_reason", "status_reason", "text"),
]
ITEMS = [
    ("client", "client", "text"),
    ("number", "number", "text"),
    ("item", "item", "text"),
    ("invoice_date", "invoice_date", "date"),
    ("due_date", "due_date", "date"),
    ("residual_cents", "residual", "cents"),
    ("currency", "currency", "text"),
    ("currency_residual_cents", "residual_in_currency", "currency_cents"),
    ("days", "days_late", "int"),
    ("bucket", "bucket", "text"),
    ("exposure_cents", "penalties", "cents"),
]

engine, scope = dashboard_page("receivables")
view = page_view(engine, version(), "receivables", scope)
settings = kpi_settings()
period_caption(scope)
show_cards(view.cards)
if view.aged.clients.height == 0:  # say why, and what would fill the page
    none_at_all = facts().invoices.is_empty()
    st.info(t("no_invoices") if none_at_all else t("no_open_items", day=day(scope.as_of, lang())),
            icon=":material/info:")  # fmt: skip
    st.stop()


def bucket_label(bucket: str) -> str:
    return (
        t(bucket)
        if bucket in ("not_due", "disputed", "unallocated")
        else t("overdue_bucket", bucket=bucket)
    )


# « Contesté » only when a platform reports an invoice contested.
apart = ["disputed"] if view.disputed.height else []
buckets = {bucket: bucket_label(bucket) for bucket in [*view.buckets, *apart, "unallocated"]}
aged_columns = [
    Column("client", t("client")),
    *[Column(bucket, label, "cents") for bucket, label in buckets.items()],
    Column("total", t("total"), "cents"),
]
basis = t(f"basis_{settings.receivables.basis}")
st.subheader(t("aged_chart", basis=basis))
st.plotly_chart(
    stacked(
        in_euros(view.aged.clients.sort("total"), list(buckets)),
        x="client",
        series=buckets,
        horizontal=True,
        y_title="€",
    ),
    key="aged-bars",
)
with_total = pl.concat(
    [view.aged.clients, view.aged.total.with_columns(pl.lit(t("total")).alias("client"))],
    how="diagonal_relaxed",
)
chosen = show_table(with_total, aged_columns, key="aged-table", selectable=True)
st.caption(f"{t('settings_at_hand')} : {basis} ; " + ", ".join(buckets.values()))

left, right = st.columns(2)
with left:
    st.subheader(t("dso_trend"))
    figure = line(view.dso.trend, x="date", series={"dso": "DSO"}, y_title=t("days_late"))
    dso_limits = settings.dso
    bands(figure, [(0, dso_limits.amber_days, "green"),
                   (dso_limits.amber_days, dso_limits.red_days, "orange"),
                   (dso_limits.red_days, max(dso_limits.red_days * 2, 120), "red")])  # fmt: skip
    st.plotly_chart(figure, key="dso-trend")
with right:
    st.subheader(t("chase"))
    show_table(view.aged.chase, table_columns(CHASE), key="chase-table")

if view.disputed.height:
    st.subheader(t("disputed_invoices"))
    st.caption(t("disputed_help"))
    show_table(view.disputed, table_columns(DISPUTED), key="disputed-table")

rows = chosen.selection.rows if chosen else []
clients = with_total["client"].to_list()
client = clients[rows[0]] if rows and rows[0] < view.aged.clients.height else clients[0]
st.subheader(f"{t('pick_client')} {plain(client)}")
items = client_items(view, client)
# The currency columns only where a document is in another currency than the euro.
foreign = (view.aged.items["currency"] != "EUR").any()
shown = ITEMS if foreign else [c for c in ITEMS if "currency" not in c[0]]
if view.disputed.height:  # say which of the client's items are contested
    shown = [*shown[:6], ("disputed", "disputed", "text"), *shown[6:]]
item_columns = table_columns(shown)
show_table(items, item_columns, key="client-items")
download(
    [Sheet(t("receivables"), with_total, aged_columns),
     Sheet(t("chase"), view.aged.chase, table_columns(CHASE)),
     Sheet(t("pick_client").strip(), view.aged.items, item_columns)],
    "balance-agee",
    key="download-receivables",
)  # fmt: skip
explain(view.explanation)
