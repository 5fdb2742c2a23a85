"""Properties that must hold for any data (hypothesis), not only the worked examples."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from model.kpi.capacity import capacity_calendar
from model.kpi.charge import charge_rate
from model.kpi.dso import MonthSales, countback
from model.kpi.receivables import ReceivablesSettings, aged_receivables
from tests.kpi.frames import employee, frame, line

T = date(2025, 3, 31)
CLIENTS = st.sampled_from(["A", "B", "C"])
DAYS = st.integers(min_value=-400, max_value=200)
CENTS = st.integers(min_value=1, max_value=10_000_000)


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[list[dict], list[dict]]:
    invoices, payments = [], []
    for n in range(draw(st.integers(0, 12))):
        issued = T + timedelta(days=draw(DAYS))
        total = draw(CENTS)
        kind = draw(st.sampled_from(["invoice", "invoice", "credit_note"]))
        invoices.append(
            {
                "number": f"F{n}",
                "client": draw(CLIENTS),
                "invoice_date": issued,
                "due_date": issued + timedelta(days=draw(st.integers(0, 60))),
                "amount_total_cents": -total if kind == "credit_note" else total,
                "kind": kind,
                "status": "posted",
                "reversed_number": f"F{draw(st.integers(0, 12))}"
                if kind == "credit_note"
                else None,
            }
        )
    for _ in range(draw(st.integers(0, 8))):
        target = draw(st.one_of(st.none(), st.integers(0, 12).map(lambda i: f"F{i}")))
        payments.append(
            {
                "client": draw(CLIENTS),
                "date": T + timedelta(days=draw(DAYS)),
                "amount_cents": draw(CENTS),
                "invoice_number": target,
            }
        )
    return invoices, payments


@settings(max_examples=150, deadline=None)
@given(
    ledgers(),
    st.lists(st.integers(1, 200), min_size=1, max_size=4, unique=True).map(sorted),
    st.sampled_from(["due_date", "invoice_date"]),
)
def test_buckets_and_unallocated_always_sum_to_the_total(ledger, limits, basis):
    invoices, payments = ledger
    result = aged_receivables(
        frame("invoices", invoices),
        frame("payments", payments),
        as_of=T,
        settings=ReceivablesSettings(basis=basis, limits=tuple(limits)),
    )
    buckets = result.settings.buckets
    for row in result.clients.iter_rows(named=True):
        assert sum(row[b] for b in buckets) + row["unallocated"] == row["total"]
    total = result.total.row(0, named=True)
    assert total["total"] == result.items["residual_cents"].sum()
    assert total["overdue"] == sum(total[b] for b in buckets[1:])  # every bucket but "not due"


PROJECTS = frame("projects", [{"project": "P", "billing_mode": "time_and_materials"}])
MARCH = (date(2025, 3, 1), date(2025, 3, 31))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 200), st.integers(0, 15), st.sampled_from([28.0, 35.0])),
        min_size=1,
        max_size=5,
    )
)
def test_a_team_rate_lies_between_its_members(people):
    staff, absences, lines = [], [], []
    for index, (billable_hours, leave_days, weekly) in enumerate(people):
        name = f"E{index}"
        staff.append(employee(name, weekly_hours=weekly))
        absences += [
            {
                "employee": name,
                "date": MARCH[0] + timedelta(days=d),
                "hours": 7.0,
                "kind": "paid_leave",
            }
            for d in range(leave_days)
        ]
        lines.append(line(date(2025, 3, 20), name, "P", billable_hours, "billable"))
    calendar = capacity_calendar(
        frame("employees", staff), frame("absences", absences), start=MARCH[0], end=MARCH[1]
    )
    result = charge_rate(
        frame("timesheets", lines), PROJECTS, calendar, start=MARCH[0], end=MARCH[1]
    )
    rates = [r for r in result.employees["tace_pct"].to_list() if r is not None]
    team = result.teams["tace_pct"].item()
    if rates:
        assert min(rates) - 1e-9 <= team <= max(rates) + 1e-9


@given(
    st.integers(-10_000, 50_000_000), st.lists(st.integers(0, 5_000_000), min_size=1, max_size=14)
)
def test_countback_never_exceeds_the_days_it_looked_at(receivables, sales):
    months = [MonthSales(date(2025, 1, 1), 30, s) for s in sales]
    days, beyond = countback(receivables, months)
    if beyond or (receivables <= 0 and not any(sales)):  # owed beyond, or no sales at all
        assert days is None
    else:
        assert 0 <= days <= 30 * len(sales)
