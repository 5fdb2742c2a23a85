"""A realistic, deterministic 15-person service firm over the last 18 months, with its leaks.

Written as the files a customer would have (an Odoo-style French timesheet export, an Odoo-style
French invoice export, a Pilotage template workbook for the rest) and loaded through the
importers, so the demo exercises the same path as real data. The leaks this product exists to
find are built in: untracked days, fixed-price projects past 110 %, support given away beyond
its quota, invoices issued weeks after the work, two slow payers.
"""

from __future__ import annotations

import calendar
import csv
import io
import random
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import holidays
import polars as pl
from openpyxl import Workbook
from sqlalchemy import Engine

from model.importing import ImportResult, import_file
from model.imports.template import build_template
from model.kpi.cash import occurrences
from model.settings import Settings

MONTHS = 18
VAT = 0.20
TIMESHEETS_FILE = "odoo_feuilles_de_temps.xlsx"
INVOICES_FILE = "odoo_factures_clients.xlsx"
KIMAI_FILE = "kimai_equipe_data.csv"
KIMAI_TEAM, KIMAI_DAYS = "Data", 7  # the Data team's last week, not yet synced into Odoo
TEMPLATE_FILE = "pilotage_modele.xlsx"
FEC_FILE = "fec_comptabilite.txt"
DEMO_USER = "démonstration"


@dataclass(frozen=True)
class Person:
    name: str
    team: str
    weekly_hours: float
    workdays: tuple[int, ...]  # 0 = Monday
    cost_rate: float
    billing_rate: float
    untracked_share: float  # share of working days with nothing logged
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class ProjectSpec:
    name: str
    client: str
    mode: str  # facts.BILLING_MODES code
    team: str
    weight: float
    rate: float = 0.0  # hourly rate HT (T&M, support overage)
    consumed_target: float | None = None  # fixed price: consumed / sold at the end
    progress: float | None = None  # declared progress at as-of (fixed price)
    start_month: int = 0  # months after the demo start
    months: int = 99  # ongoing
    tasks: tuple[str, ...] = ("Développement",)


@dataclass(frozen=True)
class ContractSpec:
    contract: str
    project: str
    client: str
    quota: float
    fee: float
    overage_rate: float
    beyond_quota: str  # billing of hours past the quota: "included" (given away) or "billable"


@dataclass
class Ledger:
    """What the generator accumulates before writing the files."""

    lines: list[dict] = field(default_factory=list)
    invoices: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    absences: list[dict] = field(default_factory=list)
    tickets: list[dict] = field(default_factory=list)


PEOPLE = (
    Person("Camille Durand", "Développement", 35, (0, 1, 2, 3, 4), 48, 95, 0.02),
    Person("Hugo Lefèvre", "Développement", 35, (0, 1, 2, 3, 4), 42, 85, 0.03),
    Person("Léa Moreau", "Développement", 35, (0, 1, 2, 3, 4), 45, 90, 0.02),
    Person("Julien Petit", "Développement", 35, (0, 1, 2, 3, 4), 40, 85, 0.32),
    Person("Sarah Benali", "Développement", 28, (0, 1, 3, 4), 44, 90, 0.03),
    Person("Thomas Roux", "Développement", 35, (0, 1, 2, 3, 4), 38, 80, 0.04, start=None),
    Person("Inès Garnier", "Data", 35, (0, 1, 2, 3, 4), 55, 110, 0.02),
    Person("Maxime Fontaine", "Data", 35, (0, 1, 2, 3, 4), 50, 100, 0.08),
    Person("Chloé Lambert", "Data", 35, (0, 1, 2, 3, 4), 47, 95, 0.03),
    Person("Nicolas Chevalier", "Data", 35, (0, 1, 2, 3, 4), 52, 100, 0.04),
    Person("Émilie Girard", "Data", 28, (0, 1, 2, 3), 46, 95, 0.02),
    Person("Antoine Mercier", "Support", 35, (0, 1, 2, 3, 4), 36, 75, 0.09),
    Person("Manon Faure", "Support", 35, (0, 1, 2, 3, 4), 35, 75, 0.19),
    Person("Lucas Blanc", "Support", 35, (0, 1, 2, 3, 4), 37, 75, 0.05),
    Person("Pauline Rousseau", "Support", 35, (0, 1, 2, 3, 4), 39, 80, 0.03),
)

