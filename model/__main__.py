"""Command line: `python -m model init|import|batches|undo|export|template|demo|kpi|quality…`.

The `--json` outputs are relied upon by users' scripts: extend them, never break them.
Exit codes: 0 success, 1 a file was rejected (or an operation refused), 2 misuse.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import re
import sys
from argparse import Namespace
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import OperationalError

from model.db import DatabaseError, WorkspaceError, get_engine, init_db
from model.facts import FACTS, KINDS
from model.roles import OPERATOR, ROLES, Forbidden, check, check_command
from model.settings import DATA_DIR, Settings, SettingsError, paris_now
from model.views import KPI_NAMES

# Readers, writers, KPI families and workbooks are imported by the commands that use them:
# `python -m model batches` starts in a fraction of the time (issue 16 B2).
if TYPE_CHECKING:
    from model.accounts import User
    from model.importing import ImportResult


def build_parser() -> argparse.ArgumentParser:
    # --db is accepted before or after the command; SUPPRESS keeps a subcommand's absent
    # --db from overwriting one given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", metavar="URL", default=argparse.SUPPRESS, help="base (défaut : DATABASE_URL)"
    )
    parser = argparse.ArgumentParser(prog="python -m model", description="Pilotage")
    parser.add_argument("--db", metavar="URL", help="base de données (défaut : DATABASE_URL)")
    parser.add_argument(
        "--workspace",
        metavar="NOM",
        help="travailler dans ce dossier (python -m model workspace list)",
    )
    parser.add_argument(
        "--as", dest="as_user", metavar="NOM",
        help="voir et agir comme ce compte : son rôle borne ce que la commande montre et fait",
    )  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("init", parents=[common], help="créer ou mettre à niveau la base")

    imp = commands.add_parser("import", parents=[common], help="importer des fichiers")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--kind", choices=[*KINDS, "fec"])
    imp.add_argument("--dry-run", action="store_true", help="aperçu, rien n'est écrit")
    imp.add_argument("--allow-partial", action="store_true", help="importer les lignes valides")
    imp.add_argument("--sheet", metavar="NOM", help="lire seulement cette feuille du classeur")
    imp.add_argument("--json", action="store_true")

    batches = commands.add_parser("batches", parents=[common], help="historique des imports")
    batches.add_argument("--json", action="store_true")

    undo = commands.add_parser("undo", parents=[common], help="annuler un import")
    undo.add_argument("batch_id", type=int, metavar="BATCH_ID")
    undo.add_argument("--json", action="store_true")

    export = commands.add_parser("export", parents=[common], help="exporter des données")
    export.add_argument("kind", choices=KINDS, metavar="KIND")
    export.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx")

    tpl = commands.add_parser("template", parents=[common], help="modèle d'import Pilotage")
    tpl.add_argument("--out", required=True, metavar="FILE.xlsx")
    tpl.add_argument("--filled", action="store_true", help="rempli avec les données actuelles")

    kpi = commands.add_parser("kpi", parents=[common], help="calculer un indicateur")
    kpi.add_argument("name", choices=KPI_NAMES, metavar="NAME", help=", ".join(KPI_NAMES))
    kpi.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD")
    kpi.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD")
    kpi.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD")
    kpi.add_argument(
        "--weeks",
        type=int,
        default=13,
        choices=range(1, 53),
        metavar="1-52",
        help="cash-forecast : semaines ISO (13 par défaut)",
    )
    kpi.add_argument(
        "--months",
        type=int,
        default=6,
        choices=range(1, 25),
        metavar="1-24",
        help="cash-forecast : mois (6 par défaut, 12 sur demande)",
    )
    kpi.add_argument(
        "--scenario",
        choices=("base", "pessimistic", "optimistic"),
        default="base",
        help="cash-forecast : scénario",
    )
    kpi.add_argument("--json", action="store_true")

    quality = commands.add_parser(
        "quality", parents=[common], help="qualité des données : ce qui manque, ce qui est supposé"
    )
    quality.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD")
    quality.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD")
    quality.add_argument("--json", action="store_true")

    trail = commands.add_parser("journal", parents=[common], help="journal des modifications")
    trail.add_argument("--limit", type=int, default=100, metavar="N")
    trail.add_argument("--json", action="store_true")

    digest = commands.add_parser(
        "digest", parents=[common], help="résumé hebdomadaire des alertes par e-mail"
    )
    digest.add_argument("--send", action="store_true", help="envoyer (sinon : aperçu)")
    digest.add_argument(
        "--to",
        action="append",
        default=[],
        metavar="NOM",
        help="ce compte (répétable ; défaut : chaque compte avec une adresse)",
    )
    digest.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD")
    digest.add_argument("--json", action="store_true")

    diag = commands.add_parser(
        "audit", parents=[common], help="diagnostic : l'argent perdu par an, fuite par fuite"
    )
    diag.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD")
    diag.add_argument("--json", action="store_true")
    # `audit --limit` was the change log's (issue 14): said, not silently reinterpreted.
    diag.add_argument("--limit", dest="limit_was_given", type=int, help=argparse.SUPPRESS)

    report = commands.add_parser("report", parents=[common], help="rapports à remettre")
    report.add_argument("kind", choices=("audit",), help="audit : le rapport du diagnostic")
    report.add_argument("--out", required=True, metavar="FICHIER.pdf|FICHIER.xlsx")
    report.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD")
    report.add_argument("--lang", choices=("fr", "en"), default="fr")
    report.add_argument("--company", metavar="NOM", help="la société auditée (défaut : le dossier)")
    report.add_argument("--consultant", metavar="NOM", default="")
    report.add_argument("--firm", metavar="NOM", default="", help="le cabinet du consultant")

    user = commands.add_parser("user", parents=[common], help="comptes et rôles")
    user_actions = user.add_subparsers(dest="action", required=True)
    add = user_actions.add_parser("add", parents=[common], help="créer un compte")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument("--email", metavar="ADRESSE")
    add.add_argument("--language", choices=("fr", "en"), default="fr")
    add.add_argument("--pole", metavar="PÔLE", help="le pôle d'un chef de projet (ce qu'il voit)")
    add.add_argument("--password-stdin", action="store_true", help="lire le mot de passe sur stdin")
    add.add_argument("--json", action="store_true")
    users = user_actions.add_parser("list", parents=[common], help="lister les comptes")
    users.add_argument("--json", action="store_true")
    passwd = user_actions.add_parser("passwd", parents=[common], help="changer un mot de passe")
    passwd.add_argument("name", metavar="NAME")
    passwd.add_argument("--password-stdin", action="store_true")
    disable = user_actions.add_parser("disable", parents=[common], help="désactiver un compte")
    disable.add_argument("name", metavar="NAME")

    spaces = commands.add_parser(
        "workspace", parents=[common], help="dossiers (une base par société)"
    )
    space_actions = spaces.add_subparsers(dest="action", required=True)
    listing = space_actions.add_parser("list", parents=[common], help="les dossiers")
    listing.add_argument("--archived", action="store_true", help="les dossiers archivés aussi")
    listing.add_argument("--json", action="store_true")
    created = space_actions.add_parser("create", parents=[common], help="créer un dossier")
    created.add_argument("name", metavar="NOM")
    created.add_argument(
        "--demo", action="store_true", help="rempli de la société de démonstration"
    )
    renamed = space_actions.add_parser("rename", parents=[common], help="renommer un dossier")
    renamed.add_argument("name", metavar="NOM")
    renamed.add_argument("new_name", metavar="NOUVEAU_NOM")
    copied = space_actions.add_parser("duplicate", parents=[common], help="copier un dossier")
    copied.add_argument("name", metavar="NOM")
    copied.add_argument("new_name", metavar="NOUVEAU_NOM")
    for verb, words in (("archive", "archiver"), ("restore", "désarchiver")):
        space_actions.add_parser(verb, parents=[common], help=f"{words} un dossier").add_argument(
            "name", metavar="NOM"
        )
    removed = space_actions.add_parser("delete", parents=[common], help="supprimer un dossier")
    removed.add_argument("name", metavar="NOM")
    removed.add_argument("--export", metavar="FICHIER.xlsx", help="l'export final, écrit avant")
    removed.add_argument("--no-export", action="store_true", help="supprimer sans export final")
    removed.add_argument("--yes", action="store_true", help="confirmer la suppression")
    granted = space_actions.add_parser(
        "grant", parents=[common], help="ouvrir un dossier à un consultant"
    )
    granted.add_argument("name", metavar="NOM")
    granted.add_argument("consultant", metavar="COMPTE")

    conf = commands.add_parser("settings", parents=[common], help="paramètres des indicateurs")
    conf.add_argument(
        "changes", nargs="*", metavar="CLE=VALEUR", help="ex. receivables.limits=[45,90]"
    )
    conf.add_argument("--json", action="store_true")

    mapping = commands.add_parser("mapping", parents=[common], help="correspondances de colonnes")
    actions = mapping.add_subparsers(dest="action", required=True)
    suggest = actions.add_parser("suggest", parents=[common], help="proposer une correspondance")
    suggest.add_argument("file", metavar="FILE")
    suggest.add_argument("--kind", choices=KINDS, required=True)
    suggest.add_argument("--json", action="store_true")
    save = actions.add_parser("save", parents=[common], help="enregistrer une correspondance")
    save.add_argument("name", metavar="NAME")
    save.add_argument("file", metavar="FILE")
    save.add_argument("--kind", choices=KINDS, required=True)
    save.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="COLONNE=EN-TÊTE",
        help="corriger la proposition, ex. --set hours='Temps (h)'",
    )
    listing = actions.add_parser("list", parents=[common], help="correspondances enregistrées")
    listing.add_argument("--json", action="store_true")

    demo = commands.add_parser("demo", parents=[common], help="charger la société de démonstration")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD")
    demo.add_argument("--out", metavar="DIR", help="dossier des fichiers (défaut : data/demo)")
    demo.add_argument("--json", action="store_true")
    return parser


class ControlEscapingWriter(io.TextIOBase):
    """What the CLI prints, with control characters written as `\\u001b`: a file name or a
    value cannot clear the screen or rewrite the terminal's title. The same escape is valid
    inside a JSON string, so --json output stays JSON."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(re.sub(TERMINAL_CONTROLS, lambda m: f"\\u{ord(m[0]):04x}", text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


