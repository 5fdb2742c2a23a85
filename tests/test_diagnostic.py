"""The consultant's diagnostic (issue 15 §2, §4): the money leaks worked out by hand, the JSON
contract of `python -m model audit --json`, who may see it, and the page."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine

from model.db import get_engine
from model.formatting import euros_from_cents
from model.kpi.settings import KpiSettings
from model.roles import Forbidden, Viewer
from model.settings import paris_now
from model.views.access import diagnostic_for
from model.views.diagnostic import LEAKS, LEVERS, diagnostic
from model.views.loading import load_facts, load_settings
from tests.apptest import open_page, run_app, use_store
from tests.kpi.frames import employee, frame, line, through_store
from tests.test_cli import run
from tests.test_pages import demo_url as demo_url  # the demo company, loaded once per module

AS_OF = date(2025, 3, 31)


def invoice(number: str, issued: date, due: date, total: int) -> dict:
    return {"number": number, "client": "A", "invoice_date": issued, "due_date": due,
            "amount_untaxed_cents": round(total / 1.2), "amount_total_cents": total,
            "currency": "EUR", "kind": "invoice", "status": "posted"}  # fmt: skip


def test_the_money_leaks_worked_by_hand(engine: Engine):
    """T = 31/03/2025, financing 6 %/yr, penalties 14,25 % + 40 € per late invoice.
    - P1, 12 000 € TTC (10 000 HT), due 31/01, paid 02/03: 30 days late → 40 + 12 000 × 14,25 %
      × 30/365 = 180,55 € (18 054,79 cents → 18 055).
    - P2, 6 000 € TTC (5 000 HT), due 01/03, open: 30 days late → 40 + 6 000 × 14,25 % × 30/365
      = 110,27 € (11 027,40 cents → 11 027). Penalties: low 110,27 €, central 290,82 €.
    - 10 h of 02/12/2024 invoiced by P1 on 01/01/2025: 30 days; revenue HT 15 000 € → 15 000 ×
      30/365 × 6 % = 73,97 € (7 397,26 cents), the same at the median and the 90th percentile.
    - DSO countback: AR 6 000 €; March sold nothing (31 d), February 6 000 € (28 d) → 59 days;
      revenue TTC 18 000 € × (59 − 45)/365 × 6 % = 41,42 € (4 142,47 cents)."""
    facts = through_store(
        engine,
        invoices=frame("invoices", [
            invoice("P1", date(2025, 1, 1), date(2025, 1, 31), 1_200_000),
            invoice("P2", date(2025, 2, 1), date(2025, 3, 1), 600_000),
        ]),
        payments=frame("payments", [{"client": "A", "date": date(2025, 3, 2),
                                     "amount_cents": 1_200_000, "invoice_number": "P1"}]),
        projects=frame("projects", [{"project": "Régie A", "client": "A",
                                     "billing_mode": "time_and_materials",
                                     "hourly_rate_cents": 10_000}]),
        timesheets=frame("timesheets", [line(date(2024, 12, 2), "Alice", "Régie A", 10.0,
                                             "billable", client="A", invoice_number="P1",
                                             source_id="l1")]),
        employees=frame("employees", [employee("Alice", billing_rate_cents=10_000)]),
    )  # fmt: skip
    result = diagnostic(facts, KpiSettings(), as_of=AS_OF)
    leaks = {leak.code: leak for leak in result.leaks}
    penalties = leaks["late_penalties"]
    assert (penalties.low_cents, penalties.cents, penalties.high_cents) == (11_027, 29_082, 29_082)
    assert penalties.inputs["open_late_invoices"] == 1
    assert penalties.inputs["paid_late_invoices"] == 1
    delay = leaks["invoicing_delay"]
    assert (delay.figure, delay.low_cents, delay.cents, delay.high_cents) == (
        30.0,
        7397,
        7397,
        7397,
    )
    owed = leaks["dso_excess"]
    assert (owed.figure, owed.cents) == (59.0, 4142)
    assert owed.status == "amber"  # 45 < 59 ≤ 60
    assert result.total_cents == sum(leak.cents for leak in result.leaks)
    assert [lever.gain_cents for lever in result.levers] == [
        leaks[leak].cents for leak in LEVERS.values()
    ]


def test_the_json_contract(demo_url: str):
    """`python -m model audit --json`: the keys scripts rely on, euros that add up."""
    answer = run("audit", "--json", db=demo_url)
    assert answer.returncode == 0, answer.stderr
    result = json.loads(answer.stdout)
    assert {"as_of", "period", "total_eur", "leaks", "levers"} <= set(result)
    assert set(result["period"]) == {"from", "to"}
    assert [leak["code"] for leak in result["leaks"]] == list(LEAKS)
    for leak in result["leaks"]:
        assert {"code", "eur", "low_eur", "high_eur", "method", "inputs"} <= set(leak)
        assert leak["low_eur"] <= leak["eur"] <= leak["high_eur"]
    assert result["total_eur"] == pytest.approx(sum(leak["eur"] for leak in result["leaks"]))
    assert {lever["code"] for lever in result["levers"]} == set(LEVERS)
    # The demo's story: tens of thousands of euros a year, 5-10 % of worked time never billed.
    assert 20_000 < result["total_eur"] < 500_000
    unbilled = next(leak for leak in result["leaks"] if leak["code"] == "unbilled_time")
    assert 5 <= unbilled["inputs"]["leakage_pct_all_classes"] <= 10
    old = run("audit", "--limit", "5", db=demo_url)
    assert (old.returncode, old.stderr.strip()) == (2, (
        "Erreur : le journal des modifications est devenu « python -m model journal » "
        "(« audit » donne désormais le diagnostic)."
    ))  # fmt: skip
    assert run("journal", "--json", db=demo_url).returncode == 0


def test_only_the_roles_that_see_costs_see_the_diagnostic(demo_url: str):
    engine = get_engine(demo_url)
    facts, settings = load_facts(engine), load_settings(engine)
    engine.dispose()
    for role in ("comptable", "chef_de_projet", "lecture", "consultant"):
        with pytest.raises(Forbidden, match="ne donne pas accès au diagnostic"):
            diagnostic_for(Viewer("x", role), facts, settings, as_of=paris_now().date())
    for role in ("direction", "auditeur"):
        assert diagnostic_for(Viewer("x", role), facts, settings, as_of=paris_now().date())


def test_the_page_shows_the_model_s_figures(demo_url: str, monkeypatch: pytest.MonkeyPatch):
    for url in use_store(demo_url, monkeypatch):
        engine = get_engine(url)
        expected = diagnostic(load_facts(engine), load_settings(engine), as_of=paris_now().date())
        app = open_page(run_app(), "diagnostic")
        (total,) = [m for m in app.metric if m.label == "Perdu par an"]
        assert total.value == euros_from_cents(expected.total_cents)
        shown = "\n".join(str(m.value) for m in app.markdown)
        for leak in expected.leaks:
            assert euros_from_cents(leak.cents) in shown, leak.code
        whole_firm = "les filtres de pôle et de client ne s'y appliquent pas"
        assert not any(whole_firm in c.value for c in app.caption)
        # A pôle chosen in the sidebar: the same figures, and the page says why.
        filtered = open_page(run_app(pole="Data"), "diagnostic")
        (total,) = [m for m in filtered.metric if m.label == "Perdu par an"]
        assert total.value == euros_from_cents(expected.total_cents)
        assert any(whole_firm in c.value for c in filtered.caption)
        # Its period in each language's dates, as every other page writes them.
        start, end = expected.start, expected.end
        assert app.caption[0].value == (
            f"Sur les 12 mois du {start:%d/%m/%Y} au {end:%d/%m/%Y}, chaque euro compté une fois."
        )
        english = open_page(run_app(langue="English"), "diagnostic")
        assert english.caption[0].value == (
            f"Over the 12 months from {start:%Y-%m-%d} to {end:%Y-%m-%d}, each euro counted once."
        )
