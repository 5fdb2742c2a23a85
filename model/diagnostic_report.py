"""The diagnostic report to hand over (issue 15 §3): an A4 PDF and the same content as an Excel
workbook, in French or English.

A summary page (company, period, as-of date, the consultant and their firm, the total and the
three largest leaks, the trend), a page per leak (its figure and range, indicator, method,
inputs, its largest lines and their chart), the levers, and an appendix with every method and
setting. Charts are drawn on the server with matplotlib (no browser, nothing fetched, the same
image everywhere); the PDF is written by fpdf2 with the DejaVu fonts that matplotlib ships,
embedded, so every accent and the French narrow spaces print on any machine.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import polars as pl
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from model.formatting import day, euros_from_cents, in_unit, number
from model.kpi.settings import KpiSettings
from model.texts import text
from model.views.diagnostic import Diagnostic, Leak
from model.workbook import Column, Sheet, workbook_bytes

matplotlib.use("Agg")  # drawn in memory, no display
from matplotlib import pyplot  # after choosing the backend

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
BLUE, GREY = "#1f4e79", "#6b7280"
STATUS_RGB = {"red": (185, 28, 28), "amber": (180, 83, 9), "green": (21, 128, 61)}


@dataclass(frozen=True)
class ReportHeader:
    company: str
    consultant: str = ""
    firm: str = ""
    lang: str = "fr"


def pdf_bytes(result: Diagnostic, header: ReportHeader, settings: KpiSettings) -> bytes:
    pdf = _Document(header)
    _summary(pdf, result, header)
    for leak in sorted(result.leaks, key=lambda x: -x.cents):
        _leak_page(pdf, leak, header.lang)
    _levers_and_appendix(pdf, result, header.lang, settings)
    return bytes(pdf.output())


class _Document(FPDF):
    def __init__(self, header: ReportHeader) -> None:
        super().__init__(format="A4")
        self.header_info = header
        self.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(f"{text('diagnostic', header.lang)} — {header.company}")
        self.set_creator("Pilotage")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.set_text_color(GREY)
        self.cell(0, 6, f"{self.header_info.company} · Pilotage · {self.page_no()}", align="C")

    def line_of(self, words: str, *, size: float = 10, bold: bool = False, colour=None) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.set_text_color(colour or (17, 24, 39))
        self.multi_cell(0, size * 0.55, words, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _summary(pdf: _Document, result: Diagnostic, header: ReportHeader) -> None:
    lang = header.lang
    pdf.add_page()
    pdf.line_of(f"{text('diagnostic', lang)} — {header.company}", size=20, bold=True,
                colour=BLUE)  # fmt: skip
    pdf.line_of(text("report.period", lang, start=day(result.start, lang),
                     end=day(result.end, lang), as_of=day(result.as_of, lang)),
                colour=GREY)  # fmt: skip
    if header.consultant or header.firm:
        by = " · ".join(part for part in (header.consultant, header.firm) if part)
        pdf.line_of(text("report.by", lang, by=by), colour=GREY)
    pdf.ln(6)
    pdf.line_of(text("diag.total", lang), size=12, colour=GREY)
    pdf.line_of(euros_from_cents(result.total_cents, lang), size=28, bold=True)
    pdf.line_of(text("diag.range", lang, low=euros_from_cents(result.low_cents, lang),
                     high=euros_from_cents(result.high_cents, lang)), colour=GREY)  # fmt: skip
    pdf.ln(4)
    pdf.line_of(text("report.largest", lang), size=13, bold=True, colour=BLUE)
    for leak in result.largest(3):
        pdf.line_of(f"• {text(f'diag.leak.{leak.code}', lang)} : "
                    f"{euros_from_cents(leak.cents, lang)}", size=11)  # fmt: skip
    pdf.ln(4)
    pdf.line_of(text("diag.trend", lang), size=11, bold=True, colour=BLUE)
    pdf.image(_trend_png(result, lang), w=pdf.epw)


def _leak_page(pdf: _Document, leak: Leak, lang: str) -> None:
    pdf.add_page()
    pdf.line_of(text(f"diag.leak.{leak.code}", lang), size=18, bold=True, colour=BLUE)
    pdf.line_of(f"{euros_from_cents(leak.cents, lang)} {text('report.per_year', lang)}", size=16,
                bold=True)  # fmt: skip
    if leak.high_cents != leak.low_cents:
        pdf.line_of(text("diag.range", lang, low=euros_from_cents(leak.low_cents, lang),
                         high=euros_from_cents(leak.high_cents, lang)), colour=GREY)  # fmt: skip
    if leak.figure is not None:
        shown = _figure(leak, lang)
        status = text(f"report.status.{leak.status}", lang) if leak.status else ""
        pdf.line_of(f"{text('diag_figure', lang)} : {shown} {status}".strip(), bold=True,
                    colour=STATUS_RGB.get(leak.status or ""))  # fmt: skip
    pdf.ln(2)
    pdf.line_of(text("diag.method", lang), size=11, bold=True, colour=BLUE)
    pdf.line_of(text(f"diag.method.{leak.code}", lang))
    pdf.ln(2)
    pdf.line_of(text("diag.inputs", lang), size=11, bold=True, colour=BLUE)
    pdf.set_font("DejaVu", size=9)
    pdf.set_text_color(17, 24, 39)
    with pdf.table(col_widths=(3, 1), text_align=("LEFT", "RIGHT"), first_row_as_headings=False,
                   line_height=5) as table:  # fmt: skip
        for key, value in leak.inputs.items():
            row = table.row()
            row.cell(text(f"diag.input.{key}", lang))
            row.cell(_input(value, lang))
    if leak.lines.height:
        pdf.ln(3)
        pdf.line_of(text("report.lines", lang), size=11, bold=True, colour=BLUE)
        pdf.image(_lines_png(leak, lang), w=pdf.epw * 0.95)


def _levers_and_appendix(
    pdf: _Document, result: Diagnostic, lang: str, settings: KpiSettings
) -> None:
    pdf.add_page()
    pdf.line_of(text("diag.levers", lang), size=16, bold=True, colour=BLUE)
    for lever in sorted(result.levers, key=lambda x: -x.gain_cents):
        pdf.line_of(f"• {text(f'diag.lever.{lever.code}', lang)} : "
                    f"{euros_from_cents(lever.gain_cents, lang)}", size=11)  # fmt: skip
    pdf.ln(5)
    pdf.line_of(text("report.appendix", lang), size=16, bold=True, colour=BLUE)
    for leak in result.leaks:
        pdf.line_of(text(f"diag.leak.{leak.code}", lang), size=10, bold=True)
        pdf.line_of(text(f"diag.method.{leak.code}", lang), size=9)
        pdf.ln(1)
    pdf.ln(2)
    pdf.line_of(text("report.settings", lang), size=11, bold=True, colour=BLUE)
    for key, value in _settings_shown(settings, lang).items():
        pdf.line_of(f"{text(f'setting.{key}', lang)} : {value}", size=9)


def _settings_shown(settings: KpiSettings, lang: str) -> dict[str, str]:
    """The settings the diagnostic's figures depend on, as they are in force."""

    def shown(value: float, decimals: int = 2) -> str:
        return number(value, decimals, lang)

    rates = settings.receivables.penalty_rates
    return {
        "leakage.realisation_untracked": shown(settings.leakage.realisation_untracked),
        "leakage.default_rate_cents": shown(settings.leakage.default_rate_cents / 100),
        "leakage.red_pct": shown(settings.leakage.red_pct, 1),
        "leakage.financing_rate_pct": shown(settings.leakage.financing_rate_pct, 1),
        "projects.unrecoverable_pct": shown(settings.projects.unrecoverable_pct, 1),
        "projects.default_cost_rate_cents": shown(settings.projects.default_cost_rate_cents / 100),
        "support.red_unbilled_pct": shown(settings.support.red_unbilled_pct, 1),
        "dso.amber_days": shown(settings.dso.amber_days, 0),
        "dso.red_days": shown(settings.dso.red_days, 0),
        "receivables.penalty_rates": ", ".join(f"{shown(r)} ({d})" for d, r in rates),
        "receivables.recovery_fee_cents": shown(settings.receivables.recovery_fee_cents / 100),
    }


