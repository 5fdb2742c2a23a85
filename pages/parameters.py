"""Paramètres: employees, projects and support contracts edited in tables, thresholds and KPI
settings in a form. Tables go through the importer's checks and land as an undoable batch."""

from __future__ import annotations

import streamlit as st

from model.editing import EDITABLE
from model.kpi.settings import CHOICES, SettingError, from_screen, on_screen, setting_label
from model.services import save_settings
from model.settings import paris_now
from model.texts import code_word
from ui.editors import table_editor
from ui.loaders import engine_or_stop, refresh_after_write, setting_values, settings, version
from ui.routing import routed_by_app
from ui.texts import fact_label, labeller, lang, t

routed_by_app()
engine = engine_or_stop()
st.title(t("parameters"))
for ok, message in st.session_state.pop("parameter_messages", []):
    (st.success if ok else st.error)(message)


tabs = st.tabs([fact_label(kind) for kind in EDITABLE] + [t("thresholds")])
for tab, kind in zip(tabs, EDITABLE, strict=False):
    with tab:
        table_editor(engine, kind, "parameter_messages")

with tabs[-1]:
    values = setting_values(engine, version())
    label_of, language = labeller(), lang()

    def choice_label(key: str, code: str) -> str:
        if key == "receivables.basis":
            return label_of(f"basis_{code}")
        return code_word(f"vat_{code}" if key == "cash.vat_mode" else code, language)

    with st.form("kpi-settings"):
        typed = {}
        for key, stored in values.items():
            label, widget_key = setting_label(key, language), f"setting-{key}"
            value = on_screen(key, stored)
            if isinstance(value, bool):
                typed[key] = st.checkbox(label, value=value, key=widget_key)
            elif isinstance(value, int | float):
                typed[key] = st.number_input(label, value=value, key=widget_key)
            elif key in CHOICES:
                options = list(CHOICES[key])
                typed[key] = st.selectbox(
                    label, options, index=options.index(value), key=widget_key,
                    format_func=lambda code, key=key: choice_label(key, code),
                )  # fmt: skip
            else:
                typed[key] = st.text_input(label, value=value, key=widget_key)
        submitted = st.form_submit_button(t("save_settings"), type="primary")
    if submitted:
        try:
            changes = {key: from_screen(key, entry) for key, entry in typed.items()}
            changed = {key: v for key, v in changes.items() if v != values[key]}
            if changed:
                save_settings(engine, changed, now=paris_now(), user=settings().user,
                              role=settings().role)  # fmt: skip
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
