"""Odoo exports: timesheets (`account.analytic.line`) and customer invoices (`account.move`).

A normal export uses the field labels in the user's language, an import-compatible export the
technical names (FORMATS.md §2); the three spellings are variants of one layout.
"""

from __future__ import annotations

import polars as pl

from model.imports import parse
from model.imports.currency import IN_EUROS
from model.imports.layouts import Layout, file_column

FR, EN, TECH = "fr", "en", "technique"


def labels(fr: str | tuple[str, ...], en: str | tuple[str, ...], tech: str | tuple[str, ...]):
    return {FR: fr, EN: en, TECH: tech}


# Odoo's `timesheet_invoice_type` labels → canonical billing (FORMATS.md §2).
BILLING_TYPES = {
    "billable_time": "billable",
    "Billed on Timesheets": "billable",
    "Facturé sur Feuilles de Temps": "billable",
    "Facturé sur les feuilles de temps": "billable",
    "billable_manual": "billable",
    "Billed Manually": "billable",
    "Facturé manuellement": "billable",
    "Billable Time": "billable",
    "billable_milestones": "included",
    "Billed on Milestones": "included",
    "Facturé sur les Jalons": "included",
    "billable_fixed": "included",
    "Billed at a Fixed price": "included",
    "Facturé à un Prix Fixe": "included",
    "Billable Fixed": "included",
    "non_billable": "non_billable",
    "Non Billable": "non_billable",
    "Non-Billable": "non_billable",
    "Non facturable": "non_billable",
    "No task found": "non_billable",
    "non_billable_project": "non_billable",
}

MOVE_TYPES = {
    "out_invoice": "invoice",
    "Customer Invoice": "invoice",
    "Facture client": "invoice",
    "out_refund": "credit_note",
    "Customer Credit Note": "credit_note",
    "Note de crédit client": "credit_note",
    "Avoir client": "credit_note",
    "Avoir": "credit_note",
}

MOVE_STATES = {
    "Draft": "draft",
    "Brouillon": "draft",
    "Posted": "posted",
    "Comptabilisé": "posted",
    "Comptabilisée": "posted",
    "Cancelled": "cancelled",
    "Canceled": "cancelled",
    "Annulé": "cancelled",
    "Annulée": "cancelled",
    "cancel": "cancelled",
}


def _convert_timesheets(frame: pl.DataFrame) -> pl.DataFrame:
    """Billing from the billable type label, else from the sales order item; "/" = no text."""
    if "billing_type" in frame.columns:
        billing = pl.col("billing_type")
    elif "so_line" in frame.columns:
        billing = pl.when(pl.col("so_line").is_null()).then(pl.lit("non_billable"))
        billing = billing.otherwise(pl.lit("billable"))
    else:
        billing = pl.lit(None, pl.String)
    description = file_column(frame, "description")
    return frame.with_columns(
        _cost(frame),
        billing.alias("billing"),
        file_column(frame, "project", "account").alias("project"),
        pl.when(description.str.strip_chars() == "/")
        .then(None)
        .otherwise(description)
        .alias("description"),
    )


def _cost(frame: pl.DataFrame) -> pl.Series:
    """Odoo's amount is the line's cost, negative: −hours × the person's hourly cost."""
    if "amount" not in frame.columns:
        return pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias("cost")
    amount = parse.number(pl.col("amount"))
    cost = pl.when(amount.is_not_null()).then((-amount).cast(pl.String)).alias("cost")
    return parse.once_per_value(frame, "amount", [cost]).collect()["cost"]


ODOO_TIMESHEETS = Layout(
    source="odoo",
    kind="timesheets",
    label="Odoo",
    headers={
        "date": labels("Date", "Date", "date"),
        "employee": labels("Employé", "Employee", ("employee_id", "employee_id/name")),
        "project": labels("Projet", "Project", ("project_id", "project_id/name")),
        "account": labels(
            ("Compte analytique", "Compte de projet"),
            ("Analytic Account", "Project Account"),
            ("account_id", "account_id/name"),
        ),
        "task": labels("Tâche", "Task", ("task_id", "task_id/name")),
        "description": labels("Description", "Description", "name"),
        "hours": labels(
            ("Quantité", "Temps passé", "Heures passées"),
            ("Quantity", "Time Spent", "Hours Spent"),
            "unit_amount",
        ),
        "client": labels(
            ("Partenaire", "Client"), ("Partner", "Customer"), ("partner_id", "partner_id/name")
        ),
        "so_line": labels(
            "Article de la commande", "Sales Order Item", ("so_line", "so_line/name")
        ),
        "invoice_number": labels(
            "Facture", "Invoice", ("timesheet_invoice_id", "timesheet_invoice_id/name")
        ),
        "billing_type": labels("Type de facturation", "Billable Type", "timesheet_invoice_type"),
        "amount": labels("Montant", "Amount", "amount"),
        "validated": labels("Validé", "Validated", "validated"),
        "ticket": labels("Ticket", "Ticket", ("helpdesk_ticket_id", "helpdesk_ticket_id/name")),
        "source_id": labels("ID", "ID", ("id", ".id")),
    },
    required=("date", "employee", "hours"),
    value_aliases={"billing": BILLING_TYPES},
    convert=_convert_timesheets,
    derived_from={
        "billing": ("billing_type", "so_line"),
        "project": ("project", "account"),
        "cost": ("amount",),
    },
)


