"""FEC imports: golden files for the variants met in the wild, lettering, balance, samples."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from model.imports.pipeline import FileRefused
from model.kpi.receivables import aged_receivables
from model.store import read_facts
from tests.conftest import FIXTURES, SAMPLES
from tests.support import assert_same_rows, import_bytes, parse, read_expected, snapshot

EXPECTED = FIXTURES / "expected"
VARIANTS = [
    "fec_tab_utf8.txt",  # tab, UTF-8, CRLF, Debit/Credit
    "fec_pipe_latin9_montant_sens.txt",  # pipe, ISO 8859-15, Montant + Sens, zero-padded signed
    "fec_semicolon_etablissement.csv",  # semicolon, CodeEtablissement, MontantDevise/IdDevise
]


@pytest.mark.parametrize("name", VARIANTS)
def test_fec_variants_give_invoices_and_lettered_payments(name: str):
    parsed = parse(FIXTURES / "fec" / name)
    assert parsed.source == "fec"
    assert sorted(parsed.kinds) == ["bank_balances", "invoices", "payments", "revenue"]
    assert parsed.errors().height == 0, parsed.errors()
    assert parsed.rows_read == 20
    assert_same_rows(
        parsed.valid("invoices"), read_expected("invoices", EXPECTED / "fec_invoices.expected.csv")
    )
    assert_same_rows(
        parsed.valid("payments"), read_expected("payments", EXPECTED / "fec_payments.expected.csv")
    )
    for kind in ("bank_balances", "revenue"):
        expected = read_expected(kind, EXPECTED / f"fec_{kind}.expected.csv")
        assert_same_rows(parsed.valid(kind), expected)
    assert any("date de facture + 30 jours" in note for note in parsed.notes)


def test_an_unbalanced_entry_is_reported_and_the_file_refused(engine: Engine):
    before = snapshot(engine)
    result = import_bytes(engine, (FIXTURES / "fec/fec_unbalanced.txt").read_bytes(), "fec.txt")
    assert result.status == "rejected"
    assert result.errors[0]["message"] == (
        "Ligne 2, colonne « EcritureNum » : l'écriture 1 du journal VT n'est pas équilibrée "
        "(débit 1200,00 ≠ crédit 1150,00) : elle n'est pas importée"
    )
    assert {e["row"] for e in result.errors} == {2, 3, 4}
    assert snapshot(engine) == before


def test_lettering_gives_the_amount_due_at_any_date(engine: Engine):
    result = import_bytes(engine, (FIXTURES / "fec/fec_tab_utf8.txt").read_bytes(), "fec.txt")
    assert (result.status, result.added) == ("imported", 12)  # 4 + 3 + 3 balances + 2 months
    invoices, payments = read_facts(engine, "invoices"), read_facts(engine, "payments")

    def acme(as_of: date) -> int:
        aged = aged_receivables(invoices, payments, as_of=as_of)
        return aged.clients.filter(aged.clients["client"] == "ACME")["total"].item()

    assert acme(date(2024, 3, 10)) == 336_000  # 1 200 + 2 400 − 240, nothing paid yet
    assert acme(date(2024, 3, 18)) == 216_000  # FA-001 paid on 15 March
    assert acme(date(2024, 3, 31)) == 116_000  # 1 000 more on FA-002 on 20 March
    again = import_bytes(
        engine, (FIXTURES / "fec/fec_semicolon_etablissement.csv").read_bytes(), "fec2.csv"
    )
    assert (again.added, again.updated, again.unchanged) == (0, 0, 12)


@pytest.mark.parametrize(
    "name", ["tryton_account_fr_FEC.csv", "tryton_account_fr_FEC-previous.csv"]
)
def test_a_fec_without_client_accounts_says_so(name: str):
    with pytest.raises(
        FileRefused, match="aucune de ses écritures ne porte sur un compte client 411"
    ):
        parse(SAMPLES / "fec" / name)
