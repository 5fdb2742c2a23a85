"""Undoing an import: the store as if that batch had never been imported (FORMATS.md §3).

What each active batch delivered is in the store: the rows it wrote (`batch_id`), and the rows
it found already there, unchanged (`delivery`). Undoing batch A replays, without A, the history
of every natural key and every (employee, day) of keyless timesheet lines that A touched, with
the import rules, and rewrites those rows to the result:

- a row only A delivered is deleted; the version it replaced is current again;
- a row a later batch also delivered unchanged stays, now owned by that batch;
- versions that A separated and that are equal become one again.

Other keys and days are untouched: no other import's plan depended on A there.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, bindparam, delete, insert, literal, select, update

from model.db import in_chunks
from model.tables import FACT_TABLES, Delivery, FactRow, ImportBatch

CHUNK = 5000


@dataclass(frozen=True)
class Line:
    """One batch delivering one row's content: the row it wrote or found, its line in its file."""

    batch: int
    row_id: int
    source_row: int | None


@dataclass
class Version:
    """One stored row after the replay: its owner, the later batches that delivered it again,
    and the batch that replaced or removed it."""

    row_hash: str
    owner: Line
    members: list[Line] = field(default_factory=list)
    superseded_by: int | None = None


@dataclass(frozen=True)
class Scope:
    """Where a batch's keyless timesheet lines replace those of its source (store._plan_keyless)."""

    first: date
    last: date
    employees: frozenset[str]


@dataclass(frozen=True)
class BatchInfo:
    source: str
    scope: Scope | None


@dataclass
class Stored:
    """The rows and deliveries of the affected keys or days, as the store has them now."""

    rows: dict[int, dict]  # row id -> id, group, batch_id, superseded_by, row_hash, source…
    deliveries: list[Line]

    def lines_by_group(self, undone: int, batches: dict[int, BatchInfo]) -> dict[object, list]:
        """(Line, row_hash) per group, ordered by batch then file line, without the undone batch."""
        groups: dict[object, list[tuple[Line, str]]] = defaultdict(list)
        owned = (Line(r["batch_id"], r["id"], r["source_row"]) for r in self.rows.values())
        for line in (*owned, *self.deliveries):
            if line.batch != undone and line.batch in batches:
                row = self.rows[line.row_id]
                groups[row["group"]].append((line, row["row_hash"]))
        for lines in groups.values():
            lines.sort(key=lambda item: (item[0].batch, item[0].source_row or 0, item[0].row_id))
        return groups


def replay_without(connection: Connection, undone: int) -> None:
    """Rewrite every row the batch touched to the state its absence gives."""
    batches = _active_batches(connection, undone)
    for kind, table in FACT_TABLES.items():
        keyed = _stored_keyed(connection, table, kind, undone)
        if keyed.rows:
            versions = [
                version
                for lines in keyed.lines_by_group(undone, batches).values()
                for version in keyed_versions(lines)
            ]
            _rewrite(connection, table, kind, keyed, versions, batches)
        if kind == "timesheets":
            keyless = _stored_keyless(connection, table, undone)
            if keyless.rows:
                versions = [
                    version
                    for cell, lines in keyless.lines_by_group(undone, batches).items()
                    for version in keyless_versions(cell, lines, batches)
                ]
                _rewrite(connection, table, kind, keyless, versions, batches)
    connection.execute(delete(Delivery).where(Delivery.batch_id == undone))


def keyed_versions(lines: list[tuple[Line, str]]) -> list[Version]:
    """One key's deliveries in batch order: equal in a row are one version, a change a new one."""
    versions: list[Version] = []
    for line, row_hash in lines:
        if versions and versions[-1].row_hash == row_hash:
            versions[-1].members.append(line)
            continue
        if versions:
            versions[-1].superseded_by = line.batch
        versions.append(Version(row_hash, owner=line))
    return versions


def keyless_versions(
    cell: tuple[str, date],
    lines: list[tuple[Line, str]],
    batches: dict[int, BatchInfo],
) -> list[Version]:
    """One person's day of keyless lines, imported again batch by batch (store._plan_keyless):
    a line equal to a current one is delivered again, other lines are added, and the current
    lines of the batch's source within its scope that it does not deliver are removed."""
    by_batch: dict[int, list[tuple[Line, str]]] = defaultdict(list)
    for line, row_hash in lines:
        by_batch[line.batch].append((line, row_hash))
    current: list[Version] = []
    gone: list[Version] = []
    covering = {b for b, info in batches.items() if info.scope and _covers(info, cell)}
    for batch in sorted(set(by_batch) | covering):
        source = batches[batch].source
        ranked = sorted(
            current, key=lambda v: (batches[v.owner.batch].source != source, v.owner.row_id)
        )
        free: dict[str, list[Version]] = defaultdict(list)
        for version in ranked:
            free[version.row_hash].append(version)
        delivered: set[int] = set()
        for line, row_hash in by_batch.get(batch, []):
            if free[row_hash]:
                match = free[row_hash].pop(0)
                match.members.append(line)
                delivered.add(id(match))
            else:
                added = Version(row_hash, owner=line)
                current.append(added)
                delivered.add(id(added))
        if _covers(batches[batch], cell):
            removed = [
                v
                for v in current
                if id(v) not in delivered and batches[v.owner.batch].source == source
            ]
            for version in removed:
                version.superseded_by = batch
                current.remove(version)
                gone.append(version)
    return current + gone


def _covers(batch: BatchInfo, cell: tuple[str, date]) -> bool:
    scope, (employee, day) = batch.scope, cell
    return scope is not None and scope.first <= day <= scope.last and employee in scope.employees


