"""Odoo's projects (`project.project`), sale order lines (`sale.order.line`) and helpdesk tickets
(`helpdesk.ticket`), FORMATS.md §2.

A project's billing mode is not in its export (it comes from the products sold on its sale
order lines): a billable project is time and materials, one that is not billable is internal.
Allocated hours are the sold hours (Odoo's 0 is "no budget"). A helpdesk ticket is keyed as
Odoo names it in the timesheet lines, "Subject (#reference)"; a ticket under two SLA policies
takes a second row with its main columns empty: it is merged into its ticket, whose deadline is
the earliest of them. A sale order line feeds the project Odoo generated for it: its quantity in
hours or days is time sold, its product's invoicing policy the project's billing mode (ordered
quantities or milestones: fixed price; delivered quantities or timesheets: time and materials).
"""

from __future__ import annotations

import polars as pl

from model.imports import parse
from model.imports.layouts import Layout, file_column
from model.imports.odoo import labels
from model.imports.reader import ROW


def _convert_projects(frame: pl.DataFrame) -> pl.DataFrame:
    billable = parse.boolean(file_column(frame, "billable"))
    hours = file_column(frame, "allocated_hours")
    return frame.with_columns(
        file_column(frame, "name").alias("project"),
        file_column(frame, "customer").alias("client"),
        pl.when(billable.eq(False)).then(pl.lit("internal"))
        .otherwise(pl.lit("time_and_materials")).alias("billing_mode"),
        # Odoo's allocated hours default to 0: no budget, not a budget of nothing.
        pl.when(parse.number(hours) == 0).then(None).otherwise(hours).alias("sold_hours"),
        file_column(frame, "date_start").alias("start_date"),
        file_column(frame, "date_end").alias("end_date"),
    )  # fmt: skip


ODOO_PROJECTS = Layout(
    source="odoo",
    kind="projects",
    label="Odoo",
    headers={
        "name": labels(("Nom", "Nom du projet"), ("Name", "Project Name"), "name"),
        "customer": labels(
            ("Client", "Partenaire"), ("Customer", "Partner"), ("partner_id", "partner_id/name")
        ),
        "allocated_hours": labels(
            ("Heures allouées", "Temps alloué", "Heures prévues"),
            ("Allocated Hours", "Allocated Time", "Planned Hours"),
            ("allocated_hours", "planned_hours"),
        ),
        "billable": labels("Facturable", "Billable", "allow_billable"),
        "date_start": labels("Date de début", "Start Date", "date_start"),
        "date_end": labels(
            ("Date d'expiration", "Date de fin"), ("Expiration Date", "End Date"), "date"
        ),
    },
    required=("name",),
    required_any=(("allocated_hours", "billable"),),
    convert=_convert_projects,
    derived_from={
        "project": ("name",),
        "client": ("customer",),
        "billing_mode": ("billable",),
        "sold_hours": ("allocated_hours",),
        "start_date": ("date_start",),
        "end_date": ("date_end",),
    },
)

TICKET_MAIN = ("reference", "subject", "customer", "created", "closed", "priority")


def _convert_tickets(frame: pl.DataFrame) -> pl.DataFrame:
    main = [c for c in TICKET_MAIN if c in frame.columns]
    # A row with its main columns empty continues the ticket above (a second SLA policy).
    starts = pl.any_horizontal([pl.col(c).is_not_null() for c in main] or [pl.lit(True)])
    tickets = frame.with_columns(starts.cum_sum().alias("_ticket"))
    reference, subject = file_column(frame, "reference"), file_column(frame, "subject")
    key = (
        pl.when(reference.is_not_null() & subject.is_not_null())
        .then(pl.concat_str(subject, pl.lit(" (#"), reference, pl.lit(")")))
        .otherwise(pl.coalesce(reference, subject))
    )
    deadline = parse.datetime_(file_column(frame, "sla_deadline"))
    firsts = tickets.with_columns(
        key.alias("ticket"),
        file_column(frame, "customer").alias("client"),
        file_column(frame, "created").alias("opened_at"),
        file_column(frame, "closed").alias("closed_at"),
        file_column(frame, "priority").alias("priority"),
    )
    earliest = (
        firsts.with_columns(deadline.alias("_deadline"))
        .group_by("_ticket")
        .agg(pl.col("_deadline").min().dt.strftime("%Y-%m-%d %H:%M:%S").alias("sla_deadline"))
    )
    return (
        firsts.filter(starts)
        .join(earliest, on="_ticket", how="left", maintain_order="left")
        .select(ROW, "ticket", "client", "opened_at", "closed_at", "priority", "sla_deadline")
    )


