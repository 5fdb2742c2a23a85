"""SLA respect (issue 13 §3), worked by hand on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine

from model.kpi.sla import sla_respect
from tests.kpi.frames import frame, through_store

CONTRACTS = [
    {"contract": "C-2023", "client": "Clinique", "start_date": date(2023, 1, 1),
     "end_date": date(2024, 2, 29), "included_hours_per_month": 10.0},
    {"contract": "C-2024", "client": "Clinique", "start_date": date(2024, 3, 1),
     "included_hours_per_month": 10.0},
]  # fmt: skip


def ticket(name: str, client: str, opened: datetime, deadline: datetime, closed=None) -> dict:
    return {"ticket": name, "client": client, "opened_at": opened, "sla_deadline": deadline,
            "closed_at": closed, "scope": "unknown"}  # fmt: skip


TICKETS = [
    # Closed at 16:40 for a 17:00 deadline: met, under the contract in force when it opened.
    ticket("T1", "Clinique", datetime(2024, 3, 5, 9, 12), datetime(2024, 3, 5, 17),
           datetime(2024, 3, 5, 16, 40)),
    # Still open, due on 08/03 at 10:00.
    ticket("T2", "Clinique", datetime(2024, 3, 7, 10), datetime(2024, 3, 8, 10)),
    # ACME has no contract: "hors contrat"; closed two days late.
    ticket("T3", "ACME", datetime(2024, 3, 11, 8, 30), datetime(2024, 3, 12, 8, 30),
           datetime(2024, 3, 14, 12)),
    # Opened in February: the 2023 contract, renewed since.
    ticket("T4", "Clinique", datetime(2024, 2, 26, 9), datetime(2024, 2, 27, 12),
           datetime(2024, 2, 27, 11)),
    ticket("T5", "Clinique", datetime(2024, 3, 28, 9), datetime(2024, 3, 31, 18)),
    # No deadline: left out and said.
    ticket("T6", "Clinique", datetime(2024, 3, 12, 9), None),
]  # fmt: skip


@pytest.fixture
def stored(engine: Engine):
    return through_store(
        engine, contracts=frame("contracts", CONTRACTS), tickets=frame("tickets", TICKETS)
    )


def test_sla_respect_at_the_end_of_march(stored):
    """T = 31/03/2024, February and March.
    C-2023, 02/2024: T4 met → 1 of 1, 100 %.
    C-2024, 03/2024: T1 met, T2 and T5 open past their deadline → 1 of 3, 33,33 %.
    hors contrat, 03/2024: T3 closed late → 0 of 1, 0 %.
    Total: 2 met of 5 due = 40 %. Open late: T2 since 08/03 10:00 (23 days at the end of 31/03),
    T5 since 31/03 18:00 (0 day)."""
    result = sla_respect(stored.tickets, stored.contracts, start=date(2024, 2, 1),
                         end=date(2024, 3, 31), as_of=date(2024, 3, 31))  # fmt: skip
    months = result.months.select("contract", "month", "due", "met", "missed", "open_late")
    assert months.rows() == [
        ("C-2023", date(2024, 2, 1), 1, 1, 0, 0),
        ("C-2024", date(2024, 3, 1), 3, 1, 0, 2),
        (None, date(2024, 3, 1), 1, 0, 1, 0),
    ]
    assert [round(v, 2) for v in result.months["respect_pct"]] == [100.0, 33.33, 0.0]
    assert result.total.select("due", "met", "missed", "open_late", "respect_pct").row(0) == (
        5,
        2,
        1,
        2,
        40.0,
    )
    assert result.open_late.select("ticket", "contract", "days_late").rows() == [
        ("T2", "C-2024", 23),
        ("T5", "C-2024", 0),
    ]
    assert "1 ticket(s) sans échéance SLA ignoré(s)." in result.explanation.sentences("fr")


def test_a_ticket_before_its_deadline_is_not_counted_yet(stored):
    """T = 20/03: T5 (due 31/03) is pending; T2 is 12 days late (21/03 00:00 − 08/03 10:00).
    2 met (T1, T4) of 4 due = 50 %."""
    result = sla_respect(stored.tickets, stored.contracts, start=date(2024, 2, 1),
                         end=date(2024, 3, 31), as_of=date(2024, 3, 20))  # fmt: skip
    assert result.total.select("due", "met", "respect_pct").row(0) == (4, 2, 50.0)
    assert result.open_late.select("ticket", "days_late").rows() == [("T2", 12)]
    assert "1 ticket(s) ouvert(s) avant leur échéance, pas encore comptés." in (
        result.explanation.sentences("fr")
    )


def test_kpi_sla_json_gives_the_same_figures(sqlite_url: str):
    """`python -m model kpi sla --json`: the contract users' scripts read (SQLite only: the
    figures themselves are checked on both databases above)."""
    import json
    import subprocess
    import sys

    from model.db import get_engine, init_db
    from tests.test_cli import PROJECT

    engine = get_engine(sqlite_url)
    init_db(engine)
    through_store(
        engine, contracts=frame("contracts", CONTRACTS), tickets=frame("tickets", TICKETS)
    )
    done = subprocess.run(
        [sys.executable, "-m", "model", "kpi", "sla", "--from", "2024-02-01", "--to",
         "2024-03-31", "--as-of", "2024-03-31", "--json", "--db", sqlite_url],
        cwd=PROJECT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    answer = json.loads(done.stdout)
    assert answer["total"] == {"due": 5, "met": 2, "missed": 1, "open_late": 2, "respect_pct": 40.0}
    assert [(c["contract"], c["respect_pct"]) for c in answer["contracts"]] == [
        ("C-2023", 100.0),
        ("C-2024", 33.33),
        (None, 0.0),
    ]
    assert [(t["ticket"], t["days_late"]) for t in answer["open_late"]] == [("T2", 23), ("T5", 0)]
