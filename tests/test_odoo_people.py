"""Odoo's employees and time off imported as exported (issue 13 §1), through the store on SQLite
and PostgreSQL, into the charge rate's capacity."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Engine

from model.views.dashboard import compute_charge
from model.views.loading import load_facts, load_settings
from tests.conftest import FIXTURES
from tests.support import import_bytes, snapshot


def test_employees_and_time_off_give_each_persons_available_hours(engine: Engine):
    """March 2024 has 21 weekdays and no public holiday.
    Alice Martin, 35 h on 5 days: 21 × 7 = 147 h, less her 5 days of paid leave (35 h) = 112 h.
    Bruno Petit, "39 heures/semaine": 21 × 7,8 = 163,8 h, less half a day sick (3,5 h) = 160,3 h.
    Chloé Lambert, "Temps partiel 28 heures/semaine": 21 × 5,6 = 117,6 h, her May leave aside.
    Damien Roux, a schedule named without hours: the 35 h default, 147 h."""
    for name in ("employees_fr.csv", "time_off_fr.xlsx"):
        result = import_bytes(engine, (FIXTURES / "odoo" / name).read_bytes(), name)
        assert result.status == "imported", result.errors or result.message
    facts = load_facts(engine)
    assert facts.absences.height == 9
    charge = compute_charge(facts, load_settings(engine), date(2024, 3, 1), date(2024, 3, 31))
    people = charge.employees.sort("employee").select("employee", "capacity_h", "available_h")
    assert [(e, round(c, 2), round(a, 2)) for e, c, a in people.rows()] == [
        ("Alice Martin", 147.0, 112.0),
        ("Bruno Petit", 163.8, 160.3),
        ("Chloé Lambert", 117.6, 117.6),
        ("Damien Roux", 147.0, 147.0),
    ]
    costs = facts.employees.sort("employee").select("employee", "cost_rate_cents")
    assert costs.filter(pl.col("cost_rate_cents").is_null())["employee"].to_list() == [
        "Chloé Lambert"
    ]


def test_a_leave_ending_before_it_starts_or_lasting_centuries_is_refused(engine: Engine):
    """Refused with the cell as written, before being spread day by day (a leave from year 1 to
    9999 used to be expanded into 2,6 million days); the store is left as it was."""
    export = (
        "Employé,Type de congés,Date de début,Date de fin,Durée (jours),Statut\n"
        "Alice Martin,Congés payés,01/03/2024,01/03/2300,5,Approuvé\n"
        "Alice Martin,Congés payés,10/03/2024,05/03/2024,5,Approuvé\n"
        "Alice Martin,Congés payés,01/01/0001,31/12/9999,5,Approuvé\n"
        "Bruno Petit,RTT,04/03/2024,04/03/2024,1,Approuvé\n"
    )
    before = snapshot(engine)
    result = import_bytes(engine, export.encode(), "conges.csv")
    assert result.status == "rejected"
    too_long = (
        "est plus de 366 jours après la date de début : un congé ne dure pas si longtemps, "
        "vérifiez l'année des deux dates"
    )
    assert [error["message"] for error in result.errors] == [
        f"Ligne 2, colonne « Date de fin » : « 01/03/2300 » {too_long}",
        "Ligne 3, colonne « Date de fin » : « 05/03/2024 » est avant la date de début "
        "(attendu : ce jour-là ou après)",
        f"Ligne 4, colonne « Date de fin » : « 31/12/9999 » {too_long}",
    ]
    assert snapshot(engine) == before
