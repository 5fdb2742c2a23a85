"""KPI settings: thresholds and conventions, stored in the database with KPI.md's defaults.

Each setting has a flat key (`receivables.basis`), a type and a French label; the store keeps
only the values a user changed. `kpi_settings()` assembles the objects the KPI functions take.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from model.kpi.capacity import CalendarSettings
from model.kpi.cash import CashSettings
from model.kpi.charge import ChargeThresholds
from model.kpi.dso import DsoSettings
from model.kpi.leakage import LeakageSettings
from model.kpi.projects import ProjectThresholds
from model.kpi.receivables import ReceivablesSettings
from model.kpi.support import SupportSettings

GROUPS: dict[str, type] = {
    "calendar": CalendarSettings,
    "charge": ChargeThresholds,
    "projects": ProjectThresholds,
    "support": SupportSettings,
    "receivables": ReceivablesSettings,
    "dso": DsoSettings,
    "leakage": LeakageSettings,
    "cash": CashSettings,
}

LABELS = {
    "calendar.sick_reduces_available": "Les arrêts maladie réduisent le disponible",
    "calendar.alsace_moselle": "Jours fériés d'Alsace-Moselle",
    "calendar.solidarity_day_worked": "Lundi de Pentecôte travaillé (journée de solidarité)",
    "charge.red_pct": "TACE : seuil rouge (%)",
    "charge.amber_pct": "TACE : seuil vert à partir de (%)",
    "charge.overload_pct": "Occupation : surcharge au-delà de (%)",
    "projects.amber_pct": "Forfait : seuil orange (% consommé)",
    "projects.red_pct": "Forfait : seuil rouge (% consommé)",
    "projects.unrecoverable_pct": "Forfait : irrécupérable au-delà de (% consommé)",
    "projects.default_cost_rate_cents": "Coût horaire par défaut (€)",
    "support.prorate_partial_months": "Support : quota au prorata des mois partiels",
    "support.red_unbilled_pct": "Support : seuil rouge de la part non facturée (%)",
    "receivables.basis": "Balance âgée : base (due_date ou invoice_date)",
    "receivables.limits": "Balance âgée : limites des tranches (jours)",
    "receivables.penalty_rates": "Taux des pénalités de retard : [[date d'effet, %], …]",
    "receivables.recovery_fee_cents": "Indemnité forfaitaire de recouvrement (€)",
    "dso.window_months": "DSO : fenêtre de la méthode simple (mois)",
    "dso.max_months": "DSO : limite de la méthode par épuisement (mois)",
    "dso.vat_rate_pct": "Taux de TVA des travaux non facturés (%)",
    "dso.amber_days": "DSO : seuil orange (jours)",
    "dso.red_days": "DSO : seuil rouge (jours)",
    "leakage.realisation_untracked": "Fuite : réalisation du temps non saisi",
    "leakage.realisation_other": "Fuite : réalisation des autres classes",
    "leakage.default_rate_cents": "Fuite : taux de vente par défaut (€)",
    "leakage.red_pct": "Fuite : seuil rouge (%)",
    "cash.opening_cents": "Trésorerie : solde d'ouverture saisi (€)",
    "cash.opening_date": "Trésorerie : date du solde saisi (AAAA-MM-JJ ; vide : soldes 512 du FEC)",
    "cash.vat_mode": "Trésorerie : TVA (encaissements, debits, ou flux saisis)",
    "cash.vat_rate_pct": "Trésorerie : taux de TVA (%)",
    "cash.vat_day": "Trésorerie : jour de paiement de la TVA (mois suivant)",
    "cash.invoicing": "Trésorerie : rythme de facturation (monthly ou weekly)",
    "cash.payment_terms_days": "Trésorerie : délai de paiement accordé (jours)",
    "cash.min_paid_invoices": "Trésorerie : factures payées requises pour un retard par client",
    "cash.max_overdue_days": "Trésorerie : créances écartées au-delà de (jours de retard)",
    "cash.payroll_category": "Trésorerie : catégorie des salaires (seuil d'alerte)",
    "cash.pessimistic_delay_days": "Trésorerie pessimiste : retard ajouté (jours)",
    "cash.pessimistic_unbilled_share": "Trésorerie pessimiste : part du non facturé encaissée",
}
CHOICES = {
    "receivables.basis": ("due_date", "invoice_date"),
    "cash.vat_mode": ("encaissements", "debits", "flux"),
    "cash.invoicing": ("monthly", "weekly"),
}


class SettingError(ValueError):
    """A setting value is refused; the message is for the user."""


@dataclass(frozen=True)
class KpiSettings:
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    charge: ChargeThresholds = field(default_factory=ChargeThresholds)
    projects: ProjectThresholds = field(default_factory=ProjectThresholds)
    support: SupportSettings = field(default_factory=SupportSettings)
    receivables: ReceivablesSettings = field(default_factory=ReceivablesSettings)
    dso: DsoSettings = field(default_factory=DsoSettings)
    leakage: LeakageSettings = field(default_factory=LeakageSettings)
    cash: CashSettings = field(default_factory=CashSettings)


def defaults() -> dict[str, Any]:
    """Every setting key with its KPI.md default."""
    values = {}
    for group, cls in GROUPS.items():
        instance = cls()
        for f in fields(cls):
            values[f"{group}.{f.name}"] = _plain(getattr(instance, f.name))
    return values


def _plain(value: Any) -> Any:
    return [_plain(v) for v in value] if isinstance(value, tuple) else value


def validate(key: str, value: Any) -> Any:
    """The value converted to the setting's type, or `SettingError` in French."""
    known = defaults()
    if key not in known:
        raise SettingError(f"Paramètre inconnu : « {key} ».")
    default = known[key]
    label = LABELS.get(key, key)
    try:
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise TypeError
            return value
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if key == "receivables.penalty_rates":
            rates = [
                [date.fromisoformat(str(since)).isoformat(), float(pct)] for since, pct in value
            ]
            if not rates or any(pct < 0 for _, pct in rates):
                raise ValueError
            return sorted(rates)
        if isinstance(default, list):
            limits = [int(v) for v in value]
            if not limits or limits != sorted(set(limits)) or limits[0] < 1:
                raise ValueError
            return limits
    except (TypeError, ValueError) as error:
        raise SettingError(f"« {label} » : « {value} » n'est pas une valeur valable.") from error
    if key in CHOICES and value not in CHOICES[key]:
        expected = " ou ".join(CHOICES[key])
        raise SettingError(f"« {label} » : « {value} » (attendu : {expected}).")
    if key == "cash.opening_date" and value:
        try:
            date.fromisoformat(str(value))
        except ValueError as error:
            raise SettingError(
                f"« {label} » : « {value} » n'est pas une date AAAA-MM-JJ."
            ) from error
    return value