TERMINAL_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # all but tab and line feed


def main(argv: list[str] | None = None) -> int:
    with (
        redirect_stdout(ControlEscapingWriter(sys.stdout)),
        redirect_stderr(ControlEscapingWriter(sys.stderr)),
    ):
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings(database_url=args.db) if args.db else Settings()
    except SettingsError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    home = engine = get_engine(settings.database_url)
    try:
        init_db(home)
        args.home, args.viewer = home, OPERATOR
        if args.as_user is not None:
            from model import accounts

            args.viewer = accounts.current_viewer(home, args.as_user)
            if args.viewer is None:
                print(f"Erreur : aucun compte actif « {args.as_user.strip()} ».", file=sys.stderr)
                return 2
        if args.workspace is not None and args.command not in FIRM_COMMANDS:
            from model import workspaces

            engine, args.viewer = workspaces.open_store(home, args.workspace, args.viewer)
            init_db(engine)
        if args.as_user is not None or args.workspace is not None:
            settings = replace(settings, role=args.viewer.role)
        if args.as_user is not None:
            settings = replace(settings, user=args.viewer.name)
            check_command(args.viewer, args.command)
        return COMMANDS[args.command](args, engine, settings)
    except WorkspaceError as refusal:
        print(f"Erreur : {refusal}", file=sys.stderr)
        return 1
    except Forbidden as refusal:
        print(f"Erreur : {refusal}", file=sys.stderr)
        return 1
    except DatabaseError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    except OperationalError as error:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else ""
        print(f"Erreur : base de données inaccessible ({where}) : {reason}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()  # a command is one unit of work: give its connections back
        home.dispose()


# Commands about the firm's installation, whatever --workspace says: accounts, workspaces, digest.
FIRM_COMMANDS = ("user", "workspace", "digest")


def cmd_init(args: Namespace, engine: Engine, settings: Settings) -> int:
    """The base, and every workspace beside it (archived ones too), created or upgraded."""
    from model import workspaces

    print(f"Base prête : {engine.url.render_as_string(hide_password=True)}")
    if engine is not args.home:
        return 0  # --workspace: that one only (opening it migrated it)
    every = workspaces.list_workspaces(args.home, OPERATOR, archived=True)
    for workspace in every:
        init_db(workspaces.store_engine(args.home, workspace.slug))
    if every:
        print(f"{len(every)} dossier(s) à jour.")
    return 0


def cmd_import(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.importing import import_file

    exit_code = 0
    for name in args.files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as error:
            print(f"Erreur : impossible de lire « {name} » ({error.strerror}).", file=sys.stderr)
            return 2
        result = import_file(
            engine,
            data,
            path.name,
            settings=settings,
            now=paris_now(),
            kind=args.kind,
            dry_run=args.dry_run,
            allow_partial=args.allow_partial,
            sheet=args.sheet,
            on_wait=lambda name=name: print(
                _WAITING.format(file=name), file=sys.stderr, flush=True
            ),
        )
        result.file = name
        if result.status == "rejected":
            exit_code = 1
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False, default=str))
        else:
            _print_result(result)
    return exit_code


