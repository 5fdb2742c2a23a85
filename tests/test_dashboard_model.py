"""The model behind the pages: periods, cards, Excel downloads, tables edited on screen."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from openpyxl import load_workbook

from model.editing import editable_frame, save_table
from model.formatting import change, in_unit
from model.history import list_batches
from model.kpi.frames import Facts
from model.kpi.scope import (
    Scope,
    ScopeError,
    comparison_scope,
    covered_from,
    preset_period,
    previous_period,
    scope_from,
)
from model.kpi.settings import KpiSettings, SettingError, as_text, from_text
from model.store import read_facts, undo_batch
from model.views.dashboard import Card, charge_view
from model.views.headlines import Alert
from model.workbook import Column, Sheet, for_display, workbook_bytes
from tests.conftest import FIXTURES
from tests.kpi.frames import employee, frame, line
from tests.support import NOW, SETTINGS, import_bytes

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("this_month", (date(2026, 11, 1), TODAY)),
        ("last_month", (date(2026, 10, 1), date(2026, 10, 31))),
        ("quarter", (date(2026, 10, 1), TODAY)),
        ("last_12_months", (date(2025, 12, 1), TODAY)),
    ],
)
def test_presets_count_back_from_the_as_of_date(preset: str, expected: tuple[date, date]):
    assert preset_period(preset, TODAY) == expected


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        # month to date → the same days of last month
        ((date(2026, 11, 1), date(2026, 11, 23)), (date(2026, 10, 1), date(2026, 10, 23))),
        # a whole month → the whole month before, whatever its length
        ((date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 2, 28))),
        # 31 March to date → 29 February does not exist: the month's last day
        ((date(2024, 3, 1), date(2024, 3, 31)), (date(2024, 2, 1), date(2024, 2, 29))),
        ((date(2025, 12, 1), date(2026, 11, 23)), (date(2024, 12, 1), date(2025, 11, 23))),
        # not month-aligned → as many days just before
        ((date(2026, 1, 10), date(2026, 1, 19)), (date(2025, 12, 31), date(2026, 1, 9))),
    ],
)
def test_previous_period(period: tuple[date, date], previous: tuple[date, date]):
    assert previous_period(*period) == previous


def test_a_custom_period_is_checked():
    with pytest.raises(ScopeError, match="choisissez une date de début et une date de fin"):
        scope_from("custom", as_of=TODAY, custom=(date(2026, 1, 1), None))
    scope = scope_from("custom", as_of=TODAY, custom=(date(2026, 1, 1), date(2026, 3, 31)),
                       team="Data")  # fmt: skip
    assert (scope.start, scope.end, scope.team) == (date(2026, 1, 1), date(2026, 3, 31), "Data")


def test_cards_say_their_change_in_their_unit():
    tace = Card("tace", 71.69, 38.25, "pct")
    assert (in_unit(tace.value, tace.unit), change(tace.delta, tace.unit)) == (
        "71,7\xa0%", "+33,4\xa0pts",
    )  # fmt: skip
    overdue = Card("overdue", 16_322_070, 14_319_945, "cents", higher_is_better=False)
    assert in_unit(overdue.value, overdue.unit) == "163\u202f220,70\xa0€"
    assert change(overdue.delta, overdue.unit) == "+20\u202f021,25\xa0€"
    assert change(-4.5, "days", "en") == "-4.5\xa0d"
    assert Card("dso", None, 40.0, "days").delta is None


def test_the_excel_download_is_formatted_and_never_runs_a_formula():
    frame = pl.DataFrame({
        "client": ["=HYPERLINK(\"http://x\")", "Nova"],
        "residual_cents": [123456, -5000],
        "pct": [79.4, None],
        "due": [date(2026, 1, 31), date(2026, 2, 28)],
    })  # fmt: skip
    columns = [Column("client", "Client"), Column("residual_cents", "Reste dû", "cents"),
               Column("pct", "Part", "pct"), Column("due", "Échéance", "date")]  # fmt: skip
    book = load_workbook(io.BytesIO(workbook_bytes([Sheet("Balance: âgée/2026", frame, columns)])))
    sheet = book["Balance âgée2026"]
    assert [c.value for c in sheet[1]] == ["Client", "Reste dû", "Part", "Échéance"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].value == '=HYPERLINK("http://x")' and sheet["A2"].data_type == "s"
    assert (sheet["B2"].value, sheet["B2"].number_format) == (1234.56, '#,##0.00 "€"')
    assert sheet["B3"].value == -50.0
    assert (sheet["C2"].value, sheet["C2"].number_format) == (pytest.approx(0.794), "0.0 %")
    assert sheet["C3"].value is None
    assert sheet["D2"].number_format == "DD/MM/YYYY"
    assert sheet.column_dimensions["A"].width >= len('=HYPERLINK("http://x")')
    shown = for_display(frame, columns)
    assert shown.columns == ["Client", "Reste dû", "Part", "Échéance"]
    assert shown["Reste dû"].to_list() == [1234.56, -50.0]


def test_a_downloaded_workbook_says_what_it_covers_above_each_table():
    frame = pl.DataFrame({"client": ["Agence Nova"], "due": [123456]})
    columns = [Column("client", "Client"), Column("due", "Reste dû", "cents")]
    heading = [
        "Période : du 01/01/2026 au 03/12/2026 · Date d'arrêté : 03/12/2026",
        "Filtres : Tous les pôles, Agence Nova",
        "Exporté le 03/12/2026 09:00 par claire",
    ]
    sheets = [Sheet("Encaissements clients attendus par client", frame, columns),
              Sheet("Encaissements clients attendus par mois", frame, columns)]  # fmt: skip
    book = load_workbook(io.BytesIO(workbook_bytes(sheets, heading)))
    # Cut between words at 31 characters, made unique, never inside a word.
    assert book.sheetnames == ["Encaissements clients attendus", "Encaissements clients (2)"]
    sheet = book.worksheets[0]
    assert [sheet.cell(row, 1).value for row in (1, 2, 3, 4)] == [*heading, None]
    assert [c.value for c in sheet[5]] == ["Client", "Reste dû"]
    assert (sheet["B6"].value, sheet["B6"].number_format) == (1234.56, '#,##0.00 "€"')
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A6", "A5:B6")


def test_list_settings_are_typed_as_text_and_checked():
    assert as_text("receivables.limits", [30, 60, 90]) == "30, 60, 90"
    assert from_text("receivables.limits", "15; 45, 90") == [15, 45, 90]
    rates = from_text("receivables.penalty_rates", "2025-01-01 = 13,5 ; 2024-07-01 = 14.25")
    assert rates == [["2024-07-01", 14.25], ["2025-01-01", 13.5]]
    with pytest.raises(SettingError, match="n'est pas lisible \\(exemple : 30, 60, 90\\)"):
        from_text("receivables.limits", "30, soixante")
    with pytest.raises(SettingError, match="n'est pas une valeur valable"):
        from_text("receivables.limits", "60, 30")


def test_tables_edited_on_screen_are_checked_stored_and_undone(engine):
    import_bytes(engine, (FIXTURES / "template/template_filled.xlsx").read_bytes(), "modele.xlsx")
    before = read_facts(engine, "employees")
    table = editable_frame(engine, "employees")
    first = table["employee"][0]
    edited = table.with_columns(
        pl.when(pl.col("employee") == first).then(pl.lit(28.0)).otherwise(pl.col("weekly_hours"))
        .alias("weekly_hours")
    )  # fmt: skip
    result = save_table(engine, "employees", edited, settings=SETTINGS, now=NOW)
    assert (result.status, result.updated, result.added) == ("imported", 1, 0)
    stored = read_facts(engine, "employees").filter(pl.col("employee") == first)
    assert stored["weekly_hours"].item() == 28.0
    # Saving the first state again is a real change, not "already imported".
    back = save_table(engine, "employees", table, settings=SETTINGS, now=NOW)
    assert (back.status, back.updated) == ("imported", 1)

    wrong = table.with_columns(pl.lit(-3.0).alias("weekly_hours"))
    refused = save_table(engine, "employees", wrong.head(2), settings=SETTINGS, now=NOW)
    assert refused.status == "rejected"
    assert refused.errors[0]["message"] == (
        "Ligne 1, colonne « Heures hebdo » : « -3.0 » doit être entre 0 et 80"
    )
    assert refused.errors[0]["row"] == 1

    batches_before = list_batches(engine).height
    same = save_table(engine, "employees", table, settings=SETTINGS, now=NOW)
    assert (same.status, same.message) == (
        "preview",
        "Aucune modification : rien n'a été enregistré.",
    )
    assert list_batches(engine).height == batches_before  # no empty batch in the history

    latest = list_batches(engine)["id"][0]
    undo_batch(engine, latest, now=NOW, user="test")
    undo_batch(engine, latest - 1, now=NOW, user="test")
    assert read_facts(engine, "employees").sort("employee").equals(before.sort("employee"))


def test_amounts_kept_in_cents_are_shown_and_typed_in_euros():
    from model.kpi.settings import from_screen, on_screen

    assert on_screen("receivables.recovery_fee_cents", 4000) == 40.0
    assert from_screen("receivables.recovery_fee_cents", 40.0) == 4000
    assert from_screen("cash.opening_cents", 12345.675) == 1234568
    assert from_screen("leakage.default_rate_cents", 0.29) == 29
    assert on_screen("receivables.limits", [30, 60, 90]) == "30, 60, 90"
    assert from_screen("receivables.limits", "45, 90") == [45, 90]
    assert from_screen("cash.vat_mode", "debits") == "debits"


@pytest.mark.parametrize(
    ("tace", "status"), [(59.99, "red"), (60.0, "amber"), (69.99, "amber"), (70.0, "green")]
)
def test_tace_status_follows_kpi_md(tace: float, status: str):
    """KPI.md §1: red < 60 %, amber 60–70 %, green ≥ 70 % (the settings' defaults)."""
    from model.views.dashboard import status_rising

    assert status_rising(tace, 60.0, 70.0) == status


@pytest.mark.parametrize(("days", "status"), [(45.0, "green"), (45.1, "amber"), (60.0, "amber"),
                                              (60.1, "red")])  # fmt: skip
def test_dso_status_follows_kpi_md(days: float, status: str):
    """KPI.md §4b: ≤ 45 green, 45–60 amber, > 60 red."""
    from model.views.dashboard import status_falling

    assert status_falling(days, 45.0, 60.0) == status


def _facts_from_june_2026() -> Facts:
    """One person who logs 7 h each working day of June and July 2026 (14 July is a public
    holiday); nothing before."""
    days = pl.date_range(date(2026, 6, 1), date(2026, 7, 31), eager=True).to_list()
    worked = [d for d in days if d.weekday() < 5 and d != date(2026, 7, 14)]
    lines = [line(d, "E", "Régie", 7, "billable") for d in worked]
    empty = {kind: frame(kind, []) for kind in Facts.stored_kinds()}
    return Facts(**{
        **empty,
        "employees": frame("employees", [employee("E", start_date=date(2026, 1, 1))]),
        "projects": frame("projects", [{"project": "Régie", "billing_mode": "time_and_materials"}]),
        "timesheets": frame("timesheets", lines),
    })  # fmt: skip


def test_the_comparison_keeps_to_the_part_the_data_cover():
    """July 2026 against June: data from 1 June, the whole of June is covered. 16 June - 31 July
    (46 days) against the 46 days before, 1 May - 15 June: only 1-15 June is covered, so the
    cards compare with it alone (with May, the charge rate before would be about a third: an
    artefact). 2026 against 2025: no data at all, so no change is shown."""
    facts = _facts_from_june_2026()
    covered = covered_from(facts)
    assert covered == date(2026, 6, 1)
    july = Scope(date(2026, 7, 1), date(2026, 7, 31), date(2026, 7, 31))
    assert comparison_scope(july, covered) == Scope(
        date(2026, 6, 1), date(2026, 6, 30), date(2026, 6, 30)
    )
    weeks = Scope(date(2026, 6, 16), date(2026, 7, 31), date(2026, 7, 31))
    assert comparison_scope(weeks, covered) == Scope(
        date(2026, 6, 1), date(2026, 6, 15), date(2026, 6, 15)
    )
    year = Scope(date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31))
    assert comparison_scope(year, covered) is None

    kpi = KpiSettings()
    tace = {c.key: c for c in charge_view(facts, kpi, weeks).cards}["tace"]
    # Worked every working day of both: 100 % and 100 %, no change.
    assert (round(tace.value, 1), round(tace.previous, 1), round(tace.delta, 1)) == (
        100.0, 100.0, 0.0,
    )  # fmt: skip
    # Hours summed over the period are not compared with a previous period cut shorter.
    cards = {c.key: c for c in charge_view(facts, kpi, weeks).cards}
    assert cards["untracked_h"].value == 0 and cards["untracked_h"].delta is None
    july_cards = {c.key: c for c in charge_view(facts, kpi, july).cards}
    assert july_cards["untracked_h"].delta == 0  # June is whole: compared
    assert all(c.delta is None for c in charge_view(facts, kpi, year).cards)


