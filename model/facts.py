"""The canonical facts the store keeps (FORMATS.md §1): one declared schema per fact.

Everything else derives from these declarations: the template workbook's sheets and headers,
the validation of imported rows, the exports and the natural keys used on re-import.
Code uses the English names; the template and the screens use the French headers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import polars as pl

# The company's currency, in which the store adds amounts (KPI.md §0).
COMPANY_CURRENCY = "EUR"
# Reference exchange rates: units of a currency for 1 € on a day.
RATES_SCHEMA = {"currency": pl.String, "date": pl.Date, "rate": pl.Float64}
ColumnType = Literal["text", "date", "datetime", "hours", "number", "money", "bool", "enum", "int"]


@dataclass(frozen=True)
class Column:
    name: str
    header: str  # French header, as in the template
    type: ColumnType = "text"
    required: bool = False
    # enum columns: stored code -> French label shown and accepted on import
    choices: dict[str, str] = field(default_factory=dict)
    default: object = None

    @property
    def stored(self) -> str:
        """Its name in the store and in the KPIs' frames: money is integer cents, `<name>_cents`."""
        return f"{self.name}_cents" if self.type == "money" else self.name


@dataclass(frozen=True)
class Limits:
    """What rules compare a file's values with (the server's settings and today's date)."""

    latest: date  # today + the future tolerance
    earliest: date
    future_days: int

    def words(self) -> dict[str, object]:
        """The values a rule's sentence quotes."""
        return {"future_days": self.future_days, "earliest": f"{self.earliest:%d/%m/%Y}"}


@dataclass(frozen=True)
class Rule:
    """A check on typed rows: `refuses(limits)` is true on the rows refused, reported on
    `column` with the catalogue's sentence `message` (`model.texts`, key `rule.…`)."""

    column: str
    refuses: Callable[[Limits], pl.Expr]
    message: str


def _after_latest(column: str) -> Rule:
    return Rule(column, lambda limits: pl.col(column) > limits.latest, "rule.future")


def _before_earliest(column: str) -> Rule:
    return Rule(column, lambda limits: pl.col(column) < limits.earliest, "rule.too_old")


def _dated(column: str) -> tuple[Rule, ...]:
    return _after_latest(column), _before_earliest(column)


# A person's hours on one day, over every line of the file.
_DAY_TOTAL = pl.col("hours").sum().over("employee", "date")
_RATE = Rule("exchange_rate", lambda _: pl.col("exchange_rate") <= 0, "rule.not_positive")
PERIOD_RULE = Rule(
    "end_date", lambda _: pl.col("end_date") < pl.col("start_date"), "rule.end_before_start"
)


