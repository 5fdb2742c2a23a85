"""Issue 13 §2: an Odoo timesheet export imported alone fills the pages, on assumptions said in
the page and confirmed in one step in Paramètres."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine

from model.editing import editable_frame, save_table
from model.kpi.assumed import assumed_names
from model.views.loading import load_facts, load_settings
from model.views.report import compute_charge
from tests.conftest import FIXTURES
from tests.support import NOW, SETTINGS, import_bytes

TIMESHEETS = FIXTURES / "odoo/timesheets_fr.csv"


def _timesheets_alone(engine: Engine) -> None:
    result = import_bytes(engine, TIMESHEETS.read_bytes(), "temps.csv")
    assert result.status == "imported", result.errors or result.message


def test_timesheets_alone_give_a_charge_rate_on_assumed_contracts(engine: Engine):
    """No staff list: each person is assumed on 35 h over 5 days from their first line.
    Alice Martin from Monday 04/03/2024: 20 weekdays to 29/03 × 7 h = 140 h, 9 h logged of which
    7 h billable (7,5 − 0,5 on Refonte site; 2 h of training are internal): TACE 7 / 140 = 5 %.
    Chloé Lambert from Wednesday 06/03: 18 weekdays × 7 h = 126 h."""
    _timesheets_alone(engine)
    facts = load_facts(engine)
    people, projects = assumed_names(facts)
    assert people == ["Alice Martin", "Bruno Petit", "Chloé Lambert"]
    assert projects == ["Interne", "Portail", "Refonte site", "Support Clinique"]
    charge = compute_charge(facts, load_settings(engine), date(2024, 3, 1), date(2024, 3, 31))
    rows = charge.employees.sort("employee").select("employee", "capacity_h", "tace_pct").rows()
    assert rows == [("Alice Martin", 140.0, 5.0), ("Bruno Petit", 140.0, 0.0),
                    ("Chloé Lambert", 126.0, pytest.approx(4 / 126 * 100))]  # fmt: skip
    said = charge.explanation.sentences("fr")
    assert (
        "3 collaborateur(s) sans fiche du personnel : contrat supposé de 35 h sur 5 jours depuis "
        "leur première ligne (à confirmer dans Paramètres)." in said
    )
    assert (
        "4 projet(s) absent(s) de la liste des projets : régie supposée (à confirmer dans "
        "Paramètres)." in said
    )


def test_saving_the_table_in_parametres_confirms_the_assumed_people(engine: Engine):
    _timesheets_alone(engine)
    table = editable_frame(engine, "employees")
    assert table.filter(pl.col("assumed")).select(
        "employee", "weekly_hours", "start_date"
    ).rows() == [
        ("Alice Martin", 35.0, date(2024, 3, 4)),
        ("Bruno Petit", 35.0, date(2024, 3, 4)),
        ("Chloé Lambert", 35.0, date(2024, 3, 6)),
    ]
    # Chloé works 28 h: corrected and confirmed; Alice confirmed as she is; Bruno left ticked.
    edited = table.with_columns(
        pl.when(pl.col("employee") == "Chloé Lambert").then(28.0)
        .otherwise(pl.col("weekly_hours")).alias("weekly_hours"),
        (pl.col("employee") == "Bruno Petit").alias("assumed"),
    )  # fmt: skip
    result = save_table(engine, "employees", edited, settings=SETTINGS, now=NOW)
    assert (result.status, result.added) == ("imported", 2)
    after = editable_frame(engine, "employees").sort("employee")
    assert after.select("employee", "assumed", "weekly_hours").rows() == [
        ("Alice Martin", False, 35.0),
        ("Bruno Petit", True, 35.0),
        ("Chloé Lambert", False, 28.0),
    ]
    assert assumed_names(load_facts(engine))[0] == ["Bruno Petit"]


def test_the_pages_say_what_they_assume(sqlite_url: str, monkeypatch: pytest.MonkeyPatch):
    """In the page, not in the collapsed explanation: the names and where to confirm them."""
    from model.db import get_engine, init_db
    from tests.apptest import open_page, run_app, use_store

    engine = get_engine(sqlite_url)
    init_db(engine)
    _timesheets_alone(engine)
    for _ in use_store(sqlite_url, monkeypatch):
        app = open_page(run_app(date="2024-03-31"), "charge")
        warnings = [w.value for w in app.warning]
        assert warnings[0] == (
            "3 collaborateur(s) absent(s) de la liste du personnel : contrat supposé de 35 h sur "
            "5 jours depuis leur première ligne (Alice Martin, Bruno Petit, Chloé Lambert). "
            "Importez l'export des employés (Odoo, modèle Pilotage) ou confirmez-les dans "
            "Paramètres › Collaborateurs."
        )
        assert warnings[1].startswith("4 projet(s) absent(s) de la liste des projets")
        assert all(m.value != "n/a" for m in app.metric)
        people = next(d.value for d in app.dataframe if "Contrat supposé" in d.value.columns)
        assert people.set_index("Collaborateur")["Contrat supposé"].to_dict() == {
            "Alice Martin": "oui",
            "Bruno Petit": "oui",
            "Chloé Lambert": "oui",
        }
        app = open_page(app, "parameters")
        assert app.info[0].value.startswith("Les 3 dernière(s) ligne(s), cochées « Supposé »")


def test_odoo_timesheet_costs_give_the_cost_rate_the_staff_list_lacks(engine: Engine):
    """Odoo's Montant is −hours × hourly cost. Alice Martin: 337,50 − 22,50 + 90,00 = 405 € for
    7,5 − 0,5 + 2 = 9 h → 45,00 €/h; Bruno Petit: (130 + 60) / 4,75 h = 40,00 €/h; Chloé
    Lambert: 188 / 4 = 47,00 €/h. The margin says its 6 lines are costed so."""
    from model.views.report import kpi_json

    _timesheets_alone(engine)
    facts = load_facts(engine)
    costs = facts.employees.sort("employee").select(
        "employee", "cost_rate_cents", "cost_from_timesheets"
    )
    assert costs.rows() == [
        ("Alice Martin", 4500, True),
        ("Bruno Petit", 4000, True),
        ("Chloé Lambert", 4700, True),
    ]
    margin = kpi_json("margin", facts, load_settings(engine), as_of=date(2024, 3, 31),
                      start=date(2024, 3, 1), end=date(2024, 3, 31))  # fmt: skip
    reasons = {e["reason"]: e["count"] for e in margin["explanation"]["excluded"]}
    said = (
        "ligne(s) de collaborateurs sans coût horaire dans la liste du personnel, coûtées au "
        "coût moyen de leurs lignes de temps (Odoo : Montant ÷ heures)"
    )
    assert reasons[said] == 6


def test_a_cost_in_the_staff_list_wins_over_the_timesheets(engine: Engine):
    """Alice Martin's 50 €/h in the employees export stays; the others still come from Odoo."""
    _timesheets_alone(engine)
    staff = '"Collaborateur","Coût horaire"\n"Alice Martin","50"\n'
    assert import_bytes(engine, staff.encode(), "equipe.csv", kind="employees").status == (
        "imported"
    )
    costs = load_facts(engine).employees.sort("employee")
    assert costs.select("employee", "cost_rate_cents", "cost_from_timesheets").rows() == [
        ("Alice Martin", 5000, False),
        ("Bruno Petit", 4000, True),
        ("Chloé Lambert", 4700, True),
    ]
