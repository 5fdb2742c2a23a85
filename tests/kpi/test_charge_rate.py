"""KPI.md §1 worked examples: charge rates, exactly."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from model.kpi.capacity import CalendarSettings, capacity_calendar, working_days
from model.kpi.charge import charge_rate
from tests.kpi.frames import employee, frame, line

FEB = (date(2025, 2, 1), date(2025, 2, 28))  # 20 working days, no public holiday
PROJECTS = frame(
    "projects",
    [
        {"project": "Régie", "billing_mode": "time_and_materials"},
        {"project": "Forfait", "billing_mode": "fixed_price", "sold_hours": 140.0},
        {"project": "Interne", "billing_mode": "internal"},
    ],
)


def spread(employee_name: str, days: list[date], project: str, hours: float, billing: str):
    """`hours` spread evenly over `days`."""
    return [line(d, employee_name, project, hours / len(days), billing) for d in days]


def weekdays(start: date, end: date) -> list[date]:
    return [
        start + timedelta(n)
        for n in range((end - start).days + 1)
        if (start + timedelta(n)).weekday() < 5
    ]


def example_1_1() -> tuple:
    days = weekdays(*FEB)
    employees = frame("employees", [employee("Alice")])
    absences = frame(
        "absences",
        [{"employee": "Alice", "date": d, "hours": 7.0, "kind": "paid_leave"} for d in days[:2]],
    )
    lines = (
        spread("Alice", days[2:], "Régie", 88, "billable")
        + spread("Alice", days[2:], "Forfait", 12, "included")
        + spread("Alice", days[2:], "Interne", 20, "non_billable")
    )
    return employees, absences, lines


def test_example_1_1():
    assert working_days(*FEB) == 20
    employees, absences, lines = example_1_1()
    calendar = capacity_calendar(employees, absences, start=FEB[0], end=FEB[1])
    result = charge_rate(frame("timesheets", lines), PROJECTS, calendar, start=FEB[0], end=FEB[1])
    alice = result.employees.row(0, named=True)
    assert (alice["capacity_h"], alice["available_h"]) == (140, 126)
    assert alice["worked_h"] == pytest.approx(120)
    assert alice["billable_h"] == pytest.approx(100)
    assert round(alice["tace_pct"], 2) == 79.37
    assert round(alice["occupation_pct"], 2) == 95.24
    assert round(alice["billable_ratio_pct"], 2) == 83.33
    assert round(alice["harvest_pct"], 2) == 85.71


# Example 1.2: Mon–Thu part time; 3–30 April 2025 holds 16 such days, Easter Monday among them.
APRIL = (date(2025, 4, 3), date(2025, 4, 30))


def example_1_2(sick_reduces_available: bool = True):
    bruno = employee("Bruno", weekly_hours=28.0, workdays="mon,tue,wed,thu")
    absences = frame(
        "absences", [{"employee": "Bruno", "date": date(2025, 4, 10), "hours": 7.0, "kind": "sick"}]
    )
    settings = CalendarSettings(sick_reduces_available=sick_reduces_available)
    calendar = capacity_calendar(
        frame("employees", [bruno]), absences, start=APRIL[0], end=APRIL[1], settings=settings
    )
    days = [
        d for d in calendar.filter(calendar["capacity_h"] > 0)["date"] if d != date(2025, 4, 10)
    ]
    return calendar, spread("Bruno", days, "Régie", 63, "billable")


def test_example_1_2_part_time_with_a_holiday_and_sick_leave():
    calendar, lines = example_1_2()
    assert calendar["capacity_h"].sum() == 105  # 16 contract days − Easter Monday = 15 × 7 h
    result = charge_rate(
        frame("timesheets", lines), PROJECTS, calendar, start=APRIL[0], end=APRIL[1]
    )
    bruno = result.employees.row(0, named=True)
    assert bruno["available_h"] == 98
    assert round(bruno["tace_pct"], 2) == 64.29


def test_example_1_2_with_sick_leave_not_reducing_availability():
    calendar, lines = example_1_2(sick_reduces_available=False)
    result = charge_rate(
        frame("timesheets", lines), PROJECTS, calendar, start=APRIL[0], end=APRIL[1]
    )
    assert result.employees["available_h"].item() == 105
    assert round(result.employees["tace_pct"].item(), 2) == 60.00


def test_team_is_a_ratio_of_sums_and_a_late_starter_is_left_out():
    """Alice (1.1) and Bruno (1.2) over one period; Chloé starts after it."""
    start, end = date(2025, 2, 1), date(2025, 4, 30)
    _, absences, lines = example_1_1()
    _, bruno_lines = example_1_2()
    staff = frame(
        "employees",
        [
            employee("Alice", end_date=FEB[1]),
            employee("Bruno", weekly_hours=28.0, workdays="mon,tue,wed,thu", start_date=APRIL[0]),
            employee("Chloé", start_date=date(2025, 6, 1)),
        ],
    )
    sick = {"employee": "Bruno", "date": date(2025, 4, 10), "hours": 7.0, "kind": "sick"}
    all_absences = frame("absences", [*absences.to_dicts(), sick])
    calendar = capacity_calendar(staff, all_absences, start=start, end=end)
    result = charge_rate(
        frame("timesheets", lines + bruno_lines), PROJECTS, calendar, start=start, end=end
    )
    team = result.teams.row(0, named=True)
    assert (team["billable_h"], team["available_h"]) == (pytest.approx(163), 224)
    assert round(team["tace_pct"], 2) == 72.77
    assert result.company["tace_pct"].item() == pytest.approx(team["tace_pct"])
    chloe = result.employees.filter(result.employees["employee"] == "Chloé")
    assert chloe.height == 0 or chloe["tace_pct"].item() is None


def test_fixed_price_hours_past_the_budget_are_not_billable():
    days = weekdays(*FEB)
    small = frame(
        "projects", [{"project": "Forfait", "billing_mode": "fixed_price", "sold_hours": 10.0}]
    )
    lines = spread("Alice", days, "Forfait", 40, "included")
    calendar = capacity_calendar(
        frame("employees", [employee("Alice")]), frame("absences", []), start=FEB[0], end=FEB[1]
    )
    result = charge_rate(frame("timesheets", lines), small, calendar, start=FEB[0], end=FEB[1])
    alice = result.employees.row(0, named=True)
    assert alice["billable_h"] == pytest.approx(10)
    assert alice["productive_h"] == pytest.approx(40)  # the overrun is still client work


def test_zero_available_hours_is_not_applicable():
    calendar = capacity_calendar(
        frame("employees", [employee("Alice")]),
        frame(
            "absences",
            [
                {"employee": "Alice", "date": d, "hours": 7.0, "kind": "paid_leave"}
                for d in weekdays(*FEB)
            ],
        ),
        start=FEB[0],
        end=FEB[1],
    )
    result = charge_rate(frame("timesheets", []), PROJECTS, calendar, start=FEB[0], end=FEB[1])
    assert result.employees["tace_pct"].item() is None
    assert result.company["tace_pct"].item() is None
    assert "1 collaborateur(s) sans heure disponible (n/a, hors totaux)." in (
        result.explanation.sentences()
    )
    assert "1 employee(s) with no available hour (n/a, out of the totals)." in (
        result.explanation.sentences("en")
    )
