"""What each role may see and do (issue 14 §2), decided here and enforced in the services that
write: a page hidden from a role is also refused to it by the model, whatever calls it.

`None` is the operator: the command line on the server, or a local app before its first
account exists. What a role sees is cut in `model/views/access.py`: pages, cost figures (only
the direction sees hourly costs and what derives from them: overrun costs, margins) and, for a
project manager, their pôle.
"""

from __future__ import annotations

from dataclasses import dataclass

# Role → (French label, English label); what each may see and do is decided below.
ROLES = {
    "direction": ("direction", "management"),
    "comptable": ("comptable", "accountant"),
    "chef_de_projet": ("chef de projet", "project manager"),
    "consultant": ("consultant", "consultant"),
    "lecture": ("lecture", "read only"),
}
DASHBOARDS = ("overview", "charge", "projects", "support", "receivables", "cash")
PAGES = {
    "direction": ("home", *DASHBOARDS, "diagnostic", "imports", "parameters", "workspaces"),
    "comptable": ("home", "receivables", "cash", "imports"),
    "chef_de_projet": ("home", "charge", "projects", "support"),
    "consultant": ("home", "workspaces"),  # the firm's own figures are not theirs
    "lecture": ("home", *DASHBOARDS),
    # A consultant inside a workspace granted to them (model/workspaces.py): its auditor.
    "auditeur": ("home", *DASHBOARDS, "diagnostic", "imports", "parameters", "workspaces"),
}
# Who may open workspaces at all, and as which role inside one.
IN_WORKSPACE = {"direction": "direction", "consultant": "auditeur"}
# Writes: import (and undo its own kind of work), settings, tables edited on screen, accounts.
ACTIONS = {
    "import": ("direction", "comptable", "auditeur"),
    "undo": ("direction", "comptable", "auditeur"),
    "settings": ("direction", "auditeur"),
    "tables": ("direction", "auditeur"),
    "users": ("direction",),
    "forecasts": ("direction", "comptable", "auditeur"),
    "workspaces": ("direction", "consultant", "auditeur"),
}
ACTION_WORDS = {
    "import": "importer un fichier",
    "undo": "annuler un import",
    "settings": "modifier les paramètres",
    "tables": "modifier les tableaux de Paramètres",
    "users": "gérer les comptes",
    "forecasts": "garder une prévision de trésorerie",
    "workspaces": "gérer les dossiers",
}


# Only these roles see hourly costs and the figures priced with them.
SEES_COSTS = ("direction", "auditeur")
# Figures priced at hourly costs: columns of the views' frames, cards, JSON keys.
COST_COLUMNS = frozenset({
    "cost", "cost_cents", "cost_rate", "cost_rate_cents", "overtime_cost", "overtime_cost_cents",
    "forecast_overrun_cost", "forecast_overrun_cost_cents", "margin", "margin_cents",
    "margin_pct", "list_cost_cents", "timesheet_cost_cents", "staff_list_cost_rate",
    "timesheet_cost_rate",
})  # fmt: skip
PAGE_WORDS = {  # as "ne donne pas accès …" says them
    "home": "à l'accueil", "overview": "à la vue d'ensemble", "charge": "au taux de charge",
    "projects": "aux projets", "support": "au support", "receivables": "aux créances",
    "cash": "à la trésorerie", "imports": "aux imports", "parameters": "aux paramètres",
    "workspaces": "aux dossiers", "diagnostic": "au diagnostic",
}  # fmt: skip


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a signed-in account (its role, and a project manager's pôle), or the
    operator (everything)."""

    name: str | None = None
    role: str | None = None
    team: str | None = None  # a project manager sees their pôle only

    @property
    def sees_costs(self) -> bool:
        return self.role is None or self.role in SEES_COSTS

    @property
    def bounded(self) -> bool:
        """True when the viewer sees one pôle only."""
        return self.role == "chef_de_projet"


OPERATOR = Viewer()


class Forbidden(PermissionError):
    """The role may not do this; the message is a French sentence for the user."""


def may(role: str | None, action: str) -> bool:
    return role is None or role in ACTIONS[action]


def refusal(role: str | None, action: str) -> str:
    words = ACTION_WORDS[action]
    of = "d'" if words[0] in "aeiouéèh" else "de "
    return (
        f"Votre rôle ({role_words(role)}) ne permet pas {of}{words} : demandez-le à la direction."
    )


def check(role: str | None, action: str) -> None:
    if not may(role, action):
        raise Forbidden(refusal(role, action))


def pages(role: str | None) -> tuple[str, ...]:
    return PAGES["direction"] if role is None else PAGES[role]


def check_page(role: str | None, page: str) -> None:
    if page not in pages(role):
        raise Forbidden(
            f"Votre rôle ({role_words(role)}) ne donne pas accès {PAGE_WORDS[page]} : "
            "demandez-le à la direction."
        )


def check_costs(viewer: Viewer, what: str) -> None:
    if not viewer.sees_costs:
        raise Forbidden(
            f"Votre rôle ({role_words(viewer.role)}) ne donne pas accès aux coûts horaires ni "
            f"à ce qui en découle ({what}) : seule la direction les voit."
        )


# `python -m model --as NAME COMMAND`: what each command needs, a page it reads from or an action
# it performs (`kpi` is decided per indicator in model/views/access.py; import, undo and the
# settings' writes are checked by the services that write).
COMMAND_NEEDS = {
    "init": ("action", "settings"),
    "batches": ("page", "imports"),
    "export": ("page", "imports"),
    "template": ("page", "imports"),
    "quality": ("page", "imports"),
    "journal": ("page", "imports"),
    "audit": ("page", "diagnostic"),
    "report": ("page", "diagnostic"),
    "mapping": ("page", "imports"),
    "demo": ("action", "import"),
    "user": ("action", "users"),
    "digest": ("action", "users"),  # it writes to people: the direction's
    "workspace": ("action", "workspaces"),
    "settings": ("page", "parameters"),
}


def check_command(viewer: Viewer, command: str) -> None:
    need = COMMAND_NEEDS.get(command)
    if need is None:
        return
    kind, what = need
    if kind == "page":
        check_page(viewer.role, what)
    else:
        check(viewer.role, what)


def role_words(role: str | None) -> str:
    return "opérateur" if role is None else role.replace("_", " ")