def test_no_data_is_never_on_target():
    """An empty store: DSO is n/a (not "0,0 j, dans l'objectif"), and no card carries a
    status, green or otherwise (issue 16 A7)."""
    from model.views.dashboard import overview_view, projects_view, receivables_view

    empty = Facts(**{kind: frame(kind, []) for kind in Facts.stored_kinds()})
    scope = Scope(date(2026, 1, 1), date(2026, 12, 3), date(2026, 12, 3))
    for view in (overview_view, projects_view, receivables_view, charge_view):
        cards = view(empty, KpiSettings(), scope).cards
        assert [c.key for c in cards if c.status is not None] == [], view.__name__
    dso = {c.key: c for c in receivables_view(empty, KpiSettings(), scope).cards}["dso"]
    assert (dso.value, in_unit(dso.value, dso.unit)) == (None, "n/a")


def test_the_cash_alert_names_its_month_as_each_language_writes_months():
    alert = Alert(100_00, "cash", "alert.cash", {
        "month": ("month", date(2026, 7, 1)),
        "balance": ("euros", 40_000_00), "payroll": ("euros", 47_500_00),
    })  # fmt: skip
    assert alert.text("fr") == (
        "Trésorerie : fin 07/2026, le solde prévu (40\u202f000,00\xa0€) passe sous la paie du "
        "mois (47\u202f500,00\xa0€)."
    )
    assert alert.text("en").startswith(
        "Cash: at the end of 2026-07 the forecast balance (€40,000.00)"
    )
