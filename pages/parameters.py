"""Paramètres: employees, projects and support contracts edited in tables, thresholds and KPI
settings in a form. Tables go through the importer's checks and land as an undoable batch."""

from __future__ import annotations

import polars as pl
import streamlit as st

from model.editing import EDITABLE, editable_frame, save_table
from model.facts import FACTS
from model.kpi.load import save_settings
from model.kpi.settings import LABELS as SETTING_LABELS
from model.kpi.settings import SettingError, as_text, current_values, from_text
from model.settings import paris_now
from model.store import read_setting_values
from pages._ui import (
    engine_or_stop,
    fact_label,
    labeller,
    lang,
    refresh_after_write,
    routed_by_app,
    settings,
    t,
    version,
)

routed_by_app()
engine = engine_or_stop()
st.title(t("parameters"))
for ok, message in st.session_state.pop("parameter_messages", []):
    (st.success if ok else st.error)(message)


@st.cache_data(max_entries=8, show_spinner=False)
def table(_engine, data_version_key: int, kind: str) -> pl.DataFrame:
    return editable_frame(_engine, kind)


def column_config(kind: str) -> dict:
    config = {}
    for column in FACTS[kind].columns:
        label = column.header if lang() == "fr" else column.name
        if column.choices:
            config[column.name] = st.column_config.SelectboxColumn(
                label, options=list(column.choices), required=column.required
            )
        elif column.type in ("date",):
            config[column.name] = st.column_config.DateColumn(
                label, format="DD/MM/YYYY" if lang() == "fr" else "YYYY-MM-DD"
            )
        else:
            config[column.name] = st.column_config.Column(label, required=column.required)
    return config


tabs = st.tabs([fact_label(kind) for kind in EDITABLE] + [t("thresholds")])
for tab, kind in zip(tabs, EDITABLE, strict=False):
    with tab:
        current = table(engine, version(), kind)
        st.caption(t("edit_help"))
        edited = st.data_editor(
            current, num_rows="add", column_config=column_config(kind), hide_index=True,
            key=f"editor-{kind}",
        )  # fmt: skip
        if st.button(t("save_table"), key=f"save-{kind}", type="primary"):
            result = save_table(engine, kind, pl.DataFrame(edited, schema=current.schema),
                                settings=settings(), now=paris_now())  # fmt: skip
            if result.status == "imported":
                refresh_after_write()
                st.session_state["parameter_messages"] = [(True, result.message)]
                st.rerun()
            st.error(result.message)
            if result.errors:
                st.dataframe(
                    [{k: e[k] for k in ("row", "column", "value", "message")}
                     for e in result.errors],
                    hide_index=True,
                )  # fmt: skip

with tabs[-1]:
    values = current_values(read_setting_values(engine))
    basis_label = labeller()
    with st.form("kpi-settings"):
        typed = {}
        for key, value in values.items():
            label, widget_key = SETTING_LABELS.get(key, key), f"setting-{key}"
            if isinstance(value, bool):
                typed[key] = st.checkbox(label, value=value, key=widget_key)
            elif isinstance(value, int | float):
                typed[key] = st.number_input(label, value=value, key=widget_key)
            elif key == "receivables.basis":
                options = ["due_date", "invoice_date"]
                typed[key] = st.selectbox(
                    label, options, index=options.index(value), key=widget_key,
                    format_func=lambda basis: basis_label(f"basis_{basis}"),
                )  # fmt: skip
            else:
                typed[key] = st.text_input(label, value=as_text(key, value), key=widget_key)
        submitted = st.form_submit_button(t("save_settings"), type="primary")
    if submitted:
        try:
            changes = {
                key: from_text(key, entry) if isinstance(values[key], list) else entry
                for key, entry in typed.items()
            }
            changed = {key: v for key, v in changes.items() if v != values[key]}
            if changed:
                save_settings(engine, changed, now=paris_now())
        except SettingError as refusal:
            st.error(str(refusal))
        else:
            if not changed:
                st.info(t("settings_unchanged"))
                st.stop()
            refresh_after_write()
            message = t("settings_saved", count=len(changed))
            st.session_state["parameter_messages"] = [(True, message)]
            st.rerun()
