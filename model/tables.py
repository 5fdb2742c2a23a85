"""SQLModel tables: one per canonical fact (model/facts.py), the import batches, metadata.

Money is stored exactly, as integer cents (`*_cents`). Every fact row knows the batch that wrote
it (`batch_id`) and, once a later import replaced or removed it, the batch that did
(`superseded_by`). Current facts are the rows with `superseded_by IS NULL`; undoing a batch deletes
its rows and clears `superseded_by` where it points at that batch, which restores the exact
previous state.

Their version is model/db.py's SCHEMA_VERSION: any change here moves it (tests/test_schema.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import BigInteger, Column, Index, Text, text
from sqlmodel import Field, SQLModel


def _cents(nullable: bool = True) -> Any:
    return Field(default=None, sa_type=BigInteger, nullable=nullable)


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    created_at: NaiveDatetime
    user: str
    file_name: str
    file_sha256: str = Field(index=True)
    file_size: int
    source: str  # e.g. "odoo_fr", "template"
    kinds: str  # comma-separated fact kinds written by this batch
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    rejected: int = 0
    status: str = "active"  # "active" | "undone"
    undone_at: NaiveDatetime | None = None
    undone_by: str | None = None
    # JSON: per-kind counts, the replacement scope of keyless timesheet lines, notes.
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class Meta(SQLModel, table=True):
    """Key/value metadata: schema version, data version (bumped by every write)."""

    key: str = Field(primary_key=True)
    value: str


class Setting(SQLModel, table=True):
    """A KPI setting changed by the user (model/kpi/settings.py); JSON value."""

    key: str = Field(primary_key=True)
    value: str
    updated_at: NaiveDatetime | None = None


class AuditEvent(SQLModel, table=True):
    """Who changed what, and when (model/audit.py): imports, undos, tables edited on screen,
    settings, accounts, kept forecasts. Written in the same transaction as the change."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime = Field(index=True)
    user: str
    action: str  # model.audit.ACTIONS
    subject: str  # what it acted on: a file, an import number, a setting, an account
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class UserAccount(SQLModel, table=True):
    """Someone who may sign in (model/accounts.py): a role, an argon2 hash, never a password."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    role: str
    password_hash: str
    active: bool = True
    language: str = "fr"  # of the screens and the weekly digest
    email: str | None = None
    team: str | None = None  # a project manager's pôle: all they see (model/roles.py)
    created_at: NaiveDatetime
    disabled_at: NaiveDatetime | None = None
    # Repeated failures make the next attempt wait (model/accounts.py).
    failed_logins: int = 0
    last_failure_at: NaiveDatetime | None = None


class WorkspaceEntry(SQLModel, table=True):
    """A workspace ("dossier", model/workspaces.py): another company's store beside the firm's,
    listed in the firm's base; its facts live in its own file (SQLite) or schema (PostgreSQL)."""

    __tablename__ = "workspace"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(Text, unique=True, nullable=False))
    slug: str = Field(sa_column=Column(Text, unique=True, nullable=False))  # file or schema
    created_at: NaiveDatetime
    created_by: str
    archived_at: NaiveDatetime | None = None


class WorkspaceGrant(SQLModel, table=True):
    """A consultant who may open a workspace (its creator, and whoever the direction adds)."""

    __tablename__ = "workspace_grant"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    user_name: str


class ColumnMapping(SQLModel, table=True):
    """A saved column mapping (model/imports/mapping.py): the file's headers and the columns."""

    __tablename__ = "column_mapping"

    name: str = Field(primary_key=True)
    kind: str
    definition: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    created_at: NaiveDatetime


class CashForecastSnapshot(SQLModel, table=True):
    """A cash forecast saved with its date, to be compared with what the bank saw later."""

    __tablename__ = "cash_forecast"

    id: int | None = Field(default=None, primary_key=True)
    created_at: NaiveDatetime
    user: str
    as_of: dt.date
    scenario: str
    opening_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    weeks: str = Field(sa_column=Column(Text, nullable=False))  # JSON: start, inflows, outflows


class Delivery(SQLModel, table=True):
    """A stored row that a later import delivered again, unchanged (it wrote nothing for it).

    Undoing the batch that wrote the row then hands the row to that import instead of deleting
    it (model/undo.py): the store is as if the undone batch had never been imported.
    """

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_row", "kind", "row_id"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    kind: str
    row_id: int
    source_row: int | None = None  # the line in that import's file


