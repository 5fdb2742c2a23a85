"""Validated time (issue 13 §3), from Odoo's timesheet export, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from model.kpi.validation import validation
from model.views.loading import load_facts
from tests.conftest import FIXTURES
from tests.support import import_bytes


def test_hours_waiting_for_validation_per_person_and_month(engine: Engine):
    """Odoo's « Validé » column, March 2024.
    Alice Martin: 7,5 − 0,5 + 2 = 9 h, all validated → 100 %.
    Bruno Petit: 1,5 h validated, 3,25 h on Portail not yet → 1,5 / 4,75 = 31,58 %.
    Chloé Lambert: 4 h validated → 100 %."""
    data = (FIXTURES / "odoo/timesheets_fr.csv").read_bytes()
    assert import_bytes(engine, data, "temps.csv").status == "imported"
    table = validation(load_facts(engine).timesheets, start=date(2024, 3, 1), end=date(2024, 3, 31))
    rows = table.select("employee", "month", "validated_h", "waiting_h", "unknown_h").rows()
    assert rows == [
        ("Alice Martin", date(2024, 3, 1), 9.0, 0.0, 0.0),
        ("Bruno Petit", date(2024, 3, 1), 1.5, 3.25, 0.0),
        ("Chloé Lambert", date(2024, 3, 1), 4.0, 0.0, 0.0),
    ]
    assert table["validated_pct"].to_list() == [100.0, pytest.approx(1.5 / 4.75 * 100), 100.0]


def test_a_source_without_the_flag_is_unknown_not_waiting():
    from tests.kpi.frames import frame, line

    lines = frame("timesheets", [line(date(2024, 3, 4), "Ana", "P", 7.0, "billable")])
    table = validation(lines, start=date(2024, 3, 1), end=date(2024, 3, 31))
    assert table.select("validated_h", "waiting_h", "unknown_h", "validated_pct").row(0) == (
        0.0,
        0.0,
        7.0,
        None,
    )
