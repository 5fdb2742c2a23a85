"""Vue d'ensemble: the headline figures of the last twelve months and the alerts, worst first."""

from __future__ import annotations

import streamlit as st

from model.formatting import day, number, percent
from model.settings import paris_now
from pages._ui import engine_or_stop, lang, overview_headlines, routed_by_app, t, version

routed_by_app()
engine = engine_or_stop()
as_of = paris_now().date()
figures = overview_headlines(engine, version(), as_of)

st.title(t("overview"))
st.caption(t("period", start=day(figures.start, lang()), end=day(figures.end, lang())))
cards = st.columns(4)
cards[0].metric(t("tace"), percent(figures.tace_pct, 1, lang()))
cards[1].metric(t("unbilled_time"), percent(figures.leakage_pct, 1, lang()))
cards[2].metric(t("drifting_projects"), str(figures.drifting_projects))
cards[3].metric(t("dso"), f"{number(figures.dso_days, 1, lang())} j" if figures.dso_days else "n/a")

st.subheader(t("alerts"))
if not figures.alerts:
    st.caption(t("no_alert"))
for alert in figures.alerts:
    st.warning(alert)
with st.expander(t("how_computed")):
    for sentence in figures.explanations:
        st.write(sentence)
