"""KPI settings: thresholds and conventions, stored in the database with KPI.md's defaults.

Each setting has a flat key (`receivables.basis`), a type and a name in the catalogue
(`model.texts`, `setting.<key>`); the store keeps
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
from model.texts import LABELS, text

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


def setting_label(key: str, lang: str = "fr") -> str:
    """The setting's name as the Paramètres form and the CLI show it."""
    entry = f"setting.{key}"
    return text(entry, lang) if entry in LABELS else key


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
    label = setting_label(key)
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
    label = setting_label(key)
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