def _say(message: str) -> None:
    """A message about the command's progress: on stderr, so that --json output stays JSON."""
    print(message, file=sys.stderr, flush=True)


_UNDO_WAITING = "Un import est en cours sur cette base ; l'annulation attend son tour…"
_WAITING = "{file} : un autre import est en cours sur cette base ; celui-ci attend son tour…"


def _print_result(result: ImportResult) -> None:
    source = f" [{result.source_label}]" if result.source_label else ""
    print(f"{result.file}{source} : {result.message}")
    for error in result.errors[:50]:
        print(f"  - {error['message']}")
    if len(result.errors) > 50:
        print(f"  … et {len(result.errors) - 50} autre(s) erreur(s).")


def cmd_batches(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.history import list_batches

    frame = list_batches(engine)
    if args.json:
        print(json.dumps(frame.to_dicts(), ensure_ascii=False, default=str))
        return 0
    for row in frame.iter_rows(named=True):
        status = "" if row["status"] == "active" else " (annulé)"
        print(
            f"n° {row['id']}{status} {row['created_at']:%d/%m/%Y %H:%M} {row['user']} "
            f"{row['file_name']} [{row['kinds']}] +{row['added']} ~{row['updated']} "
            f"-{row['removed']} ={row['unchanged']} refusées {row['rejected']}"
        )
    return 0


def cmd_undo(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.services import Refused, undo_import

    try:
        batch = undo_import(
            engine, args.batch_id, now=paris_now(), user=settings.user, role=settings.role,
            on_wait=lambda: _say(_UNDO_WAITING),
        )  # fmt: skip
    except Refused as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    message = f"Import n° {batch.id} ({batch.file_name}) annulé."
    if args.json:
        print(json.dumps({"batch_id": batch.id, "status": batch.status, "message": message}))
    else:
        print(message)
    return 0


def cmd_export(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.exports import write_export

    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        print("Erreur : --out doit finir par .csv ou .xlsx.", file=sys.stderr)
        return 2
    count = write_export(engine, args.kind, out, with_costs=args.viewer.sees_costs)
    print(f"{count} ligne(s) « {FACTS[args.kind].sheet} » exportée(s) dans {out}.")
    return 0


def cmd_template(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.exports import template_bytes
    from model.roles import check_costs

    if args.filled:
        check_costs(args.viewer, "le modèle rempli de la liste du personnel")
    Path(args.out).write_bytes(template_bytes(engine if args.filled else None))
    print(f"Modèle écrit dans {args.out}.")
    return 0


def cmd_kpi(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.views.access import kpi_json
    from model.views.headlines import twelve_months_before
    from model.views.loading import load_facts, load_settings

    as_of = args.as_of or paris_now().date()
    end = args.end or as_of
    start = args.start or twelve_months_before(end)
    if start > end:
        print("Erreur : --from doit précéder --to.", file=sys.stderr)
        return 2
    result = kpi_json(
        args.viewer, args.name, load_facts(engine), load_settings(engine), as_of=as_of,
        start=start, end=end, weeks=args.weeks, months=args.months, scenario=args.scenario,
    )  # fmt: skip
    print(json.dumps(result, ensure_ascii=False, indent=None if args.json else 2))
    return 0


def cmd_quality(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.views.access import quality_for
    from model.views.headlines import twelve_months_before
    from model.views.loading import load_duplicated_lines, load_facts, load_settings
    from model.views.quality import quality_json, quality_report

    end = args.end or paris_now().date()
    start = args.start or twelve_months_before(end)
    if start > end:
        print("Erreur : --from doit précéder --to.", file=sys.stderr)
        return 2
    report = quality_for(args.viewer, quality_report(
        load_facts(engine), load_settings(engine), load_duplicated_lines(engine), start, end
    ))  # fmt: skip
    print(json.dumps(quality_json(report), ensure_ascii=False, indent=None if args.json else 2))
    return 0


def cmd_journal(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.audit import ACTIONS
    from model.services import audit_trail

    events = audit_trail(engine, limit=max(args.limit, 1))
    rows = [
        {
            **row,
            "at": row["at"].isoformat(timespec="seconds"),
            "details": json.loads(row["details"]),
        }
        for row in events.iter_rows(named=True)
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    for row in rows:
        print(f"{row['at']} {row['user']} : {ACTIONS[row['action']][0]}, {row['subject']}")
    return 0


def cmd_audit(args: Namespace, engine: Engine, settings: Settings) -> int:
    """The diagnostic of the store (a workspace's with --workspace): its JSON is a contract."""
    from model.views.access import diagnostic_for
    from model.views.diagnostic import diagnostic_json
    from model.views.loading import load_facts, load_settings

    as_of = args.as_of or paris_now().date()
    if args.limit_was_given is not None:
        print("Erreur : le journal des modifications est devenu « python -m model journal » "
              "(« audit » donne désormais le diagnostic).", file=sys.stderr)  # fmt: skip
        return 2
    result = diagnostic_for(args.viewer, load_facts(engine), load_settings(engine), as_of=as_of)
    answer = diagnostic_json(result)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False))
        return 0
    print(f"Diagnostic au {as_of:%d/%m/%Y}, du {result.start:%d/%m/%Y} au {result.end:%d/%m/%Y} :")
    for leak in answer["leaks"]:
        print(f"  {leak['code']} : {leak['eur']:.2f} € par an "
              f"(de {leak['low_eur']:.2f} à {leak['high_eur']:.2f} €)")  # fmt: skip
    print(f"Total : {answer['total_eur']:.2f} € par an.")
    return 0


def cmd_report(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.diagnostic_report import ReportHeader, pdf_bytes, xlsx_bytes
    from model.views.access import diagnostic_for
    from model.views.loading import load_facts, load_settings

    out = Path(args.out)
    write = {".pdf": pdf_bytes, ".xlsx": xlsx_bytes}.get(out.suffix.lower())
    if write is None:
        print("Erreur : --out doit finir par .pdf ou .xlsx.", file=sys.stderr)
        return 2
    as_of = args.as_of or paris_now().date()
    kpi_settings = load_settings(engine)
    result = diagnostic_for(args.viewer, load_facts(engine), kpi_settings, as_of=as_of)
    company = args.company or args.workspace or "—"
    header = ReportHeader(company, args.consultant, args.firm, args.lang)
    try:
        out.write_bytes(write(result, header, kpi_settings))
    except OSError as error:
        print(f"Erreur : impossible d'écrire « {out} » ({error.strerror}).", file=sys.stderr)
        return 2
    print(f"Rapport du diagnostic écrit dans {out}.")
    return 0


def cmd_workspace(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model import workspaces

    home, viewer, now, by = args.home, args.viewer, paris_now(), settings.user
    if args.action == "list":
        return _print_workspaces(workspaces.list_workspaces(home, viewer, archived=args.archived),
                                 args.json)  # fmt: skip
    if args.action == "create":
        created, store = workspaces.create(home, args.name, viewer=viewer, now=now, by=by)
        if args.demo:
            from model.demo import load_demo

            load_demo(store, settings, seed=7, as_of=now.date(), now=now)
        store.dispose()
        demo = " avec la société de démonstration" if args.demo else ""
        print(f"Dossier « {created.name} » créé{demo}.")
    elif args.action == "rename":
        workspaces.rename(home, args.name, args.new_name, viewer=viewer, now=now, by=by)
        print(f"Dossier « {args.name.strip()} » renommé « {args.new_name.strip()} ».")
    elif args.action == "duplicate":
        copy = workspaces.duplicate(home, args.name, args.new_name, viewer=viewer, now=now, by=by)
        print(f"Dossier « {args.name.strip()} » copié dans « {copy.name} ».")
    elif args.action in ("archive", "restore"):
        archived = args.action == "archive"
        workspaces.set_archived(home, args.name, archived, viewer=viewer, now=now, by=by)
        print(f"Dossier « {args.name.strip()} » {'archivé' if archived else 'désarchivé'}.")
    elif args.action == "delete":
        return _delete_workspace(args, settings)
    else:
        workspaces.grant(home, args.name, args.consultant, viewer=viewer, now=now, by=by)
        print(f"Le dossier « {args.name.strip()} » est ouvert à {args.consultant.strip()}.")
    return 0


def _delete_workspace(args: Namespace, settings: Settings) -> int:
    """Only with --yes, and after the final export is written (or --no-export said)."""
    from model import workspaces
    from model.exports import template_bytes

    if not args.yes or not (args.export or args.no_export):
        print("Erreur : la suppression est définitive : ajoutez --yes, et --export FICHIER.xlsx "
              "pour garder l'export final (ou --no-export).", file=sys.stderr)  # fmt: skip
        return 2
    if args.export:
        store, _ = workspaces.open_store(args.home, args.name, args.viewer)
        try:
            Path(args.export).write_bytes(template_bytes(store))
        except OSError as error:  # nothing deleted without its final export
            print(f"Erreur : impossible d'écrire « {args.export} » ({error.strerror}) : "
                  "dossier non supprimé.", file=sys.stderr)  # fmt: skip
            return 2
        finally:
            store.dispose()
        print(f"Export final écrit dans {args.export}.")
    workspaces.delete(args.home, args.name, viewer=args.viewer, now=paris_now(), by=settings.user)
    print(f"Dossier « {args.name.strip()} » supprimé.")
    return 0


def _print_workspaces(found: list, as_json: bool) -> int:
    rows = [{"name": w.name, "created_at": w.created_at.isoformat(timespec="seconds"),
             "created_by": w.created_by, "archived": w.archived,
             "consultants": list(w.consultants)} for w in found]  # fmt: skip
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    for row in rows:
        state = " (archivé)" if row["archived"] else ""
        print(f"{row['name']}{state} : créé le {row['created_at']} par {row['created_by']}")
    if not rows:
        print("Aucun dossier.")
    return 0


def cmd_digest(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model import accounts
    from model.digest import DigestError, MailServer, compose, recipients
    from model.views.loading import load_facts, load_settings

    as_of = args.as_of or paris_now().date()
    try:
        chosen = recipients(accounts.list_users(engine), args.to)
        server = MailServer.from_environment() if args.send else None
    except DigestError as refusal:
        print(f"Erreur : {refusal}", file=sys.stderr)
        return 1
    facts, kpi_settings = load_facts(engine), load_settings(engine)
    digests = [
        compose(user, facts, kpi_settings, as_of=as_of, base_url=settings.public_url)
        for user in chosen
    ]
    if server is not None:
        try:
            server.send(digests)
        except DigestError as failure:
            print(f"Erreur : {failure}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps([d.to_json() | {"sent": server is not None} for d in digests],
                         ensure_ascii=False))  # fmt: skip
        return 0
    for digest in digests:
        if server is not None:
            print(f"Résumé envoyé à {digest.name} <{digest.email}> : {digest.subject}")
        else:
            print(f"À : {digest.name} <{digest.email}>\nObjet : {digest.subject}\n\n{digest.text}")
    if not digests:
        print("Aucun destinataire : aucun compte actif avec une adresse e-mail.")
    return 0


def cmd_user(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model import accounts

    try:
        if args.action == "add":
            password = _new_password(args.password_stdin)
            user = accounts.add_user(engine, args.name, args.role, password, now=paris_now(),
                                     by=settings.user, email=args.email,
                                     language=args.language, team=args.pole)  # fmt: skip
            _print_users([user], args.json, single=True)
        elif args.action == "list":
            _print_users(accounts.list_users(engine), args.json)
        elif args.action == "passwd":
            accounts.set_password(engine, args.name, _new_password(args.password_stdin),
                                  now=paris_now(), by=settings.user)  # fmt: skip
            print(f"Mot de passe de « {args.name.strip()} » changé.")
        else:
            accounts.disable_user(engine, args.name, now=paris_now(), by=settings.user)
            print(f"Compte « {args.name.strip()} » désactivé.")
    except accounts.AccountError as refusal:
        print(f"Erreur : {refusal}", file=sys.stderr)
        return 1
    except _NoPassword as misuse:
        print(f"Erreur : {misuse}", file=sys.stderr)
        return 2
    return 0


class _NoPassword(Exception):
    pass


def _new_password(from_stdin: bool) -> str:
    """The first line of stdin, or typed twice at a terminal (never an argument: arguments are
    visible to every user of the machine and kept in shell histories)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise _NoPassword(
            "pas de terminal pour saisir le mot de passe : utilisez --password-stdin."
        )
    import getpass

    first = getpass.getpass("Mot de passe : ")
    if getpass.getpass("Encore une fois : ") != first:
        raise _NoPassword("les deux saisies diffèrent.")
    return first


def _print_users(users: list[User], as_json: bool, *, single: bool = False) -> None:
    rows = [
        {"name": u.name, "role": u.role, "active": u.active, "email": u.email,
         "language": u.language, "team": u.team,
         "created_at": u.created_at.isoformat(timespec="seconds")}
        for u in users
    ]  # fmt: skip
    if as_json:
        print(json.dumps(rows[0] if single else rows, ensure_ascii=False))
        return
    for row in rows:
        state = "actif" if row["active"] else "désactivé"
        pole = f", pôle {row['team']}" if row["team"] else ""
        print(f"{row['name']} : {ROLES[row['role']][0]}{pole}, {state}, "
              f"créé le {row['created_at']}")  # fmt: skip


def cmd_settings(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.kpi.settings import CHOICES, SettingError, setting_label
    from model.services import save_settings, setting_values

    changes = {}
    for change in args.changes:
        key, sep, raw = change.partition("=")
        if not sep:
            print(f"Erreur : « {change} » n'est pas de la forme CLE=VALEUR.", file=sys.stderr)
            return 2
        try:
            changes[key] = json.loads(raw)
        except json.JSONDecodeError:
            changes[key] = raw  # plain text, e.g. receivables.basis=invoice_date
    if changes:
        try:
            save_settings(engine, changes, now=paris_now(), user=settings.user, role=settings.role)
        except SettingError as error:
            print(f"Erreur : {error}", file=sys.stderr)
            return 1
    values = setting_values(engine)
    if args.json:
        print(json.dumps(values, ensure_ascii=False))
    else:
        for key, value in values.items():
            choices = f" ({' | '.join(CHOICES[key])})" if key in CHOICES else ""
            print(
                f"{key} = {json.dumps(value, ensure_ascii=False)}  # {setting_label(key)}{choices}"
            )
    return 0


def cmd_mapping(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.importing import save_mapping, saved_mappings, unpack_limits
    from model.imports import mapping
    from model.imports.pipeline import file_headers
    from model.imports.reader import ReadError

    if args.action == "save":
        check(args.viewer.role, "import")
    if args.action == "list":
        saved = [
            {"name": m.name, "kind": m.kind, "columns": m.columns, "headers": list(m.headers)}
            for m in saved_mappings(engine)
        ]
        print(json.dumps(saved, ensure_ascii=False, indent=None if args.json else 2))
        return 0
    try:
        headers = file_headers(
            Path(args.file).read_bytes(),
            Path(args.file).name,
            max_bytes=settings.max_file_bytes,
            unpack=unpack_limits(settings),
        )
    except (OSError, ReadError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    columns = mapping.suggest(headers, args.kind)
    if args.action == "suggest":
        if args.json:
            print(json.dumps({"headers": headers, "columns": columns}, ensure_ascii=False))
        else:
            print("Colonnes trouvées : " + ", ".join(f"« {h} »" for h in headers))
            for canonical, header in columns.items():
                print(f"  {canonical} ← {header if header else '(rien)'}")
        return 0
    for change in args.set:
        canonical, _, header = change.partition("=")
        columns[canonical] = header or None
    try:
        saved = save_mapping(engine, args.name, args.kind, headers, columns, now=paris_now())
    except mapping.MappingError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    print(
        f"Correspondance « {saved.name} » enregistrée : "
        + ", ".join(f"{k} ← « {v} »" for k, v in saved.columns.items())
    )
    return 0


def cmd_demo(args: Namespace, engine: Engine, settings: Settings) -> int:
    from model.demo import load_demo

    as_of = args.as_of or paris_now().date()
    out = Path(args.out) if args.out else DATA_DIR / "demo"  # files kept for a look
    results = load_demo(engine, settings, seed=args.seed, as_of=as_of, out_dir=out, now=paris_now())
    failed = any(r.status == "rejected" for r in results)
    for result in results:
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False, default=str))
        else:
            _print_result(result)
    return 1 if failed else 0


COMMANDS = {
    "init": cmd_init,
    "import": cmd_import,
    "batches": cmd_batches,
    "undo": cmd_undo,
    "export": cmd_export,
    "template": cmd_template,
    "demo": cmd_demo,
    "kpi": cmd_kpi,
    "quality": cmd_quality,
    "user": cmd_user,
    "journal": cmd_journal,
    "audit": cmd_audit,
    "report": cmd_report,
    "digest": cmd_digest,
    "workspace": cmd_workspace,
    "settings": cmd_settings,
    "mapping": cmd_mapping,
}

if __name__ == "__main__":
    code = main()
    # The command is done and its connections closed. Left as they are, the objects would be
    # walked by the collector at each step of the interpreter's shutdown: 0.4 s of a 300k-line
    # import's 4.5 s (issue 16 B1). Frozen, they are freed with the process.
    gc.freeze()
    sys.exit(code)