# ── charts ───────────────────────────────────────────────────────────────────────────────────


def _png(figure) -> io.BytesIO:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=160, bbox_inches="tight")
    pyplot.close(figure)
    buffer.seek(0)
    return buffer


def _trend_png(result: Diagnostic, lang: str) -> io.BytesIO:
    figure, axis = pyplot.subplots(figsize=(7.5, 2.6))
    months = [f"{m:%m/%y}" for m in result.trend["month"]]
    axis.bar(months, [c / 100 for c in result.trend["cents"]], color=BLUE)
    axis.yaxis.set_major_formatter(lambda value, _: number(value, 0, lang))
    axis.tick_params(labelsize=7)
    axis.spines[["top", "right"]].set_visible(False)
    axis.set_ylabel("€", fontsize=8)
    return _png(figure)


def _lines_png(leak: Leak, lang: str) -> io.BytesIO:
    lines = leak.lines.reverse()  # the largest at the top
    values = [v / 100 if leak.lines["unit"][0] == "cents" else v for v in lines["value"]]
    figure, axis = pyplot.subplots(figsize=(7.5, 0.35 * lines.height + 0.8))
    axis.barh([_short(label) for label in lines["label"]], values, color=BLUE)
    for index, row in enumerate(lines.iter_rows(named=True)):
        axis.text(values[index], index, f"  {_value(row, lang)}", va="center", fontsize=7)
    axis.tick_params(labelsize=7)
    axis.xaxis.set_visible(False)
    axis.spines[["top", "right", "bottom"]].set_visible(False)
    axis.set_xlim(0, max(values) * 1.45)
    return _png(figure)


