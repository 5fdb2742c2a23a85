"""What a viewer is shown (issue 14 §2): every page, download and JSON goes through here.

Three cuts, decided by `model/roles.py`:
- pages: a role reads only its pages (and the command line's matching commands);
- costs: hourly costs and what is priced with them (overrun costs, margins, cost notes in the
  explanations, per-person cost rates) are removed for every role but the direction;
- pôle: a project manager sees their pôle's people, the projects and support they worked on.

Figures are computed from the facts the viewer may see, then cut: a removed figure is not in
the frames that the tables, the dataframe toolbar and the Excel downloads are made from.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from datetime import date
from typing import Any

import polars as pl

from model.kpi.common import Explanation, is_cost_note
from model.kpi.frames import Facts
from model.kpi.scope import Scope, narrow
from model.kpi.settings import KpiSettings
from model.roles import COST_COLUMNS, Viewer, check_costs, check_page, pages
from model.views import dashboard
from model.views.headlines import Alert, headlines
from model.views.quality import QualityReport

VIEWS = {
    "overview": dashboard.overview_view,
    "charge": dashboard.charge_view,
    "projects": dashboard.projects_view,
    "support": dashboard.support_view,
    "receivables": dashboard.receivables_view,
}
# `python -m model kpi NAME`: the page whose figures it gives.
KPI_PAGES = {
    "charge-rate": "charge", "sold-vs-consumed": "projects", "support": "support",
    "sla": "support", "receivables": "receivables", "dso": "receivables",
    "invoicing-delay": "receivables", "margin": "projects", "leakage": "overview",
    "cash-forecast": "cash",
}  # fmt: skip
COST_CARDS = frozenset({"overtime_cost", "forecast_overrun_cost"})
# Facts a project manager's pages never read: kept out of their filters and drill-downs.
COMPANY_FACTS = ("invoices", "invoice_events", "payments", "flows", "bank_balances", "revenue",
                 "sale_lines")  # fmt: skip


def page_view(viewer: Viewer, page: str, facts: Facts, settings: KpiSettings, scope: Scope):
    """A dashboard page's figures as this viewer may see them (roles.Forbidden otherwise)."""
    check_page(viewer.role, page)
    if viewer.bounded:
        scope = replace(scope, team=viewer.team)
    view = VIEWS[page](visible_facts(viewer, facts, keep_costs=True), settings, scope)
    return view if viewer.sees_costs else without_costs(view)


def cash_view(viewer: Viewer, facts: Facts, settings: KpiSettings, scope: Scope, **options):
    check_page(viewer.role, "cash")
    return dashboard.cash_view(facts, settings, scope, **options)


def visible_facts(viewer: Viewer, facts: Facts, *, keep_costs: bool = False) -> Facts:
    """The facts this viewer may read: a project manager's pôle only; without hourly costs
    unless the viewer sees them (`keep_costs`: for figures cut afterwards)."""
    if viewer.bounded:
        facts = _pole_facts(facts, viewer.team)
    if keep_costs or viewer.sees_costs:
        return facts
    return replace(
        facts,
        employees=facts.employees.drop(COST_COLUMNS, strict=False),
        timesheets=facts.timesheets.drop(COST_COLUMNS, strict=False),
    )


def _pole_facts(facts: Facts, team: str | None) -> Facts:
    """A pôle's people and lines, the projects and clients they worked for (no pôle: none)."""
    staff = narrow(facts, team=team or "", client=None)
    if not team:
        staff = replace(staff, employees=facts.employees.head(0),
                        timesheets=facts.timesheets.head(0))  # fmt: skip
    lines = staff.timesheets
    served = lines["client"].drop_nulls().unique().implode()
    worked = lines["project"].drop_nulls().unique().implode()
    return replace(
        staff,
        projects=facts.projects.filter(pl.col("project").is_in(worked)),
        contracts=facts.contracts.filter(pl.col("client").is_in(served)),
        tickets=facts.tickets.filter(pl.col("client").is_in(served)),
        **{name: getattr(facts, name).head(0) for name in COMPANY_FACTS},
    )


def without_costs(view: Any) -> Any:
    """A view with every figure priced at hourly costs taken out, however deep it sits."""
    if isinstance(view, pl.DataFrame):
        return view.drop(COST_COLUMNS, strict=False)
    if isinstance(view, Explanation):
        return view.without_cost_notes()
    if isinstance(view, Alert):
        return view.without_cost()
    if isinstance(view, list):
        kept = [item for item in view if getattr(item, "key", None) not in COST_CARDS]
        return [without_costs(item) for item in kept]
    if is_dataclass(view) and not isinstance(view, type):
        parts = {f.name: without_costs(getattr(view, f.name)) for f in fields(view) if f.init}
        return replace(view, **parts)
    return view


def alerts_for(viewer: Viewer, facts: Facts, settings: KpiSettings, *, as_of: date) -> list[Alert]:
    """The overview's alerts at a date, costliest first, that this viewer may read: those of
    their pages, over their pôle, said without hourly costs unless they see them (the digest)."""
    shown = visible_facts(viewer, facts, keep_costs=True)
    alerts = [
        a for a in headlines(shown, settings, as_of=as_of).alerts if a.page in pages(viewer.role)
    ]
    return alerts if viewer.sees_costs else [alert.without_cost() for alert in alerts]


def quality_for(viewer: Viewer, report: QualityReport) -> QualityReport:
    """The data-quality report; the per-person cost rates only for those who see costs."""
    check_page(viewer.role, "imports")
    if viewer.sees_costs:
        return report
    quality = replace(report.quality, costs=report.quality.costs.head(0))
    return replace(report, quality=quality, costs_hidden=True)


def kpi_json(viewer: Viewer, name: str, facts: Facts, settings: KpiSettings, **period) -> dict:
    """`python -m model kpi NAME --json` as this viewer may see it."""
    from model.views.report import kpi_json as full_json

    check_page(viewer.role, KPI_PAGES[name])
    if name == "margin":
        check_costs(viewer, "les marges")
    result = full_json(name, visible_facts(viewer, facts, keep_costs=True), settings, **period)
    return result if viewer.sees_costs else _without_cost_keys(result)


def _without_cost_keys(value: Any) -> Any:
    """A JSON answer without its cost keys, nor the explanations' notes that give costs."""
    if isinstance(value, dict):
        return {k: _without_cost_keys(v) for k, v in value.items() if k not in COST_COLUMNS}
    if isinstance(value, list):
        return [
            _without_cost_keys(item) for item in value
            if not (isinstance(item, dict) and is_cost_note(str(item.get("reason", ""))))
        ]  # fmt: skip
    return value


def diagnostic_for(viewer: Viewer, facts: Facts, settings: KpiSettings, *, as_of: date):
    """The diagnostic (its overruns are priced at hourly costs: the roles that see costs)."""
    from model.views.diagnostic import diagnostic

    check_page(viewer.role, "diagnostic")
    return diagnostic(facts, settings, as_of=as_of)
