"""The command-line contract users' scripts rely on: JSON shapes and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from model.facts import FACTS
from tests.conftest import FIXTURES

PROJECT = Path(__file__).resolve().parents[1]
IMPORT_KEYS = {
    "file", "source", "kind", "status", "rows_read", "added", "updated", "removed",
    "unchanged", "rejected", "errors", "batch_id",
}  # fmt: skip


def run(*args: str, db: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "model", *args, "--db", db],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
        input=stdin,
    )


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_import_json_and_exit_codes(db_url: str, tmp_path: Path):
    good = FIXTURES / "odoo/invoices_fr.xlsx"
    bad = tmp_path / "bad.csv"
    bad.write_text('"Date","Employé","Quantité"\n"2024-03-01","Alice","x"\n', encoding="utf-8")

    preview = run("import", str(good), "--dry-run", "--json", db=db_url)
    assert preview.returncode == 0, preview.stderr
    (line,) = json_lines(preview.stdout)
    assert set(line) >= IMPORT_KEYS
    assert (line["status"], line["added"], line["batch_id"]) == ("preview", 4, None)

    done = run("import", str(good), str(bad), "--json", db=db_url)
    assert done.returncode == 1  # a file was rejected
    first, second = json_lines(done.stdout)
    assert (first["status"], first["source"], first["kind"], first["added"]) == (
        "imported", "odoo", "invoices", 4,
    )  # fmt: skip
    assert isinstance(first["batch_id"], int)
    assert second["status"] == "rejected"
    assert second["errors"] == [
        {
            "row": 2,
            "column": "Quantité",
            "value": "x",
            "message": "Ligne 2, colonne « Quantité » : « x » n'est pas une durée en heures "
            "(attendu : 7,5 ou 7:30)",
        }
    ]

    again = run("import", str(good), "--json", db=db_url)
    assert again.returncode == 0
    assert json_lines(again.stdout)[0]["status"] == "already_imported"

    partial = run("import", str(bad), "--allow-partial", "--json", db=db_url)
    assert json_lines(partial.stdout)[0]["rejected"] == 1


def test_batches_undo_export_template(db_url: str, tmp_path: Path):
    run("import", str(FIXTURES / "template/template_filled.xlsx"), db=db_url)
    batches = run("batches", "--json", db=db_url)
    (batch,) = json.loads(batches.stdout)
    assert (batch["id"], batch["status"], batch["added"]) == (1, "active", 19)

    out_csv = tmp_path / "factures.csv"
    exported = run("export", "invoices", "--out", str(out_csv), db=db_url)
    assert exported.returncode == 0, exported.stderr
    frame = pl.read_csv(out_csv, infer_schema=False)
    assert frame.columns == FACTS["invoices"].names
    assert frame.filter(pl.col("number") == "AV-2024-001")["amount_total"].item() == "-240.00"

    out_xlsx = tmp_path / "paiements.xlsx"
    run("export", "payments", "--out", str(out_xlsx), db=db_url)
    sheet = load_workbook(out_xlsx).active
    assert [c.value for c in sheet[1]] == FACTS["payments"].names

    template = tmp_path / "modele.xlsx"
    assert run("template", "--out", str(template), db=db_url).returncode == 0
    assert load_workbook(template).sheetnames[1:] == [f.sheet for f in FACTS.values()]

    undone = run("undo", "1", "--json", db=db_url)
    assert json.loads(undone.stdout)["status"] == "undone"
    refused = run("undo", "1", db=db_url)
    assert refused.returncode == 1
    assert "déjà été annulé" in refused.stderr


def test_exported_csv_imports_back_unchanged(sqlite_url: str, tmp_path: Path):
    run("import", str(FIXTURES / "odoo/timesheets_fr.csv"), db=sqlite_url)
    out = tmp_path / "temps.csv"
    run("export", "timesheets", "--out", str(out), db=sqlite_url)
    assert "'=cmd" in out.read_text(encoding="utf-8")  # no formula for a spreadsheet to run
    back = run("import", str(out), "--json", db=sqlite_url)
    result = json_lines(back.stdout)[0]
    assert (result["source"], result["added"], result["unchanged"]) == ("template", 0, 6)


@pytest.mark.parametrize(
    ("args", "code"),
    [(("import",), 2), (("export", "nothing", "--out", "x.csv"), 2), (("frobnicate",), 2)],
)
def test_misuse_exits_with_2(sqlite_url: str, args: tuple[str, ...], code: int):
    assert run(*args, db=sqlite_url).returncode == code


def test_db_option_before_the_command(sqlite_url: str):
    result = subprocess.run(
        [sys.executable, "-m", "model", "--db", sqlite_url, "batches", "--json"],
        cwd=PROJECT, capture_output=True, text=True, check=False,
        env={**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
    )  # fmt: skip
    assert (result.returncode, result.stdout.strip()) == (0, "[]")


def test_missing_file_is_misuse(sqlite_url: str):
    result = run("import", "/nonexistent/export.csv", db=sqlite_url)
    assert result.returncode == 2
    assert "impossible de lire" in result.stderr


def test_unreachable_database_is_a_sentence_not_a_traceback():
    result = run("batches", db="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : base de données inaccessible")
    assert "Traceback" not in result.stderr


def test_db_given_as_a_path_is_a_sqlite_file(tmp_path: Path):
    base = tmp_path / "firme.db"
    result = run("batches", "--json", db=str(base))
    assert (result.returncode, result.stdout.strip(), base.exists()) == (0, "[]", True)


def test_db_of_an_unsupported_kind_is_a_sentence_not_a_traceback():
    result = run("batches", db="mysql://user:secret@host/db")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Erreur : La base « mysql://… » n'est pas prise en charge : "
        "sqlite:///chemin/vers/fichier.db ou postgresql://utilisateur@hôte/base est attendu."
    )
    assert "secret" not in result.stderr


def test_settings_are_listed_and_changed(sqlite_url: str):
    changed = run("settings", "receivables.basis=invoice_date", "--json", db=sqlite_url)
    assert changed.returncode == 0, changed.stderr
    values = json.loads(changed.stdout)
    assert (values["receivables.basis"], values["receivables.limits"]) == (
        "invoice_date",
        [30, 60, 90],
    )
    refused = run("settings", "receivables.limits=[90,30]", db=sqlite_url)
    assert refused.returncode == 1
    assert "n'est pas une valeur valable" in refused.stderr


def test_an_environment_setting_that_is_not_a_number_is_explained(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PILOTAGE_MAX_FILE_MB", "beaucoup")  # inherited by the subprocess
    done = run("batches", db=sqlite_url)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Erreur : La variable d'environnement PILOTAGE_MAX_FILE_MB vaut « beaucoup » : un "
        "nombre entier positif est attendu (par défaut 50)."
    )


def test_control_characters_never_reach_the_terminal(db_url: str, tmp_path: Path):
    """Issue 10 §4: a cell or a file name holding ESC sequences could clear the screen."""
    clear_screen = "\x1b[2J\x1b]0;pwned\x07"
    path = tmp_path / f"factures{clear_screen}.csv"
    header = '"Numéro","Client","Date de facture","Montant TTC"\n'
    cells = header + f'"F-1","ACME{clear_screen}\x00","31/13/2024","12"\n'
    path.write_text(cells, encoding="utf-8")
    human = run("import", str(path), db=db_url)
    assert human.returncode == 1
    assert "\x1b" not in human.stdout + human.stderr and "\x07" not in human.stdout
    assert "factures\\u001b[2J\\u001b]0;pwned\\u0007.csv" in human.stdout
    assert "« 31/13/2024 » n'est pas une date" in human.stdout
    machine = run("import", str(path), "--json", db=db_url)
    answer = json_lines(machine.stdout)[0]
    assert answer["file"] == str(path)  # the JSON string decodes to the real name
    # The cell's control characters were removed when the file was read (both databases).
    fixed = path.read_text(encoding="utf-8").replace("31/13/2024", "31/12/2023")
    path.write_text(fixed, encoding="utf-8")
    imported = json_lines(run("import", str(path), "--json", db=db_url).stdout)[0]
    assert imported["status"] == "imported"
    exported = tmp_path / "factures.csv"
    run("export", "invoices", "--out", str(exported), db=db_url)
    assert pl.read_csv(exported)["client"].to_list() == ["ACME[2J]0;pwned"]


def test_quality_json(db_url: str, tmp_path: Path):
    """`python -m model quality --json`: Odoo time lines alone (no staff list), one line written
    twice in the file. Alice and Bruno are assumed (35 h from their first line, 4 and 5 March
    2024): each is due the weeks of 4, 11, 18 and 25 March and logged in the first only,
    2 of 8 person-weeks: 25 %. The twice-written line is kept twice and reported."""
    export = tmp_path / "temps.csv"
    export.write_text(
        "Date,Employé,Projet,Description,Quantité\n"
        "04/03/2024,Alice,Refonte,Atelier,7\n"
        "04/03/2024,Alice,Refonte,Atelier,7\n"
        '05/03/2024,Bruno,Refonte,Développement,"3,5"\n',
        encoding="utf-8",
    )
    assert run("import", str(export), db=db_url).returncode == 0
    done = run("quality", "--from", "2024-03-01", "--to", "2024-03-31", "--json", db=db_url)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["complete_pct"] == 25.0
    assert report["coverage"] == [
        {"month": "2024-03", "expected_weeks": 8, "weeks_with_time": 2, "complete_pct": 25.0}
    ]
    assert [(w["employee"], w["week"], w["available_h"]) for w in report["missing_weeks"]] == [
        (name, f"2024-03-{day}", 35.0) for name in ("Alice", "Bruno") for day in (11, 18, 25)
    ]
    assert report["assumed"] == {"people": ["Alice", "Bruno"], "projects": ["Refonte"]}
    assert report["duplicated_lines"] == [
        {"file": "temps.csv", "date": "2024-03-04", "employee": "Alice", "project": "Refonte",
         "hours": 7.0, "copies": 2}
    ]  # fmt: skip
    assert report["revenue_vs_invoices"] == [] and report["timesheet_costs"] == []
    backwards = run("quality", "--from", "2024-03-31", "--to", "2024-03-01", db=db_url)
    assert backwards.returncode == 2 and "--from doit précéder --to" in backwards.stderr
