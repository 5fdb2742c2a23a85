"""E-invoices (issue 13 §4): Factur-X, CII and UBL read through the store on SQLite and
PostgreSQL; hostile or unreadable ones refused with a sentence and the store left as it was.
How the fixtures are built: tests/test_golden.py (EINVOICE_CASES)."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from sqlalchemy import Engine

from model.views.loading import load_facts
from tests.conftest import FIXTURES
from tests.support import import_bytes, snapshot

EINVOICES = FIXTURES / "einvoice"


def _import(engine: Engine, name: str):
    return import_bytes(engine, (EINVOICES / name).read_bytes(), name)


def test_an_invoice_and_its_credit_note_into_the_receivables(engine: Engine):
    """FA-2024-0150 (3 600 € TTC) and its credit note AV-2024-0007 (−240 €) for ACME; the
    Factur-X PDF and its own XML are one invoice (same number): the second is unchanged."""
    for name in ("FA-2024-0150_ubl.xml", "AV-2024-0007_ubl.xml", "FA-2024-0142_facturx.pdf"):
        assert _import(engine, name).status == "imported"
    again = _import(engine, "FA-2024-0142_cii.xml")
    assert (again.status, again.added, again.unchanged) == ("imported", 0, 1)
    invoices = load_facts(engine).invoices.sort("number")
    assert invoices.select("number", "client", "amount_total_cents", "buyer_siren").rows() == [
        ("AV-2024-0007", "ACME", -24_000, "732829320"),
        ("FA-2024-0142", "Transports Leroy", 936_000, "552100554"),
        ("FA-2024-0150", "ACME", 360_000, "732829320"),
    ]


def _refused(engine: Engine, data: bytes, name: str) -> str:
    before = snapshot(engine)
    result = import_bytes(engine, data, name)
    assert result.status == "rejected"
    assert snapshot(engine) == before
    return result.message


def test_an_external_entity_is_never_read(engine: Engine):
    """XXE: the file asks the reader to include /etc/passwd; a DOCTYPE is refused outright."""
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&x;</Invoice>'
    )
    assert _refused(engine, xxe, "piege.xml") == (
        "« piege.xml » déclare un DOCTYPE : refusé. Une facture électronique n'en a pas, et une "
        "déclaration de ce type peut faire lire au serveur des fichiers ou des adresses qu'il ne "
        "doit pas lire."
    )


def test_entity_expansion_is_refused(engine: Engine):
    """The "billion laughs": ten levels of entities, each ten of the one below."""
    levels = b"".join(b'<!ENTITY l%d "%s">' % (i, (b"&l%d;" % (i - 1)) * 10) for i in range(1, 10))
    laughs = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">' + levels + b"]><r>&l9;</r>"
    assert "déclare un DOCTYPE : refusé" in _refused(engine, laughs, "rires.xml")


def test_unreadable_or_foreign_documents_say_what_they_are(engine: Engine):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    plain_pdf = io.BytesIO()
    writer.write(plain_pdf)
    cases = {
        "devis.pdf": (
            plain_pdf.getvalue(),
            "Le PDF « devis.pdf » ne contient pas de facture électronique : aucun XML Factur-X "
            "n'y est joint. Importez la facture Factur-X (PDF avec son XML), ou son XML UBL ou "
            "CII, ou l'export des factures de votre logiciel.",
        ),
        "abime.pdf": (
            b"%PDF-1.7\n" + b"\x00garbage" * 50,
            "Le PDF « abime.pdf » est illisible ou endommagé.",
        ),
        "coupe.xml": (
            b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:'
            b'xsd:Invoice-2"><cbc:ID>',
            "« coupe.xml » n'est pas un XML bien formé (ligne 1) : ce n'est pas une facture "
            "électronique lisible.",
        ),
        "commande.xml": (
            b'<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:'
            b'Order-2"/>',
            "« commande.xml » est un document XML, mais pas une facture électronique : son "
            "élément racine est « Order » (attendu : CrossIndustryInvoice, Invoice ou "
            "CreditNote, EN 16931).",
        ),
    }
    for name, (data, sentence) in cases.items():
        assert _refused(engine, data, name) == sentence, name


def test_a_wrong_value_is_named_by_its_business_term(engine: Engine):
    """No line numbers in an XML: the field is named by its EN 16931 term."""
    xml = (EINVOICES / "FA-2024-0150_ubl.xml").read_bytes()
    wrong = xml.replace(b"<cbc:DueDate>2024-05-10", b"<cbc:DueDate>2024-03-01").replace(
        b">732829320<", b">73282932<"
    )
    message = _refused(engine, wrong, "FA-2024-0150.xml")
    result = import_bytes(engine, wrong, "FA-2024-0150.xml")
    assert [e["message"] for e in result.errors] == [
        "Champ « BT-9 Date d'échéance » : « 2024-03-01 » est antérieure à la date de facture",
        "Champ « BT-47 SIREN de l'acheteur » : « 73282932 » n'est pas un SIREN (attendu : 9 "
        "chiffres, ex. 552 100 554)",
    ]
    assert message == (
        "Fichier refusé : aucune ligne valide (1 ligne(s) en erreur sur 1). Rien n'a été "
        "enregistré."
    )


def test_the_billed_period_gives_the_real_invoicing_delay(engine: Engine):
    """Odoo's time lines (tests/fixtures/odoo/timesheets_fr.csv) and the UBL invoice
    FA-2024-0150 for « Refonte site », issued 10/04/2024, whose lines bill 04/03–29/03/2024.
    Chloé's 4 h billable on 06/03 carry no invoice number: the period ties them to it,
    10/04 − 06/03 = 35 days. Alice's lines name FAC/2024/0012, not imported: left out, said."""
    from datetime import date

    from model.views.loading import load_settings
    from model.views.report import kpi_json

    timesheets = FIXTURES / "odoo" / "timesheets_fr.csv"
    assert import_bytes(engine, timesheets.read_bytes(), timesheets.name).status == "imported"
    assert _import(engine, "FA-2024-0150_ubl.xml").status == "imported"
    facts = load_facts(engine)
    tied = facts.timesheets.filter("invoice_from_period")
    assert tied.select("employee", "date", "invoice_number").rows() == [
        ("Chloé Lambert", date(2024, 3, 6), "FA-2024-0150")
    ]
    day = date(2024, 4, 30)
    delay = kpi_json("invoicing-delay", facts, load_settings(engine), as_of=day, start=day,
                     end=day)  # fmt: skip
    assert (delay["mean_days"], delay["median_days"], delay["wip_h"]) == (35.0, 35.0, 0.0)
    excluded = {e["reason"]: e["count"] for e in delay["explanation"]["excluded"]}
    assert excluded == {
        "ligne(s) liée(s) à une facture absente des factures importées": 2,
        "ligne(s) sans numéro de facture rattachée(s) à la facture électronique dont la "
        "période facturée (BG-14 ou BG-26) les couvre, même projet ou même client": 1,
    }


