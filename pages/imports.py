"""Imports: drop files, preview what would change, confirm or skip; history with undo."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import streamlit as st

from model.exports import template_bytes
from model.facts import FACTS, KINDS
from model.formatting import day, moment
from model.importing import ImportResult, errors_workbook, import_batch, save_mapping
from model.imports import mapping
from model.services import Refused, undo_import
from model.settings import paris_now
from ui.loaders import (
    batches,
    empty_template,
    engine_or_stop,
    headers_of,
    preview,
    refresh_after_write,
    settings,
    version,
)
from ui.quality import show_audit_trail, show_data_quality
from ui.routing import routed_by_app
from ui.texts import fact_label, lang, plain, t
from ui.widgets import (
    batch_column_config,
    batches_for_display,
    release_uploads,
    show_rows_read,
    uploader_key,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

routed_by_app()
engine = engine_or_stop()
st.title(t("imports"))
for ok, message in st.session_state.pop("import_messages", []):
    (st.success if ok else st.error)(plain(message))

kind = st.selectbox(
    t("kind"), [None, *KINDS], format_func=lambda k: t("auto") if k is None else fact_label(k)
)
uploads = st.file_uploader(
    t("upload", limit=settings().max_file_bytes // (1024 * 1024)),
    type=["xlsx", "xls", "xlsm", "ods", "csv", "txt", "pdf", "xml"],
    accept_multiple_files=True,
    help=t("upload_help"),
    key=uploader_key(),
)
skipped: set[str] = st.session_state.setdefault("skipped_files", set())
# Files imported in this session: while other dropped files wait, their box says so instead
# of previewing them again ("déjà importé, rien n'a changé" under the green banner).
imported: dict[str, int] = st.session_state.setdefault("imported_files", {})
dropped = {hashlib.sha256(upload.getvalue()).hexdigest()[:16]: upload for upload in uploads or []}


def release_if_all_handled() -> None:
    """Once every dropped file is imported or set aside, the uploader is emptied and the server
    forgets the files (a 50 MB file was held until the tab was closed)."""
    if all(file_id in imported or file_id in skipped for file_id in dropped):
        release_uploads(list(dropped.values()))


def show_counts(result: ImportResult) -> None:
    names = ("rows_read", "added", "updated", "removed", "unchanged", "rejected")
    for column, name in zip(st.columns(len(names)), names, strict=True):
        column.metric(t(name), getattr(result, name))


def offer_mapping(name: str, data: bytes, file_id: str) -> None:
    """An unknown layout: let the user say which column is which, and remember it."""
    headers = headers_of(name, data)
    if len(headers) < 2:
        return
    with st.expander(t("mapping_title"), expanded=True, icon=":material/table_edit:"):
        st.caption(t("mapping_help"))
        mapped_kind = st.selectbox(t("kind"), KINDS, format_func=fact_label,
                                   index=KINDS.index(kind or "timesheets"),
                                   key=f"mapping-kind-{file_id}")  # fmt: skip
        guess = mapping.suggest(headers, mapped_kind)
        columns: dict[str, str | None] = {}
        grid = st.columns(3)
        for index, column in enumerate(FACTS[mapped_kind].columns):
            label = column.header + (" *" if column.required else "")
            chosen = guess[column.name]
            columns[column.name] = grid[index % 3].selectbox(
                label, headers, index=headers.index(chosen) if chosen else None,
                placeholder=t("mapping_none"), key=f"mapping-{file_id}-{mapped_kind}-{column.name}",
            )  # fmt: skip
        mapping_name = st.text_input(t("mapping_name"), value=name.rsplit(".", 1)[0],
                                     key=f"mapping-name-{file_id}")  # fmt: skip
        if st.button(t("mapping_save"), key=f"mapping-save-{file_id}", type="primary"):
            try:
                save_mapping(engine, mapping_name.strip() or name, mapped_kind, headers, columns,
                             now=paris_now())  # fmt: skip
            except mapping.MappingError as refusal:
                st.error(plain(refusal))
            else:
                refresh_after_write()
                st.session_state["import_messages"] = [
                    (True, t("mapping_saved", name=mapping_name.strip() or name))
                ]
                st.rerun()


SHOWN_ERRORS = 30


def show_errors(errors: list[dict]) -> None:
    """The refused rows with French headers and their reasons whole (a grid cuts long text);
    the rest are in the error report."""
    words = {"row": t("error_row"), "column": t("error_column"), "value": t("error_value"),
             "message": t("error_message")}  # fmt: skip
    st.table(
        [{words[k]: plain(str(e[k] if e[k] is not None else "")) for k in words}
         for e in errors[:SHOWN_ERRORS]],
        hide_index=True,
    )  # fmt: skip
    if len(errors) > SHOWN_ERRORS:
        st.caption(t("more_errors", shown=SHOWN_ERRORS, count=len(errors)))


def show_preview(result: ImportResult, file_id: str, name: str, data: bytes) -> None:
    if result.source_label:
        st.caption(f"{t('detected')} : {result.source_label}")
    if result.status == "rejected" and result.rows_read == 0:
        st.error(plain(result.message))
        offer_mapping(name, data, file_id)
        return
    if result.status == "already_imported":
        st.info(plain(result.message))
        return
    show_counts(result)
    if result.errors:
        st.error(plain(result.message) if result.status == "rejected" else t("errors"))
        show_errors(result.errors)
        st.download_button(
            t("error_report"),
            errors_workbook(result),
            file_name=f"erreurs-{Path(result.file).stem}.xlsx",  # not export.xlsx.xlsx
            mime=XLSX,
            key=f"report-{file_id}",
        )
    if result.notes:
        with st.expander(f"{t('notes')} ({len(result.notes)})"):
            st.write("\n".join(f"- {plain(note)}" for note in result.notes[:100]))
    for fact_kind, rows in result.preview.items():
        st.caption(f"{t('first_rows')} — {fact_label(fact_kind)}")
        show_rows_read(fact_kind, rows, key=f"rows-{file_id}-{fact_kind}")


for file_id, upload in dropped.items():
    data = upload.getvalue()
    if file_id in skipped:
        continue
    with st.container(border=True):
        st.subheader(plain(upload.name))
        if file_id in imported:
            st.caption(t("file_imported", id=imported[file_id]))
            continue
        result = preview(engine, upload.name, data, kind, version())
        show_preview(result, file_id, upload.name, data)
        if result.status == "already_imported" or result.batch is None or result.rows_read == 0:
            continue
        partial = False
        if result.rejected and result.batch.has_valid_rows:  # none valid: refused, no choice
            partial = st.checkbox(t("allow_partial"), key=f"partial-{file_id}")
        left, right = st.columns(2)
        can_write = result.status == "preview" or partial
        if left.button(
            t("confirm"), key=f"confirm-{file_id}", type="primary", disabled=not can_write
        ):
            # The preview's reading is written as it is: the file is not read a second time.
            done = import_batch(
                engine, result.batch, settings=settings(), now=paris_now(),
                allow_partial=partial, on_wait=lambda: st.info(t("waiting_writer")),
            )  # fmt: skip
            refresh_after_write(done)
            st.session_state["import_messages"] = [(done.status == "imported", done.message)]
            if done.status == "imported" and done.batch_id is not None:
                imported[file_id] = done.batch_id
                release_if_all_handled()
            st.rerun()
        if right.button(t("cancel"), key=f"skip-{file_id}"):
            skipped.add(file_id)
            release_if_all_handled()
            st.rerun()


def confirm_undo(batch: dict) -> None:
    """An undo says what it will take away, and whose work it was, before it happens."""
    counts = {name: batch[name] for name in ("added", "updated", "removed")}
    who = {"file": plain(batch["file_name"]), "user": plain(batch["user"])}
    st.warning(t("undo_confirm", id=batch["id"], when=day(batch["created_at"], lang()), **who,
                 **counts))  # fmt: skip
    left, right = st.columns(2)
    if right.button(t("undo_no"), key="undo-no"):
        st.session_state.pop("undo_asked", None)
        st.rerun()
    if not left.button(t("undo_yes"), key="undo-yes", type="primary"):
        return
    st.session_state.pop("undo_asked", None)
    try:
        undo_import(engine, batch["id"], now=paris_now(), user=settings().user,
                    role=settings().role, on_wait=lambda: st.info(t("waiting_writer")))  # fmt: skip
    except Refused as refusal:
        st.error(plain(refusal))
        return
    refresh_after_write()
    for file_id in [f for f, number in imported.items() if number == batch["id"]]:
        del imported[file_id]  # its box previews the file again
    st.session_state["import_messages"] = [(True, t("undone", id=batch["id"]))]
    st.rerun()


def undo_choice(batch: dict) -> str:
    """An import as the undo picker names it: number, file, when, by whom, and its counts."""
    return t("undo_choice", id=batch["id"], file=batch["file_name"], user=batch["user"],
             when=moment(batch["created_at"], lang()), added=batch["added"],
             updated=batch["updated"], removed=batch["removed"])  # fmt: skip


st.header(t("history"))
history = batches(engine, version())
if history.height == 0:
    st.caption(t("no_history"))
else:
    st.dataframe(
        batches_for_display(history), hide_index=True, column_config=batch_column_config(),
        placeholder="",
    )  # fmt: skip
    active = history.filter(history["status"] == "active")["id"].to_list()
    if active:
        described = {row["id"]: undo_choice(row) for row in history.iter_rows(named=True)}
        chosen = st.selectbox(t("undo_pick"), active, format_func=described.get)
        if st.button(t("undo"), icon=":material/undo:"):
            st.session_state["undo_asked"] = chosen
        if st.session_state.get("undo_asked") == chosen:
            confirm_undo(history.filter(pl.col("id") == chosen).row(0, named=True))

show_audit_trail(engine)

show_data_quality(engine)

st.header(t("template"))
left, right = st.columns(2)
left.download_button(
    t("template_empty"), empty_template(), file_name="modele-pilotage.xlsx", mime=XLSX
)
if history.height:
    right.download_button(
        t("template_filled"),
        # Built only when clicked: a large store takes a few seconds to write.
        lambda: template_bytes(engine),
        file_name="pilotage-donnees.xlsx" if lang() == "fr" else "pilotage-data.xlsx",
        mime=XLSX,
    )