PROJECTS = (
    ProjectSpec("Évolutions e-commerce", "Boulangeries Martin", "time_and_materials",
                "Développement", 4, rate=85, tasks=("Développement", "Recette", "Réunion")),
    ProjectSpec("Plateforme data", "Groupe Hôtelier Azur", "time_and_materials", "Data", 5,
                rate=100, tasks=("Modélisation", "Pipelines", "Tableaux de bord")),
    ProjectSpec("Portail client", "Cabinet Durand Avocats", "fixed_price", "Développement", 4,
                rate=90, consumed_target=1.32, progress=85, start_month=2, months=12,
                tasks=("Conception", "Développement", "Recette")),
    ProjectSpec("Site citoyen", "Mairie de Villeneuve", "fixed_price", "Développement", 3,
                rate=85, consumed_target=1.12, progress=95, start_month=5, months=11,
                tasks=("Maquettes", "Développement", "Mise en ligne")),
    ProjectSpec("Refonte identité", "Agence Nova", "fixed_price", "Développement", 2,
                rate=90, consumed_target=0.84, progress=80, start_month=10, months=8,
                tasks=("Ateliers", "Développement")),
    ProjectSpec("Migration entrepôt", "Groupe Hôtelier Azur", "fixed_price", "Data", 3,
                rate=100, consumed_target=0.62, progress=70, start_month=8, months=10,
                tasks=("Audit", "Migration")),
    ProjectSpec("Support applicatif", "Transports Leroy", "support", "Support", 1.0,
                tasks=("Incident", "Demande")),
    ProjectSpec("Support SIH", "Clinique Saint-Roch", "support", "Support", 0.85,
                tasks=("Incident", "Demande")),
    ProjectSpec("Support site", "Coopérative Vinicole", "support", "Support", 0.5,
                tasks=("Incident", "Demande")),
    ProjectSpec("Infogérance", "Groupe Hôtelier Azur", "time_and_materials", "Support", 6,
                rate=75, tasks=("Exploitation", "Supervision")),
    ProjectSpec("Avant-vente", "", "internal", "*", 0.5, tasks=("Propositions",)),
    ProjectSpec("Formation", "", "internal", "*", 0.3, tasks=("Formation",)),
    ProjectSpec("Administration", "", "internal", "*", 0.4, tasks=("Réunion interne",)),
)  # fmt: skip

CONTRACTS = (
    ContractSpec("SUP-TL", "Support applicatif", "Transports Leroy", 45, 3200, 75, "billable"),
    ContractSpec("SUP-CSR", "Support SIH", "Clinique Saint-Roch", 30, 1900, 80, "included"),
    ContractSpec("SUP-CV", "Support site", "Coopérative Vinicole", 25, 1500, 75, "billable"),
)

# Days between the due date and the payment, per client (mean, spread); two slow payers.
PAYMENT_DELAYS = {
    "Mairie de Villeneuve": (70, 10),
    "Groupe Hôtelier Azur": (58, 8),
}
NORMAL_DELAY = (15, 6)  # a little later than IT's 13 days on average (Altares, KPI.md §4b)
# Days between the end of the worked month and the invoice (the invoicing-delay leak).
INVOICING_DELAYS = {"Plateforme data": (24, 40), "Infogérance": (10, 20)}
NORMAL_INVOICING_DELAY = (2, 8)


def load_demo(
    engine: Engine,
    settings: Settings,
    *,
    seed: int,
    as_of: date,
    now: datetime,
    out_dir: Path | None = None,
) -> list[ImportResult]:
    """Write the demo files and import them; the results say what each import did.

    Without `out_dir` the files go to a folder of their own, removed afterwards: two demos
    loaded at once (two workspaces, two processes) never read each other's files."""
    if out_dir is None:
        with tempfile.TemporaryDirectory(prefix="pilotage-demo-") as folder:
            return load_demo(engine, settings, seed=seed, as_of=as_of, now=now,
                             out_dir=Path(folder))  # fmt: skip
    paths = write_demo_files(out_dir, seed=seed, as_of=as_of)
    import_moment = max(now, datetime.combine(as_of, time()))
    demo_settings = replace(settings, user=DEMO_USER)
    return [
        import_file(engine, path.read_bytes(), path.name, settings=demo_settings, now=import_moment)
        for path in paths
    ]


def write_demo_files(out_dir: Path, *, seed: int, as_of: date) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    company = generate(seed=seed, as_of=as_of)
    teams = {p.name: p.team for p in PEOPLE}
    in_kimai = [_in_kimai(x, teams, as_of) for x in company["lines"]]
    files = {
        TEMPLATE_FILE: build_template(company["template"]),
        TIMESHEETS_FILE: _odoo_timesheets_xlsx(
            [x for x, kimai in zip(company["lines"], in_kimai, strict=True) if not kimai]
        ),
        KIMAI_FILE: _kimai_csv(
            [x for x, kimai in zip(company["lines"], in_kimai, strict=True) if kimai]
        ),
        INVOICES_FILE: _odoo_invoices_xlsx(company["invoices"]),
        FEC_FILE: fec_bytes(
            company["invoices"],
            company["payments"],
            as_of,
            outflows=company["outflows"],
            opening=company["opening"],
        ),
    }
    paths = []
    for name, content in files.items():
        path = out_dir / name
        path.write_bytes(content)
        paths.append(path)
    return paths


