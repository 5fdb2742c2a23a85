"""One import, for the CLI and the app: read → check → plan → write, and say what happened.

The only place where the readers (model/imports, bytes → Batch) and the store (Batch → rows)
meet. The app previews a file with `import_file(..., dry_run=True)`, keeps the result, and
confirms with `import_batch(result.batch, ...)`: the file is not read twice.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from model import roles, store
from model.batch import ROW, Batch
from model.db import DatabaseError
from model.imports import mapping
from model.imports.pipeline import FileRefused, file_identity, read
from model.imports.reader import ReadError, UnpackLimits
from model.settings import Settings
from model.store import Plan
from model.tables import ImportBatch

PREVIEW_ROWS = 10
logger = logging.getLogger(__name__)


@dataclass
class ImportResult:
    file: str
    source: str | None
    kind: str | None
    status: str  # "imported" | "preview" | "already_imported" | "rejected"
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    batch_id: int | None = None
    source_label: str | None = None
    kinds: list[str] = field(default_factory=list)
    message: str = ""
    notes: list[str] = field(default_factory=list)
    # Not in the JSON: first valid rows per kind, for the preview screen, and the file as read,
    # which confirming the preview writes without reading the file again.
    preview: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False)
    batch: Batch | None = field(default=None, repr=False)
    # The store's version once written: a reader holding the facts of the version before adds
    # this import's rows to them (ui/loaders.py) instead of reading every fact again.
    data_version: int | None = field(default=None, repr=False)

    def to_json(self) -> dict:
        data = asdict(self)
        for internal in ("preview", "batch", "data_version"):
            data.pop(internal)
        return data


def import_file(
    engine: Engine,
    data: bytes,
    file_name: str,
    *,
    settings: Settings,
    now: datetime,
    kind: str | None = None,
    dry_run: bool = False,
    allow_partial: bool = False,
    sheet: str | None = None,
    same_bytes_check: bool = True,
    on_wait: Callable[[], None] | None = None,
) -> ImportResult:
    """Read, check, plan and (unless `dry_run` or refused) write one file in one transaction.

    `same_bytes_check=False` is for tables edited on screen: saving A, then B, then A again is
    a real change, not the same export imported twice. `on_wait` is called when another
    import holds the base, before this one waits for its turn.
    """

    def steps() -> ImportResult:
        # The same bytes again are recognised before any reading: re-importing is instant.
        previous = store.find_active_batch(engine, file_identity(data, sheet))
        if previous is not None and same_bytes_check:
            return _already_imported(file_name, previous)
        try:
            batch = read(data, file_name, **_read_options(engine, settings, now, kind, sheet))
        except (ReadError, FileRefused) as refusal:
            return _refused(file_name, kind, str(refusal))
        return _after_reading(
            engine, batch, settings=settings, now=now, dry_run=dry_run,
            allow_partial=allow_partial, same_bytes_check=same_bytes_check, on_wait=on_wait,
        )  # fmt: skip

    return _guarded(file_name, kind, steps)


def import_batch(
    engine: Engine,
    batch: Batch,
    *,
    settings: Settings,
    now: datetime,
    dry_run: bool = False,
    allow_partial: bool = False,
    same_bytes_check: bool = True,
    on_wait: Callable[[], None] | None = None,
) -> ImportResult:
    """Preview or write rows already read: a file read for its preview (`ImportResult.batch`),
    confirmed without reading it again, or a table edited on screen (`read_frame`). The plan
    is made afresh inside the write transaction, like any import's."""
    options = {
        "settings": settings, "now": now, "dry_run": dry_run, "allow_partial": allow_partial,
        "same_bytes_check": same_bytes_check, "on_wait": on_wait,
    }  # fmt: skip
    return _guarded(batch.file_name, None, lambda: _after_reading(engine, batch, **options))


def _guarded(file_name: str, kind: str | None, steps: Callable[[], ImportResult]) -> ImportResult:
    try:
        return steps()
    except OperationalError:
        raise  # the database is out of reach: the caller says so in its own words
    # A bug of ours (or a panic inside polars) must still not show the user a traceback;
    # the transaction, if any, was rolled back.
    except (Exception, pl.exceptions.PanicException):
        logger.exception("Unexpected error while importing %s", file_name)
        return _refused(
            file_name,
            kind,
            f"Le fichier « {file_name} » n'a pas pu être importé à cause d'une erreur inattendue "
            "de Pilotage. Rien n'a été enregistré. Merci de signaler le problème avec ce fichier.",
        )


def _read_options(
    engine: Engine, settings: Settings, now: datetime, kind: str | None, sheet: str | None
) -> dict[str, object]:
    return {
        "today": now.date(),
        "max_bytes": settings.max_file_bytes,
        "unpack": unpack_limits(settings),
        "future_days": settings.future_tolerance_days,
        "earliest": settings.earliest_date,
        "kind": kind,
        "payment_terms_days": settings.payment_terms_days,
        "extra_layouts": tuple(m.layout() for m in saved_mappings(engine)),
        "sheet": sheet,
    }


def _after_reading(
    engine: Engine,
    batch: Batch,
    *,
    settings: Settings,
    now: datetime,
    dry_run: bool,
    allow_partial: bool,
    same_bytes_check: bool,
    on_wait: Callable[[], None] | None,
) -> ImportResult:
    result = _result_from(batch)
    if result.rejected and not batch.has_valid_rows:
        return _with_status(
            result,
            "rejected",
            f"Fichier refusé : aucune ligne valide ({result.rejected} ligne(s) en erreur sur "
            f"{result.rows_read}). Rien n'a été enregistré.",
        )
    if result.rejected and not allow_partial:
        return _with_status(
            result,
            "rejected",
            f"Fichier refusé : {result.rejected} ligne(s) en erreur sur {result.rows_read}. "
            "Rien n'a été enregistré. Corrigez le fichier, ou importez seulement les lignes "
            "valides (les lignes refusées restent dans le rapport d'erreurs).",
        )
    if dry_run:
        return _preview(engine, batch, result)
    if not roles.may(settings.role, "import"):
        return _refused(result.file, result.kind, roles.refusal(settings.role, "import"))
    return _write(engine, batch, result, settings=settings, now=now,
                  same_bytes_check=same_bytes_check, on_wait=on_wait)  # fmt: skip


