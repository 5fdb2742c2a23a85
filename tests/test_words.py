"""Issue 11 §3: every word on screen comes from the catalogue of its language, and no stored
code (`not_due`, `None`, `nan`, `mon,tue,wed`, `True`) reaches a page, in either language.

Every page of the demo company is run through AppTest in French and in English; the test reads
what a user reads (titles, captions, cards, buttons, choices, tables, tabs, charts) and fails
on a French sentence of the catalogue in English mode, or on a raw code in either mode.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from model.facts import FACTS, rules_of
from model.texts import CODE_LABELS, LABELS
from tests.apptest import open_page, run_app, use_store
from tests.test_pages import demo_url as demo_url  # the demo company, loaded once per module

PAGES = ("home", "overview", "charge", "projects", "support", "receivables", "cash", "imports",
         "parameters")  # fmt: skip
RAW_VALUES = {"None", "none", "nan", "NaN", "null", "True", "False", "NaT"}
SNAKE_CODE = re.compile(r"^[a-z]+(_[a-z]+)+$")  # not_due, fixed_price, unbilled_work…
DAY_CODES = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)(,(mon|tue|wed|thu|fri|sat|sun))+\b")


@pytest.fixture
def demo_app(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from use_store(demo_url, monkeypatch)


def french_sentences() -> set[str]:
    """The catalogue's French words that differ from the English, cut at their `{fields}`;
    pieces too short to be told from a name or a number are left out."""
    pieces = set()
    for french, english in [*LABELS.values(), *CODE_LABELS.values()]:
        if french == english:
            continue
        for piece in re.split(r"\{[^}]*\}", french):
            piece = piece.strip(" :.,;()«»")
            if len(piece) >= 12 and piece not in english:
                pieces.add(piece)
    return pieces


def texts_on_screen(app: AppTest) -> list[str]:
    """Every sentence the page shows, main area and sidebar."""
    shown: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "warning", "info",
                 "error", "success", "exception"):  # fmt: skip
        shown += [str(element.value) for element in app.get(kind)]
    for metric in app.metric:
        shown += [metric.label, metric.value, metric.delta or ""]
    for kind in ("button", "download_button", "checkbox", "number_input", "text_input",
                 "date_input", "radio", "selectbox", "multiselect", "toggle"):  # fmt: skip
        for widget in app.get(kind):
            shown.append(getattr(widget, "label", "") or "")
            options = getattr(widget, "options", None)
            if options:
                shown += [str(option) for option in options]
    shown += [tab.label for tab in app.tabs] + [expander.label for expander in app.expander]
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        shown += _chart_words(spec)
    return [text for text in shown if text]


def _chart_words(spec: dict) -> list[str]:
    """Titles, axis titles, trace names and hover templates: what a reader of a chart sees."""
    words = []
    layout = spec.get("layout", {})
    for value in layout.values():
        if isinstance(value, dict) and isinstance(value.get("title"), dict):
            words.append(str(value["title"].get("text", "")))
    if isinstance(layout.get("title"), dict):
        words.append(str(layout["title"].get("text", "")))
    for trace in spec.get("data", []):
        words += [str(trace.get("name", "")), str(trace.get("hovertemplate", ""))]
    return words


def cells_on_screen(app: AppTest) -> list[str]:
    """Headers as configured, cells as the browser shows them: a missing value is the table's
    placeholder when it has one, else Streamlit's grey `None`; choices by their labels."""
    cells = []
    for table in app.dataframe:
        frame, config = table.value, json.loads(table.proto.columns or "{}")
        missing = table.proto.placeholder if table.proto.HasField("placeholder") else "None"
        for column in frame.columns:
            settings = config.get(str(column), {})
            if settings.get("hidden"):
                continue
            cells.append(settings.get("label") or str(column))
            if settings.get("type_config", {}).get("type") == "checkbox":
                continue  # a box, ticked or not: no word on screen
            options = settings.get("type_config", {}).get("options", [])
            labels = {str(o["value"]): str(o.get("label", o["value"])) for o in options}
            for value in frame[column].tolist():
                shown = missing if _is_missing(value) else labels.get(str(value), str(value))
                cells.append(shown)
    return [cell for cell in cells if cell]


def _is_missing(value: object) -> bool:
    return value is None or str(value) in ("nan", "NaT", "<NA>", "None")


def raw_codes(app: AppTest, language: str) -> list[str]:
    """Cells and words that are stored codes, not the language's word for them (in English,
    many codes are their own word: `invoice`, `internal`)."""
    index = 0 if language == "Français" else 1
    codes = {code for code, words in CODE_LABELS.items() if words[index] != code}
    found = [
        cell for cell in cells_on_screen(app)
        if cell in RAW_VALUES or cell in codes or SNAKE_CODE.match(cell) or DAY_CODES.search(cell)
    ]  # fmt: skip
    for text in texts_on_screen(app):
        words = set(re.findall(r"[\w,]+", text))
        found += sorted(w for w in words if w in RAW_VALUES - {"none"} or DAY_CODES.search(w))
        found += sorted(w for w in words if w in codes and SNAKE_CODE.match(w))
    return found


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["Français", "English"])
def test_no_raw_code_on_any_page(demo_app: str, page: str, language: str):
    app = open_page(run_app(langue=language), page)
    assert raw_codes(app, language) == []


def french_shown(app: AppTest) -> list[str]:
    on_screen = [*texts_on_screen(app), *cells_on_screen(app)]
    french = french_sentences()
    return sorted({piece for text in on_screen for piece in french if piece in text})


@pytest.mark.parametrize("page", PAGES)
def test_no_french_sentence_in_english_mode(demo_app: str, page: str):
    assert french_shown(open_page(run_app(langue="Français"), page)), "the check sees French"
    assert french_shown(open_page(run_app(langue="English"), page)) == []


def test_every_catalogue_entry_has_both_languages_with_the_same_fields():
    fields = re.compile(r"\{(\w+)")
    uneven = {
        key: (french, english)
        for key, (french, english) in LABELS.items()
        if not french or not english or set(fields.findall(french)) != set(fields.findall(english))
    }
    assert uneven == {}


@pytest.mark.parametrize("kind", list(FACTS))
def test_each_rule_checks_a_column_of_its_fact_with_a_sentence_of_the_catalogue(kind: str):
    """Issue 11 §5: rules are declared on the fact; a typo in a column or a key fails here, not
    on a user's file."""
    fact = FACTS[kind]
    for rule in rules_of(fact):
        assert rule.column in fact.names, rule
        assert rule.message in LABELS, rule
