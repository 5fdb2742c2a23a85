"""Reference tables edited on screen (Paramètres, and the recurring flows on Trésorerie): the
rows are checked like an import and stored as a batch that can be undone."""

from __future__ import annotations

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from model.editing import editable_frame, save_table
from model.facts import FACTS
from model.settings import paris_now
from ui.loaders import refresh_after_write, settings, version
from ui.texts import choice_word, lang, plain, t, workdays_in_words


@st.cache_data(max_entries=8, show_spinner=False)
def _table(_engine: Engine, data_version_key: int, kind: str, language: str) -> pl.DataFrame:
    """The rows to edit, working days in words of the language (the importer reads both)."""
    frame = editable_frame(_engine, kind)
    if "assumed" in frame.columns:  # first, where it is seen
        frame = frame.select("assumed", pl.exclude("assumed"))
    if "workdays" in frame.columns:
        frame = frame.with_columns(workdays_in_words(pl.col("workdays")))
    return frame


def english_header(name: str) -> str:
    """`sold_hours` → `Sold hours`, `progress_pct` → `Progress (%)`: the facts' English names."""
    return name.replace("_pct", " (%)").replace("_", " ").capitalize()


def _column_config(kind: str) -> dict:
    config = {}
    for column in FACTS[kind].columns:
        label = column.header if lang() == "fr" else english_header(column.name)
        if column.choices:
            config[column.name] = st.column_config.SelectboxColumn(
                label, options=list(column.choices), required=column.required,
                format_func=lambda code, choices=column.choices: choice_word(code, choices[code]),
            )  # fmt: skip
        elif column.type == "date":
            config[column.name] = st.column_config.DateColumn(
                label, format="DD/MM/YYYY" if lang() == "fr" else "YYYY-MM-DD"
            )
        else:
            config[column.name] = st.column_config.Column(label, required=column.required)
    # Rows the timesheets imply, ticked: unticked and saved, they are confirmed (not a column
    # of the fact: the save leaves it out).
    config["assumed"] = st.column_config.CheckboxColumn(t("assumed"))
    return config


def table_editor(engine: Engine, kind: str, messages_key: str) -> None:
    """The table in a data editor and a save button; a refusal lists its rows and reasons."""
    current = _table(engine, version(), kind, lang())
    st.caption(t("edit_help"))
    if "assumed" in current.columns and (assumed := int(current["assumed"].sum())):
        st.info(t("assumed_rows", count=assumed), icon=":material/info:")
    edited = st.data_editor(
        current, num_rows="add", column_config=_column_config(kind), hide_index=True,
        key=f"editor-{kind}", placeholder="",
    )  # fmt: skip
    if not st.button(t("save_table"), key=f"save-{kind}", type="primary"):
        return
    result = save_table(engine, kind, pl.DataFrame(edited, schema=current.schema),
                        settings=settings(), now=paris_now())  # fmt: skip
    if result.status == "imported":
        refresh_after_write(result)
        st.session_state[messages_key] = [(True, result.message)]
        st.rerun()
    if result.status == "preview":  # saved unchanged: nothing to write
        st.info(plain(result.message))
        return
    st.error(plain(result.message))
    if result.errors:
        rows = [{k: e[k] for k in ("row", "column", "value", "message")} for e in result.errors]
        st.dataframe(rows, hide_index=True, placeholder="")