def current_values(stored: dict[str, str]) -> dict[str, Any]:
    """Every setting with its value in force: the stored one, else KPI.md's default."""
    values = defaults()
    for key, raw in stored.items():
        if key in values:
            values[key] = json.loads(raw)
    return values


def _frozen(value: Any) -> Any:
    """JSON lists back to the tuples the frozen settings hold."""
    return tuple(_frozen(v) for v in value) if isinstance(value, list) else value


def kpi_settings(stored: dict[str, str]) -> KpiSettings:
    """Settings objects from stored JSON values (unknown keys ignored, defaults elsewhere)."""
    changes: dict[str, dict[str, Any]] = {group: {} for group in GROUPS}
    for key, raw in stored.items():
        group, _, name = key.partition(".")
        if group in GROUPS and key in defaults():
            changes[group][name] = _frozen(json.loads(raw))
    base = KpiSettings()
    return KpiSettings(
        **{group: replace(getattr(base, group), **values) for group, values in changes.items()}
    )


def as_text(key: str, value: Any) -> str:
    """How a list setting is typed on screen: `30, 60, 90` or `2024-07-01 = 14.25 ; …`."""
    if key == "receivables.penalty_rates":
        return " ; ".join(f"{since} = {pct}" for since, pct in value)
    return ", ".join(str(v) for v in value)


def from_text(key: str, text: str) -> Any:
    """The screen's text back to the setting's value, checked; `SettingError` in French."""
    label = LABELS.get(key, key)
    try:
        if key == "receivables.penalty_rates":
            pairs = [part.split("=") for part in text.split(";") if part.strip()]
            value: Any = [[since.strip(), float(pct.strip().replace(",", "."))]
                          for since, pct in pairs]  # fmt: skip
        else:
            value = [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError as error:
        example = "2024-07-01 = 14,25" if key == "receivables.penalty_rates" else "30, 60, 90"
        raise SettingError(
            f"« {label} » : « {text} » n'est pas lisible (exemple : {example})."
        ) from error
    return validate(key, value)


def on_screen(key: str, value: Any) -> Any:
    """A setting as the settings form shows it: euros for amounts kept in cents, text for
    lists, the value itself otherwise."""
    if key.endswith("_cents"):
        return value / 100
    if isinstance(value, list):
        return as_text(key, value)
    return value


def from_screen(key: str, entry: Any) -> Any:
    """What the form returned, back to the stored value (checked by `validate` on saving)."""
    default = defaults()[key]
    if key.endswith("_cents"):  # decimal arithmetic: 0,29 € is 29 cents, not 28.999…
        return int((Decimal(str(entry)) * 100).quantize(Decimal(1), ROUND_HALF_UP))
    if isinstance(default, list):
        return from_text(key, entry)
    return entry
