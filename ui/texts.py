"""The session's language and the catalogue's words in it (`model.texts`)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st

from model.facts import FACTS
from model.texts import CODE_LABELS, LABELS, LANGUAGES, text

CODED = ("status", "billing", "category", "item")  # the columns that hold codes


def lang() -> str:
    return st.session_state.get("lang", "fr")


def t(key: str, **values: object) -> str:
    return text(key, lang(), **values)


def with_code_labels(frame: pl.DataFrame, columns: tuple[str, ...] = CODED) -> pl.DataFrame:
    """The frame with these columns' codes (`fixed_price`, `red`…) in words of the language."""
    index = LANGUAGES.index(lang())
    words = {code: labels[index] for code, labels in CODE_LABELS.items()}
    present = [c for c in columns if c in frame.columns]
    return frame.with_columns(pl.col(c).replace(words) for c in present)


def labeller() -> Callable[[str], str]:
    """`t` with today's language fixed: a widget's format_func may be called outside the run
    (AppTest does), where the session's language cannot be read."""
    index = LANGUAGES.index(lang())
    return lambda key: LABELS[key][index]


def fact_label(kind: str) -> str:
    return FACTS[kind].sheet if lang() == "fr" else kind