def generate(*, seed: int, as_of: date) -> dict:
    """The whole company as plain rows; deterministic for a seed and an as-of date.

    Each phase draws from its own generator, so that one more day of absences does not shift
    every line, invoice and payment after it: the story holds whatever the day it is told."""
    start = _add_months(as_of.replace(day=1), -MONTHS)
    people = _staff(start, as_of)
    public_holidays = holidays.France(years=range(start.year, as_of.year + 1))
    ledger = Ledger()

    def phase(name: str) -> random.Random:
        return random.Random(f"{seed}-{name}")

    _absences(phase("absences"), people, start, as_of, public_holidays, ledger)
    _timesheets(phase("timesheets"), people, start, as_of, public_holidays, ledger)
    projects = _projects(start, as_of, ledger)
    _invoice_everything(phase("invoices"), start, as_of, projects, ledger)
    _payments(phase("payments"), as_of, ledger)
    return {
        "lines": ledger.lines,
        "invoices": ledger.invoices,
        "payments": ledger.payments,
        "template": _template_frames(people, projects, ledger, start),
        "outflows": _paid_flows(start, as_of),
        "opening": (start, OPENING_BANK_BALANCE),
    }


def _staff(start: date, as_of: date) -> list[Person]:
    """Everyone, with one arrival six months ago and one departure three months ago."""
    people = list(PEOPLE)
    people[5] = _replace(people[5], start=_add_months(as_of.replace(day=1), -6))
    people[13] = _replace(people[13], end=_add_months(as_of.replace(day=1), -3) - timedelta(1))
    return people


def _replace(person: Person, **changes: object) -> Person:
    return replace(person, **changes)


def _working(person: Person, day: date, public_holidays: holidays.HolidayBase) -> bool:
    if day.weekday() not in person.workdays or day in public_holidays:
        return False
    if person.start and day < person.start:
        return False
    return not (person.end and day > person.end)


def _hours_per_day(person: Person) -> float:
    return person.weekly_hours / len(person.workdays)


def _absences(
    rng: random.Random,
    people: list[Person],
    start: date,
    as_of: date,
    public_holidays: holidays.HolidayBase,
    ledger: Ledger,
) -> None:
    """Summer and winter paid leave, RTT now and then, a few sick days."""
    for person in people:
        day = start
        while day <= as_of:
            if _working(person, day, public_holidays):
                kind = _absence_kind(rng, day)
                if kind:
                    hours = _hours_per_day(person)
                    ledger.absences.append(
                        {"employee": person.name, "date": day, "hours": hours, "kind": kind}
                    )
            day += timedelta(days=1)


def _absence_kind(rng: random.Random, day: date) -> str | None:
    summer = day.month == 8 and day.day <= 21
    winter = day.month == 12 and day.day >= 24
    if (summer and rng.random() < 0.72) or (winter and rng.random() < 0.8):
        return "paid_leave"
    roll = rng.random()
    if roll < 0.02:
        return "paid_leave"
    if roll < 0.04:
        return "rtt"
    if roll < 0.052:
        return "sick"
    return None


def _timesheets(
    rng: random.Random,
    people: list[Person],
    start: date,
    as_of: date,
    public_holidays: holidays.HolidayBase,
    ledger: Ledger,
) -> None:
    absent = {(a["employee"], a["date"]) for a in ledger.absences}
    logged: set[tuple[str, tuple[int, int, int]]] = set()  # (person, week in a month) with time
    support_used: dict[tuple[str, str], float] = {}
    tickets = TicketCounter()
    day = start
    while day <= as_of:
        month = (day.year - start.year) * 12 + day.month - start.month
        for person in people:
            if not _working(person, day, public_holidays) or (person.name, day) in absent:
                continue
            skipped = rng.random() < person.untracked_share
            if skipped and not _last_chance(person, day, as_of, public_holidays, absent, logged):
                continue  # the untracked-day leak (never a whole week: someone logs something)
            logged.add((person.name, _week_of_month(day)))
            remaining = round(_hours_per_day(person) + rng.choice((-0.5, 0, 0, 0, 0.25, 0.5)), 2)
            for project in _day_projects(rng, person, month):
                hours = remaining if project is None else min(remaining, rng.choice((2, 3, 3.5, 4)))
                spec = project or _pick_project(rng, person, month)
                if hours <= 0:
                    break
                line = _line(rng, person, spec, day, hours)
                if spec.mode == "support":
                    _qualify_support(rng, line, spec, support_used, tickets)
                line["validated"] = (as_of - day).days > 7  # last week not validated yet
                ledger.lines.append(line)
                remaining = round(remaining - hours, 2)
        day += timedelta(days=1)
    ledger.tickets = _ticket_rows(rng, ledger.lines)


def _last_chance(
    person: Person,
    day: date,
    as_of: date,
    public_holidays: holidays.HolidayBase,
    absent: set[tuple[str, date]],
    logged: set[tuple[str, tuple[int, int, int]]],
) -> bool:
    """True on a person's last working day of a week (its part in one month, as the data
    quality report counts them) in which they have logged nothing yet."""
    if (person.name, _week_of_month(day)) in logged:
        return False
    later = day + timedelta(days=1)
    while later.weekday() != 0 and later.month == day.month and later <= as_of:
        if _working(person, later, public_holidays) and (person.name, later) not in absent:
            return False
        later += timedelta(days=1)
    return True


def _week_of_month(day: date) -> tuple[int, int, int]:
    year, week, _ = day.isocalendar()
    return year, week, day.month


