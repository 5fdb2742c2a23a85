"""E-invoices (EN 16931): Factur-X PDFs, UN/CEFACT CII and UBL 2.1 XML, invoices and credit notes.

Reception has been mandatory in France since 1 September 2026. An e-invoice carries what the
FEC lacks: the buyer's SIREN, the due date (BT-9), the invoicing period (BG-14) and each line's
(BG-26), which tie the invoice to the work it bills. One file is one invoice: it becomes a
one-row sheet whose headers name the business terms, read by the `EINVOICE` layout like any
export, so its values are checked and refused with the same sentences.

The XML is parsed with entities, DTDs and the network off, and a document that declares a
DOCTYPE is refused: no e-invoice has one, and it is how an XML file makes a reader fetch or
expand what it should not. The PDF's embedded XML is extracted by the `factur-x` package.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime

import polars as pl
from lxml import etree

from model.batch import ROW
from model.imports import parse
from model.imports.layouts import Layout, file_column
from model.imports.reader import RawSheet, ReadError

logger = logging.getLogger(__name__)
PDF_MAGIC = b"%PDF"
VARIANT = "EN 16931"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
ROOTS = {
    f"{{{NS['rsm']}}}CrossIndustryInvoice": "cii",
    f"{{{NS['inv']}}}Invoice": "ubl",
    f"{{{NS['cn']}}}CreditNote": "ubl",
}
# UNTDID 1001 document types that credit (EN 16931's credit notes); every other type invoices.
CREDIT_NOTE_TYPES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
SIREN_SCHEME = "0002"  # ISO 6523 ICD of the French SIRENE register

# Business term → the header of the one-row sheet (what an error message names).
HEADERS = {
    "number": "BT-1 Numéro de facture",
    "type_code": "BT-3 Type de document",
    "issue_date": "BT-2 Date d'émission",
    "due_date": "BT-9 Date d'échéance",
    "buyer": "BT-44 Acheteur",
    "buyer_siren": "BT-47 SIREN de l'acheteur",
    "project": "BT-11 Projet",
    "preceding": "BT-25 Facture d'origine",
    "currency": "BT-5 Devise",
    "untaxed": "BT-109 Total HT",
    "tax": "BT-110 Total TVA",
    "total": "BT-112 Total TTC",
    "due": "BT-115 Montant à payer",
    "period_start": "BG-14 Début de période",
    "period_end": "BG-14 Fin de période",
    "lines_start": "BG-26 Début de période des lignes",
    "lines_end": "BG-26 Fin de période des lignes",
}
XPATHS = {
    "cii": {
        "number": "rsm:ExchangedDocument/ram:ID",
        "type_code": "rsm:ExchangedDocument/ram:TypeCode",
        "issue_date": "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString",
        "due_date": "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
        "buyer": "//ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty/ram:Name",
        "buyer_siren": "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/"
        f"ram:ID[@schemeID='{SIREN_SCHEME}']",
        "project": "//ram:SpecifiedProcuringProject/ram:Name",
        "preceding": "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID",
        "currency": "//ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode",
        "untaxed": "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxBasisTotalAmount",
        "tax": "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount",
        "total": "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount",
        "due": "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount",
        "period_start": "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
        "ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString",
        "period_end": "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
        "ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString",
        "lines_start": "//ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/"
        "ram:StartDateTime/udt:DateTimeString",
        "lines_end": "//ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/"
        "ram:EndDateTime/udt:DateTimeString",
    },
    "ubl": {
        "number": "cbc:ID",
        "type_code": "cbc:InvoiceTypeCode|cbc:CreditNoteTypeCode",
        "issue_date": "cbc:IssueDate",
        "due_date": "cbc:DueDate|cac:PaymentMeans/cbc:PaymentDueDate",
        "buyer": "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "buyer_siren": "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/"
        f"cbc:CompanyID[@schemeID='{SIREN_SCHEME}']",
        "project": "cac:ProjectReference/cbc:ID",
        "preceding": "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
        "currency": "cbc:DocumentCurrencyCode",
        "untaxed": "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
        "tax": "cac:TaxTotal/cbc:TaxAmount",
        "total": "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
        "due": "cac:LegalMonetaryTotal/cbc:PayableAmount",
        "period_start": "cac:InvoicePeriod/cbc:StartDate",
        "period_end": "cac:InvoicePeriod/cbc:EndDate",
        "lines_start": "cac:InvoiceLine/cac:InvoicePeriod/cbc:StartDate"
        "|cac:CreditNoteLine/cac:InvoicePeriod/cbc:StartDate",
        "lines_end": "cac:InvoiceLine/cac:InvoicePeriod/cbc:EndDate"
        "|cac:CreditNoteLine/cac:InvoicePeriod/cbc:EndDate",
    },
}
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
    huge_tree=False, remove_pis=True,
)  # fmt: skip


def is_einvoice(data: bytes) -> bool:
    """A PDF, or an XML document: an XML declaration or an e-invoice's namespace up front (an
    HTML table saved as .xls is neither)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    namespaces = (NS["rsm"].encode(), b"urn:oasis:names:specification:ubl:schema:xsd")
    return (
        data.startswith(PDF_MAGIC)
        or head.startswith(b"<?xml")
        or (head.startswith(b"<") and any(ns in head for ns in namespaces))
    )


