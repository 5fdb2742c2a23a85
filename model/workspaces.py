"""Workspaces ("dossiers", issue 15 §1): one store per audited company, beside the firm's own.

The firm's base (`DATABASE_URL` or `--db`) keeps the accounts and the list of workspaces; each
workspace is a whole store of its own, with its facts, settings, imports and journal:
- SQLite: a file `workspaces/<slug>.db` beside the base's file (by default `data/workspaces/`);
- PostgreSQL: a schema `<slug>` of the same database, every connection's search path set to it,
  migrated on its own by `init_db`.
Nothing of one store is read through another's engine: a workspace's figures, settings and
caches cannot show in another (the app keys its caches by workspace, `ui/loaders.py`).

Who may open what is decided here: the direction every workspace, a consultant those granted
to them (the ones they create, and those the direction grants), nobody else.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, col, select

from model import audit
from model.db import WorkspaceError, get_engine, init_db
from model.roles import IN_WORKSPACE, Forbidden, Viewer, check, role_words
from model.tables import UserAccount, WorkspaceEntry, WorkspaceGrant

MAX_NAME = 80


@dataclass(frozen=True)
class Workspace:
    name: str
    slug: str
    created_at: datetime
    created_by: str
    archived: bool
    consultants: tuple[str, ...]


def list_workspaces(home: Engine, viewer: Viewer, *, archived: bool = False) -> list[Workspace]:
    """The workspaces this viewer may open, by name (archived ones only when asked)."""
    with Session(home) as session:
        entries = session.exec(select(WorkspaceEntry).order_by(WorkspaceEntry.name)).all()
        shown = [_workspace(session, e) for e in entries if archived or e.archived_at is None]
    return [w for w in shown if _may_open(viewer, w)]


def open_store(home: Engine, name: str, viewer: Viewer) -> tuple[Engine, Viewer]:
    """A workspace's engine, and the viewer as they act inside it (a consultant: its
    auditor); `Forbidden` when they may not open it, `WorkspaceError` when it does not exist."""
    with Session(home) as session:
        workspace = _workspace(session, _entry(session, name))
    if not _may_open(viewer, workspace):
        raise Forbidden(
            f"Votre compte ({role_words(viewer.role)}) n'a pas accès au dossier "
            f"« {workspace.name} » : demandez-le à la direction."
        )
    acting = viewer if viewer.role is None else replace(viewer, role=IN_WORKSPACE[viewer.role])
    return store_engine(home, workspace.slug), acting


def store_engine(home: Engine, slug: str) -> Engine:
    url = home.url
    if url.get_backend_name() == "sqlite":
        return get_engine(f"sqlite:///{_folder(home) / f'{slug}.db'}")
    return get_engine(url.render_as_string(hide_password=False), slug)


def create(
    home: Engine, name: str, *, viewer: Viewer, now: datetime, by: str
) -> tuple[Workspace, Engine]:
    """An empty workspace (its store created and migrated); its creator may open it."""
    check(viewer.role, "workspaces")
    name = _checked_name(name)
    with Session(home) as session:
        if _find(session, name) is not None:
            raise WorkspaceError(f"Un dossier « {name} » existe déjà.")
        slug = _free_slug(session, name)
    engine = _new_store(home, slug)
    with Session(home) as session:
        entry = WorkspaceEntry(name=name, slug=slug, created_at=now, created_by=by)
        session.add(entry)
        session.flush()
        if viewer.role == "consultant":
            session.add(WorkspaceGrant(workspace_id=entry.id, user_name=viewer.name))
        audit.record(session.connection(), user=by, action="workspace_create", subject=name,
                     now=now)  # fmt: skip
        session.commit()
        return _workspace(session, entry), engine


def rename(home: Engine, name: str, new_name: str, *, viewer: Viewer, now: datetime,
           by: str) -> None:  # fmt: skip
    new_name = _checked_name(new_name)
    with Session(home) as session:
        entry = _openable(session, name, viewer)
        if new_name != entry.name and _find(session, new_name) is not None:
            raise WorkspaceError(f"Un dossier « {new_name} » existe déjà.")
        old, entry.name = entry.name, new_name
        audit.record(session.connection(), user=by, action="workspace_rename", subject=new_name,
                     now=now, details={"from": old})  # fmt: skip
        session.commit()


def duplicate(home: Engine, name: str, new_name: str, *, viewer: Viewer, now: datetime,
              by: str) -> Workspace:  # fmt: skip
    """A copy of a workspace's whole store under another name (to try settings on a copy)."""
    with Session(home) as session:
        source = _openable(session, name, viewer).slug
    copy, engine = create(home, new_name, viewer=viewer, now=now, by=by)
    _copy_store(home, source, copy.slug)
    engine.dispose()
    return copy


def set_archived(home: Engine, name: str, archived: bool, *, viewer: Viewer, now: datetime,
                 by: str) -> None:  # fmt: skip
    """Archived: kept, out of the sidebar's list; brought back the same way."""
    with Session(home) as session:
        entry = _openable(session, name, viewer)
        entry.archived_at = now if archived else None
        action = "workspace_archive" if archived else "workspace_restore"
        audit.record(session.connection(), user=by, action=action, subject=entry.name, now=now)
        session.commit()