class FactRow(SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    superseded_by: int | None = Field(default=None, index=True)
    source: str = ""
    # Natural key as one string (FORMATS.md §1), empty for keyless timesheet lines.
    natural_key: str | None = Field(default=None, index=True)
    # Hash of the canonical values: tells an unchanged row from an updated one.
    row_hash: str
    # Row number in the imported file, as the spreadsheet shows it (drill-down to the source line).
    source_row: int | None = None


class TimesheetLine(FactRow, table=True):
    """The big table (millions of lines): only the natural key is indexed, for re-imports, and
    only where there is one (most lines have none: 300k of them cost 0.35 s more to import
    with a null key in the index). Reads take the whole table and undo scans it once; every
    other index would slow imports."""

    __tablename__ = "timesheet_line"
    __table_args__ = (
        Index(
            "ix_timesheet_line_natural_key",
            "natural_key",
            sqlite_where=text("natural_key IS NOT NULL"),
            postgresql_where=text("natural_key IS NOT NULL"),
        ),
    )

    batch_id: int = Field(foreign_key="import_batch.id")
    superseded_by: int | None = None
    natural_key: str | None = None
    date: dt.date
    employee: str
    client: str | None = None
    project: str | None = None  # read whole, never looked up: an index would only slow imports
    task: str | None = None
    description: str | None = None
    hours: float
    billing: str
    validated: bool | None = None
    ticket: str | None = None
    invoice_number: str | None = None
    source_id: str | None = None
    cost_cents: int | None = _cents()


class Project(FactRow, table=True):
    __tablename__ = "project"

    project: str
    client: str | None = None
    billing_mode: str
    sold_hours: float | None = None
    hours_per_day: float | None = None
    sold_amount_cents: int | None = _cents()
    hourly_rate_cents: int | None = _cents()
    progress_pct: float | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class SaleLine(FactRow, table=True):
    __tablename__ = "sale_line"

    sale_order: str
    line: str
    project: str
    client: str | None = None
    quantity: float
    unit: str | None = None
    delivered: float | None = None
    invoiced: float | None = None
    unit_price_cents: int | None = _cents()
    subtotal_cents: int | None = _cents()
    billing_mode: str | None = None


class Employee(FactRow, table=True):
    __tablename__ = "employee"

    employee: str
    team: str | None = None
    weekly_hours: float | None = None
    workdays: str | None = None
    cost_rate_cents: int | None = _cents()
    billing_rate_cents: int | None = _cents()
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class Absence(FactRow, table=True):
    __tablename__ = "absence"

    employee: str
    date: dt.date
    hours: float
    kind: str


class Invoice(FactRow, table=True):
    __tablename__ = "invoice"

    number: str
    client: str
    project: str | None = None
    invoice_date: dt.date
    due_date: dt.date | None = None
    amount_untaxed_cents: int | None = _cents()
    amount_total_cents: int = _cents(nullable=False)
    amount_residual_cents: int | None = _cents()
    currency: str = "EUR"
    currency_total_cents: int | None = _cents()
    currency_residual_cents: int | None = _cents()
    exchange_rate: float | None = None
    kind: str = "invoice"
    reversed_number: str | None = None
    status: str = "posted"
    amount_tax_cents: int | None = _cents()
    buyer_siren: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class InvoiceEvent(FactRow, table=True):
    __tablename__ = "invoice_event"

    number: str
    status: str
    date: dt.date
    amount_cents: int | None = _cents()
    reason: str | None = None


class Payment(FactRow, table=True):
    __tablename__ = "payment"

    client: str
    date: dt.date
    amount_cents: int = _cents(nullable=False)
    invoice_number: str | None = None
    reference: str | None = None
    currency: str | None = "EUR"  # None on rows stored before schema 9: euros
    currency_amount_cents: int | None = _cents()
    exchange_rate: float | None = None


class SupportContract(FactRow, table=True):
    __tablename__ = "support_contract"

    contract: str
    client: str
    included_hours_per_month: float | None = None
    prepaid_hours: float | None = None
    monthly_fee_cents: int | None = _cents()
    overage_rate_cents: int | None = _cents()
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class Ticket(FactRow, table=True):
    __tablename__ = "ticket"

    ticket: str
    client: str | None = None
    contract: str | None = None
    opened_at: NaiveDatetime | None = None
    closed_at: NaiveDatetime | None = None
    priority: str | None = None
    sla_deadline: NaiveDatetime | None = None
    scope: str = "unknown"


class RecurringFlow(FactRow, table=True):
    __tablename__ = "recurring_flow"

    label: str
    category: str
    direction: str
    amount_cents: int = _cents(nullable=False)
    frequency: str
    day: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class BankBalance(FactRow, table=True):
    """Balance of a bank account (512…) at the end of a day with movements (from a FEC)."""

    __tablename__ = "bank_balance"

    account: str
    date: dt.date
    balance_cents: int = _cents(nullable=False)


class Revenue(FactRow, table=True):
    """Revenue HT of a month on one revenue account (70…), from a FEC."""

    __tablename__ = "revenue"

    month: dt.date
    account: str
    amount_untaxed_cents: int = _cents(nullable=False)


FACT_TABLES: dict[str, type[FactRow]] = {
    "timesheets": TimesheetLine,
    "projects": Project,
    "sale_lines": SaleLine,
    "employees": Employee,
    "absences": Absence,
    "invoices": Invoice,
    "invoice_events": InvoiceEvent,
    "payments": Payment,
    "contracts": SupportContract,
    "tickets": Ticket,
    "flows": RecurringFlow,
    "bank_balances": BankBalance,
    "revenue": Revenue,
}


def current_key_index_name(table: type[FactRow]) -> str:
    return f"ux_{table.__tablename__}_current_key"


# At most one current row per natural key, whatever the code above does: the store's own guard
# against an export written twice. Keyless timesheet lines (NULL key) are not concerned, and
# not in it.
for _table in FACT_TABLES.values():
    _columns = _table.__table__.c
    _current_with_key = _columns.superseded_by.is_(None) & _columns.natural_key.is_not(None)
    Index(
        current_key_index_name(_table),
        _columns.natural_key,
        unique=True,
        sqlite_where=_current_with_key,
        postgresql_where=_current_with_key,
    )
