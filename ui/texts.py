"""The session's language and the catalogue's words in it (`model.texts`)."""

from __future__ import annotations

import re
from collections.abc import Callable

import polars as pl
import streamlit as st

from model.facts import FACTS
from model.texts import CODE_LABELS, LABELS, LANGUAGES, text

CODED = (
    "status",
    "billing",
    "category",
    "item",
    "bucket",
    "platform_status",
)  # the columns that hold codes


def lang() -> str:
    return st.session_state.get("lang", "fr")


# What Markdown would read as syntax: a name from a file is shown as written, never as an image
# to fetch (`![x](http://host/x.png)`), a link, HTML, a colour directive (`:red[x]`), emphasis or
# a formula (`$x$`). Brackets and angle brackets are enough to defuse links and images.
MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]<>$~|#])")


def plain(text: object) -> str:
    """Text from the data (a name, a file name, a message quoting a cell) for an element that
    renders Markdown: the characters Markdown would interpret are escaped."""
    return MARKDOWN_SYNTAX.sub(r"\\\1", str(text))


def t(key: str, **values: object) -> str:
    return text(key, lang(), **values)


def with_code_labels(frame: pl.DataFrame, columns: tuple[str, ...] = CODED) -> pl.DataFrame:
    """The frame with these columns' codes (`fixed_price`, `red`…) and every yes/no column in
    words of the language."""
    index = LANGUAGES.index(lang())
    words = {code: labels[index] for code, labels in CODE_LABELS.items()}
    present = [c for c in columns if c in frame.columns]
    yes, no = LABELS["yes"][index], LABELS["no"][index]
    answers = [
        pl.when(pl.col(name)).then(pl.lit(yes)).otherwise(pl.lit(no)).alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.Boolean
    ]
    return frame.with_columns(*(pl.col(c).replace(words) for c in present), *answers)


def choice_word(code: str, french: str) -> str:
    """An enum's code (`time_and_materials`) as the language says it: the fact's French label,
    else the catalogue's English, else the code in words."""
    if lang() == "fr":
        return french
    return CODE_LABELS[code][1] if code in CODE_LABELS else code.replace("_", " ")


WEEKDAY_WORDS = {
    "fr": ("lun", "mar", "mer", "jeu", "ven", "sam", "dim"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def workdays_in_words(codes: pl.Expr) -> pl.Expr:
    """`mon,tue,wed` → `lun, mar, mer` (or `Mon, Tue, Wed`): what the importer reads back."""
    words = dict(zip(WEEKDAY_CODES, WEEKDAY_WORDS[lang()], strict=True))
    return codes.str.split(",").list.eval(pl.element().replace(words)).list.join(", ")


def labeller() -> Callable[[str], str]:
    """`t` with today's language fixed: a widget's format_func may be called outside the run
    (AppTest does), where the session's language cannot be read."""
    index = LANGUAGES.index(lang())
    return lambda key: LABELS[key][index]


def fact_label(kind: str) -> str:
    return FACTS[kind].sheet if lang() == "fr" else kind.replace("_", " ").capitalize()