ODOO_TICKETS = Layout(
    source="odoo",
    kind="tickets",
    label="Odoo",
    headers={
        "reference": labels(
            ("Référence du ticket", "Séquence des ID de tickets"),
            ("Ticket Reference", "Ticket IDs Sequence"),
            "ticket_ref",
        ),
        "subject": labels("Sujet", "Subject", "name"),
        "customer": labels(
            ("Client", "Partenaire"), ("Customer", "Partner"), ("partner_id", "partner_id/name")
        ),
        "team": labels(
            ("Équipe d'assistance", "Équipe"),
            ("Helpdesk Team", "Team"),
            ("team_id", "team_id/name"),
        ),
        "created": labels(
            ("Créé le", "Date de création"), ("Created on", "Creation Date"), "create_date"
        ),
        "closed": labels(
            ("Date de clôture", "Fermé le"), ("Close Date", "Closed On"), "close_date"
        ),
        "priority": labels("Priorité", "Priority", "priority"),
        "sla_deadline": labels(("Echéance SLA", "Échéance SLA"), "SLA Deadline", "sla_deadline"),
        "sla_status": labels("Statut SLA", "SLA Status", "sla_status"),
    },
    required=(),
    # A helpdesk export: its ticket, and its team or SLA.
    required_any=(("reference", "subject"), ("team", "sla_deadline", "sla_status")),
    convert=_convert_tickets,
    derived_from={
        "ticket": ("reference", "subject"),
        "client": ("customer",),
        "opened_at": ("created",),
        "closed_at": ("closed",),
        "sla_deadline": ("sla_deadline",),
    },
)

# The invoicing policy of the product sold, folded, as its words → the billing mode it implies.
INVOICING_POLICIES = (
    (("commande", "ordered", "order", "prepaid", "prepaye", "prix fixe", "fixed", "jalon",
      "milestone"), "fixed_price"),
    (("livre", "delivered", "delivery", "feuille", "timesheet"), "time_and_materials"),
)  # fmt: skip


def _billing_mode(policy: pl.Expr) -> pl.Expr:
    """The first policy whose words the label holds ("delivered_milestones" is fixed price)."""
    folded = parse.fold(policy)
    mode = pl.lit(None, pl.String)
    for words, code in reversed(INVOICING_POLICIES):
        says = pl.any_horizontal([folded.str.contains(word, literal=True) for word in words])
        mode = pl.when(says).then(pl.lit(code)).otherwise(mode)
    return mode


def _convert_sale_lines(frame: pl.DataFrame) -> pl.DataFrame:
    order, project = file_column(frame, "order"), file_column(frame, "project")
    line = pl.coalesce(file_column(frame, "description"), file_column(frame, "product"))
    # Two lines written alike in one order are two lines: number the repeats.
    repeat = pl.int_range(1, pl.len() + 1).over(order, project, line)
    numbered = (
        pl.when(repeat > 1)
        .then(pl.concat_str(line, pl.lit(" ("), repeat.cast(pl.String), pl.lit(")")))
        .otherwise(line)
    )
    return frame.with_columns(
        order.alias("sale_order"),
        numbered.alias("line"),
        project.alias("project"),
        file_column(frame, "customer").alias("client"),
        file_column(frame, "quantity").alias("quantity"),
        file_column(frame, "unit").alias("unit"),
        file_column(frame, "delivered").alias("delivered"),
        file_column(frame, "invoiced").alias("invoiced"),
        file_column(frame, "price_unit").alias("unit_price"),
        file_column(frame, "subtotal").alias("subtotal"),
        _billing_mode(file_column(frame, "policy")).alias("billing_mode"),
    )


ODOO_SALE_LINES = Layout(
    source="odoo",
    kind="sale_lines",
    label="Odoo",
    headers={
        "order": labels(
            ("Référence de commande", "Commande", "Bon de commande"),
            ("Order Reference", "Order", "Sales Order"),
            ("order_id", "order_id/name"),
        ),
        "project": labels(
            ("Projet généré", "Projet"),
            ("Generated Project", "Project"),
            ("project_id", "project_id/name"),
        ),
        "customer": labels(
            ("Client", "Client de la commande"),
            "Customer",
            ("order_partner_id", "order_partner_id/name"),
        ),
        "product": labels(("Produit", "Article"), "Product", ("product_id", "product_id/name")),
        "description": labels("Description", "Description", "name"),
        "quantity": labels("Quantité", "Quantity", "product_uom_qty"),
        "unit": labels("Unité de mesure", "Unit of Measure", ("product_uom", "product_uom/name")),
        "delivered": labels(
            ("Quantité de livraison", "Quantité livrée"),
            ("Delivery Quantity", "Delivered Quantity"),
            "qty_delivered",
        ),
        "invoiced": labels("Quantité facturée", "Invoiced Quantity", "qty_invoiced"),
        "price_unit": labels("Prix unitaire", "Unit Price", "price_unit"),
        "subtotal": labels("Sous-total", "Subtotal", "price_subtotal"),
        "policy": labels(
            ("Politique de facturation", "Politique de facturation des services"),
            ("Invoicing Policy", "Service Invoicing Policy"),
            (
                "invoice_policy",
                "product_id/invoice_policy",
                "service_policy",
                "product_id/service_policy",
            ),
        ),
    },
    required=("order", "project", "quantity"),
    required_any=(("description", "product"), ("price_unit", "subtotal", "unit")),
    convert=_convert_sale_lines,
    derived_from={
        "sale_order": ("order",),
        "line": ("description", "product"),
        "client": ("customer",),
        "unit_price": ("price_unit",),
        "billing_mode": ("policy",),
    },
)

LAYOUTS = (ODOO_PROJECTS, ODOO_TICKETS, ODOO_SALE_LINES)
