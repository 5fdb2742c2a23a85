"""Issue 12 §4 and §9: penalties run from the due date whatever the ageing basis, stay exact
until shown, and an over-payment is unallocated money, not part of its invoice's age.

Every case goes through the store (SQLite and PostgreSQL) before the KPI reads it back.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from model.kpi.receivables import ReceivablesSettings, aged_receivables
from tests.kpi.frames import frame, through_store
from tests.kpi.test_receivables import invoice, payment

T = date(2025, 3, 31)


def aged(engine: Engine, invoices: list[dict], payments: list[dict], **settings: object):
    facts = through_store(
        engine, invoices=frame("invoices", invoices), payments=frame("payments", payments)
    )
    return aged_receivables(
        facts.invoices, facts.payments, as_of=T, settings=ReceivablesSettings(**settings)
    )


def test_penalties_run_from_the_due_date_with_an_invoice_date_basis(engine: Engine):
    """T = 31/03/2025, ages counted from the invoice date, penalty rate 14,25 %.

    X: 1 200 € dated 01/03, due 31/03. Age by invoice date 30 days (1-30), but due today: not
       late, no penalty, no 40 €.
    Y: 1 000 € dated 15/01, due 14/02. Age by invoice date 75 days (61-90); late 45 days from
       the due date: 40 € + 1 000 × 14,25 % × 45 / 365 = 40 + 17,568… = 57,57 €.
    The chase list names client C with Y only: 1 000 € late, 45 days at most.
    """
    result = aged(
        engine,
        [invoice("X", "C", 1200, date(2025, 3, 31), invoice_date=date(2025, 3, 1)),
         invoice("Y", "C", 1000, date(2025, 2, 14), invoice_date=date(2025, 1, 15))],
        [], basis="invoice_date",
    )  # fmt: skip
    items = {row["number"]: row for row in result.items.iter_rows(named=True)}
    assert (items["X"]["bucket"], items["X"]["days_late"], items["X"]["exposure_cents"]) == (
        "1-30", 0, 0,
    )  # fmt: skip
    assert (items["Y"]["bucket"], items["Y"]["days_late"], items["Y"]["exposure_cents"]) == (
        "61-90", 45, 5757,
    )  # fmt: skip
    assert result.chase.select("client", "overdue", "max_days_late", "exposure_cents").rows() == [
        ("C", 100_000, 45, 5757)
    ]
    assert result.total["exposure_cents"].item() == 5757


def test_penalties_are_summed_exact_and_rounded_once(engine: Engine):
    """Three invoices of 1 000 € due 01/03/2025, T = 31/03 (30 days late), 14,25 %:
    interest of each = 100 000 c × 14,25 % × 30 / 365 = 1 171,23… c. Rounded per invoice and
    summed: 3 × 1 171 = 3 513 c; summed exact: 3 513,69… → 3 514 c. With 3 × 40 €:
    15 514 c = 155,14 € (not 155,13 €)."""
    result = aged(engine, [invoice(f"Z{n}", "D", 1000, date(2025, 3, 1)) for n in range(3)], [])
    assert result.total["exposure_cents"].item() == 15_514
    assert result.clients["exposure_cents"].to_list() == [15_514]


def test_an_over_payment_is_unallocated_not_aged_with_its_invoice(engine: Engine):
    """O: 1 000 € due 15/01/2025 (75 days at T: 61-90), paid 1 200 € on 10/02 against O.
    O is settled (nothing in 61-90); the 200 € paid beyond it is the client's money:
    unallocated −200 €, client total −200 €, nothing overdue, no penalty."""
    result = aged(
        engine,
        [invoice("O", "E", 1000, date(2025, 1, 15))],
        [payment("E", date(2025, 2, 10), 1200, "O")],
    )
    client = result.clients.row(0, named=True)
    assert (client["61-90"], client["unallocated"], client["total"], client["overdue"]) == (
        0, -20_000, -20_000, 0,
    )  # fmt: skip
    assert result.total["exposure_cents"].item() == 0
    assert result.items.select("number", "item", "residual_cents", "due_date").rows() == [
        ("O", "unallocated", -20_000, date(2025, 2, 10))
    ]
    assert any("au-delà de leur montant" in reason for _, reason, _ in result.explanation.excluded)


@pytest.mark.parametrize("basis", ["due_date", "invoice_date"])
def test_the_basis_changes_the_ages_not_the_penalties(engine: Engine, basis: str):
    """Example 4a.2's B1 (1 800 € left after its credit note, due 01/12/2024, 120 days late):
    40 € + 1 800 × 14,25 % × 120 / 365 = 124,33 € under either basis."""
    result = aged(
        engine,
        [invoice("B1", "B", 2400, date(2024, 12, 1)),
         {**invoice("AV", "B", -600, date(2025, 1, 10), invoice_date=date(2025, 1, 10)),
          "kind": "credit_note", "reversed_number": "B1"}],
        [], basis=basis,
    )  # fmt: skip
    assert result.total["exposure_cents"].item() == 12_433
