"""KPI.md §4a worked examples: aged receivables, exactly."""

from __future__ import annotations

from datetime import date

from model.kpi.receivables import ReceivablesSettings, aged_receivables
from tests.kpi.frames import frame

T = date(2025, 3, 31)


def invoice(number: str, client: str, total_eur: float, due: date, **extra: object) -> dict:
    issued = extra.pop("invoice_date", date(2024, 11, 1))
    return {
        "number": number,
        "client": client,
        "invoice_date": issued,
        "due_date": due,
        "amount_total_cents": round(total_eur * 100),
        "kind": "invoice",
        "status": "posted",
        **extra,
    }


def payment(client: str, day: date, eur: float, invoice_number: str | None = None) -> dict:
    return {
        "client": client,
        "date": day,
        "amount_cents": round(eur * 100),
        "invoice_number": invoice_number,
    }


EXAMPLE_A = [
    invoice("A1", "A", 12000, date(2025, 4, 15)),
    invoice("A2", "A", 6000, date(2025, 3, 31)),
    invoice("A3", "A", 10000, date(2025, 3, 1)),
    invoice("A4", "A", 3000, date(2025, 1, 15)),
]
EXAMPLE_B = [
    invoice("B1", "B", 2400, date(2024, 12, 1)),
    {
        **invoice("AV-B1", "B", -600, date(2025, 1, 10), invoice_date=date(2025, 1, 10)),
        "kind": "credit_note",
        "reversed_number": "B1",
    },
    invoice("B4", "B", 1200, date(2025, 2, 14)),
]
PAYMENTS = [
    payment("A", date(2025, 3, 10), 4000, "A3"),
    payment("B", date(2025, 3, 20), 1000),  # not allocated
    payment("A", date(2025, 4, 2), 12000, "A1"),  # after T: ignored
]


def run(**settings: object):
    return aged_receivables(
        frame("invoices", EXAMPLE_A + EXAMPLE_B),
        frame("payments", PAYMENTS),
        as_of=T,
        settings=ReceivablesSettings(**settings),
    )


def client_row(result, client: str) -> dict:
    return result.clients.filter(result.clients["client"] == client).row(0, named=True)


def test_example_4a_1_due_today_is_not_overdue():
    a = client_row(run(), "A")
    assert [a[b] for b in ("not_due", "1-30", "31-60", "61-90", "90+")] == [
        1_800_000,
        600_000,
        0,
        300_000,
        0,
    ]
    assert a["total"] == 2_700_000
    assert round(a["overdue_pct"], 2) == 33.33


def test_example_4a_2_linked_credit_note_unallocated_payment_and_exposure():
    result = run()
    b = client_row(result, "B")
    assert (b["90+"], b["31-60"], b["unallocated"], b["total"]) == (
        180_000,
        120_000,
        -100_000,
        200_000,
    )
    b1 = result.items.filter(result.items["number"] == "B1").row(0, named=True)
    assert b1["days"] == 120
    assert b1["exposure_cents"] == 12433  # 40 € + 1 800 × 14,25 % × 120/365 = 124,33 €


def test_buckets_and_unallocated_add_up_to_the_total():
    result = run()
    total = result.total.row(0, named=True)
    buckets = ReceivablesSettings().buckets
    assert sum(total[b] for b in buckets) + total["unallocated"] == total["total"] == 2_900_000


def test_invoice_date_basis_and_custom_buckets():
    result = run(basis="invoice_date", limits=(45, 90))
    assert result.settings.buckets == ["not_due", "1-45", "46-90", "90+"]
    a = client_row(result, "A")
    assert a["90+"] == 2_700_000  # every A invoice dated 1 Nov 2024: 150 days old


def test_a_payment_after_the_as_of_date_changes_nothing():
    early = aged_receivables(frame("invoices", EXAMPLE_A), frame("payments", PAYMENTS[:1]), as_of=T)
    with_late = run()
    assert client_row(early, "A")["total"] == client_row(with_late, "A")["total"]


def test_who_to_chase_first():
    chase = run().chase
    # Euros late × days late: A 6 000 × 30 + 3 000 × 75 = 405 000; B 1 800 × 120 + 1 200 × 45.
    assert chase["client"].to_list() == ["A", "B"]
    assert chase["chase_score"].to_list() == [405_000_00, 270_000_00]


def test_the_penalty_rate_is_the_one_in_force_on_the_due_date():
    rates = (("2024-01-01", 14.5), ("2024-07-01", 14.25), ("2025-01-01", 13.15))
    result = run(penalty_rates=rates)
    b1 = result.items.filter(result.items["number"] == "B1").row(0, named=True)
    assert b1["exposure_cents"] == 12433  # due 1 Dec 2024: the 14,25 % of the 2nd half of 2024
    b4 = result.items.filter(result.items["number"] == "B4").row(0, named=True)
    assert b4["exposure_cents"] == round(4000 + 120_000 * 0.1315 * 45 / 365)  # due 14 Feb 2025