def delete(home: Engine, name: str, *, viewer: Viewer, now: datetime, by: str) -> None:
    """The workspace's store is gone for good: the caller has written its final export."""
    with Session(home) as session:
        entry = _openable(session, name, viewer)
        slug = entry.slug
        store_engine(home, slug).dispose()  # its connections closed before the file goes
        if home.url.get_backend_name() == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                (_folder(home) / f"{slug}.db{suffix}").unlink(missing_ok=True)
        else:
            session.exec(text(f'DROP SCHEMA IF EXISTS "{slug}" CASCADE'))
        for grant in session.exec(
            select(WorkspaceGrant).where(WorkspaceGrant.workspace_id == entry.id)
        ):
            session.delete(grant)
        session.delete(entry)
        audit.record(session.connection(), user=by, action="workspace_delete", subject=entry.name,
                     now=now)  # fmt: skip
        session.commit()


def grant(home: Engine, name: str, consultant: str, *, viewer: Viewer, now: datetime,
          by: str) -> None:  # fmt: skip
    """The direction lets a consultant open a workspace."""
    check(viewer.role, "users")
    with Session(home) as session:
        entry = _entry(session, name)
        account = session.exec(
            select(UserAccount).where(UserAccount.name == consultant.strip())
        ).first()
        if account is None or account.role != "consultant":
            raise WorkspaceError(f"« {consultant.strip()} » n'est pas un compte consultant.")
        granted = select(WorkspaceGrant).where(
            WorkspaceGrant.workspace_id == entry.id, WorkspaceGrant.user_name == account.name
        )
        if session.exec(granted).first() is None:
            session.add(WorkspaceGrant(workspace_id=entry.id, user_name=account.name))
            details = {"consultant": account.name}
            audit.record(session.connection(), user=by, action="workspace_grant",
                         subject=entry.name, now=now, details=details)  # fmt: skip
        session.commit()


# ── inside ───────────────────────────────────────────────────────────────────────────────────


def _may_open(viewer: Viewer, workspace: Workspace) -> bool:
    if viewer.role is None or viewer.role == "direction":
        return True
    return viewer.role in ("consultant", "auditeur") and viewer.name in workspace.consultants


def _openable(session: Session, name: str, viewer: Viewer) -> WorkspaceEntry:
    check(viewer.role, "workspaces")
    entry = _entry(session, name)
    if not _may_open(viewer, _workspace(session, entry)):
        raise Forbidden(f"Vous n'avez pas accès au dossier « {entry.name} ».")
    return entry


def _workspace(session: Session, entry: WorkspaceEntry) -> Workspace:
    names = session.exec(
        select(WorkspaceGrant.user_name).where(WorkspaceGrant.workspace_id == entry.id)
        .order_by(col(WorkspaceGrant.user_name))
    ).all()  # fmt: skip
    return Workspace(entry.name, entry.slug, entry.created_at, entry.created_by,
                     entry.archived_at is not None, tuple(names))  # fmt: skip


def _find(session: Session, name: str) -> WorkspaceEntry | None:
    return session.exec(select(WorkspaceEntry).where(WorkspaceEntry.name == name.strip())).first()


def _entry(session: Session, name: str) -> WorkspaceEntry:
    entry = _find(session, name)
    if entry is None:
        raise WorkspaceError(f"Aucun dossier « {name.strip()} ».")
    return entry


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise WorkspaceError(
            f"Nom de dossier invalide : de 1 à {MAX_NAME} caractères, sans caractère de contrôle."
        )
    return name


def _free_slug(session: Session, name: str) -> str:
    """`ws_` and the name in lower-case ASCII: a file name and a schema name alike."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = "ws_" + (re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:30] or "dossier")
    taken = set(session.exec(select(WorkspaceEntry.slug)).all())
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}_{number}", number + 1
    return slug


def _folder(home: Engine) -> Path:
    database = home.url.database
    if not database or database == ":memory:":
        raise WorkspaceError("Une base SQLite en mémoire ne peut pas avoir de dossiers.")
    return Path(database).resolve().parent / "workspaces"


def _new_store(home: Engine, slug: str) -> Engine:
    if home.url.get_backend_name() == "sqlite":
        _folder(home).mkdir(parents=True, exist_ok=True)
    else:
        with home.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{slug}"'))
    engine = store_engine(home, slug)
    init_db(engine)
    return engine


def _copy_store(home: Engine, source: str, target: str) -> None:
    if home.url.get_backend_name() == "sqlite":
        store_engine(home, target).dispose()
        with (
            sqlite3.connect(_folder(home) / f"{source}.db") as old,
            sqlite3.connect(_folder(home) / f"{target}.db") as new,
        ):
            old.backup(new)
        return
    tables = SQLModel.metadata.sorted_tables
    with home.begin() as connection:
        for table in reversed(tables):  # the new store's own rows (its metadata) make way
            connection.execute(text(f'DELETE FROM "{target}"."{table.name}"'))
        for table in tables:
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            connection.execute(text(
                f'INSERT INTO "{target}"."{table.name}" ({columns}) '
                f'SELECT {columns} FROM "{source}"."{table.name}"'
            ))  # fmt: skip
            if "id" in table.columns:  # the copy's next ids follow its rows
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{target}.{table.name}', 'id'), "
                    f'COALESCE((SELECT max(id) FROM "{target}"."{table.name}"), 0) + 1, false)'
                ))  # fmt: skip