def _active_batches(connection: Connection, undone: int) -> dict[int, BatchInfo]:
    query = select(ImportBatch.id, ImportBatch.source, ImportBatch.details).where(
        ImportBatch.status == "active", ImportBatch.id != undone
    )
    batches = {}
    for batch_id, source, details in connection.execute(query):
        scope = json.loads(details or "{}").get("scopes", {}).get("timesheets")
        if scope:
            first, last = date.fromisoformat(scope["from"]), date.fromisoformat(scope["to"])
            batches[batch_id] = BatchInfo(source, Scope(first, last, frozenset(scope["employees"])))
        else:
            batches[batch_id] = BatchInfo(source, None)
    return batches


ROW_COLUMNS = ("id", "batch_id", "superseded_by", "row_hash", "source", "source_row")


def _stored_keyed(connection: Connection, table: type[FactRow], kind: str, undone: int) -> Stored:
    touched = _touched(connection, table, kind, undone).where(table.natural_key.is_not(None))
    keys = list(connection.execute(touched.with_only_columns(table.natural_key).distinct()))
    rows: dict[int, dict] = {}
    for chunk in in_chunks([k[0] for k in keys]):
        query = select(*_columns(table), table.natural_key).where(table.natural_key.in_(chunk))
        for row in connection.execute(query).mappings():
            rows[row["id"]] = {**row, "group": row["natural_key"]}
    return Stored(rows, _deliveries(connection, kind, list(rows)))


def _stored_keyless(connection: Connection, table: type[FactRow], undone: int) -> Stored:
    touched = _touched(connection, table, "timesheets", undone).where(table.natural_key.is_(None))
    cells = set(connection.execute(touched.with_only_columns(table.employee, table.date)))
    rows: dict[int, dict] = {}
    if cells:
        employees = sorted({employee for employee, _ in cells})
        first, last = min(day for _, day in cells), max(day for _, day in cells)
        for chunk in in_chunks(employees):
            query = select(*_columns(table), table.employee, table.date).where(
                table.natural_key.is_(None),
                table.employee.in_(chunk),
                table.date.between(first, last),
            )
            for row in connection.execute(query).mappings():
                cell = (row["employee"], row["date"])
                if cell in cells:
                    rows[row["id"]] = {**row, "group": cell}
    return Stored(rows, _deliveries(connection, "timesheets", list(rows)))


def _touched(connection: Connection, table: type[FactRow], kind: str, undone: int):
    """Rows the batch wrote, replaced or delivered again."""
    delivered = select(Delivery.row_id).where(Delivery.batch_id == undone, Delivery.kind == kind)
    return select(table.id).where(
        (table.batch_id == undone) | (table.superseded_by == undone) | table.id.in_(delivered)
    )


def _columns(table: type[FactRow]) -> list:
    return [getattr(table, name) for name in ROW_COLUMNS]


def _deliveries(connection: Connection, kind: str, row_ids: list[int]) -> list[Line]:
    found = []
    for chunk in in_chunks(row_ids):
        query = select(Delivery.batch_id, Delivery.row_id, Delivery.source_row).where(
            Delivery.kind == kind, Delivery.row_id.in_(chunk)
        )
        found += [Line(*row) for row in connection.execute(query)]
    return found


def _rewrite(
    connection: Connection,
    table: type[FactRow],
    kind: str,
    stored: Stored,
    versions: list[Version],
    batches: dict[int, BatchInfo],
) -> None:
    """Make the stored rows of the affected groups exactly `versions`, and their deliveries."""
    used: set[int] = set()
    updates, deliveries = [], []
    for version in versions:
        row_id = version.owner.row_id
        if row_id in used:  # the same stored row now stands for two lines: copy it
            row_id = _copy_row(connection, table, row_id)
        used.add(row_id)
        target = {
            "batch_id": version.owner.batch,
            "superseded_by": version.superseded_by,
            "source": batches[version.owner.batch].source,
            "source_row": version.owner.source_row,
        }
        now = stored.rows.get(row_id)
        if now is None or any(now[name] != value for name, value in target.items()):
            updates.append({"_id": row_id, **target})
        deliveries += [
            {"batch_id": m.batch, "kind": kind, "row_id": row_id, "source_row": m.source_row}
            for m in version.members
        ]
    leftover = [row_id for row_id in stored.rows if row_id not in used]
    for chunk in in_chunks(list(stored.rows)):
        connection.execute(
            delete(Delivery).where(Delivery.kind == kind, Delivery.row_id.in_(chunk))
        )
    # Superseded first: a row made current must not meet the one it replaces (unique index).
    for chunk in in_chunks(leftover):
        connection.execute(delete(table).where(table.id.in_(chunk)))
    updates.sort(key=lambda u: u["superseded_by"] is None)
    statement = (
        update(table)
        .where(table.id == bindparam("_id"))
        .values(
            batch_id=bindparam("batch_id"),
            superseded_by=bindparam("superseded_by"),
            source=bindparam("source"),
            source_row=bindparam("source_row"),
        )
    )
    for start in range(0, len(updates), CHUNK):
        connection.execute(statement, updates[start : start + CHUNK])
    for start in range(0, len(deliveries), CHUNK):
        connection.execute(insert(Delivery), deliveries[start : start + CHUNK])


def _copy_row(connection: Connection, table: type[FactRow], row_id: int) -> int:
    """A new row with the same values, not current until `_rewrite` says what it is."""
    names = [c.name for c in table.__table__.columns if c.name != "id"]
    columns = [
        literal(0).label(name) if name == "superseded_by" else table.__table__.c[name]
        for name in names
    ]
    copy = (
        insert(table)
        .from_select(names, select(*columns).where(table.id == row_id))
        .returning(table.id)
    )
    return connection.execute(copy).scalar_one()


__all__ = ["keyed_versions", "keyless_versions", "replay_without"]
