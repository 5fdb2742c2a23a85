"""What every KPI shares: explanations, safe ratios and the line categories of KPI.md §0.

KPI functions are pure: frames and explicit parameters in, frames out. No clock, no database,
no Streamlit. Each result carries its explanation, shown under "Comment est calculé ce chiffre ?".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


@dataclass
class Explanation:
    """How a figure was computed, in words a manager can check."""

    formula: str
    settings: dict[str, object] = field(default_factory=dict)
    input_lines: int = 0
    excluded: list[tuple[int, str, str]] = field(default_factory=list)  # count, French, English
    english: str = ""  # the formula in English, for the language switch

    def exclude(self, count: int, reason: str, english: str = "") -> None:
        if count:
            self.excluded.append((count, reason, english or reason))

    def sentences(self, lang: str = "fr") -> list[str]:
        if lang != "fr":
            return self._english()
        lines = [self.formula, f"{self.input_lines} ligne(s) prises en compte."]
        lines += [f"{count} {reason}." for count, reason, _ in self.excluded]
        if self.settings:
            shown = ", ".join(f"{k} = {v}" for k, v in self.settings.items())
            lines.append(f"Paramètres : {shown}.")
        return lines

    def _english(self) -> list[str]:
        lines = [self.english or self.formula, f"{self.input_lines} line(s) counted."]
        lines += [f"{count} {reason}." for count, _, reason in self.excluded]
        if self.settings:
            shown = ", ".join(f"{SETTING_WORDS.get(k, k)} = {v}" for k, v in self.settings.items())
            lines.append(f"Settings: {shown}.")
        return lines

    def to_json(self) -> dict:
        return {
            "formula": self.formula,
            "settings": {k: _jsonable(v) for k, v in self.settings.items()},
            "input_lines": self.input_lines,
            "excluded": [{"count": c, "reason": r, "reason_en": e} for c, r, e in self.excluded],
        }


# The settings' names as explanations show them, in English.
SETTING_WORDS = {
    "réalisation temps non saisi": "realisation of untracked time",
    "réalisation autres classes": "realisation of the other classes",
    "base": "basis", "tranches": "buckets", "taux de pénalité % (depuis)": "penalty rate % (since)",
    "seuil orange (% consommé)": "amber threshold (% consumed)", "seuil rouge": "red threshold",
    "irrécupérable au-delà de": "unrecoverable beyond",
    "quota au prorata des mois partiels": "quota pro rata for partial months",
    "seuil rouge (part non facturée)": "red threshold (unbilled share)",
    "fenêtre (mois)": "window (months)", "limite (mois)": "limit (months)",
    "scénario": "scenario", "régime de TVA": "VAT regime", "facturation": "invoicing",
    "travaux non facturés (h)": "unbilled work (h)",
}  # fmt: skip


def _jsonable(value: object) -> object:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator, null (n/a) when the denominator is zero or missing (KPI.md §0)."""
    return pl.when(denominator != 0).then(numerator / denominator).otherwise(None)


def pct(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return ratio(numerator, denominator) * 100


# Line categories (KPI.md §0), from a line's billing and its project's billing mode.
CATEGORIES = (
    "billable", "fixed_price", "support_included", "support_billed", "support_non_billable",
    "support_unqualified", "included_unmanaged", "internal", "unqualified",
)  # fmt: skip


def categorise(lines: pl.LazyFrame, projects: pl.LazyFrame) -> pl.LazyFrame:
    """Add `billing_mode`, `is_support` and `category` to timesheet lines.

    Support time = a line on a support project or carrying a ticket (FORMATS.md §1).
    """
    modes = projects.select("project", "billing_mode").unique(subset="project", keep="last")
    with_mode = lines.join(modes, on="project", how="left")
    is_support = (pl.col("billing_mode") == "support") | pl.col("ticket").is_not_null()
    billing = pl.col("billing")
    category = (
        pl.when(is_support & (billing == "included"))
        .then(pl.lit("support_included"))
        .when(is_support & (billing == "billable"))
        .then(pl.lit("support_billed"))
        .when(is_support & (billing == "non_billable"))
        .then(pl.lit("support_non_billable"))
        .when(is_support)
        .then(pl.lit("support_unqualified"))
        .when(pl.col("billing_mode") == "internal")
        .then(pl.lit("internal"))
        .when(billing == "non_billable")
        .then(pl.lit("internal"))
        .when((billing == "included") & (pl.col("billing_mode") == "fixed_price"))
        .then(pl.lit("fixed_price"))
        .when(billing == "included")
        .then(pl.lit("included_unmanaged"))  # "included" in nothing that was sold (§6 c)
        .when(billing == "billable")
        .then(pl.lit("billable"))
        .otherwise(pl.lit("unqualified"))
    )
    return with_mode.with_columns(
        is_support.fill_null(False).alias("is_support"), category.alias("category")
    )
