"""Odoo's sale order lines (issue 13 §1): what each project sold, completing the project list
where it is silent, through the store on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Engine

from model.kpi.projects import sold_vs_consumed
from model.kpi.sold import time_unit
from model.views.loading import load_facts
from tests.conftest import FIXTURES
from tests.support import import_bytes


def _import(engine: Engine, *names: str) -> None:
    for name in names:
        result = import_bytes(engine, (FIXTURES / "odoo" / name).read_bytes(), name)
        assert result.status == "imported", result.errors or result.message


def test_sale_lines_complete_the_project_list(engine: Engine):
    """Refonte site: Odoo's project export allocates 120 h and says billable (time and
    materials by default); its order sells 15 + 2 + 1 days at 7 h = 126 h and a licence, on
    ordered quantities: the project is fixed price (the policy of what it sold), its 120 h
    stay (stated on the project), its amount is 9 750 + 1 200 + 600 + 1 200 = 12 750 € and
    its rate the time lines' 11 550 € ÷ 126 h = 91,67 €/h.
    Portail: no budget in the project export; 40 h sold at 85 € on timesheets: time and
    materials, 40 h, 3 400 €, 85 €/h."""
    _import(engine, "projects_fr.xlsx", "sale_lines_fr.xlsx")
    projects = load_facts(engine).projects.sort("project")
    rows = projects.select(
        "project", "billing_mode", "sold_hours", "sold_amount_cents", "hourly_rate_cents",
        "from_orders", "assumed",
    ).rows()  # fmt: skip
    assert rows == [
        ("Interne", "internal", None, None, None, False, False),
        ("Portail", "time_and_materials", 40.0, 340_000, 8_500, True, False),
        ("Refonte site", "fixed_price", 120.0, 1_275_000, 9_167, True, False),
        ("Support Clinique", "time_and_materials", None, None, None, False, False),
    ]


def test_a_project_only_sold_gets_its_row_and_is_said(engine: Engine):
    """Without the project list, the lines alone give both projects, not assumed; the fixed
    price one is on Vendu vs consommé with 126 h sold, and the explanation says where from."""
    _import(engine, "sale_lines_en.csv")
    facts = load_facts(engine)
    projects = facts.projects.sort("project")
    assert projects.select("project", "client", "billing_mode", "sold_hours").rows() == [
        ("Portail", "Cabinet Durand", "time_and_materials", 40.0),
        ("Refonte site", "ACME", "fixed_price", 126.0),
    ]
    assert not projects["assumed"].any()
    result = sold_vs_consumed(
        facts.timesheets, facts.projects, facts.employees, as_of=date(2024, 3, 31)
    )
    assert result.projects.select("project", "sold_h").rows() == [("Refonte site", 126.0)]
    assert (1, "projet(s) complété(s) par leurs lignes de commande : mode de facturation, et "
            "heures vendues, montant vendu ou taux horaire là où la liste des projets ne les "
            "donne pas") in [(c, fr) for c, fr, _ in result.explanation.excluded]  # fmt: skip


def test_units_of_measure_that_are_time():
    assert [time_unit(u) for u in ("Heures", "hours", "h", "Jours", "Day(s)", "Unités", None)] == [
        "hour", "hour", "hour", "day", "day", None, None,
    ]  # fmt: skip


def test_figures_stated_on_the_project_win_and_the_lines_are_kept(engine: Engine):
    """The template states Portail: fixed price, 140 h, 12 600 €, 90 €/h, and sells it on one
    line of 12 600 € at a fixed price; Odoo's order adds a line of 3 400 € on timesheets. Two
    modes: that of the largest line, fixed price. The stated figures stay, nothing was taken
    from the lines. The lines themselves are stored as exported."""
    template = FIXTURES / "template" / "template_filled.xlsx"
    assert import_bytes(engine, template.read_bytes(), template.name).status == "imported"
    _import(engine, "sale_lines_tech.csv")
    facts = load_facts(engine)
    portail = facts.projects.filter(pl.col("project") == "Portail")
    assert portail.select(
        "billing_mode", "sold_hours", "sold_amount_cents", "hourly_rate_cents", "from_orders"
    ).row(0) == ("fixed_price", 140.0, 1_260_000, 9_000, False)
    assert facts.sale_lines.height == 6  # the template's line and Odoo's five
    assert facts.sale_lines.filter(pl.col("sale_order") == "S00015")["delivered"].item() == 12.5


def test_a_project_its_order_describes_is_not_offered_as_assumed(engine: Engine):
    """Odoo's time lines name « Refonte site » and « Portail » (among others) and no project
    list is imported: Paramètres offers them as assumed, until their sale order lines say what
    they are."""
    from model.editing import editable_frame

    _import(engine, "timesheets_fr.csv")
    offered = editable_frame(engine, "projects").filter("assumed")["project"].to_list()
    assert {"Refonte site", "Portail"} <= set(offered)
    _import(engine, "sale_lines_fr.xlsx")
    after = editable_frame(engine, "projects").filter("assumed")["project"].to_list()
    assert sorted(after) == sorted(set(offered) - {"Refonte site", "Portail"})