def einvoice_sheet(data: bytes, file_name: str) -> RawSheet:
    """The invoice as a one-row sheet (headers on row 1, values on row 2)."""
    xml = _embedded_xml(data, file_name) if data.startswith(PDF_MAGIC) else data
    root = _parse(xml, file_name)
    syntax = ROOTS.get(root.tag)
    if syntax is None:
        raise ReadError(
            f"« {file_name} » est un document XML, mais pas une facture électronique : son "
            f"élément racine est « {etree.QName(root).localname} » (attendu : "
            "CrossIndustryInvoice, Invoice ou CreditNote, EN 16931)."
        )
    values = {term: _values(root, path) for term, path in XPATHS[syntax].items()}
    row = {term: _first(found) for term, found in values.items()}
    for term, pick in (("lines_start", min), ("lines_end", max)):
        dates = [d for d in (_iso(v) for v in values[term]) if d]
        row[term] = pick(dates) if dates else None
    for term in ("issue_date", "due_date", "period_start", "period_end"):
        row[term] = _iso(row[term]) or row[term]
    grid = pl.DataFrame(
        [list(HEADERS.values()), [row[term] for term in HEADERS]],
        schema=[f"c{i}" for i in range(len(HEADERS))],
        orient="row",
    )
    return RawSheet("", grid.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64)),
                    "text")  # fmt: skip


def field_messages(errors: pl.DataFrame) -> pl.DataFrame:
    """An XML has no lines: `Ligne 2, colonne « BT-9 … »` becomes `Champ « BT-9 … »`."""
    return errors.with_columns(pl.col("message").str.replace(r"^Ligne \d+, colonne « ", "Champ « "))


def _embedded_xml(data: bytes, file_name: str) -> bytes:
    import facturx  # imported here: pypdf and the schemas load only for a PDF

    try:
        _, xml = facturx.get_xml_from_pdf(io.BytesIO(data), check_xsd=False)
    except Exception as error:  # pypdf raises many kinds on a damaged PDF
        logger.info("PDF unreadable: %s", error)
        raise ReadError(f"Le PDF « {file_name} » est illisible ou endommagé.") from None
    if not xml:
        raise ReadError(
            f"Le PDF « {file_name} » ne contient pas de facture électronique : aucun XML "
            "Factur-X n'y est joint. Importez la facture Factur-X (PDF avec son XML), ou son XML "
            "UBL ou CII, ou l'export des factures de votre logiciel."
        )
    return xml


def _parse(xml: bytes, file_name: str) -> etree._Element:
    if b"<!DOCTYPE" in xml[:4096].upper():
        raise ReadError(
            f"« {file_name} » déclare un DOCTYPE : refusé. Une facture électronique n'en a "
            "pas, et une déclaration de ce type peut faire lire au serveur des fichiers ou des "
            "adresses qu'il ne doit pas lire."
        )
    try:
        return etree.fromstring(xml, PARSER)
    except etree.XMLSyntaxError as error:
        raise ReadError(
            f"« {file_name} » n'est pas un XML bien formé (ligne {error.lineno}) : ce n'est pas "
            "une facture électronique lisible."
        ) from None


def _values(root: etree._Element, path: str) -> list[str]:
    found = root.xpath(path, namespaces=NS)
    return [text.strip() for node in found if (text := (node.text or "").strip())]


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _iso(value: str | None) -> str | None:
    """CII's format 102 (`20261123`) or UBL's ISO date as ISO; anything else as written."""
    if value is None:
        return None
    for pattern in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def _convert(frame: pl.DataFrame) -> pl.DataFrame:
    credit = file_column(frame, "type_code").is_in(sorted(CREDIT_NOTE_TYPES))

    def signed(column: str) -> pl.Expr:
        """EN 16931 writes a credit note's amounts positive; Pilotage stores them negative."""
        amount = file_column(frame, column)
        return (
            pl.when(credit & parse.number(amount).is_not_null())
            .then(pl.concat_str(pl.lit("-"), amount).str.replace("^--", ""))
            .otherwise(amount)
        )

    due, total = (parse.number(file_column(frame, term)) for term in ("due", "total"))
    prepaid = due != total
    return frame.with_columns(
        file_column(frame, "buyer").alias("client"),
        file_column(frame, "preceding").alias("reversed_number"),
        file_column(frame, "issue_date").alias("invoice_date"),
        signed("untaxed").alias("amount_untaxed"),
        signed("tax").alias("amount_tax"),
        signed("total").alias("amount_total"),
        # BT-115 is what was due when issued: a current residual only when a prepayment
        # (BT-113) made it differ from the total; otherwise payments and credit notes tell it.
        pl.when(prepaid).then(signed("due")).alias("amount_residual"),
        pl.when(credit).then(pl.lit("credit_note")).otherwise(pl.lit("invoice")).alias("kind"),
        pl.coalesce(file_column(frame, "period_start"), file_column(frame, "lines_start"))
        .alias("period_start"),
        pl.coalesce(file_column(frame, "period_end"), file_column(frame, "lines_end"))
        .alias("period_end"),
    )  # fmt: skip


EINVOICE = Layout(
    source="einvoice",
    kind="invoices",
    label="Facture électronique",
    headers={term: {VARIANT: header} for term, header in HEADERS.items()},
    required=("number", "type_code", "issue_date", "buyer", "total"),
    convert=_convert,
    derived_from={
        "client": ("buyer",),
        "invoice_date": ("issue_date",),
        "amount_untaxed": ("untaxed",),
        "amount_tax": ("tax",),
        "amount_total": ("total",),
        "amount_residual": ("due",),
        "kind": ("type_code",),
        "reversed_number": ("preceding",),
        "period_start": ("period_start", "lines_start"),
        "period_end": ("period_end", "lines_end"),
    },
)