def _convert_invoices(frame: pl.DataFrame) -> pl.DataFrame:
    """The signed amounts are in the company's currency (negative for credit notes): the euros,
    beside the plain ones, in the document's currency. Plain amounts alone are the document's."""
    if "amount_total_signed" not in frame.columns:
        return frame.with_columns(
            file_column(frame, "client_display", "partner").alias("client"),
            file_column(frame, "move_type").alias("kind"),
            file_column(frame, "state").alias("status"),
        )
    return frame.with_columns(
        file_column(frame, "amount_untaxed_signed", "amount_untaxed").alias("amount_untaxed"),
        file_column(frame, "amount_total_signed").alias("amount_total"),
        file_column(frame, "amount_residual_signed").alias("amount_residual"),
        file_column(frame, "amount_total").alias("currency_total"),
        file_column(frame, "amount_residual").alias("currency_residual"),
        pl.lit(True).alias(IN_EUROS),
        file_column(frame, "client_display", "partner").alias("client"),
        file_column(frame, "move_type").alias("kind"),
        file_column(frame, "state").alias("status"),
    )


ODOO_INVOICES = Layout(
    source="odoo",
    kind="invoices",
    label="Odoo",
    headers={
        "number": labels("Numéro", "Number", "name"),
        "client_display": labels(
            "Nom affiché du partenaire de la facture",
            "Invoice Partner Display Name",
            "invoice_partner_display_name",
        ),
        "partner": labels(
            ("Partenaire", "Client"), ("Partner", "Customer"), ("partner_id", "partner_id/name")
        ),
        "invoice_date": labels(
            ("Date de facturation", "Date de facture"),
            ("Invoice/Bill Date", "Invoice Date"),
            "invoice_date",
        ),
        "due_date": labels("Date d'échéance", "Due Date", "invoice_date_due"),
        "amount_untaxed_signed": labels(
            "Montant Hors-taxe Signé", "Untaxed Amount Signed", "amount_untaxed_signed"
        ),
        "amount_untaxed": labels(
            ("Montant HT", "Hors taxes"), ("Untaxed Amount", "Tax Excluded"), "amount_untaxed"
        ),
        "amount_total_signed": labels("Total signé", "Total Signed", "amount_total_signed"),
        "amount_total": labels("Total", "Total", "amount_total"),
        "amount_residual_signed": labels(
            "Montant dû signé", "Amount Due Signed", "amount_residual_signed"
        ),
        "amount_residual": labels("Montant dû", "Amount Due", "amount_residual"),
        "currency": labels("Devise", "Currency", ("currency_id", "currency_id/name")),
        "move_type": labels("Type", "Type", "move_type"),
        "state": labels("État", "Status", "state"),
        "reversed_number": labels(
            "Extourne de", "Reversal of", ("reversed_entry_id", "reversed_entry_id/name")
        ),
        "project": labels("Projet", "Project", ("project_id", "project_id/name")),
    },
    required=("number", "invoice_date"),
    required_any=(
        ("amount_total_signed", "amount_total"),
        ("client_display", "partner"),
    ),
    value_aliases={"kind": MOVE_TYPES, "status": MOVE_STATES},
    convert=_convert_invoices,
    derived_from={
        "amount_untaxed": ("amount_untaxed_signed", "amount_untaxed"),
        "amount_total": ("amount_total_signed", "amount_total"),
        "amount_residual": ("amount_residual_signed", "amount_residual"),
        "currency_total": ("amount_total",),
        "currency_residual": ("amount_residual",),
        "client": ("client_display", "partner"),
        "kind": ("move_type",),
        "status": ("state",),
    },
)

LAYOUTS = (ODOO_TIMESHEETS, ODOO_INVOICES)
