"""The audit trail (issue 14 §3): who imported, undid, edited a table, changed a setting or an
account, kept a forecast, and when. Each event is written in the transaction of the change it
records, so that neither exists without the other; none is ever changed or deleted.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, insert, select
from sqlmodel import col

from model.tables import AuditEvent

# Action → (French, English), as the journal shows it.
ACTIONS = {
    "import": ("import", "import"),
    "table_edit": ("modification d'un tableau", "table edited"),
    "undo": ("annulation d'un import", "import undone"),
    "settings": ("paramètres modifiés", "settings changed"),
    "user_add": ("compte créé", "account created"),
    "user_password": ("mot de passe changé", "password changed"),
    "user_disable": ("compte désactivé", "account disabled"),
    "forecast_kept": ("prévision de trésorerie gardée", "cash forecast kept"),
    "workspace_create": ("dossier créé", "workspace created"),
    "workspace_rename": ("dossier renommé", "workspace renamed"),
    "workspace_archive": ("dossier archivé", "workspace archived"),
    "workspace_restore": ("dossier désarchivé", "workspace restored"),
    "workspace_delete": ("dossier supprimé", "workspace deleted"),
    "workspace_grant": ("accès à un dossier donné", "workspace access granted"),
}
SCHEMA = {
    "at": pl.Datetime("us"),
    "user": pl.String,
    "action": pl.String,
    "subject": pl.String,
    "details": pl.String,
}


def record(
    connection: Connection,
    *,
    user: str,
    action: str,
    subject: str,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    """One event, in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    connection.execute(
        insert(AuditEvent),
        {"at": now, "user": user, "action": action, "subject": subject,
         "details": json.dumps(details or {}, ensure_ascii=False, default=str)},
    )  # fmt: skip


def events(engine: Engine, *, limit: int = 500) -> pl.DataFrame:
    """The latest events first: at, user, action, subject, details (JSON text)."""
    query = (
        select(AuditEvent.at, AuditEvent.user, AuditEvent.action, AuditEvent.subject,
               AuditEvent.details)
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
    )  # fmt: skip
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
