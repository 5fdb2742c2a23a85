"""Golden files for the real exports in ../shared/samples and the time-tracker fixtures."""

from __future__ import annotations

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


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("harvest_clients_import_test_1.csv", "« Client Name », « Address »"),
        ("clockify_projects_import_test_1.csv", "« Project », « Client », « Status »"),
        ("generic_projects_import_test_1.csv", "« name », « color », « billable_rate »"),
        ("harvest_projects_import_test_1.csv", "« Client », « Project », « Project Code »"),
    ],
)
def test_files_without_timesheets_are_refused_with_their_columns(name: str, found: str):
    with pytest.raises(FileRefused) as refused:
        parse(TRACKERS / name)
    assert f"Colonnes trouvées : {found}" in str(refused.value)


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
