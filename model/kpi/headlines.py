"""The overview's headline figures and its alerts, costliest first, over the last 12 months."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from model.formatting import euros_from_cents, number, percent
from model.kpi.load import Facts
from model.kpi.overview import overview
from model.kpi.settings import KpiSettings

DSO_RED_DAYS = 60  # KPI.md §4b: > 60 days is red


@dataclass
class Headlines:
    start: date
    end: date
    tace_pct: float | None
    leakage_pct: float | None
    drifting_projects: int
    dso_days: float | None
    alerts: list[str] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)


def twelve_months_before(end: date) -> date:
    index = end.year * 12 + end.month - 1 - 11
    return date(index // 12, index % 12 + 1, 1)


def headlines(facts: Facts, settings: KpiSettings, *, as_of: date) -> Headlines:
    start = twelve_months_before(as_of)
    result = overview(facts, settings, as_of=as_of, start=start, end=as_of)
    projects = result.projects.projects
    drifting = projects.filter(pl.col("status").is_in(["red", "unrecoverable"]))
    alerts: list[tuple[int, str]] = []
    for row in drifting.iter_rows(named=True):
        alerts.append((
            row["overtime_cost_cents"] or 0,
            f"Projet « {row['project']} » : {percent(row['pct_consumed'])} du temps vendu "
            f"consommé{' (irrécupérable)' if row['status'] == 'unrecoverable' else ''}, "
            f"{number(row['overtime_h'], 0)} h au-delà du budget ≈ "
            f"{euros_from_cents(row['overtime_cost_cents'])}.",
        ))  # fmt: skip
    red_support = result.support.contracts.filter(
        pl.col("unbilled_pct") > settings.support.red_unbilled_pct
    )
    for row in red_support.iter_rows(named=True):
        given_away = round(row["excess_h"] * (row["effective_rate_cents"] or 0))
        alerts.append((
            given_away,
            f"Contrat de support « {row['contract'] or 'sans contrat'} » : "
            f"{percent(row['unbilled_pct'])} du temps non facturé, {number(row['excess_h'], 0)} h "
            f"au-delà du quota.",
        ))  # fmt: skip
    leak = result.leakage
    if leak.pct is not None and leak.pct > settings.leakage.red_pct:
        alerts.append((leak.euros_cents, f"Temps non facturé : {percent(leak.pct)} des heures "
                       f"disponibles ≈ {euros_from_cents(leak.euros_cents)}."))  # fmt: skip
    dso_days = result.dso.countback
    if dso_days is not None and dso_days > DSO_RED_DAYS:
        overdue = int(result.receivables.total["overdue"].item() or 0)
        alerts.append((overdue, f"DSO à {number(dso_days, 0)} jours (> {DSO_RED_DAYS}) : "
                       f"{euros_from_cents(overdue)} de créances échues à relancer."))  # fmt: skip
    tace = result.charge.company["tace_pct"]
    return Headlines(
        start=start,
        end=as_of,
        tace_pct=tace.item() if tace.len() else None,
        leakage_pct=leak.pct,
        drifting_projects=drifting.height,
        dso_days=dso_days,
        alerts=[text for _, text in sorted(alerts, key=lambda a: -a[0])],
        explanations=[
            *result.charge.explanation.sentences()[:1],
            *result.leakage.explanation.sentences()[:1],
            *result.projects.explanation.sentences()[:1],
            *result.dso.explanation.sentences()[:1],
        ],
    )