def _day_projects(rng: random.Random, person: Person, month: int) -> list[ProjectSpec | None]:
    """One or two project slots for the day; `None` takes the rest of the day."""
    if rng.random() < 0.55:
        return [None]
    return [_pick_project(rng, person, month), None]


def _pick_project(rng: random.Random, person: Person, month: int) -> ProjectSpec:
    candidates = [
        p
        for p in PROJECTS
        if p.team in (person.team, "*") and p.start_month <= month < p.start_month + p.months
    ]
    return rng.choices(candidates, weights=[p.weight for p in candidates])[0]


def _line(rng: random.Random, person: Person, spec: ProjectSpec, day: date, hours: float) -> dict:
    billing = {
        "time_and_materials": "billable",
        "fixed_price": "included",
        "internal": "non_billable",
        "support": "included",
    }[spec.mode]
    if spec.mode == "time_and_materials" and rng.random() < 0.06:
        billing = "non_billable"  # a meeting the client will not pay for
    return {
        "date": day,
        "employee": person.name,
        "project": spec.name,
        "client": spec.client or None,
        "task": rng.choice(spec.tasks),
        "description": rng.choice(("", "Suivi", "Correctifs", "Réunion client", "Livraison")),
        "hours": hours,
        "billing": billing,
        "cost": round(-hours * person.cost_rate, 2),
        "validated": True,
        "ticket": None,
        "invoice_number": None,
    }


@dataclass
class TicketCounter:
    """Support lines are grouped into tickets of one to three lines per contract."""

    next_number: int = 1201
    open: dict[str, tuple[str, int]] = field(default_factory=dict)

    def ticket_for(self, rng: random.Random, contract: str) -> str:
        current = self.open.get(contract)
        if current is None or current[1] >= rng.choice((1, 2, 3)):
            current = (f"T-{self.next_number}", 0)
            self.next_number += 1
        self.open[contract] = (current[0], current[1] + 1)
        return current[0]


def _qualify_support(
    rng: random.Random,
    line: dict,
    spec: ProjectSpec,
    used: dict[tuple[str, str], float],
    tickets: TicketCounter,
) -> None:
    """Included up to the monthly quota, then the contract's rule; a few lines left unqualified."""
    contract = next(c for c in CONTRACTS if c.project == spec.name)
    key = (contract.contract, f"{line['date']:%Y-%m}")
    before = used.get(key, 0.0)
    used[key] = before + line["hours"]
    if before >= contract.quota:
        line["billing"] = contract.beyond_quota
    roll = rng.random()
    # The clinic's support is given away by running past its quota; elsewhere, by logging it
    # non-billable.
    non_billable = 0.14 if contract.beyond_quota == "included" else 0.30
    if roll < 0.06:
        line["billing"] = "unqualified"
    elif roll < non_billable:
        line["billing"] = "non_billable"
    line["ticket"] = tickets.ticket_for(rng, contract.contract)


def _ticket_rows(rng: random.Random, lines: list[dict]) -> list[dict]:
    spans: dict[str, dict] = {}
    for line in lines:
        if line["ticket"] is None:
            continue
        span = spans.setdefault(
            line["ticket"],
            {"first": line["date"], "last": line["date"], "project": line["project"]},
        )
        span["last"] = max(span["last"], line["date"])
    rows = []
    for ticket, span in spans.items():
        contract = next(c for c in CONTRACTS if c.project == span["project"])
        opened = datetime.combine(span["first"], datetime.min.time()).replace(hour=9)
        roll = rng.random()
        scope = "out_of_scope" if roll < 0.1 else "unknown" if roll < 0.15 else "in_scope"
        priority = rng.choice(("basse", "normale", "normale", "haute"))
        rows.append(
            {
                "ticket": ticket,
                "client": contract.client,
                "contract": contract.contract,
                "opened_at": opened,
                "closed_at": datetime.combine(span["last"], datetime.min.time()).replace(hour=17),
                "priority": priority,
                "sla_deadline": opened + timedelta(hours=8 if priority == "haute" else 48),
                "scope": scope,
            }
        )
    return rows


def _projects(start: date, as_of: date, ledger: Ledger) -> list[dict]:
    """Project rows; fixed-price budgets sized so the consumption ratios tell the demo's story."""
    consumed: dict[str, float] = {}
    for line in ledger.lines:
        consumed[line["project"]] = consumed.get(line["project"], 0.0) + line["hours"]
    rows = []
    for spec in PROJECTS:
        row = {
            "project": spec.name,
            "client": spec.client or None,
            "billing_mode": spec.mode,
            "hours_per_day": 7.0,
            "hourly_rate": spec.rate or None,
            "start_date": _add_months(start, spec.start_month),
            "end_date": _add_months(start, spec.start_month + spec.months) - timedelta(days=1),
            "sold_hours": None,
            "sold_amount": None,
            "progress_pct": None,
        }
        if spec.mode == "fixed_price":
            sold_days = round(consumed.get(spec.name, 0.0) / spec.consumed_target / 7)
            row["sold_hours"] = sold_days * 7.0
            row["sold_amount"] = float(sold_days * 7 * spec.rate)
            row["progress_pct"] = spec.progress
        if spec.months >= 99:
            row["end_date"] = None
        rows.append(row)
    return rows


