"""The joints of ARCHITECTURE.md, checked on the code: who may import whom (issue 11)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Column, TypeDecorator

from model.facts import FACTS
from model.kpi.frames import Facts
from model.tables import FACT_TABLES

PROJECT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def offending(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad = {}
    for path in sorted((PROJECT / folder).rglob("*.py")):
        hits = sorted(
            m
            for m in imported_modules(path)
            if any(m == f or m.startswith(f + ".") for f in forbidden)
        )
        if hits:
            bad[str(path.relative_to(PROJECT))] = hits
    return bad


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        # Readers are pure: bytes in, Batch out; the store never sees a reader.
        ("model/imports", ("model.store", "model.importing", "model.db", "model.kpi", "sqlalchemy",
                           "sqlmodel", "streamlit")),
        # KPI families are pure: frames and settings in, frames out.
        ("model/kpi", ("model.store", "model.db", "model.imports", "model.importing",
                       "model.views", "sqlalchemy", "sqlmodel", "streamlit")),
    ],
)  # fmt: skip
def test_a_layer_imports_nothing_above_it(folder: str, forbidden: tuple[str, ...]):
    assert offending(folder, forbidden) == {}


@pytest.mark.parametrize("module", ["model/store.py", "model/undo.py", "model/tables.py"])
def test_the_store_knows_batches_not_readers(module: str):
    imports = imported_modules(PROJECT / module)
    assert sorted(m for m in imports if m.startswith("model.imports")) == []


def test_model_never_imports_streamlit():
    assert offending("model", ("streamlit",)) == {}


STORE_TYPES = {
    "text": str, "enum": str, "date": dt.date, "datetime": dt.datetime, "hours": float,
    "number": float, "money": int, "bool": bool, "int": int,
}  # fmt: skip
ROW_META = {"id", "batch_id", "superseded_by", "source", "natural_key", "row_hash", "source_row"}


def python_type(column: Column) -> type:
    """What the column holds; SQLModel wraps text in its AutoString decorator."""
    sql_type = column.type
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    return sql_type.python_type


@pytest.mark.parametrize("kind", list(FACTS))
def test_each_fact_is_stored_as_declared(kind: str):
    """Issue 11 §5: a fact is declared in model/facts.py; its table must agree, column by column
    (money as integer cents in `<name>_cents`), and the KPIs' Facts must hold every kind."""
    fact, table = FACTS[kind], FACT_TABLES[kind].__table__
    stored = {c.name: c for c in table.columns if c.name not in ROW_META}
    declared = {c.stored: c for c in fact.columns}
    assert sorted(stored) == sorted(declared)
    for name, column in declared.items():
        assert python_type(stored[name]) is STORE_TYPES[column.type], name
        assert not (column.required and stored[name].nullable), f"{name} is required"
    assert kind in Facts.stored_kinds()


def test_the_kpis_facts_are_the_declared_facts():
    assert sorted(Facts.stored_kinds()) == sorted(FACTS)


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        # Pages draw: no SQL, no store; they read through ui's loaders and write through services.
        ("pages", ("model.store", "model.db", "model.undo", "model.tables", "sqlalchemy",
                   "sqlmodel")),
        ("ui", ("pages", "model.store", "model.undo", "model.tables", "sqlmodel")),
        ("model", ("ui", "pages")),
    ],
)  # fmt: skip
def test_pages_and_ui_keep_to_their_side(folder: str, forbidden: tuple[str, ...]):
    assert offending(folder, forbidden) == {}


# The load benchmark plays the browser: it speaks Streamlit's websocket protocol, whose messages
# are these. Outside the app and the test run; a Streamlit upgrade that changes them breaks the
# benchmark loudly, never the product.
WIRE_PROTOCOL = {
    "streamlit.proto.BackMsg_pb2", "streamlit.proto.BackMsg_pb2.BackMsg",
    "streamlit.proto.ForwardMsg_pb2", "streamlit.proto.ForwardMsg_pb2.ForwardMsg",
    "streamlit.proto.WidgetStates_pb2", "streamlit.proto.WidgetStates_pb2.WidgetState",
}  # fmt: skip
# Dropped files are freed once imported (ui/widgets.release_uploads), through the script context
# as Streamlit's chat input does; without it they stay until the tab is closed, nothing breaks.
UPLOADED_FILES = {
    "streamlit.runtime.scriptrunner",
    "streamlit.runtime.scriptrunner.get_script_run_ctx",
}


def test_no_private_streamlit_api():
    """Only `streamlit` itself (and AppTest in the tests): private modules change without notice."""
    allowed = {"streamlit", "streamlit.testing.v1", "streamlit.testing.v1.AppTest"}
    found = {}
    for path in sorted(PROJECT.rglob("*.py")):
        if ".venv" in path.parts:
            continue
        exceptions = {
            PROJECT / "tests/benchmarks/bench_load.py": WIRE_PROTOCOL,
            PROJECT / "ui/widgets.py": UPLOADED_FILES,
        }.get(path, set())
        private = sorted(
            m
            for m in imported_modules(path)
            if m.startswith("streamlit.") and m not in allowed | exceptions
        )
        if private:
            found[str(path.relative_to(PROJECT))] = private
    assert found == {}


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PROJECT).with_suffix("").parts).removesuffix(".__init__")


def import_graph() -> dict[str, set[str]]:
    """Our modules (model/, ui/, app.py) and which of them each one imports."""
    files = [
        PROJECT / "app.py",
        *(PROJECT / "model").rglob("*.py"),
        *(PROJECT / "ui").rglob("*.py"),
    ]
    ours = {module_name(path): path for path in files}
    graph = {}
    for name, path in ours.items():
        targets = set()
        for imported in imported_modules(path):
            # `from model import store` names the module model.store; `from model.x import f`
            # names model.x: keep the longest prefix that is one of our modules.
            parts = imported.split(".")
            for end in range(len(parts), 0, -1):
                if ".".join(parts[:end]) in ours:
                    targets.add(".".join(parts[:end]))
                    break
        graph[name] = targets - {name}
    return graph


def test_the_import_graph_has_no_circle():
    graph, state, circles = import_graph(), {}, []

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                circles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []
