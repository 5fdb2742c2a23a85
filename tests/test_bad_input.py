"""Bad input: a sentence for the user and a store left exactly as it was (SQLite, PostgreSQL)."""

from __future__ import annotations

import io
import zipfile

import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine

from model.importing import errors_workbook, import_file
from model.settings import Settings
from model.store import read_facts
from tests.conftest import FIXTURES
from tests.support import NOW, import_bytes, snapshot

ODOO_HEADER = '"Date","Employé","Projet","Quantité","Type de facturation"\r\n'
INVOICE_HEADER = (
    '"Numéro","Partenaire","Date de facturation","Date d\'échéance","Total signé",'
    '"Montant dû signé"\r\n'
)


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    """A store that already holds data, so "unchanged" means something."""
    result = import_bytes(engine, (FIXTURES / "odoo/invoices_fr.xlsx").read_bytes(), "f.xlsx")
    assert result.status == "imported"
    return engine


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _encrypted_xlsx() -> bytes:
    plain = io.BytesIO(_xlsx_bytes())
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", encrypted)
    return encrypted.getvalue()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


HOSTILE = {
    "0-byte": (b"", "est vide (0 octet)"),
    "blank": (b"  \r\n\r\n", "ne contient aucune donnée"),
    "renamed docx": (_docx(), "document Word (.docx)"),
    "renamed pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF « export.xlsx » est illisible"),
    "renamed png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image PNG"),
    "truncated xlsx": (_xlsx_bytes()[:700], "endommagé ou incomplet"),
    "password-protected": (_encrypted_xlsx(), "protégé par un mot de passe"),
    "binary garbage": (bytes(range(256)) * 64, "son contenu est binaire"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_unreadable_files_get_a_sentence_and_change_nothing(loaded: Engine, case: str):
    data, expected = HOSTILE[case]
    before = snapshot(loaded)
    result = import_bytes(loaded, data, "export.xlsx")
    assert result.status == "rejected"
    assert expected in result.message
    assert result.errors == [
        {"row": None, "column": None, "value": None, "message": result.message}
    ]
    assert snapshot(loaded) == before


def test_file_over_the_size_limit(loaded: Engine):
    before = snapshot(loaded)
    small_limit = Settings(database_url="unused", max_file_bytes=1024 * 1024)
    data = b"Date;Heures\n" + b"01/01/2024;7\n" * 100_000
    result = import_file(loaded, data, "gros.csv", settings=small_limit, now=NOW)
    assert result.status == "rejected"
    assert result.message == (
        "Le fichier « gros.csv » fait 1,2 Mo, au-delà de la limite de 1,0 Mo fixée dans les "
        "paramètres (PILOTAGE_MAX_FILE_MB)."
    )
    assert snapshot(loaded) == before


def test_a_file_just_over_the_limit_shows_the_difference(loaded: Engine):
    """Issue 10 §5: "fait 1,0 Mo, au-delà de la limite de 1,0 Mo" did not say by how much."""
    before = snapshot(loaded)
    limit = Settings(database_url="unused", max_file_bytes=1024 * 1024)
    data = b"Date;Heures\n" + b"0" * (1024 * 1024 - 11)
    result = import_file(loaded, data, "juste.csv", settings=limit, now=NOW)
    assert result.message == (
        "Le fichier « juste.csv » fait 1\u202f048\u202f577 octets, au-delà de la limite de "
        "1\u202f048\u202f576 octets fixée dans les paramètres (PILOTAGE_MAX_FILE_MB)."
    )
    assert snapshot(loaded) == before


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_wide_encodings_are_read_with_or_without_a_bom(engine: Engine, encoding: str):
    """Issue 10 §5: UTF-16 without BOM and UTF-32 were called "binaire"."""
    text = ODOO_HEADER + '"2024-03-01","Zoë","Café","7,5",""\r\n'
    result = import_bytes(engine, text.encode(encoding), f"temps-{encoding}.csv")
    assert result.status == "imported", result.message
    lines = read_facts(engine, "timesheets")
    assert lines.select("employee", "project", "hours").rows() == [("Zoë", "Café", 7.5)]


def test_a_formula_saved_without_its_value_says_how_to_fix_it(loaded: Engine):
    """Issue 10 §5: a formula whose value was not saved was "valeur obligatoire manquante"."""
    workbook = Workbook()
    workbook.active.append(["Numéro", "Client", "Date de facture", "Montant HT", "Montant TTC"])
    workbook.active.append(["F-1", "ACME", "31/03/2024", 1000, "=D2*1.2"])
    workbook.active.append(["F-2", "ACME", "31/03/2024", 500, 600])
    workbook.active.append(["Total", None, None, "=SUM(D2:D3)", "=SUM(E2:E3)"])
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl writes formulas without values, as scripts do
    before = snapshot(loaded)
    result = import_bytes(loaded, buffer.getvalue(), "factures.xlsx")
    assert result.status == "rejected"
    assert [e["message"] for e in result.errors] == [
        "Ligne 2, colonne « Montant TTC » : « =D2*1.2 » est une formule dont la valeur n'a pas "
        "été enregistrée dans le fichier : ouvrez-le dans Excel ou LibreOffice, enregistrez-le, "
        "puis importez-le à nouveau"
    ]
    assert result.errors[0]["value"] == "=D2*1.2"
    assert "feuille « Sheet », ligne 4 ignorée : ligne de total (pas une donnée)." in result.notes
    assert snapshot(loaded) == before


def test_unknown_layout_lists_the_columns_found_and_expected(loaded: Engine):
    before = snapshot(loaded)
    data = b"Jour;Qui;Combien\n01/03/2024;Alice;7\n"
    result = import_bytes(loaded, data, "maison.csv")
    assert result.status == "rejected"
    assert "Colonnes trouvées : « Jour », « Qui », « Combien »." in result.message
    assert "- Odoo, temps : Date, Employé, Quantité" in result.message
    assert "- Modèle Pilotage, factures : Numéro, Client, Date de facture, Montant TTC" in (
        result.message
    )
    assert snapshot(loaded) == before


BAD_ROWS = {
    "not a date": (
        ODOO_HEADER + '"13/15/2024","Alice","Site","7",""\r\n',
        "Ligne 2, colonne « Date » : « 13/15/2024 » n'est pas une date "
        "(attendu : JJ/MM/AAAA ou AAAA-MM-JJ)",
    ),
    "negative net hours": (
        ODOO_HEADER
        + '"2024-03-01","Alice","Site","2",""\r\n"2024-03-01","Alice","Site","-3",""\r\n',
        "Ligne 3, colonne « Quantité » : « -3 » est négatif et le total de ce collaborateur ce "
        "jour-là devient négatif (une correction ne peut retirer que des heures saisies)",
    ),
    "unknown billing type": (
        ODOO_HEADER + '"2024-03-01","Alice","Site","2","Gratuit"\r\n',
        "Ligne 2, colonne « Type de facturation » : « Gratuit » n'est pas une valeur connue "
        "(attendu : facturable, inclus, non facturable, non qualifié)",
    ),
    "future date": (
        ODOO_HEADER + '"2024-12-01","Alice","Site","2",""\r\n',
        "Ligne 2, colonne « Date » : « 2024-12-01 » est dans le futur, au-delà de la limite de "
        "31 jours après aujourd'hui",
    ),
    "missing employee": (
        ODOO_HEADER + '"2024-03-01","","Site","2",""\r\n"2024-03-02","Bob","Site","1",""\r\n',
        "Ligne 2, colonne « Employé » : valeur obligatoire manquante",
    ),
    "hours not a number": (
        ODOO_HEADER + '"2024-03-01","Alice","Site","sept",""\r\n',
        "Ligne 2, colonne « Quantité » : « sept » n'est pas une durée en heures "
        "(attendu : 7,5 ou 7:30)",
    ),
    "due before invoice date": (
        INVOICE_HEADER + '"F1","ACME","2024-03-31","2024-03-01","1200","1200"\r\n',
        "Ligne 2, colonne « Date d'échéance » : « 2024-03-01 » est antérieure à la date de facture",
    ),
    "amount due above total": (
        INVOICE_HEADER + '"F1","ACME","2024-03-31","2024-04-30","1200","1500"\r\n',
        "Ligne 2, colonne « Montant dû signé » : « 1500 » dépasse le montant TTC de la facture",
    ),
    "amount out of range": (
        INVOICE_HEADER + '"F1","ACME","2024-03-31","2024-04-30","1e30","0"\r\n',
        "Ligne 2, colonne « Total signé » : « 1e30 » dépasse la limite de 100 milliards "
        "d'euros (montant aberrant)",
    ),
    "amount of 10^16 €": (
        INVOICE_HEADER + '"F1","ACME","2024-03-31","2024-04-30","10000000000000000","0"\r\n',
        "Ligne 2, colonne « Total signé » : « 10000000000000000 » dépasse la limite de 100 "
        "milliards d'euros (montant aberrant)",
    ),
    "thousands misgrouped": (
        INVOICE_HEADER + '"F1","ACME","2024-03-31","2024-04-30","1,234,56","0"\r\n',
        "Ligne 2, colonne « Total signé » : « 1,234,56 » n'est pas un montant (attendu : 1 234,56)",
    ),
    "dollars in a euro column": (
        INVOICE_HEADER + '"F1","ACME","2024-03-31","2024-04-30","1 200,00 $","0"\r\n',
        "Ligne 2, colonne « Total signé » : « 1 200,00 $ » porte une autre devise que l'euro : "
        "écrivez le montant sans symbole et sa devise dans une colonne « Devise » (USD, GBP…), "
        "Pilotage le convertit au taux de sa date (attendu : 1 234,56 ou 1 234,56 €)",
    ),
    "minutes beyond 59": (
        ODOO_HEADER + '"2024-03-01","Alice","Site","7:75",""\r\n',
        "Ligne 2, colonne « Quantité » : « 7:75 » n'est pas une durée en heures "
        "(attendu : 7,5 ou 7:30)",
    ),
    "hours without date nor employee": (
        ODOO_HEADER + '"2024-03-01","Alice","Site","7",""\r\n"","","","6",""\r\n',
        [
            "Ligne 3, colonne « Date » : valeur obligatoire manquante",
            "Ligne 3, colonne « Employé » : valeur obligatoire manquante",
        ],
    ),
    "a day over 24 hours in the file": (
        ODOO_HEADER
        + '"2024-03-01","Alice","Site","14",""\r\n"2024-03-01","Alice","Portail","11",""\r\n',
        [
            f"Ligne {row}, colonne « Quantité » : « {hours} » porte le total de ce "
            "collaborateur ce jour-là au-delà de 24 heures (toutes ses lignes de ce jour dans "
            "le fichier)"
            for row, hours in ((2, 14), (3, 11))
        ],
    ),
    "work date before 2000": (
        ODOO_HEADER + '"1999-12-31","Alice","Site","7",""\r\n',
        "Ligne 2, colonne « Date » : « 1999-12-31 » est antérieure au 01/01/2000, la date la "
        "plus ancienne acceptée (PILOTAGE_EARLIEST_YEAR) : une faute de frappe dans l'année ?",
    ),
    "invoice date before 2000": (
        INVOICE_HEADER + '"F1","ACME","0024-03-31","2024-04-30","1200","0"\r\n',
        "Ligne 2, colonne « Date de facturation » : « 0024-03-31 » est antérieure au "
        "01/01/2000, la date la plus ancienne acceptée (PILOTAGE_EARLIEST_YEAR) : une faute "
        "de frappe dans l'année ?",
    ),
    "duplicate invoice number": (
        INVOICE_HEADER
        + '"F1","ACME","2024-03-31","2024-04-30","1200","0"\r\n'
        + '"F1","ACME","2024-03-31","2024-04-30","900","0"\r\n',
        "Ligne 3, colonne « Numéro » : « F1 » apparaît déjà ligne 2 (Numéro en double)",
    ),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_bad_row_refuses_the_whole_file(loaded: Engine, case: str):
    text, message = BAD_ROWS[case]
    before = snapshot(loaded)
    result = import_bytes(loaded, text.encode(), "export.csv")
    assert result.status == "rejected"
    expected = message if isinstance(message, list) else [message]
    assert [e["message"] for e in result.errors] == expected
    assert "Rien n'a été enregistré" in result.message
    assert snapshot(loaded) == before


def test_a_day_over_24_hours_with_the_lines_already_stored_is_refused(engine: Engine):
    import_bytes(
        engine, (ODOO_HEADER + '"2024-03-01","Alice","Site","14",""\r\n').encode(), "a.csv"
    )
    before = snapshot(engine)
    other_source = b'Date,Collaborateur,Heures\r\n01/03/2024,Alice,"11,5"\r\n'
    for dry_run in (True, False):
        result = import_bytes(engine, other_source, "b.csv", dry_run=dry_run)
        assert result.status == "rejected"
        assert result.message == (
            "Fichier refusé : 1 ligne(s) portent une journée au-delà de 24 h avec les temps "
            "déjà importés. Rien n'a été enregistré."
        )
        assert [e["message"] for e in result.errors] == [
            "Ligne 2, colonne « Heures » : « 11,5 » porte le total de Alice le 01/03/2024 à "
            "25,5 h avec les lignes déjà importées (au plus 24 h par jour)"
        ]
        assert snapshot(engine) == before
    # A newer export of the same source replaces the stored line: 11,5 h that day is fine.
    newer = (ODOO_HEADER + '"2024-03-01","Alice","Site","11,5",""\r\n').encode()
    assert import_bytes(engine, newer, "c.csv").status == "imported"


def test_allow_partial_imports_the_valid_rows_and_reports_the_others(engine: Engine):
    text = (
        ODOO_HEADER
        + '"2024-03-01","Alice","Site","7",""\r\n'
        + '"2024-03-32","Alice","Site","7",""\r\n'
        + '"2024-03-04","Bob","Site","6,5",""\r\n'
    )
    result = import_bytes(engine, text.encode(), "temps.csv", allow_partial=True)
    assert (result.status, result.added, result.rejected) == ("imported", 2, 1)
    assert result.errors[0]["row"] == 3
    report = errors_workbook(result)
    sheet = load_workbook(io.BytesIO(report)).active
    assert [c.value for c in sheet[2]][:4] == ["temps.csv", 3, "Date", "2024-03-32"]


def test_formula_text_in_the_error_report_stays_text(engine: Engine):
    text = ODOO_HEADER + '"2024-03-01","Alice","Site","=1+1",""\r\n'
    result = import_bytes(engine, text.encode(), "temps.csv")
    assert result.status == "rejected"
    sheet = load_workbook(io.BytesIO(errors_workbook(result))).active
    assert sheet["D2"].value == "=1+1"
    assert sheet["D2"].data_type == "s"


def test_a_key_repeated_on_two_sheets_is_refused(engine: Engine):
    workbook = Workbook()
    january = workbook.active
    january.title = "Janvier"
    january.append(["Numéro", "Client", "Date de facture", "Montant TTC"])
    january.append(["F1", "ACME", "05/01/2024", 120])
    february = workbook.create_sheet("Février")
    february.append(["Numéro", "Client", "Date de facture", "Montant TTC"])
    february.append(["F2", "ACME", "05/02/2024", 120])
    february.append(["F1", "ACME", "06/02/2024", 130])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_bytes(engine, buffer.getvalue(), "factures.xlsx")
    assert result.status == "rejected"
    assert [e["message"] for e in result.errors] == [
        "Feuille « Février », ligne 3, colonne « Numéro » : « F1 » apparaît déjà dans la "
        "feuille « Janvier », ligne 2"
    ]
    assert snapshot(engine)["invoice"] == []


def test_tens_of_thousands_of_errors_are_all_listed(loaded: Engine):
    """A year of lines, 25 020 of them after the as-of limit: polars 2.1 panicked (a Rust
    panic, past `except Exception`) while writing the sentences."""
    header = '"Date","Employé","Projet","Description","Quantité"\n'
    lines = [
        f'"2024-{month:02d}-{day:02d}","P{person}","Site","Dév {task}","2"'
        for month in range(1, 13)
        for day in range(1, 29)
        for person in range(60)
        for task in range(3)
    ]
    before = snapshot(loaded)
    result = import_bytes(loaded, (header + "\n".join(lines) + "\n").encode(), "annee.csv")
    assert result.status == "rejected"
    assert result.rejected == 25_020
    assert result.errors[0]["message"] == (
        "Ligne 35462, colonne « Date » : « 2024-08-02 » est dans le futur, au-delà de la "
        "limite de 31 jours après aujourd'hui"
    )
    assert snapshot(loaded) == before
