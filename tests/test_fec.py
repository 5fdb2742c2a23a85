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


FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise\n"
)


def fec_entry(number: int, day: str, debit: str, credit: str) -> str:
    """A sale: the client's 411 line (debit) and the revenue 706 line (credit)."""
    head = f"VT\tVentes\t{number}\t{day}\t"
    piece = f"FA-{number:03d}\t{day}\tFacture FA-{number:03d}\t"
    return (
        f"{head}411000\tClients\tC001\tACME\t{piece}{debit}\t0,00\t\t\t20240331\t\t\n"
        f"{head}706000\tPrestations\t\t\t{piece}0,00\t{credit}\t\t\t20240331\t\t\n"
    )


FEC_ALL_REFUSED = {
    "unbalanced": (
        fec_entry(1, "20240201", "1200,00", "1000,00"),
        [
            f"Ligne {row}, colonne « EcritureNum » : l'écriture 1 du journal VT n'est pas "
            "équilibrée (débit 1200,00 ≠ crédit 1000,00) : elle n'est pas importée"
            for row in (2, 3)
        ],
    ),
    "31 February": (
        fec_entry(2, "20260231", "100,00", "100,00"),
        [
            f"Ligne {row}, colonne « EcritureDate » : « 20260231 » n'est pas une date "
            "(attendu : AAAAMMJJ)"
            for row in (2, 3)
        ],
    ),
    "letters for digits": (
        fec_entry(3, "20240205", "1000,00", "1OOO,OO"),
        [
            "Ligne 3, colonne « Credit » : « 1OOO,OO » n'est pas un montant (attendu : 1234,56)",
            "Ligne 2, colonne « EcritureNum » : l'écriture 3 du journal VT a une ligne illisible "
            "(ligne 3) : elle n'est pas importée",
        ],
    ),
}


@pytest.mark.parametrize("partial", [False, True])
@pytest.mark.parametrize("case", list(FEC_ALL_REFUSED))
def test_a_fec_whose_every_entry_is_refused_says_why(engine: Engine, case: str, partial: bool):
    """Issue 10 §4: these raised `ColumnNotFoundError: "_row" not found`; a damaged credit
    counted as 0 and balanced its entry."""
    lines, messages = FEC_ALL_REFUSED[case]
    before = snapshot(engine)
    result = import_bytes(engine, (FEC_HEADER + lines).encode(), "fec.txt", allow_partial=partial)
    assert result.status == "rejected"
    assert result.message == (
        "Fichier refusé : aucune ligne valide (2 ligne(s) en erreur sur 2). "
        "Rien n'a été enregistré."
    )
    assert [e["message"] for e in result.errors] == messages
    assert snapshot(engine) == before


def test_a_reader_cannot_hand_over_euros_as_floats_for_cents():
    """Readers may hand typed columns to the validator (the FEC does): money must then be
    integer cents, or 12,50 € would silently become 0,13 €."""
    import polars as pl

    from model.imports.fec import FEC_PAYMENTS
    from model.imports.layouts import Table
    from model.imports.reader import ROW
    from model.imports.validate import check_table

    frame = pl.DataFrame({ROW: [2], "client": ["ACME"], "date": [date(2024, 3, 15)],
                          "amount": [12.5]})  # fmt: skip
    table = Table(FEC_PAYMENTS, "FEC", 1, "fec", frame, {}, [], [])
    with pytest.raises(TypeError, match="integer cents"):
        check_table(table, today=date(2024, 4, 1), future_days=31)
    cents = table.frame.with_columns(pl.col("amount").mul(100).cast(pl.Int64))
    checked = check_table(
        Table(FEC_PAYMENTS, "FEC", 1, "fec", cents, {}, [], []),
        today=date(2024, 4, 1), future_days=31,
    )  # fmt: skip
    assert checked.valid.select("amount").item() == 1250


def test_foreign_currency_lines_keep_their_amount_and_settle_in_it(engine: Engine):
    """Issue 12 §1: the FEC's Debit/Credit are euros, Montantdevise/Idevise the document's own.

    FA-101 (1 200 USD = 1 101,73 €) is paid by 1 200 USD that are 1 126,13 € in the bank, with
    the 24,40 € exchange gain booked in an OD lettered with them: settled in dollars, nothing is
    left due and nothing unallocated. FA-102 (600 USD = 558,19 €) is paid 200 USD: 400 USD remain,
    at its own rate 558,19 / 600 = 372,13 €. FA-103: 1 200 € unpaid. Total 1 572,13 €.
    """
    parsed = parse(FIXTURES / "fec/fec_devises.txt")
    assert parsed.errors().height == 0, parsed.errors()
    for kind in ("invoices", "payments"):
        expected = read_expected(kind, EXPECTED / f"fec_devises_{kind}.expected.csv")
        assert_same_rows(parsed.valid(kind), expected)
    result = import_bytes(engine, (FIXTURES / "fec/fec_devises.txt").read_bytes(), "fec.txt")
    assert result.status == "imported"
    aged = aged_receivables(
        read_facts(engine, "invoices"), read_facts(engine, "payments"), as_of=date(2024, 6, 30)
    )
    assert aged.total["total"].item() == 157_213
    assert aged.total["unallocated"].item() == 0
    assert aged.items.sort("number").select(
        "number", "currency", "currency_residual_cents"
    ).rows() == [
        ("FA-102", "USD", 40_000),
        ("FA-103", "EUR", None),
    ]
