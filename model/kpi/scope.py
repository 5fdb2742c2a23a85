"""What a dashboard view looks at: a period, an as-of date, optionally one pôle and one client.

Period presets, the previous period a card compares with, and the facts narrowed to a pôle or a
client. Pure functions: the pages pass today's date in.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

import polars as pl

from model.kpi.frames import Facts

PRESETS = ("this_month", "last_month", "quarter", "last_12_months", "custom")


@dataclass(frozen=True)
class Scope:
    start: date
    end: date
    as_of: date
    team: str | None = None
    client: str | None = None


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def preset_period(preset: str, today: date) -> tuple[date, date]:
    """[start, end] of a preset; periods of the current month stop today (no future hours)."""
    first = today.replace(day=1)
    if preset == "this_month":
        return first, today
    if preset == "last_month":
        start = add_months(first, -1)
        return start, month_end(start)
    if preset == "quarter":
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return start, today
    if preset == "last_12_months":
        return add_months(first, -11), today
    raise ValueError(f"unknown preset {preset!r}")


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period a card compares with: the same number of months (or days) just before.

    A period starting on the 1st is month-aligned: "this month to date" compares with the same
    days of last month, "last 12 months" with the 12 before. Otherwise, as many days just before.
    """
    if start.day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        previous_start = add_months(start, -months)
        last_month = add_months(start, -1)
        if end == month_end(end):
            return previous_start, month_end(last_month)
        day = min(end.day, calendar.monthrange(last_month.year, last_month.month)[1])
        return previous_start, last_month.replace(day=day)
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def previous_scope(scope: Scope) -> Scope:
    start, end = previous_period(scope.start, scope.end)
    shift = scope.end - scope.as_of
    return replace(scope, start=start, end=end, as_of=end - shift)


def covered_from(facts: Facts) -> date | None:
    """The first day the work or invoice data cover: before it, a period has no data."""
    firsts = [facts.timesheets["date"].min(), facts.invoices["invoice_date"].min()]
    known = [first for first in firsts if first is not None]
    return min(known) if known else None  # type: ignore[type-var]


def comparison_scope(scope: Scope, covered: date | None) -> Scope | None:
    """The previous period, cut to the part the data cover (a previous year half without
    imports would show artefacts: +34 pts of charge rate); None when it has no data at all."""
    past = previous_scope(scope)
    if covered is None or past.end < covered:
        return None
    return replace(past, start=max(past.start, covered), as_of=max(past.as_of, covered))


def teams(facts: Facts) -> list[str]:
    return sorted(facts.employees["team"].drop_nulls().unique().to_list())


def clients(facts: Facts) -> list[str]:
    names = pl.concat(
        [facts.projects["client"], facts.invoices["client"], facts.contracts["client"]]
    )
    return sorted(names.drop_nulls().unique().to_list())


def narrow(facts: Facts, *, team: str | None, client: str | None) -> Facts:
    """The facts of one pôle (staff, their absences and lines) and/or one client (its projects,
    lines, invoices, payments, contracts and tickets). Cash facts are company-wide and kept."""
    narrowed = facts
    if team:
        staff = facts.employees.filter(pl.col("team") == team)
        names = staff["employee"].implode()
        narrowed = replace(
            narrowed,
            employees=staff,
            absences=narrowed.absences.filter(pl.col("employee").is_in(names)),
            timesheets=narrowed.timesheets.filter(pl.col("employee").is_in(names)),
        )
    if client:
        is_client = pl.col("client") == client
        narrowed = replace(
            narrowed,
            timesheets=narrowed.timesheets.filter(is_client),
            invoices=narrowed.invoices.filter(is_client),
            payments=narrowed.payments.filter(is_client),
            contracts=narrowed.contracts.filter(is_client),
            tickets=narrowed.tickets.filter(is_client),
        )
    return narrowed


class ScopeError(ValueError):
    """A period a view cannot show; the message is for the user."""


def scope_from(
    preset: str,
    *,
    as_of: date,
    custom: tuple[date | None, date | None] = (None, None),
    team: str | None = None,
    client: str | None = None,
) -> Scope:
    """The sidebar's choice as a Scope; presets count back from the as-of date."""
    if preset != "custom":
        start, end = preset_period(preset, as_of)
        return Scope(start, end, as_of, team, client)
    start, end = custom
    if start is None or end is None:
        raise ScopeError("Période personnalisée : choisissez une date de début et une date de fin.")
    if start > end:
        raise ScopeError(
            f"Période personnalisée : le début ({start:%d/%m/%Y}) est après la fin "
            f"({end:%d/%m/%Y})."
        )
    return Scope(start, end, as_of, team, client)
