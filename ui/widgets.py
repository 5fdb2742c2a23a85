"""Cards, tables, downloads and explanations, in the session's language."""

from __future__ import annotations

import math
from functools import partial

import polars as pl
import streamlit as st

from model.facts import FACTS
from model.formatting import cell, change, in_unit, percent
from model.kpi.common import Explanation
from model.texts import BATCH_COLUMNS, STATUS_LABELS
from model.views.dashboard import Card
from model.workbook import Column, Sheet, for_display, shown_columns, workbook_bytes
from ui.filters import download_heading
from ui.texts import CODED, fact_label, lang, plain, t, with_code_labels

STATUS_COLOURS = {"green": "green", "amber": "orange", "red": "red"}


CARDS_PER_ROW = 4  # wider cards: at 1280 px a whole amount in euros stays legible


def in_rows(count: int, per_row: int = CARDS_PER_ROW) -> list:
    """`count` columns laid out in balanced rows of at most `per_row` (5 → 3 + 2)."""
    rows = math.ceil(count / per_row) if count else 0
    width = math.ceil(count / rows) if rows else 0
    columns = []
    for start in range(0, count, width or 1):
        columns.extend(st.columns(width)[: min(width, count - start)])
    return columns


def show_cards(cards: list[Card]) -> None:
    """One st.metric per card: value, change against the previous period (green when it
    improves), and the threshold status as a badge with words, not only a colour."""
    for column, card in zip(in_rows(len(cards)), cards, strict=True):
        with column:
            st.metric(
                t(card.key),
                in_unit(card.value, card.unit, lang()),
                change(card.delta, card.unit, lang()),
                delta_color="off"
                if card.delta == 0
                else "normal"
                if card.higher_is_better
                else "inverse",
                delta_arrow="off" if card.delta == 0 else "auto",
                border=True,
            )
            if card.status:
                st.badge(t(card.status), color=STATUS_COLOURS[card.status])
            if card.complete_pct is not None:
                st.caption(
                    # Floored: 99,6 % is not complete.
                    t("complete_line", pct=percent(math.floor(card.complete_pct), 0, lang())),
                    help=t(f"complete_help_{card.complete_basis}"),
                )


SHOWN_NAMES = 5


def show_assumptions(people: list[str], projects: list[str]) -> None:
    """In the page, not in an expander: who and what the figures assume, and how to fix it."""
    for key, names in (("assumed_people", people), ("assumed_projects", projects)):
        if names:
            st.warning(t(key, count=len(names), names=plain(_some(names))), icon=":material/info:")


