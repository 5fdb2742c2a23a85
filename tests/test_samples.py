"""Golden files for the real exports in ../shared/samples and the time-tracker fixtures."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from model.imports.pipeline import FileRefused, parse_file
from tests.conftest import FIXTURES, SAMPLES
from tests.support import SETTINGS, assert_same_rows, read_expected

TRACKERS = SAMPLES / "timetrackers"
EXPECTED = FIXTURES / "expected"
TIME_ENTRIES = sorted(p.name for p in (EXPECTED / "samples").glob("*.expected.csv"))
TODAY = date(2026, 11, 23)  # the samples date from 2024


def parse(path: Path):
    return parse_file(
        path.read_bytes(), path.name, today=TODAY, max_bytes=SETTINGS.max_file_bytes, future_days=31
    )


SOURCES = {"clockify": "clockify", "toggl": "toggl", "harvest": "harvest", "generic": "solidtime"}


@pytest.mark.parametrize("expected", TIME_ENTRIES)
def test_time_tracker_samples(expected: str):
    name = expected.removesuffix(".expected.csv") + ".csv"
    parsed = parse(TRACKERS / name)
    assert parsed.source == SOURCES[name.split("_")[0]]
    assert parsed.errors().height == 0, parsed.errors()
    assert_same_rows(
        parsed.valid("timesheets"), read_expected("timesheets", EXPECTED / "samples" / expected)
    )


def test_the_impossible_date_is_refused_with_its_row():
    parsed = parse(TRACKERS / "clockify_time_entries_import_test_3.csv")
    assert [e["message"] for e in parsed.errors().to_dicts()] == [
        "Ligne 2, colonne « Start Date » : « 13/15/2024 » n'est pas une date (attendu : MM/JJ/AAAA)"
    ]
    assert parsed.valid("timesheets").height == 0


@pytest.mark.parametrize("file", ["kimai/kimai_fr.csv", "kimai/kimai_en.xlsx"])
def test_kimai_exports(file: str):
    parsed = parse(FIXTURES / file)
    assert parsed.source == "kimai"
    assert parsed.errors().height == 0, parsed.errors()
    assert_same_rows(
        parsed.valid("timesheets"), read_expected("timesheets", EXPECTED / "kimai.expected.csv")
    )


PROJECT_LISTS = sorted(p.name for p in (EXPECTED / "sample_projects").glob("*.expected.csv"))


@pytest.mark.parametrize("expected", PROJECT_LISTS)
def test_time_tracker_project_lists(expected: str):
    """Issue 13 §1: Clockify's and solidtime's project lists give projects (a rate in USD is
    left out, said among the unused columns)."""
    name = expected.removesuffix(".expected.csv") + ".csv"
    parsed = parse(TRACKERS / name)
    assert parsed.source == SOURCES[name.split("_")[0]]
    assert parsed.errors().height == 0, parsed.errors()
    assert_same_rows(
        parsed.valid("projects"),
        read_expected("projects", EXPECTED / "sample_projects" / expected),
    )
    if name.startswith("clockify"):
        assert any("« Billable Rate (USD) »" in note for note in parsed.notes)


def test_harvest_projects_give_their_hours_budget():
    """Budget By « Hours »: the budget is the sold hours (« 50,0 » → 50); a budget of 0 is none.
    Names as Python's csv module reads them, special characters and all."""
    path = TRACKERS / "harvest_projects_import_test_1.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    parsed = parse(path)
    assert parsed.source == "harvest"
    assert parsed.errors().height == 0, parsed.errors()
    projects = parsed.valid("projects")
    assert projects.select("project", "client", "billing_mode", "sold_hours").rows() == [
        (rows[0]["Project"], rows[0]["Client"], "time_and_materials", 50.0),
        (rows[1]["Project"], rows[1]["Client"], "time_and_materials", None),
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "harvest_clients_import_test_1.csv",
            "est la liste des clients de Harvest : Pilotage n'a pas de fiche client à importer "
            "(les clients viennent des projets, des temps et des factures). Importez plutôt "
            "l'export des projets de Harvest, ou ses temps.",
        ),
        (
            "kimai_export_columns.csv",
            "décrit les colonnes de l'export de Kimai (un modèle) et ne contient aucun temps : "
            "exportez les temps depuis Kimai.",
        ),
    ],
)
def test_files_with_nothing_to_import_say_what_they_are(name: str, reason: str):
    with pytest.raises(FileRefused) as refused:
        parse(TRACKERS / name)
    assert str(refused.value) == f"Le fichier « {name} » {reason}"


def test_a_utc_timestamp_late_in_the_evening_is_the_next_day_in_paris():
    data = (
        b"description,billable,client,project,tags,start,end,task,user_name,user_email\n"
        b'"",true,"","P","","2024-03-31T22:30:00Z","2024-03-31T23:30:00Z","","Ana","a@x"\n'
    )
    parsed = parse_file(
        data, "s.csv", today=TODAY, max_bytes=SETTINGS.max_file_bytes, future_days=31
    )
    assert str(parsed.valid("timesheets")["date"].item()) == "2024-04-01"


def test_samples_are_where_the_tests_expect_them():
    assert Path(TRACKERS).is_dir(), "../shared/samples must sit beside the repository"