def test_a_platform_status_export_gives_each_invoice_its_history():
    """Statuses by their name, their code alone (212) or both (« 207 - En litige »)."""
    from tests.support import assert_same_rows, parse, read_expected

    parsed = parse(FIXTURES / "platform" / "statuts_pa.csv")
    assert (parsed.kinds, parsed.source) == (["invoice_events"], "platform")
    expected = FIXTURES.parent / "fixtures" / "expected" / "platform_statuses.expected.csv"
    assert_same_rows(parsed.valid("invoice_events"), read_expected("invoice_events", expected))


def test_a_contested_invoice_is_apart_and_a_cashed_one_is_paid(engine: Engine):
    """At 31/05/2024. FA-2024-0142 (Transports Leroy, 9 360 €) « encaissée » on 06/05: no
    payment names it, so the platform's date pays it; nothing left. FA-2024-0150 (ACME,
    3 600 €, less its credit note of 240 €) was put « en litige » on 18/04: 3 360 € counted
    apart, neither overdue nor chased, though due on 10/05. FA-2024-0099 was rejected before
    it ever was an invoice of ours: nothing."""
    from datetime import date

    from model.views.loading import load_settings
    from model.views.report import kpi_json

    for name in ("FA-2024-0150_ubl.xml", "AV-2024-0007_ubl.xml", "FA-2024-0142_cii.xml"):
        assert _import(engine, name).status == "imported"
    statuses = FIXTURES / "platform" / "statuts_pa.csv"
    assert import_bytes(engine, statuses.read_bytes(), statuses.name).status == "imported"
    facts = load_facts(engine)
    paid = facts.payments.filter("from_platform")
    assert paid.select("client", "date", "amount_cents", "invoice_number").rows() == [
        ("Transports Leroy", date(2024, 5, 6), 936_000, "FA-2024-0142")
    ]
    day = date(2024, 5, 31)
    aged = kpi_json("receivables", facts, load_settings(engine), as_of=day, start=day, end=day)
    assert aged["clients"] == [
        {"client": "ACME", "not_due": 0.0, "1-30": 0.0, "31-60": 0.0, "61-90": 0.0,
         "90+": 0.0, "disputed": 3360.0, "unallocated": 0.0, "total": 3360.0}
    ]  # fmt: skip
    assert aged["chase"] == [] and aged["overdue_pct"] is None
    assert [(i["number"], i["disputed"], i["residual"]) for i in aged["items"]] == [
        ("FA-2024-0150", True, 3360.0)
    ]