def _some(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    rest = len(names) - SHOWN_NAMES
    return shown if rest <= 0 else f"{shown} {t('and_more', count=rest)}"


VALIDATION = [
    ("validated_h", "validated_h", "hours"),
    ("waiting_h", "waiting_h", "hours"),
    ("unknown_h", "unknown_h", "hours"),
    ("validated_pct", "validated_pct", "pct"),
]


def show_validation(table: pl.DataFrame, keys: list[tuple[str, str, str]]) -> None:
    """Hours still waiting for validation, when there are any (issue 13 §3)."""
    if table["waiting_h"].sum() == 0:
        return
    st.subheader(t("validation_title"))
    st.caption(t("validation_help"))
    show_table(table, table_columns([*keys, *VALIDATION]), key="validation-table")


def table_columns(spec: list[tuple[str, str, str]]) -> list[Column]:
    """(frame column, label key, kind) → columns with the labels of the current language."""
    return [Column(source, t(label), kind) for source, label, kind in spec]  # type: ignore[arg-type]


# Up to this many rows a table is drawn with its cells written out in the session's language
# (a pandas Styler's display values; sorting still follows the values). A Styler costs about
# 30 ms per thousand rows at every redraw: longer tables (drill-down lines) are drawn by the
# browser's own number formats (Intl), in its language, with the decimals and the € of ours.
WRITTEN_OUT_ROWS = 1_000


def show_table(
    frame: pl.DataFrame,
    columns: list[Column],
    *,
    progress: tuple[str, ...] = (),
    key: str | None = None,
    selectable: bool = False,
):
    """A formatted st.dataframe of the chosen columns; `progress` columns (percent) as bars."""
    columns = shown_columns(frame, columns)  # a role's view may carry no cost columns
    shown = for_display(with_code_labels(frame, CODED), columns)
    bars = {c.label for c in columns if c.source in progress}
    config = {
        label: st.column_config.ProgressColumn(format="%.0f %%", min_value=0, max_value=150)
        for label in bars
    }
    formatted = [c for c in columns if c.label not in bars]
    data: object = shown
    if shown.height <= WRITTEN_OUT_ROWS:
        data = written_out(shown, formatted)
    else:
        # Intl writes a fraction as a percent (0.702 → 70,2 %): percents are handed over so.
        data = shown.with_columns(pl.col(c.label) / 100 for c in formatted if c.kind == "pct")
        for column in formatted:
            if (shown_as := _column_format(column)) is not None:
                config[column.label] = shown_as  # None would hide the column
    return st.dataframe(
        data, hide_index=True, column_config=config, key=key,
        on_select="rerun" if selectable else "ignore", selection_mode="single-row",
        placeholder="",
    )  # fmt: skip


def written_out(shown: pl.DataFrame, columns: list[Column]):
    """The table with every number, amount and date written as the interface's language
    writes it (12 345,67 €, 70,2 %, 1 624,00 h, 23/11/2026), while each cell keeps its value
    for sorting: a pandas Styler's display values."""
    language = lang()
    formats = {
        c.label: partial(cell, kind=c.kind, lang=language) for c in columns if c.kind != "text"
    }
    return shown.to_pandas().style.format(formats, na_rep="")


def _column_format(column: Column):
    """How a long table's column is drawn: dates as the interface writes them; numbers by the
    browser's Intl formats (a French browser: 12 345,67 €, 1 624,00), fixed decimals by `step`."""
    french = lang() == "fr"
    if column.kind == "date":
        return st.column_config.DateColumn(format="DD/MM/YYYY" if french else "YYYY-MM-DD")
    if column.kind == "datetime":
        return st.column_config.DatetimeColumn(
            format="DD/MM/YYYY HH:mm" if french else "YYYY-MM-DD HH:mm"
        )
    if column.kind in ("cents", "rate_cents"):
        return st.column_config.NumberColumn(format="euro", step=0.01)
    if column.kind in ("currency_cents", "hours", "number"):
        return st.column_config.NumberColumn(format="localized", step=0.01)
    if column.kind == "days":
        return st.column_config.NumberColumn(format="localized", step=0.1)
    if column.kind == "int":
        return st.column_config.NumberColumn(format="localized", step=1)
    if column.kind == "pct":  # as fractions: one decimal of the percent
        return st.column_config.NumberColumn(format="percent", step=0.001)
    return None


# A fact column's type (model/facts.py) → how a table shows it (model/workbook.py).
SHOWN_AS = {"date": "date", "datetime": "datetime", "hours": "hours", "money": "cents",
            "int": "int", "number": "number"}  # fmt: skip


def show_rows_read(kind: str, rows: pl.DataFrame, key: str) -> None:
    """Rows as read from a file, in business words: the template's French labels, amounts in
    euros (not cents), dates as dates, codes and yes/no as words."""
    french = lang() == "fr"
    words = {True: t("yes"), False: t("no")}
    # Amounts in another currency than the euro are shown without the € (the currency column
    # beside them says which).
    foreign = "currency" in rows.columns and (rows["currency"].fill_null("EUR") != "EUR").any()
    money = "currency_cents" if foreign else "cents"
    columns, shown = [], rows
    for column in FACTS[kind].columns:
        # A file's rows, as read, carry money in cents under the column's own name.
        name = column.name if column.name in rows.columns else column.stored
        if name not in rows.columns or rows[name].null_count() == rows.height:
            continue  # a column the file does not fill says nothing
        label = column.header if french else column.name.replace("_", " ").capitalize()
        if column.type == "enum":
            named = {c: (w if french else c.replace("_", " ")) for c, w in column.choices.items()}
            shown = shown.with_columns(pl.col(name).replace_strict(named, default=pl.col(name)))
        elif column.type == "bool":
            shown = shown.with_columns(pl.col(name).replace_strict(words, default=None))
        kind_shown = money if column.type == "money" else SHOWN_AS.get(column.type, "text")
        columns.append(Column(name, label, kind_shown))  # type: ignore[arg-type]
    show_table(shown, columns, key=key)


def cards_sheet(cards: list[Card]) -> Sheet:
    """The headline cards as a sheet, written as on screen (their units differ)."""
    language = lang()

    def shown(value: float | None, unit: str) -> str:
        return "" if value is None else in_unit(value, unit, language)

    frame = pl.DataFrame(
        {
            "indicator": [t(card.key) for card in cards],
            "value": [shown(card.value, card.unit) for card in cards],
            "previous": [shown(card.previous, card.unit) for card in cards],
            "change": [change(card.delta, card.unit, language) or "" for card in cards],
            "status": [t(card.status) if card.status else "" for card in cards],
        },
        schema=dict.fromkeys(("indicator", "value", "previous", "change", "status"), pl.String),
    )
    keys = [("indicator", "indicator"), ("value", "value"), ("previous", "previous_value"),
            ("change", "change_value"), ("status", "status")]  # fmt: skip
    return Sheet(t("indicator"), frame, [Column(c, t(label)) for c, label in keys])


def download(sheets: list[Sheet], file_name: str, key: str, label: str | None = None) -> None:
    """The tables on screen as a formatted workbook, built only when clicked, each sheet
    headed by the period and filters it covers."""
    labelled = [Sheet(s.title, with_code_labels(s.frame, CODED), s.columns) for s in sheets]
    heading = download_heading()
    st.download_button(
        label or t("download"),
        lambda: workbook_bytes(labelled, heading),
        file_name=f"{file_name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=key,
    )


def explain(explanation: Explanation | list[Explanation]) -> None:
    """One KPI's explanation in full; several (the overview's cards): each one's formula."""
    if isinstance(explanation, list):
        sentences = [part.sentences(lang())[0] for part in explanation]
    else:
        sentences = explanation.sentences(lang())
    with st.expander(t("how_computed")):
        for sentence in sentences:
            st.write(sentence)


def batches_for_display(frame: pl.DataFrame) -> pl.DataFrame:
    """The history with the screen's column names, fact and status labels."""
    index = 0 if lang() == "fr" else 1
    statuses = {code: labels[index] for code, labels in STATUS_LABELS.items()}
    kinds = {kind: fact_label(kind) for kind in FACTS}
    shown = frame.with_columns(
        pl.col("kinds").str.split(",").list.eval(pl.element().replace(kinds)).list.join(", "),
        pl.col("status").replace(statuses),
    )[list(BATCH_COLUMNS)]
    return shown.rename({column: labels[index] for column, labels in BATCH_COLUMNS.items()})


def batch_column_config() -> dict:
    date_label = BATCH_COLUMNS["created_at"][0 if lang() == "fr" else 1]
    date_format = "DD/MM/YYYY HH:mm" if lang() == "fr" else "YYYY-MM-DD HH:mm"
    return {date_label: st.column_config.DatetimeColumn(format=date_format)}


_UPLOADER_ROUND = "uploader_round"


def uploader_key() -> str:
    """The file uploader's key: a new one empties it (`release_uploads`)."""
    return f"uploads-{st.session_state.get(_UPLOADER_ROUND, 0)}"


def release_uploads(uploads: list) -> None:
    """Empty the file uploader at the next run (a new key: a new, empty widget), and drop the
    files' bytes the server holds for this session: Streamlit frees them only when a file is
    removed by hand or the tab is closed (a 48 MB csv stayed, its chat input frees its files
    the same way). Through its script context, the one private API used here: should it
    change, the files are only kept as before, until the tab is closed."""
    st.session_state[_UPLOADER_ROUND] = st.session_state.get(_UPLOADER_ROUND, 0) + 1
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        context = get_script_run_ctx()
        remove = getattr(context.uploaded_file_mgr, "remove_file", None) if context else None
    except (ImportError, AttributeError):
        return
    for upload in uploads if remove is not None else []:
        remove(session_id=context.session_id, file_id=upload.file_id)
