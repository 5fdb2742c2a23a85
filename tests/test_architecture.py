"""The joints of ARCHITECTURE.md, checked on the code: who may import whom (issue 11)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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
        pytest.param(
            "model/kpi", ("model.store", "model.db", "sqlmodel", "streamlit"),
            marks=pytest.mark.xfail(strict=True, reason="issue 11 §2: kpi/load.py reads the store"),
        ),
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
