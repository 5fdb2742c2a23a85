"""What every KPI shares: explanations, safe ratios and the line categories of KPI.md §0.

KPI functions are pure: frames and explicit parameters in, frames out. No clock, no database,
no Streamlit. Each result carries its explanation, shown under "Comment est calculé ce chiffre ?".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

from model.texts import LANGUAGES, code_word, text


@dataclass(frozen=True)
class Words:
    """A setting's value as people read it in each language; `raw` is what `--json` has always
    given for it (a code such as `encaissements`), when that differs from the French."""

    french: str
    english: str
    raw: object = None

    def in_language(self, lang: str) -> str:
        return self.french if lang == "fr" else self.english


def coded(code: str, raw: object = None) -> Words:
    """A code's words in each language (`model.texts.CODE_LABELS`); `--json` keeps `raw`, by
    default the code itself."""
    return Words(*(code_word(code, lang) for lang in LANGUAGES), raw=code if raw is None else raw)


@dataclass
class Explanation:
    """How a figure was computed, in words a manager can check. Settings are keyed by their
    catalogue entry (`explain.basis`), so each language names them in its own words."""

    formula: str
    settings: dict[str, object] = field(default_factory=dict)
    input_lines: int = 0
    excluded: list[tuple[int, str, str]] = field(default_factory=list)  # count, French, English
    english: str = ""  # the formula in English, for the language switch

    def exclude(self, count: int, reason: str, english: str = "") -> None:
        if count:
            self.excluded.append((count, reason, english or reason))

    def sentences(self, lang: str = "fr") -> list[str]:
        formula = self.formula if lang == "fr" else self.english or self.formula
        lines = [formula, text("explain.lines_counted", lang, count=self.input_lines)]
        lines += [
            f"{count} {french if lang == 'fr' else english}."
            for count, french, english in self.excluded
        ]
        if self.settings:
            shown = ", ".join(
                f"{text(key, lang)} = {_shown(value, lang)}" for key, value in self.settings.items()
            )
            lines.append(text("explain.settings", lang, settings=shown))
        return lines

    def without_cost_notes(self) -> Explanation:
        """The same explanation without the notes that give hourly costs (model/roles.py)."""
        kept = [entry for entry in self.excluded if not is_cost_note(entry[1])]
        return replace(self, excluded=kept)

    def to_json(self) -> dict:
        """As `kpi --json` has always given it: French names, values as stored."""
        return {
            "formula": self.formula,
            "settings": {text(k, "fr"): _jsonable(v) for k, v in self.settings.items()},
            "input_lines": self.input_lines,
            "excluded": [{"count": c, "reason": r, "reason_en": e} for c, r, e in self.excluded],
        }


def _shown(value: object, lang: str) -> str:
    if isinstance(value, Words):
        return value.in_language(lang)
    if isinstance(value, bool):
        return text("yes" if value else "no", lang)
    return str(value)


def _jsonable(value: object) -> object:
    if isinstance(value, Words):
        return value.french if value.raw is None else value.raw
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def cost_rate(default_cents: int) -> pl.Expr:
    """A line's hourly cost: its person's, else the default cost rate (a setting). One rule
    for every figure that costs time (sold vs consumed, project margin)."""
    return pl.col("cost_rate_cents").fill_null(default_cents)


def person_costs(employees: pl.LazyFrame) -> pl.LazyFrame:
    """Each person's hourly cost, and whether it comes from their timesheet lines' cost."""
    from_lines = (
        pl.col("cost_from_timesheets")
        if "cost_from_timesheets" in employees.collect_schema().names()
        else pl.lit(False)
    )
    return employees.select("employee", "cost_rate_cents", from_lines.alias("_cost_from_lines"))


# How the notes about hourly costs start: hidden from those who may not see costs.
COST_NOTE = "ligne(s) de collaborateurs sans coût horaire"


def is_cost_note(reason: str) -> bool:
    return reason.startswith(COST_NOTE)


def explain_timesheet_cost(explanation: Explanation, lines: int) -> None:
    explanation.exclude(
        lines,
        f"{COST_NOTE} dans la liste du personnel, coûtées au coût moyen de leurs lignes de temps "
        "(Odoo : Montant ÷ heures)",
        "line(s) of people with no hourly cost in the staff list, costed at their timesheet "
        "lines' average cost (Odoo: Amount ÷ hours)",
    )


def explain_default_cost(explanation: Explanation, lines: int, default_cents: int) -> None:
    euros = f"{default_cents / 100:.2f}"
    explanation.exclude(
        lines,
        f"{COST_NOTE}, coûtées au coût par défaut de {euros.replace('.', ',')} €/h",
        f"line(s) of people with no hourly cost, costed at the default {euros} €/h",
    )


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
