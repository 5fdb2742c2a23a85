"""The status export of an approved e-invoicing platform (plateforme agréée): one row per status
an invoice took, with its date, the amount cashed (« encaissée ») and the reason of a rejection,
a refusal or a dispute. Statuses are accepted as the reform names them (« Déposée », « Rejetée »,
« Refusée », « Encaissée »…), in English, or by their code (200–213, alone or before the name).
"""

from __future__ import annotations

import polars as pl

from model.facts import LIFECYCLE_CODES
from model.imports.layouts import Layout, file_column

VARIANT = "fr"
ENGLISH = {
    "deposited": ("Deposited", "Submitted"),
    "issued": ("Issued",),
    "received": ("Received",),
    "made_available": ("Made available", "Available"),
    "in_hand": ("In hand", "Taken over"),
    "approved": ("Approved", "Accepted"),
    "partly_approved": ("Partially approved", "Partly approved"),
    "disputed": ("Disputed", "In dispute"),
    "suspended": ("Suspended",),
    "completed": ("Completed",),
    "refused": ("Refused",),
    "payment_sent": ("Payment sent", "Payment transmitted"),
    "cashed": ("Cashed", "Collected", "Paid"),
    "rejected": ("Rejected",),
}
STATUS_ALIASES = {
    **{str(number): code for code, number in LIFECYCLE_CODES.items()},
    **{label: code for code, labels in ENGLISH.items() for label in labels},
}


def _convert(frame: pl.DataFrame) -> pl.DataFrame:
    status = file_column(frame, "status")
    # « 212 - Encaissée », « 212 Encaissée »: the code says it.
    code = status.str.extract(r"^\s*(2\d\d)\b", 1)
    return frame.with_columns(pl.coalesce(code, status).alias("status"))


PLATFORM_STATUSES = Layout(
    source="platform",
    kind="invoice_events",
    label="Plateforme de facturation électronique",
    headers={
        "number": {
            VARIANT: (
                "Numéro de facture",
                "N° de facture",
                "Référence facture",
                "Invoice number",
                "Invoice ID",
            )
        },
        "status": {
            VARIANT: ("Statut", "Statut de la facture", "Code statut", "Status", "Invoice status")
        },
        "date": {
            VARIANT: (
                "Date du statut",
                "Date de statut",
                "Date de changement de statut",
                "Status date",
            )
        },
        "amount": {
            VARIANT: ("Montant encaissé", "Montant encaissé TTC", "Amount collected", "Amount paid")
        },
        "reason": {
            VARIANT: ("Motif", "Motif de rejet", "Motif du statut", "Commentaire", "Reason")
        },
    },
    required=("number", "status", "date"),
    value_aliases={"status": STATUS_ALIASES},
    convert=_convert,
)

LAYOUTS = (PLATFORM_STATUSES,)
