"""Unbilled-time leakage (KPI.md §6): four classes, no double counting, in hours, % and euros.

(a) untracked = Σ max(A − W, 0) per employee; (b) unqualified = hours with no project or class;
(c) unmanaged included = support hours past the quota + "included" hours sold nowhere;
(d) out-of-scope support not rebilled = non-billable support on out-of-scope tickets, no invoice.
Each hour belongs to one class, in the order b > c > d. `L_€ = Σ class hours × rate × ρ_class`
(ρ_a = 0.5 by default: not every missing hour was billable). `L_% = L_h / ΣA`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from model.kpi.charge import ChargeRate
from model.kpi.common import Explanation, categorise
from model.kpi.support import SupportInclusion, support_lines

CLASSES = ("untracked", "unqualified", "unmanaged_included", "unbilled_support")


@dataclass(frozen=True)
class LeakageSettings:
    realisation_untracked: float = 0.5
    realisation_other: float = 1.0
    default_rate_cents: int = 8000  # when neither the employee nor the contract has a rate
    red_pct: float = 8.0
    # What money kept out of the bank costs a year (diagnostic: invoicing delay, DSO): a
    # short-term credit rate.
    financing_rate_pct: float = 6.0


@dataclass
class Leakage:
    hours: dict[str, float]
    total_h: float
    pct: float | None
    euros_cents: int
    by_class_cents: dict[str, int]
    explanation: Explanation


def leakage(
    lines: pl.DataFrame,
    projects: pl.DataFrame,
    employees: pl.DataFrame,
    contracts: pl.DataFrame,
    tickets: pl.DataFrame,
    *,
    charge: ChargeRate,
    support: SupportInclusion,
    settings: LeakageSettings = LeakageSettings(),
) -> Leakage:
    """`lines` are the period's; `charge` and `support` are computed over the same period."""
    explanation = Explanation(
        "Fuite = temps non saisi (disponible − saisi, par personne) + heures non qualifiées + "
        "inclus non piloté (dépassement des quotas de support, « inclus » vendu nulle part) + "
        "support hors périmètre non refacturé ; chaque heure dans une seule classe ; en euros au "
        "taux de vente, × 0,5 pour le temps non saisi (toute heure manquante n'était pas "
        "facturable).",
        english="Leakage = untracked time (available − logged, per person) + unqualified hours + "
        "unmanaged included time (support over quota, “included” sold nowhere) + out-of-scope "
        "support not rebilled; each hour in one class only; in euros at the selling rate, × 0.5 "
        "for untracked time (not every missing hour was billable).",
        settings={
            "explain.realisation_untracked": settings.realisation_untracked,
            "explain.realisation_other": settings.realisation_other,
        },
    )
    # Untracked time is available − logged: the calendar's settings count here too.
    explanation.settings.update(charge.explanation.settings)
    rates = employees.select("employee", "billing_rate_cents")
    default = settings.default_rate_cents
    staff = charge.employees.join(rates, on="employee", how="left")
    untracked = staff.select(
        (pl.col("available_h") - pl.col("worked_h")).clip(lower_bound=0).alias("h"),
        pl.col("billing_rate_cents").fill_null(default).alias("rate"),
    )
    tagged = (
        support_lines(lines.lazy(), projects.lazy(), contracts.lazy(), tickets.lazy())
        .select("employee", "hours", "category", "contract", "ticket", "invoice_number")
        .collect()
    )
    every = (
        categorise(lines.lazy(), projects.lazy()).collect().join(rates, on="employee", how="left")
    )
    rate = pl.col("billing_rate_cents").fill_null(default)
    unqualified = every.filter(
        pl.col("category").is_in(["unqualified", "support_unqualified"])
        | pl.col("project").is_null()
    ).select(pl.col("hours").alias("h"), rate.alias("rate"))
    sold_nowhere = every.filter(pl.col("category") == "included_unmanaged").select(
        pl.col("hours").alias("h"), rate.alias("rate")
    )
    # Past the quota, or included under no quota at all (the contract-less lines are grouped
    # under an empty contract by `support_inclusion`).
    unmanaged = (
        pl.when(pl.col("quota_h") > 0).then(pl.col("excess_h")).otherwise(pl.col("included_h"))
    )
    excess = support.contracts.join(
        contracts.select("contract", "overage_rate_cents"), on="contract", how="left"
    ).select(unmanaged.alias("h"), pl.col("overage_rate_cents").fill_null(default).alias("rate"))
    out_of_scope_tickets = tickets.filter(pl.col("scope") == "out_of_scope").select("ticket")
    not_rebilled = (
        tagged.filter(
            (pl.col("category") == "support_non_billable") & pl.col("invoice_number").is_null()
        )
        .join(out_of_scope_tickets, on="ticket", how="semi")
        .join(rates, on="employee", how="left")
        .select(pl.col("hours").alias("h"), rate.alias("rate"))
    )
    parts = {
        "untracked": [untracked],
        "unqualified": [unqualified],
        "unmanaged_included": [excess, sold_nowhere],
        "unbilled_support": [not_rebilled],
    }
    realisation = {name: settings.realisation_other for name in CLASSES}
    realisation["untracked"] = settings.realisation_untracked
    hours, cents = {}, {}
    for name, frames in parts.items():
        joined = pl.concat(
            [
                f.select(pl.col("h").cast(pl.Float64), pl.col("rate").cast(pl.Float64))
                for f in frames
            ]
        )
        hours[name] = float(joined["h"].sum())
        cents[name] = round(float((joined["h"] * joined["rate"]).sum()) * realisation[name])
    total = sum(hours.values())
    available = float(charge.company["available_h"].sum())
    explanation.input_lines = every.height
    return Leakage(
        hours=hours,
        total_h=total,
        pct=total / available * 100 if available else None,
        euros_cents=sum(cents.values()),
        by_class_cents=cents,
        explanation=explanation,
    )


def lost_revenue_per_year(
    people: int,
    untracked_hours_per_day: float,
    days_per_year: float,
    rate: float,
    realisation: float,
) -> float:
    """ΔRevenue = N × h_day × D × R × ρ (KPI.md §6): computed from parameters, never a constant."""
    return people * untracked_hours_per_day * days_per_year * rate * realisation