def _preview(engine: Engine, batch: Batch, result: ImportResult) -> ImportResult:
    try:
        _set_counts(result, store.plan_import(engine, batch))
    except store.PlanRefused as refusal:
        return _refused_by_plan(result, refusal)
    message = "Aperçu : " + _counts_sentence(result) + " Rien n'a encore été enregistré."
    return _with_status(result, "preview", message)


def _write(
    engine: Engine,
    batch: Batch,
    result: ImportResult,
    *,
    settings: Settings,
    now: datetime,
    same_bytes_check: bool,
    on_wait: Callable[[], None] | None,
) -> ImportResult:
    try:
        written = store.write_import(
            engine, batch, user=settings.user, now=now, same_bytes_check=same_bytes_check,
            on_wait=on_wait,
        )  # fmt: skip
    except store.PlanRefused as refusal:
        return _refused_by_plan(result, refusal)
    except DatabaseError as busy:
        return _refused(result.file, result.kind, str(busy))
    if written.already is not None:  # the same bytes landed while this one was being read
        return _already_imported(result.file, written.already)
    _set_counts(result, written.plan)
    result.batch_id, result.data_version = written.batch_id, written.data_version
    message = f"Import n° {result.batch_id} enregistré : " + _counts_sentence(result)
    return _with_status(result, "imported", message)


def _with_status(result: ImportResult, status: str, message: str) -> ImportResult:
    result.status, result.message = status, message
    return result


def _refused_by_plan(result: ImportResult, refusal: store.PlanRefused) -> ImportResult:
    """Valid alone, refused with what the store holds (a day over 24 hours)."""
    result.errors += refusal.errors
    result.rejected += len(refusal.errors)
    return _with_status(result, "rejected", str(refusal))


def saved_mappings(engine: Engine) -> list[mapping.SavedMapping]:
    """The column mappings saved in the store, each read as one more layout."""
    return [mapping.from_json(*row) for row in store.read_mappings(engine)]


def save_mapping(
    engine: Engine,
    name: str,
    kind: str,
    headers: list[str],
    columns: dict[str, str | None],
    *,
    now: datetime,
) -> mapping.SavedMapping:
    """Check then store a mapping; `MappingError` lists what is wrong, in French."""
    saved = mapping.checked(name, kind, headers, columns)
    store.save_mapping(engine, name, kind, saved.to_json(), now=now)
    return saved


def unpack_limits(settings: Settings) -> UnpackLimits:
    return UnpackLimits(settings.max_unpacked_mb * 1024 * 1024, settings.max_unpack_ratio)


def _already_imported(file_name: str, previous: ImportBatch) -> ImportResult:
    kinds = previous.kinds.split(",")
    return ImportResult(
        file=file_name,
        source=previous.source,
        kind=kinds[0] if len(kinds) == 1 else "mixed",
        kinds=kinds,
        status="already_imported",
        rows_read=previous.rows_read,
        unchanged=previous.rows_read - previous.rejected,
        rejected=previous.rejected,
        batch_id=previous.id,
        source_label=json.loads(previous.details).get("source_label"),
        message=(
            f"Ce fichier a déjà été importé le {_when(previous.created_at)} par {previous.user} "
            f"(import n° {previous.id}) : rien n'a changé."
        ),
    )


def _refused(file_name: str, kind: str | None, message: str) -> ImportResult:
    error = {"row": None, "column": None, "value": None, "message": message}
    return ImportResult(
        file=file_name, source=None, kind=kind, status="rejected", errors=[error], message=message
    )


def _result_from(batch: Batch) -> ImportResult:
    return ImportResult(
        file=batch.file_name,
        source=batch.source,
        kind=batch.kinds[0] if len(batch.kinds) == 1 else "mixed",
        kinds=batch.kinds,
        status="preview",
        rows_read=batch.rows_read,
        rejected=batch.rejected_rows,
        errors=batch.errors.drop("sheet").to_dicts(),
        source_label=batch.source_label,
        notes=list(batch.notes),
        preview={k: batch.valid(k).drop(ROW, strict=False).head(PREVIEW_ROWS) for k in batch.kinds},
        batch=batch,
    )


def _set_counts(result: ImportResult, plan: Plan) -> None:
    for name in ("added", "updated", "removed", "unchanged"):
        setattr(result, name, plan.total(name))


def _counts_sentence(result: ImportResult) -> str:
    return (
        f"{result.added} ajoutée(s), {result.updated} mise(s) à jour, {result.removed} "
        f"remplacée(s) par le nouvel export, {result.unchanged} inchangée(s), "
        f"{result.rejected} refusée(s)."
    )


def _when(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y à %H:%M")


def errors_workbook(result: ImportResult) -> bytes:
    """The rejected rows with their reasons, as an xlsx the accountant can download."""
    from openpyxl import Workbook  # here: an import from the command line never needs it

    from model.imports.template import append_text_safe

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Erreurs"
    sheet.append(["Fichier", "Ligne", "Colonne", "Valeur", "Problème"])
    for error in result.errors:
        row = [result.file, error["row"], error["column"], error["value"], error["message"]]
        append_text_safe(sheet, row)
    for letter, width in zip("ABCDE", (30, 8, 24, 24, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