def test_a_payment_the_store_holds_wins_over_the_platforms_date():
    """The bank (FEC) paid FA-1 on 03/05: the platform's « encaissée » of 06/05 adds nothing.
    FA-2 has no payment: the platform's date and amount (500 €, part of 1 200 €) pay it."""
    from datetime import date

    from model.kpi.frames import Facts
    from model.kpi.lifecycle import with_invoice_events
    from tests.kpi.frames import frame

    invoice = {"client": "C", "invoice_date": date(2024, 4, 1), "kind": "invoice",
               "status": "posted"}  # fmt: skip
    facts = Facts(**{kind: frame(kind, []) for kind in Facts.stored_kinds()})
    facts = Facts(**{
        **facts.__dict__,
        "invoices": frame("invoices", [
            {**invoice, "number": "FA-1", "amount_total_cents": 100_000},
            {**invoice, "number": "FA-2", "amount_total_cents": 120_000},
        ]),
        "payments": frame("payments", [
            {"client": "C", "date": date(2024, 5, 3), "amount_cents": 100_000,
             "invoice_number": "FA-1"},
        ]),
        "invoice_events": frame("invoice_events", [
            {"number": "FA-1", "status": "cashed", "date": date(2024, 5, 6)},
            {"number": "FA-2", "status": "cashed", "date": date(2024, 5, 7),
             "amount_cents": 50_000},
            {"number": "FA-2", "status": "disputed", "date": date(2024, 5, 7)},
        ]),
    })  # fmt: skip
    done = with_invoice_events(facts)
    assert done.payments.select(
        "date", "amount_cents", "invoice_number", "from_platform"
    ).rows() == [
        (date(2024, 5, 3), 100_000, "FA-1", False),
        (date(2024, 5, 7), 50_000, "FA-2", True),
    ]
    # On one day, the later step of the lifecycle is the status: cashed (212) after 207.
    assert done.invoices.select("number", "platform_status", "disputed").rows() == [
        ("FA-1", "cashed", False), ("FA-2", "cashed", False),
    ]  # fmt: skip


def test_an_einvoice_in_dollars_is_converted_at_its_dates_rate(tmp_path):
    """FA-2024-0150 written in USD: the ECB's rate of 10/04/2024 is 1,0860 USD for 1 €, so
    3 000 $ HT = 2 762,43 €, 600 $ of VAT = 552,49 €, 3 600 $ TTC = 3 314,92 € (kept in $ too)."""
    from tests.support import parse

    usd = tmp_path / "FA-2024-0150_usd.xml"
    usd.write_text((EINVOICES / "FA-2024-0150_ubl.xml").read_text().replace("EUR", "USD"))
    row = parse(usd).valid("invoices").row(0, named=True)
    assert (row["currency"], row["exchange_rate"]) == ("USD", 1.086)
    assert (row["amount_untaxed"], row["amount_tax"], row["amount_total"]) == (
        276_243, 55_249, 331_492,
    )  # fmt: skip
    assert row["currency_total"] == 360_000
