"""What each role may see and do (issue 14 §2), decided here and enforced in the services that
write: a page hidden from a role is also refused to it by the model, whatever calls it.

`None` is the operator: the command line on the server, or a local app before its first
account exists. The next steps (workspaces, hidden cost rates) refine what is seen.
"""

from __future__ import annotations

DASHBOARDS = ("overview", "charge", "projects", "support", "receivables", "cash")
PAGES = {
    "direction": ("home", *DASHBOARDS, "imports", "parameters"),
    "comptable": ("home", "receivables", "cash", "imports"),
    "chef_de_projet": ("home", "charge", "projects", "support"),
    "consultant": ("home",),  # their workspaces come with issue 15
    "lecture": ("home", *DASHBOARDS),
}
# Writes: import (and undo its own kind of work), settings, tables edited on screen, accounts.
ACTIONS = {
    "import": ("direction", "comptable"),
    "undo": ("direction", "comptable"),
    "settings": ("direction",),
    "tables": ("direction",),
    "users": ("direction",),
    "forecasts": ("direction", "comptable"),
}
ACTION_WORDS = {
    "import": "importer un fichier",
    "undo": "annuler un import",
    "settings": "modifier les paramètres",
    "tables": "modifier les tableaux de Paramètres",
    "users": "gérer les comptes",
    "forecasts": "garder une prévision de trésorerie",
}


class Forbidden(PermissionError):
    """The role may not do this; the message is a French sentence for the user."""


def may(role: str | None, action: str) -> bool:
    return role is None or role in ACTIONS[action]


def refusal(role: str, action: str) -> str:
    words = ACTION_WORDS[action]
    of = "d'" if words[0] in "aeiouéèh" else "de "
    return (
        f"Votre rôle ({role.replace('_', ' ')}) ne permet pas {of}{words} : demandez-le à la "
        "direction."
    )


def check(role: str | None, action: str) -> None:
    if not may(role, action):
        raise Forbidden(refusal(role, action))


def pages(role: str | None) -> tuple[str, ...]:
    return PAGES["direction"] if role is None else PAGES[role]
