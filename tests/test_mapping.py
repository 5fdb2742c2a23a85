"""Column mapping: a best guess, checked, saved under a name, reused for the next such file."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine

from model.__main__ import main
from model.importing import save_mapping
from model.imports import mapping
from model.imports.pipeline import file_headers
from model.store import read_facts
from tests.conftest import FIXTURES
from tests.support import NOW, import_bytes

HANDMADE = FIXTURES / "handmade/releve_maison_cp1252.csv"  # French Excel: ; , cp1252, a title
HEADERS = ["Jour", "Consultant", "Dossier", "Temps passé (h)", "Commentaire", "Facturable"]


def test_headers_and_best_guess():
    assert file_headers(HANDMADE.read_bytes(), HANDMADE.name, max_bytes=10**7) == HEADERS
    guess = mapping.suggest(HEADERS, "timesheets")
    assert {k: v for k, v in guess.items() if v} == {
        "date": "Jour", "employee": "Consultant", "project": "Dossier",
        "hours": "Temps passé (h)", "description": "Commentaire", "billing": "Facturable",
    }  # fmt: skip


def test_english_headers_are_guessed_too():
    guess = mapping.suggest(["Day", "Staff", "Job", "Hours", "Notes"], "timesheets")
    assert (guess["date"], guess["employee"], guess["project"], guess["hours"]) == (
        "Day", "Staff", "Job", "Hours",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("columns", "problem"),
    [
        ({"date": "Jour", "hours": "Temps passé (h)"}, "La colonne obligatoire « Collaborateur »"),
        (
            {"date": "Jour", "employee": "Jour", "hours": "Dossier"},
            "« Jour » est associée deux fois",
        ),
        ({"date": "Date", "employee": "Consultant", "hours": "Dossier"}, "« Date » n'existe pas"),
    ],
)
def test_a_wrong_mapping_is_explained(columns: dict, problem: str):
    assert any(problem in p for p in mapping.check(columns, HEADERS, "timesheets"))


def test_saved_mapping_is_used_for_the_next_file_with_those_headers(engine: Engine):
    refused = import_bytes(engine, HANDMADE.read_bytes(), HANDMADE.name)
    assert refused.status == "rejected"
    assert "correspondance de colonnes" in refused.message
    save_mapping(engine, "Relevé maison", "timesheets", HEADERS,
                 mapping.suggest(HEADERS, "timesheets"), now=NOW)  # fmt: skip
    result = import_bytes(engine, HANDMADE.read_bytes(), HANDMADE.name)
    assert (result.status, result.source, result.added) == ("imported", "mapping:Relevé maison", 2)
    lines = read_facts(engine, "timesheets").sort("date")
    assert lines.select("date", "employee", "project", "hours", "billing").rows() == [
        (date(2024, 3, 4), "Alice Martin", "Refonte site", 7.5, "billable"),
        (date(2024, 3, 5), "Bruno Petit", "Portail", 3.25, "non_billable"),
    ]
    with pytest.raises(mapping.MappingError, match="obligatoire"):
        save_mapping(engine, "Incomplète", "timesheets", HEADERS, {"date": "Jour"}, now=NOW)


def test_mapping_from_the_command_line(db_url: str, capsys: pytest.CaptureFixture):
    assert main(["mapping", "suggest", str(HANDMADE), "--kind", "timesheets", "--json",
                 "--db", db_url]) == 0  # fmt: skip
    suggested = json.loads(capsys.readouterr().out)
    assert suggested["columns"]["hours"] == "Temps passé (h)"
    assert main(["mapping", "save", "Maison", str(HANDMADE), "--kind", "timesheets",
                 "--set", "description=", "--db", db_url]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["mapping", "list", "--json", "--db", db_url]) == 0
    (saved,) = json.loads(capsys.readouterr().out)
    assert (saved["name"], "description" in saved["columns"]) == ("Maison", False)