def _short(label: str, size: int = 38) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def _value(row: dict, lang: str) -> str:
    shown = in_unit(row["value"], row["unit"], lang)
    if row["detail"] is None or row["detail_unit"] is None:
        return shown
    return f"{shown} · {in_unit(row['detail'], row['detail_unit'], lang)}"


def _figure(leak: Leak, lang: str) -> str:
    if leak.unit == "count":
        return text("diag.invoices", lang, count=number(leak.figure, 0, lang))
    return in_unit(leak.figure, leak.unit, lang)


def _input(value: object, lang: str) -> str:
    if isinstance(value, float):
        return number(value, 2, lang)
    if value is None:
        return "n/a"
    return str(value)


# ── the workbook ─────────────────────────────────────────────────────────────────────────────


def xlsx_bytes(result: Diagnostic, header: ReportHeader, settings: KpiSettings) -> bytes:
    """The same content as the PDF, sheet by sheet, amounts as numbers."""
    lang = header.lang

    def label(key: str) -> str:
        return text(key, lang)

    def pair(first: str, first_label: str, second: str) -> list[Column]:
        return [Column(first, label(first_label), "text"),
                Column(second, label("report.value"), "text")]  # fmt: skip

    leaks = result.leaks
    about = pl.DataFrame({
        "what": [label("report.company"), label("report.consultant"), label("report.firm"),
                 label("report.period_label")],
        "value": [header.company, header.consultant, header.firm,
                  text("report.period", lang, start=day(result.start, lang),
                       end=day(result.end, lang), as_of=day(result.as_of, lang))],
    })  # fmt: skip
    summary = pl.DataFrame({
        "leak": [label(f"diag.leak.{x.code}") for x in leaks] + [label("diag.total")],
        "cents": [x.cents for x in leaks] + [result.total_cents],
        "low": [x.low_cents for x in leaks] + [result.low_cents],
        "high": [x.high_cents for x in leaks] + [result.high_cents],
        "figure": ["" if x.figure is None else _figure(x, lang) for x in leaks] + [""],
        "method": [label(f"diag.method.{x.code}") for x in leaks] + [""],
    })  # fmt: skip
    sheets = [Sheet(label("report.sheet.about"), about, pair("what", "report.line", "value"))]
    sheets += [Sheet(label("diagnostic"), summary, [
        Column("leak", label("diag_leak"), "text"), Column("cents", label("diag_eur"), "cents"),
        Column("low", label("diag_low"), "cents"), Column("high", label("diag_high"), "cents"),
        Column("figure", label("diag_figure"), "text"),
        Column("method", label("diag.method"), "text"),
    ])]  # fmt: skip
    for leak in leaks:
        values = [_value(row, lang) for row in leak.lines.iter_rows(named=True)]
        shown = leak.lines.with_columns(pl.Series("shown", values, dtype=pl.String))
        sheets.append(Sheet(label(f"report.sheet.{leak.code}"), shown,
                            pair("label", "report.line", "shown")))  # fmt: skip
    levers = pl.DataFrame({"lever": [label(f"diag.lever.{x.code}") for x in result.levers],
                           "gain": [x.gain_cents for x in result.levers]})  # fmt: skip
    sheets.append(Sheet(label("diag.sheet_levers"), levers, [
        Column("lever", label("diag_lever"), "text"), Column("gain", label("diag_gain"), "cents"),
    ]))  # fmt: skip
    sheets.append(Sheet(label("diag.sheet_trend"), result.trend, [
        Column("month", label("month"), "date"), Column("cents", label("diag_eur"), "cents"),
    ]))  # fmt: skip
    in_force = _settings_shown(settings, lang)
    appendix = pl.DataFrame(
        {"setting": [label(f"setting.{k}") for k in in_force], "value": list(in_force.values())}
    )
    sheets.append(Sheet(label("report.appendix"), appendix,
                        pair("setting", "report.setting", "value")))  # fmt: skip
    return workbook_bytes(sheets)