def _invoice_everything(
    rng: random.Random, start: date, as_of: date, projects: list[dict], ledger: Ledger
) -> None:
    drafts: list[dict] = []
    drafts += _time_and_materials_invoices(rng, as_of, ledger)
    drafts += _milestone_invoices(as_of, projects)
    drafts += _support_invoices(start, as_of, ledger)
    drafts.sort(key=lambda d: (d["invoice_date"], d["client"], d["project"]))
    for sequence, draft in enumerate(drafts, start=1):
        number = f"FAC/{draft['invoice_date'].year}/{sequence:04d}"
        for line in draft.pop("lines", []):
            line["invoice_number"] = number
        ledger.invoices.append({"number": number, **draft})
    _credit_note(ledger, as_of)


def _invoice(client: str, project: str, when: date, untaxed: float) -> dict:
    untaxed = round(untaxed, 2)
    total = round(untaxed * (1 + VAT), 2)
    return {
        "client": client,
        "project": project,
        "invoice_date": when,
        "due_date": when + timedelta(days=30),
        "amount_untaxed": untaxed,
        "amount_total": total,
        "kind": "invoice",
        "reversed_number": None,
    }


def _time_and_materials_invoices(rng: random.Random, as_of: date, ledger: Ledger) -> list[dict]:
    by_month: dict[tuple[str, date], list[dict]] = {}
    for line in ledger.lines:
        if line["billing"] == "billable" and line["project"] not in _support_projects():
            by_month.setdefault((line["project"], line["date"].replace(day=1)), []).append(line)
    drafts = []
    for (project, month), lines in sorted(by_month.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        spec = _spec(project)
        low, high = INVOICING_DELAYS.get(project, NORMAL_INVOICING_DELAY)
        when = _month_end(month) + timedelta(days=rng.randint(low, high))
        if when > as_of:
            continue  # work not invoiced yet: the WIP
        draft = _invoice(spec.client, project, when, sum(x["hours"] for x in lines) * spec.rate)
        draft["lines"] = lines
        drafts.append(draft)
    return drafts


def _milestone_invoices(as_of: date, projects: list[dict]) -> list[dict]:
    """30 % at kick-off, 40 % half-way, 30 % at delivery."""
    drafts = []
    for row in projects:
        if row["billing_mode"] != "fixed_price":
            continue
        begin, end = row["start_date"], row["end_date"]
        middle = begin + (end - begin) / 2
        for when, share in ((begin + timedelta(days=7), 0.3), (middle, 0.4), (end, 0.3)):
            if when <= as_of:
                drafts.append(
                    _invoice(row["client"], row["project"], when, row["sold_amount"] * share)
                )
    return drafts


def _support_invoices(start: date, as_of: date, ledger: Ledger) -> list[dict]:
    """The monthly fee on the 1st, and the billed overage of the previous month."""
    overage: dict[tuple[str, date], list[dict]] = {}
    for line in ledger.lines:
        if line["project"] in _support_projects() and line["billing"] == "billable":
            overage.setdefault((line["project"], line["date"].replace(day=1)), []).append(line)
    drafts = []
    month = start
    while month <= as_of:
        for contract in CONTRACTS:
            drafts.append(_invoice(contract.client, contract.project, month, contract.fee))
            lines = overage.get((contract.project, _add_months(month, -1)), [])
            if lines:
                amount = sum(x["hours"] for x in lines) * contract.overage_rate
                draft = _invoice(contract.client, contract.project, month, amount)
                draft["lines"] = lines
                drafts.append(draft)
        month = _add_months(month, 1)
    return drafts


def _credit_note(ledger: Ledger, as_of: date) -> None:
    """A commercial gesture: 10 % off one e-commerce invoice, as a linked credit note."""
    target = next(i for i in ledger.invoices if i["project"] == "Évolutions e-commerce")
    when = target["invoice_date"] + timedelta(days=10)
    note = _invoice(target["client"], target["project"], when, -target["amount_untaxed"] * 0.1)
    note.update(kind="credit_note", reversed_number=target["number"], due_date=when)
    ledger.invoices.append({"number": f"AV/{when.year}/0001", **note})
    target["credit"] = note["amount_total"]


def _payments(rng: random.Random, as_of: date, ledger: Ledger) -> None:
    """Each invoice paid after its due date plus the client's habit; recent ones still open."""
    sequence = iter(range(1, 1_000_000))
    for invoice in ledger.invoices:
        invoice["amount_residual"] = invoice["amount_total"]
        if invoice["kind"] == "credit_note":
            invoice["amount_residual"] = 0.0
            continue
        owed = round(invoice["amount_total"] + invoice.get("credit", 0.0), 2)
        mean, spread = PAYMENT_DELAYS.get(invoice["client"], NORMAL_DELAY)
        paid_on = invoice["due_date"] + timedelta(days=round(rng.gauss(mean, spread)))
        if paid_on > as_of:
            invoice["amount_residual"] = owed
            continue
        partial = rng.random() < 0.04
        amount = round(owed / 2, 2) if partial else owed
        ledger.payments.append(
            {
                "client": invoice["client"],
                "date": paid_on,
                "amount": amount,
                "invoice_number": invoice["number"],
                "reference": f"VIR-{next(sequence):05d}",
            }
        )
        invoice["amount_residual"] = round(owed - amount, 2)
    deposit_day = as_of - timedelta(days=12)
    ledger.payments.append(
        {
            "client": "Agence Nova",
            "date": deposit_day,
            "amount": 1800.0,
            "invoice_number": None,
            "reference": f"VIR-{next(sequence):05d}",
        }
    )


def _template_frames(
    people: list[Person], projects: list[dict], ledger: Ledger, start: date
) -> dict[str, pl.DataFrame]:
    day_names = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
    employees = [
        {
            "employee": p.name,
            "team": p.team,
            "weekly_hours": p.weekly_hours,
            "workdays": ",".join(day_names[d] for d in p.workdays),
            "cost_rate": float(p.cost_rate),
            "billing_rate": float(p.billing_rate),
            "start_date": p.start or date(2019, 9, 2),
            "end_date": p.end,
        }
        for p in people
    ]
    contracts = [
        {
            "contract": c.contract,
            "client": c.client,
            "included_hours_per_month": c.quota,
            "prepaid_hours": None,
            "monthly_fee": c.fee,
            "overage_rate": c.overage_rate,
            "start_date": start,
            "end_date": None,
        }
        for c in CONTRACTS
    ]
    return {
        "employees": pl.DataFrame(employees),
        "projects": pl.DataFrame(projects),
        "sale_lines": pl.DataFrame(_sale_lines(projects)),
        "invoice_events": pl.DataFrame(_platform_statuses(ledger.invoices)),
        "absences": pl.DataFrame(ledger.absences),
        "contracts": pl.DataFrame(contracts),
        "tickets": pl.DataFrame(ledger.tickets),
        "flows": pl.DataFrame(_flows(start)),
    }


def _platform_statuses(invoices: list[dict]) -> list[dict]:
    """The e-invoicing platform's statuses of the last quarter's invoices: each deposited and
    made available the day it was issued (the reform's first steps; nothing contested)."""
    latest = max(i["invoice_date"] for i in invoices)
    recent = [i for i in invoices if (latest - i["invoice_date"]).days < 92]
    return [
        {"number": i["number"], "status": status, "date": i["invoice_date"],
         "amount": None, "reason": None}
        for i in recent
        for status in ("deposited", "made_available")
    ]  # fmt: skip


def _sale_lines(projects: list[dict]) -> list[dict]:
    """One order line per fixed-price project: its days sold at its daily rate."""
    return [
        {
            "sale_order": f"CMD-{number:04d}",
            "line": f"{row['project']} – forfait",
            "project": row["project"],
            "client": row["client"],
            "quantity": row["sold_hours"] / row["hours_per_day"],
            "unit": "jours",
            "delivered": None,
            "invoiced": None,
            "unit_price": row["hourly_rate"] * row["hours_per_day"],
            "subtotal": row["sold_amount"],
            "billing_mode": "fixed_price",
        }
        for number, row in enumerate(projects, start=1)
        if row["billing_mode"] == "fixed_price"
    ]


FLOWS = (
    ("Salaires nets", "salaires", 47500.0, "monthly", 28),
    ("Charges sociales URSSAF", "charges sociales", 21800.0, "monthly", 15),
    ("Prévoyance et mutuelle", "charges sociales", 2900.0, "monthly", 5),
    ("Loyer bureaux", "loyer", 4200.0, "monthly", 5),
    ("Logiciels et hébergement", "fournisseurs", 1650.0, "monthly", 10),
    ("Déplacements clients", "fournisseurs", 2500.0, "monthly", 20),
    ("Remboursement emprunt", "emprunt", 1850.0, "monthly", 10),
    ("TVA à décaisser", "TVA", 20000.0, "monthly", 24),
    ("Acomptes d'impôt sur les sociétés", "impôts", 18000.0, "quarterly", 15),
    ("Expert-comptable", "fournisseurs", 2400.0, "quarterly", 15),
    ("Assurance RC Pro", "fournisseurs", 3100.0, "yearly", 15),
)
# Support subscriptions still to be invoiced: the receipts a forecast can count on (TTC).
SUBSCRIPTIONS = (
    ("Abonnement support Transports Leroy", 3840.0),
    ("Abonnement support Clinique Saint-Roch", 2280.0),
    ("Abonnement support Coopérative Vinicole", 1800.0),
)
OPENING_BANK_BALANCE = 60000.0  # the bank account (512) when the demo's books open
# The account each recurring payment settles, for the FEC's bank entries.
FLOW_ACCOUNTS = {
    "salaires": ("421000", "Personnel - rémunérations dues"),
    "charges sociales": ("431000", "Sécurité sociale"),
    "loyer": ("401000", "Fournisseurs"),
    "fournisseurs": ("401000", "Fournisseurs"),
    "emprunt": ("164000", "Emprunts"),
    "TVA": ("445510", "TVA à décaisser"),
    "impôts": ("444000", "État - impôt sur les bénéfices"),
}


def _paid_flows(start: date, as_of: date) -> list[dict]:
    """Every recurring payment made since the books opened, as the bank saw it."""
    paid = []
    for flow in (f for f in _flows(start) if f["direction"] == "out"):
        for day in occurrences(flow, start, as_of):
            paid.append({"date": day, "label": flow["label"], "category": flow["category"],
                         "amount": flow["amount"]})  # fmt: skip
    return paid


def _flows(start: date) -> list[dict]:
    subscriptions = [
        {"label": label, "category": "abonnements clients", "direction": "in", "amount": amount,
         "frequency": "monthly", "day": 10, "start_date": start, "end_date": None}
        for label, amount in SUBSCRIPTIONS
    ]  # fmt: skip
    return subscriptions + [
        {
            "label": label,
            "category": category,
            "direction": "out",
            "amount": amount,
            "frequency": frequency,
            "day": day,
            "start_date": start,
            "end_date": None,
        }
        for label, category, amount, frequency, day in FLOWS
    ]


def _in_kimai(line: dict, teams: dict[str, str], as_of: date) -> bool:
    """The Data team logs in Kimai; its last week is not in the Odoo export yet."""
    recent = (as_of - line["date"]).days < KIMAI_DAYS
    return recent and teams.get(line["employee"]) == KIMAI_TEAM


def _kimai_csv(lines: list[dict]) -> bytes:
    """As Kimai writes its French csv export: `h:mm` durations, 1 or nothing for billable."""
    headers = ["Date", "De", "À", "Durée", "Devise", "Taux", "Nom", "Nom d'utilisateur",
               "Client", "Projet", "Activité", "Description", "Facturable"]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for x in sorted(lines, key=lambda x: (x["date"], x["employee"])):
        minutes = round(x["hours"] * 60)
        start = 9 * 60
        writer.writerow([
            x["date"].isoformat(), f"{start // 60:02d}:{start % 60:02d}",
            f"{(start + minutes) // 60:02d}:{(start + minutes) % 60:02d}",
            f"{minutes // 60}:{minutes % 60:02d}", "EUR", "0.00", x["employee"],
            x["employee"].lower().replace(" ", "."), x["client"] or "", x["project"], x["task"],
            x["description"], "1" if x["billing"] == "billable" else "",
        ])  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def _odoo_timesheets_xlsx(lines: list[dict]) -> bytes:
    """As Odoo writes a French timesheet export: field labels, real dates, '/' for no text."""
    headers = [
        "Date", "Employé", "Projet", "Tâche", "Description", "Quantité", "Montant",
        "Partenaire", "Type de facturation", "Facture", "Ticket", "Validé",
    ]  # fmt: skip
    labels = {
        "billable": "Facturé sur Feuilles de Temps",
        "included": "Facturé à un Prix Fixe",
        "non_billable": "Non facturable",
        "unqualified": None,
    }
    rows = (
        [
            x["date"], x["employee"], x["project"], x["task"], x["description"] or "/",
            x["hours"], x["cost"], x["client"], labels[x["billing"]], x["invoice_number"],
            x["ticket"], x["validated"],
        ]
        for x in sorted(lines, key=lambda x: (x["date"], x["employee"]))
    )  # fmt: skip
    return _xlsx("Analytic Lines", headers, rows)


def _odoo_invoices_xlsx(invoices: list[dict]) -> bytes:
    headers = [
        "Numéro", "Nom affiché du partenaire de la facture", "Date de facturation",
        "Date d'échéance", "Montant Hors-taxe Signé", "Total signé", "Montant dû signé",
        "État du paiement", "État", "Type", "Extourne de",
    ]  # fmt: skip
    rows = (
        [
            i["number"], i["client"], i["invoice_date"], i["due_date"], i["amount_untaxed"],
            i["amount_total"], i["amount_residual"], _payment_state(i), "Comptabilisé",
            "Avoir" if i["kind"] == "credit_note" else "Facture client", i["reversed_number"],
        ]
        for i in sorted(invoices, key=lambda i: i["number"])
    )  # fmt: skip
    return _xlsx("Journal Entry", headers, rows)


def _payment_state(invoice: dict) -> str:
    if invoice["amount_residual"] == 0:
        return "Payé"
    if invoice["amount_residual"] != invoice["amount_total"]:
        return "Partiellement réglé"
    return "Non payées"


def _xlsx(title: str, headers: list[str], rows: Iterable[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _support_projects() -> set[str]:
    return {c.project for c in CONTRACTS}


def _spec(name: str) -> ProjectSpec:
    return next(p for p in PROJECTS if p.name == name)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


FEC_COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
)  # fmt: skip


def fec_bytes(
    invoices: list[dict],
    payments: list[dict],
    as_of: date,
    *,
    outflows: Iterable[dict] = (),
    opening: tuple[date, float] | None = None,
) -> bytes:
    """The accounting as a FEC (tab, UTF-8, decimal comma): the opening bank balance, sales,
    credit notes, bank receipts (each invoice lettered with what settled it; the deposit stays
    unlettered) and the recurring payments."""
    letters = _lettering(invoices, payments)
    accounts = {c: f"C{i:03d}" for i, c in enumerate(sorted({i["client"] for i in invoices}), 1)}
    lines: list[tuple] = []
    number = 0
    if opening:
        number += 1
        lines += _opening_entry(number, *opening)
    for invoice in sorted(invoices, key=lambda i: (i["invoice_date"], i["number"])):
        number += 1
        lines += _sale_entry(number, invoice, accounts, letters)
    for payment in sorted(payments, key=lambda p: (p["date"], p["reference"])):
        number += 1
        lines += _bank_entry(number, payment, accounts, letters)
    for outflow in sorted(outflows, key=lambda o: (o["date"], o["label"])):
        number += 1
        lines += _outflow_entry(number, outflow)
    rows = ["\t".join(FEC_COLUMNS)]
    for line in lines:
        rows.append("\t".join(_fec_cell(v) for v in line))
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")


def _lettering(invoices: list[dict], payments: list[dict]) -> dict[str, tuple[str, date]]:
    """Invoice or payment reference → (letter, date lettered), for invoices with receipts."""
    letters: dict[str, tuple[str, date]] = {}
    by_invoice: dict[str, list[dict]] = {}
    for payment in payments:
        if payment["invoice_number"]:
            by_invoice.setdefault(payment["invoice_number"], []).append(payment)
    notes = {i["reversed_number"]: i for i in invoices if i["kind"] == "credit_note"}
    code = 0
    for invoice in invoices:
        settled = by_invoice.get(invoice["number"], [])
        if invoice["kind"] != "invoice" or not (settled or invoice["amount_residual"] == 0):
            continue
        code += 1
        letter = _letter_code(code)
        day = max([p["date"] for p in settled] or [invoice["invoice_date"]])
        letters[invoice["number"]] = (letter, day)
        for payment in settled:
            letters[payment["reference"]] = (letter, day)
        if invoice["number"] in notes:
            letters[notes[invoice["number"]]["number"]] = (letter, day)
    return letters


def _letter_code(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA… as accounting packages letter their entries."""
    code = ""
    while n:
        n, rest = divmod(n - 1, 26)
        code = chr(65 + rest) + code
    return code


def _sale_entry(number: int, invoice: dict, accounts: dict, letters: dict) -> list[tuple]:
    day, ref = invoice["invoice_date"], invoice["number"]
    total, untaxed = invoice["amount_total"], invoice["amount_untaxed"]
    letter, lettered = letters.get(ref, (None, None))
    label = ("Avoir " if invoice["kind"] == "credit_note" else "Facture ") + ref
    client = ("411000", "Clients", accounts[invoice["client"]], invoice["client"])
    head = ("VT", "Ventes", number, day)
    return [
        (*head, *client, ref, day, label, max(total, 0), max(-total, 0), letter, lettered, day),
        (*head, "706000", "Prestations de services", None, None, ref, day, label,
         max(-untaxed, 0), max(untaxed, 0), None, None, day),
        (*head, "445710", "TVA collectée", None, None, ref, day, label,
         max(untaxed - total, 0), max(total - untaxed, 0), None, None, day),
    ]  # fmt: skip


def _bank_entry(number: int, payment: dict, accounts: dict, letters: dict) -> list[tuple]:
    day, amount, ref = payment["date"], payment["amount"], payment["reference"]
    letter, lettered = letters.get(ref, (None, None))
    label = f"Virement {payment['client']}"
    head = ("BQ", "Banque", number, day)
    return [
        (*head, "512000", "Banque", None, None, ref, day, label, amount, 0.0, None, None, day),
        (*head, "411000", "Clients", accounts[payment["client"]], payment["client"], ref, day,
         label, 0.0, amount, letter, lettered, day),
    ]  # fmt: skip


def _opening_entry(number: int, day: date, balance: float) -> list[tuple]:
    head = ("AN", "A-nouveaux", number, day)
    return [
        (*head, "512000", "Banque", None, None, "AN", day, "Solde d'ouverture", balance, 0.0,
         None, None, day),
        (*head, "101000", "Capital", None, None, "AN", day, "Solde d'ouverture", 0.0, balance,
         None, None, day),
    ]  # fmt: skip


def _outflow_entry(number: int, outflow: dict) -> list[tuple]:
    day, amount, label = outflow["date"], outflow["amount"], outflow["label"]
    account, title = FLOW_ACCOUNTS[outflow["category"]]
    ref = f"PRLV-{number}"
    head = ("BQ", "Banque", number, day)
    return [
        (*head, account, title, None, None, ref, day, label, amount, 0.0, None, None, day),
        (*head, "512000", "Banque", None, None, ref, day, label, 0.0, amount, None, None, day),
    ]  # fmt: skip


def _fec_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)