@dataclass(frozen=True)
class Fact:
    kind: str  # CLI name, e.g. "timesheets"
    sheet: str  # template sheet name
    label: str  # French name of one row, for messages
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    # Columns that must all be filled to use the natural key; otherwise `fallback_key` applies.
    fallback_key: tuple[str, ...] = ()
    # What a valid row must also satisfy; every fact with a start and an end date gets
    # PERIOD_RULE (`rules_of`).
    rules: tuple[Rule, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


BILLING = {
    "billable": "facturable",
    "included": "inclus",
    "non_billable": "non facturable",
    "unqualified": "non qualifié",
}
BILLING_MODES = {
    "time_and_materials": "régie",
    "fixed_price": "forfait",
    "subscription": "abonnement",
    "support": "support",
    "internal": "interne",
}
ABSENCE_KINDS = {"paid_leave": "CP", "rtt": "RTT", "sick": "maladie", "other": "autre"}
INVOICE_KINDS = {"invoice": "facture", "credit_note": "avoir"}
INVOICE_STATUSES = {"draft": "brouillon", "posted": "comptabilisée", "cancelled": "annulée"}
# An e-invoice's life on the approved platforms (French e-invoicing reform, statuses 200–213).
LIFECYCLE_STATUSES = {
    "deposited": "déposée",
    "issued": "émise",
    "received": "reçue",
    "made_available": "mise à disposition",
    "in_hand": "prise en charge",
    "approved": "approuvée",
    "partly_approved": "approuvée partiellement",
    "disputed": "en litige",
    "suspended": "suspendue",
    "completed": "complétée",
    "refused": "refusée",
    "payment_sent": "paiement transmis",
    "cashed": "encaissée",
    "rejected": "rejetée",
}
# The platform's status codes, in the order of LIFECYCLE_STATUSES.
LIFECYCLE_CODES = dict(zip(LIFECYCLE_STATUSES, range(200, 214), strict=True))
# An invoice whose latest status is one of these is disputed: shown apart, not chased.
DISPUTED_STATUSES = ("disputed", "refused", "rejected")
TICKET_SCOPES = {
    "in_scope": "dans le périmètre",
    "out_of_scope": "hors périmètre",
    "unknown": "inconnu",
}
DIRECTIONS = {"in": "encaissement", "out": "décaissement"}
FREQUENCIES = {"monthly": "mensuel", "quarterly": "trimestriel", "yearly": "annuel"}

TIMESHEETS = Fact(
    kind="timesheets",
    sheet="Temps",
    label="ligne de temps",
    columns=(
        Column("date", "Date", "date", required=True),
        Column("employee", "Collaborateur", required=True),
        Column("client", "Client"),
        Column("project", "Projet"),
        Column("task", "Tâche"),
        Column("description", "Description"),
        Column("hours", "Heures", "hours", required=True),
        Column("billing", "Facturation", "enum", choices=BILLING, default="unqualified"),
        Column("validated", "Validé", "bool"),
        Column("ticket", "Ticket"),
        Column("invoice_number", "Facture"),
        Column("source_id", "ID source"),
        # The line's cost as the source costed it (Odoo: −Montant = hours × hourly cost).
        Column("cost", "Coût", "money"),
    ),
    natural_key=("source_id",),
    rules=(
        *_dated("date"),
        Rule("hours", lambda _: pl.col("hours").abs() > 24, "rule.over_24_hours"),
        Rule(
            "hours",
            lambda _: (
                (pl.col("hours").abs() <= 24) & (pl.col("hours") > 0) & (_DAY_TOTAL > 24 + 1e-6)
            ),
            "rule.day_over_24_hours",
        ),
        Rule("hours", lambda _: (pl.col("hours") < 0) & (_DAY_TOTAL < 0), "rule.day_negative"),
    ),
)

PROJECTS = Fact(
    kind="projects",
    sheet="Projets",
    label="projet",
    columns=(
        Column("project", "Projet", required=True),
        Column("client", "Client"),
        Column("billing_mode", "Mode", "enum", required=True, choices=BILLING_MODES),
        Column("sold_hours", "Heures vendues", "hours"),
        Column("hours_per_day", "Heures par jour", "number", default=7.0),
        Column("sold_amount", "Montant vendu HT", "money"),
        Column("hourly_rate", "Taux horaire HT", "money"),
        Column("progress_pct", "Avancement déclaré %", "number"),
        Column("start_date", "Date de début", "date"),
        Column("end_date", "Date de fin", "date"),
    ),
    natural_key=("project",),
    rules=(
        Rule(
            "progress_pct",
            lambda _: ~pl.col("progress_pct").is_between(0, 100),
            "rule.between_0_100",
        ),
        Rule("sold_hours", lambda _: pl.col("sold_hours") < 0, "rule.negative"),
        Rule("hours_per_day", lambda _: pl.col("hours_per_day") <= 0, "rule.not_positive"),
    ),
)

# What was sold, line by line (Odoo's sale order lines): a project's sold hours, amount, rate
# and billing mode where the project list leaves them empty (model/kpi/sold.py).
SALE_LINES = Fact(
    kind="sale_lines",
    sheet="Lignes de commande",
    label="ligne de commande",
    columns=(
        Column("sale_order", "Commande", required=True),
        Column("line", "Ligne", required=True),  # its description, else its product
        Column("project", "Projet", required=True),
        Column("client", "Client"),
        Column("quantity", "Quantité", "number", required=True),
        # heures, jours, or another unit (a licence): only hours and days are time sold.
        Column("unit", "Unité"),
        Column("delivered", "Quantité livrée", "number"),
        Column("invoiced", "Quantité facturée", "number"),
        Column("unit_price", "Prix unitaire HT", "money"),
        Column("subtotal", "Sous-total HT", "money"),
        Column("billing_mode", "Mode", "enum", choices=BILLING_MODES),
    ),
    natural_key=("sale_order", "line", "project"),
)

EMPLOYEES = Fact(
    kind="employees",
    sheet="Collaborateurs",
    label="collaborateur",
    columns=(
        Column("employee", "Collaborateur", required=True),
        Column("team", "Pôle"),
        Column("weekly_hours", "Heures hebdo", "number", default=35.0),
        Column("workdays", "Jours travaillés", default="mon,tue,wed,thu,fri"),
        Column("cost_rate", "Coût horaire", "money"),
        Column("billing_rate", "Taux de vente horaire", "money"),
        Column("start_date", "Date d'entrée", "date"),
        Column("end_date", "Date de sortie", "date"),
    ),
    natural_key=("employee",),
    rules=(
        Rule(
            "weekly_hours", lambda _: ~pl.col("weekly_hours").is_between(0, 80), "rule.between_0_80"
        ),
    ),
)

ABSENCES = Fact(
    kind="absences",
    sheet="Absences",
    label="absence",
    columns=(
        Column("employee", "Collaborateur", required=True),
        Column("date", "Date", "date", required=True),
        Column("hours", "Heures", "hours", required=True),
        Column("kind", "Type", "enum", required=True, choices=ABSENCE_KINDS),
    ),
    natural_key=("employee", "date", "kind"),
    rules=(
        Rule("hours", lambda _: pl.col("hours") <= 0, "rule.not_positive"),
        Rule("hours", lambda _: pl.col("hours") > 24, "rule.over_24_hours"),
    ),
)

INVOICES = Fact(
    kind="invoices",
    sheet="Factures",
    label="facture",
    columns=(
        Column("number", "Numéro", required=True),
        Column("client", "Client", required=True),
        Column("project", "Projet"),
        Column("invoice_date", "Date de facture", "date", required=True),
        Column("due_date", "Date d'échéance", "date"),
        Column("amount_untaxed", "Montant HT", "money"),
        Column("amount_total", "Montant TTC", "money", required=True),
        Column("amount_residual", "Reste dû TTC", "money"),
        # Amounts above are in euros; a document in another currency keeps its own too.
        Column("currency", "Devise", default="EUR"),
        Column("currency_total", "Montant TTC en devise", "money"),
        Column("currency_residual", "Reste dû en devise", "money"),
        Column("exchange_rate", "Taux de change (devise pour 1 €)", "number"),
        Column("kind", "Type", "enum", choices=INVOICE_KINDS),
        Column("reversed_number", "Facture d'origine"),
        Column("status", "Statut", "enum", choices=INVOICE_STATUSES, default="posted"),
        # What an e-invoice carries and the FEC lacks (EN 16931): VAT, the buyer's SIREN, the
        # period of the work it bills (BG-14, else the span of its lines' BG-26).
        Column("amount_tax", "Montant TVA", "money"),
        Column("buyer_siren", "SIREN du client"),
        Column("period_start", "Début de période facturée", "date"),
        Column("period_end", "Fin de période facturée", "date"),
    ),
    natural_key=("number",),
    rules=(
        *_dated("invoice_date"),
        Rule(
            "due_date",
            lambda _: pl.col("due_date") < pl.col("invoice_date"),
            "rule.due_before_invoice",
        ),
        Rule(
            "amount_residual",
            lambda _: pl.col("amount_residual").abs() > pl.col("amount_total").abs(),
            "rule.residual_over_total",
        ),
        Rule(
            "amount_residual",
            lambda _: (pl.col("amount_residual") * pl.col("amount_total")) < 0,
            "rule.residual_sign",
        ),
        _RATE,
        Rule(
            "period_end",
            lambda _: pl.col("period_end") < pl.col("period_start"),
            "rule.end_before_start",
        ),
        Rule(
            "buyer_siren",
            lambda _: ~pl.col("buyer_siren").str.replace_all(" ", "").str.contains(r"^\d{9}$"),
            "rule.siren",
        ),
    ),
)

# The status export of an approved platform: what became of each e-invoice (disputed, cashed).
INVOICE_EVENTS = Fact(
    kind="invoice_events",
    sheet="Statuts des factures",
    label="statut de facture",
    columns=(
        Column("number", "Facture", required=True),
        Column("status", "Statut plateforme", "enum", required=True, choices=LIFECYCLE_STATUSES),
        Column("date", "Date", "date", required=True),
        Column("amount", "Montant encaissé TTC", "money"),  # with « encaissée »
        Column("reason", "Motif"),
    ),
    natural_key=("number", "status", "date"),
    rules=_dated("date"),
)

PAYMENTS = Fact(
    kind="payments",
    sheet="Paiements",
    label="paiement",
    columns=(
        Column("client", "Client", required=True),
        Column("date", "Date", "date", required=True),
        Column("amount", "Montant TTC", "money", required=True),
        Column("invoice_number", "Facture"),
        Column("reference", "Référence"),
        Column("currency", "Devise", default="EUR"),
        Column("currency_amount", "Montant en devise", "money"),
        Column("exchange_rate", "Taux de change (devise pour 1 €)", "number"),
    ),
    natural_key=("reference",),
    fallback_key=("client", "date", "amount", "invoice_number"),
    rules=(*_dated("date"), Rule("amount", lambda _: pl.col("amount") == 0, "rule.zero"), _RATE),
)

CONTRACTS = Fact(
    kind="contracts",
    sheet="Contrats support",
    label="contrat",
    columns=(
        Column("contract", "Contrat", required=True),
        Column("client", "Client", required=True),
        Column("included_hours_per_month", "Heures incluses / mois", "hours"),
        # A pack of hours bought once (no monthly reset), used from the start date on.
        Column("prepaid_hours", "Heures prépayées (pack)", "hours"),
        Column("monthly_fee", "Forfait mensuel HT", "money"),
        Column("overage_rate", "Taux hors forfait HT", "money"),
        Column("start_date", "Date de début", "date"),
        Column("end_date", "Date de fin", "date"),
    ),
    natural_key=("contract",),
)

TICKETS = Fact(
    kind="tickets",
    sheet="Tickets",
    label="ticket",
    columns=(
        Column("ticket", "Ticket", required=True),
        Column("client", "Client"),
        Column("contract", "Contrat"),
        Column("opened_at", "Ouvert le", "datetime"),
        Column("closed_at", "Fermé le", "datetime"),
        Column("priority", "Priorité"),
        Column("sla_deadline", "Échéance SLA", "datetime"),
        Column("scope", "Périmètre", "enum", choices=TICKET_SCOPES, default="unknown"),
    ),
    natural_key=("ticket",),
)

FLOWS = Fact(
    kind="flows",
    sheet="Flux récurrents",
    label="flux récurrent",
    columns=(
        Column("label", "Libellé", required=True),
        Column("category", "Catégorie", required=True),
        Column("direction", "Sens", "enum", required=True, choices=DIRECTIONS),
        Column("amount", "Montant TTC", "money", required=True),
        Column("frequency", "Fréquence", "enum", required=True, choices=FREQUENCIES),
        Column("day", "Jour", "int"),
        Column("start_date", "Date de début", "date"),
        Column("end_date", "Date de fin", "date"),
    ),
    natural_key=("label",),
    rules=(Rule("day", lambda _: ~pl.col("day").is_between(1, 31), "rule.between_1_31"),),
)

BANK_BALANCES = Fact(
    kind="bank_balances",
    sheet="Soldes bancaires",
    label="solde bancaire",
    columns=(
        Column("account", "Compte", required=True),
        Column("date", "Date", "date", required=True),
        Column("balance", "Solde", "money", required=True),
    ),
    natural_key=("account", "date"),
)

REVENUE = Fact(
    kind="revenue",
    sheet="Chiffre d'affaires",
    label="chiffre d'affaires",
    columns=(
        Column("month", "Mois", "date", required=True),
        Column("account", "Compte", required=True),
        Column("amount_untaxed", "Montant HT", "money", required=True),
    ),
    natural_key=("month", "account"),
)


def rules_of(fact: Fact) -> tuple[Rule, ...]:
    names = set(fact.names)
    return fact.rules + ((PERIOD_RULE,) if {"start_date", "end_date"} <= names else ())


FACTS: dict[str, Fact] = {
    f.kind: f
    for f in (
        TIMESHEETS,
        PROJECTS,
        SALE_LINES,
        EMPLOYEES,
        ABSENCES,
        INVOICES,
        INVOICE_EVENTS,
        PAYMENTS,
        CONTRACTS,
        TICKETS,
        FLOWS,
        BANK_BALANCES,
        REVENUE,
    )
}
KINDS = tuple(FACTS)
