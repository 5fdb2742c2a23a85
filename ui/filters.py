"""The sidebar's period, as-of date, pôle and client, kept in the URL, and the scope they give.

The widgets are the only state: `chosen_scope` derives the scope from their values, so nothing
else is written to the session and a copied URL gives the same figures.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from model.formatting import day, moment
from model.kpi.scope import (
    PRESETS,
    Scope,
    ScopeError,
    clients,
    comparison_scope,
    covered_from,
    previous_period,
    scope_from,
    teams,
)
from model.settings import paris_now
from model.texts import LABELS
from ui.loaders import acting, engine_or_stop, fact_counts, facts, settings, version
from ui.routing import routed_by_app
from ui.texts import labeller, lang, t

# Widget keys, which are also the URL's query parameters.
PRESET, AS_OF, FROM, TO, TEAM, CLIENT = "periode", "date", "du", "au", "pole", "client"
DEFAULT_PRESET = "last_12_months"


def preset_from_url(raw: str | None) -> str:
    """The period preset a URL names: its code (`quarter`), or its label in either language
    (`Mois dernier`, as URLs shared before said it); anything else: the default."""
    for code in PRESETS:
        if raw in (code, *LABELS[code]):
            return code
    return DEFAULT_PRESET


def _period_preset() -> str:
    """The period chooser, which keeps its choice when the language changes.

    Streamlit keeps a selectbox's choice as its label, so a chooser bound to the URL lost it
    with the language (issue 16): each language has its own chooser, seeded from the choice
    kept in the session under PRESET (first from the URL), and the URL carries the code.
    """
    state = st.session_state
    if PRESET not in state:
        state[PRESET] = preset_from_url(st.query_params.get(PRESET))
    chosen = st.selectbox(
        t("preset"), PRESETS, index=PRESETS.index(state[PRESET]), format_func=labeller(),
        key=f"{PRESET}-{lang()}",
    )  # fmt: skip
    state[PRESET] = chosen
    if chosen == DEFAULT_PRESET:
        st.query_params.pop(PRESET, None)
    else:
        st.query_params[PRESET] = chosen
    return chosen


def sidebar_filters() -> Scope | None:
    """Period, as-of date, pôle and client. Each widget is bound to a query parameter, so the
    choice survives page changes and a copied URL shows the same view. Returns the scope they
    give, None when it cannot be used (the page says why: `current_scope`)."""
    today = paris_now().date()
    known = facts()
    date_format = "DD/MM/YYYY" if lang() == "fr" else "YYYY-MM-DD"
    with st.sidebar:
        st.subheader(t("filters"))
        preset = _period_preset()
        st.date_input(
            t("as_of"), value=today, format=date_format, help=t("as_of_help"), key=AS_OF,
            bind="query-params",
        )  # fmt: skip
        if preset == "custom":
            st.date_input(t("from"), value=None, format=date_format, key=FROM,
                          bind="query-params")  # fmt: skip
            st.date_input(t("to"), value=None, format=date_format, key=TO, bind="query-params")
        bounded = acting().bounded  # a project manager's pôle is all they see
        st.selectbox(
            t("team"), teams(known), index=0 if bounded and teams(known) else None,
            placeholder=t("all_teams"), key=TEAM, bind="query-params", disabled=bounded,
        )  # fmt: skip
        st.selectbox(
            t("client"), clients(known), index=None, placeholder=t("all_clients"), key=CLIENT,
            bind="query-params",
        )  # fmt: skip
    try:
        return chosen_scope()
    except ScopeError:
        return None


def chosen_scope() -> Scope:
    """The scope of the sidebar's widgets as they stand in this run."""
    state = st.session_state
    preset = state.get(PRESET) or DEFAULT_PRESET
    custom = (state.get(FROM), state.get(TO)) if preset == "custom" else (None, None)
    return scope_from(
        preset,
        as_of=state.get(AS_OF) or paris_now().date(),
        custom=custom,
        team=state.get(TEAM),
        client=state.get(CLIENT),
    )


def dashboard_page(page: str) -> tuple[Engine, Scope]:
    """What every dashboard page starts with: app.py's navigation, the store, the title, the
    welcome hint on an empty store, and the sidebar's choice."""
    routed_by_app()
    engine = engine_or_stop()
    st.title(t(page))
    stop_if_empty()
    return engine, current_scope()


def current_scope() -> Scope:
    """The sidebar's choice; stops the page with the reason when the choice is not usable."""
    try:
        return chosen_scope()
    except ScopeError as refusal:
        st.warning(str(refusal))
        st.stop()
        raise


def period_caption(scope: Scope) -> None:
    """The period, the as-of date, and what the cards' changes compare with: the previous
    period, or the part of it the data cover (model.kpi.scope.comparison_scope)."""
    before = previous_period(scope.start, scope.end)
    comparison = comparison_scope(scope, covered_from(facts()))
    if comparison is None:
        compared = t("no_comparison", start=day(before[0], lang()), end=day(before[1], lang()))
    else:
        key = "compared" if comparison.start == before[0] else "compared_covered"
        compared = t(key, start=day(comparison.start, lang()), end=day(comparison.end, lang()))
    st.caption(f"{_period_line(scope)}. {compared}")


def _period_line(scope: Scope) -> str:
    return (
        f"{t('period', start=day(scope.start, lang()), end=day(scope.end, lang()))} · "
        f"{t('as_of_line', day=day(scope.as_of, lang()))}"
    )


def download_heading() -> list[str]:
    """What a downloaded workbook covers, written above its tables: the period and as-of
    date, the filters, and when and by whom it was exported."""
    scope = chosen_scope()
    return [
        _period_line(scope),
        t(
            "filters_line",
            team=scope.team or t("all_teams"),
            client=scope.client or t("all_clients"),
        ),
        t("exported_line", moment=moment(paris_now(), lang()), user=settings().user),
    ]


def stop_if_empty() -> None:
    if sum(fact_counts(engine_or_stop(), version()).values()) == 0:
        st.info(t("empty_store"))
        st.stop()
