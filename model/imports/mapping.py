"""Column mapping for layouts no importer knows: found columns → canonical columns.

`suggest` offers a best guess by header similarity in French and English; once checked, the
mapping is saved under a name with the file's headers, and any later file carrying those headers
is read with it automatically (it becomes one more layout).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass

from model.facts import FACTS
from model.imports.layouts import Layout
from model.imports.parse import fold_text

MIN_SCORE = 0.75

# Words people put in their own headers, per canonical column (French and English).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date", "jour", "day", "date de travail", "work date"),
    "employee": ("collaborateur", "consultant", "salarie", "employe", "intervenant", "ressource",
                 "personne", "nom", "employee", "user", "utilisateur", "staff"),
    "client": ("client", "customer", "societe", "partenaire", "compte client"),
    "project": ("projet", "dossier", "mission", "affaire", "project", "job"),
    "task": ("tache", "activite", "task", "activity", "phase"),
    "description": ("description", "commentaire", "libelle", "notes", "note", "detail", "comment"),
    "hours": ("heures", "temps", "temps passe", "duree", "hours", "time", "duration", "quantite",
              "nb heures", "nombre d'heures"),
    "billing": ("facturation", "facturable", "billable", "billing", "type de facturation"),
    "validated": ("valide", "validated", "approuve", "approved"),
    "ticket": ("ticket", "demande", "incident", "issue"),
    "invoice_number": ("facture", "n° facture", "numero de facture", "invoice", "invoice number"),
    "number": ("numero", "n°", "numero de facture", "number", "invoice number", "reference"),
    "invoice_date": ("date de facture", "date facture", "date de facturation", "invoice date"),
    "due_date": ("echeance", "date d'echeance", "due date", "date limite de paiement"),
    "amount_untaxed": ("montant ht", "ht", "hors taxes", "untaxed", "net amount"),
    "amount_total": ("montant ttc", "ttc", "total", "total ttc", "amount", "gross amount"),
    "amount_residual": ("reste du", "reste a payer", "solde", "amount due", "balance"),
    "amount": ("montant", "montant ttc", "amount", "somme"),
    "reference": ("reference", "ref", "libelle", "reference"),
}  # fmt: skip


@dataclass(frozen=True)
class SavedMapping:
    name: str
    kind: str
    headers: tuple[str, ...]  # the file's headers when it was saved
    columns: dict[str, str]  # canonical column -> file header

    def layout(self) -> Layout:
        fact = FACTS[self.kind]
        return Layout(
            source=f"mapping:{self.name}",
            kind=self.kind,
            label=f"Correspondance « {self.name} »",
            headers={canonical: {"fr": header} for canonical, header in self.columns.items()},
            required=tuple(c.name for c in fact.columns if c.required),
        )

    def to_json(self) -> str:
        return json.dumps({"headers": list(self.headers), "columns": self.columns},
                          ensure_ascii=False)  # fmt: skip


def _score(header: str, candidate: str) -> float:
    folded, wanted = fold_text(header), fold_text(candidate)
    if folded == wanted:
        return 1.0
    if wanted in folded.replace("(", " ").replace(")", " ").split():
        return 0.9
    return difflib.SequenceMatcher(None, folded, wanted).ratio()


def suggest(headers: list[str], kind: str) -> dict[str, str | None]:
    """Canonical column → the most similar found header (or None), each header used once."""
    fact = FACTS[kind]
    scored = []
    for column in fact.columns:
        candidates = (column.header, column.name, *SYNONYMS.get(column.name, ()))
        for header in headers:
            best = max(_score(header, candidate) for candidate in candidates)
            if best >= MIN_SCORE:
                scored.append((best, column.name, header))
    chosen: dict[str, str | None] = {c.name: None for c in fact.columns}
    used: set[str] = set()
    for _, column, header in sorted(scored, key=lambda s: -s[0]):
        if chosen[column] is None and header not in used:
            chosen[column] = header
            used.add(header)
    return chosen


def check(columns: dict[str, str | None], headers: list[str], kind: str) -> list[str]:
    """Why a mapping cannot be used, in French (empty when it can)."""
    fact = FACTS[kind]
    problems = []
    for name, header in columns.items():
        if name not in fact.names:
            problems.append(f"« {name} » n'est pas une colonne de « {fact.sheet} ».")
        elif header is not None and header not in headers:
            problems.append(f"La colonne « {header} » n'existe pas dans le fichier.")
    for column in fact.columns:
        if column.required and not columns.get(column.name):
            problems.append(f"La colonne obligatoire « {column.header} » n'est associée à rien.")
    mapped = [h for h in columns.values() if h]
    for header in {h for h in mapped if mapped.count(h) > 1}:
        problems.append(f"La colonne « {header} » est associée deux fois.")
    return problems


def checked(
    name: str, kind: str, headers: list[str], columns: dict[str, str | None]
) -> SavedMapping:
    """The mapping to save; `MappingError` lists what is wrong, in French."""
    problems = check(columns, headers, kind)
    if problems:
        raise MappingError(" ".join(problems))
    return SavedMapping(name, kind, tuple(headers), {k: v for k, v in columns.items() if v})


def from_json(name: str, kind: str, definition: str) -> SavedMapping:
    data = json.loads(definition)
    return SavedMapping(name, kind, tuple(data["headers"]), data["columns"])


class MappingError(ValueError):
    """A mapping cannot be used; the message says why, in French."""
