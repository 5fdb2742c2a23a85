"""Plotly figures shared by the pages: bars coloured by status, heatmaps, threshold marks."""

from __future__ import annotations

from itertools import cycle

import plotly.graph_objects as go
import polars as pl

from model.formatting import day_format, month_format
from ui.texts import lang

STATUS_COLOURS = {"green": "#2e9e5b", "amber": "#f0a202", "red": "#d1495b",
                  "ok": "#2e9e5b", "unrecoverable": "#7a1f2b", None: "#4a78b5"}  # fmt: skip
# Twelve distinct colours, then again: a series is never dropped for want of a colour.
CATEGORY_COLOURS = ["#4a78b5", "#2e9e5b", "#f0a202", "#d1495b", "#7a1f2b", "#8c8c8c",
                    "#6c4f9c", "#3aa6b9", "#b07aa1", "#9c755f", "#c9b037", "#1f3b5c"]  # fmt: skip

# The drill-down's columns: the timesheet lines as the source had them.
LINE_COLUMNS = [
    ("date", "date", "date"),
    ("employee", "employee", "text"),
    ("client", "client", "text"),
    ("project", "project", "text"),
    ("task", "task", "text"),
    ("description", "description", "text"),
    ("hours", "hours", "hours"),
    ("billing", "billing", "text"),
]


def _shown(values: pl.Series | str) -> list | str:
    """Names from the data as Plotly shows them: its labels read `<a href>`, `<b>`, `<img>` as
    markup, so angle brackets are written as entities (a client name is text, never a link)."""
    if isinstance(values, str):
        return values.replace("<", "&lt;").replace(">", "&gt;")
    if values.dtype != pl.String:
        return values.to_list()
    return (
        values.str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
        .to_list()
    )


def _layout(
    figure: go.Figure, *, y_title: str = "", height: int = 360, dates: pl.Series | None = None
) -> go.Figure:
    figure.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title=y_title,
        legend={"orientation": "h", "y": -0.2},
        separators=", " if lang() == "fr" else ".,",  # decimal mark, then thousands
        yaxis_tickformat=",.0f",  # 600 000 rather than 600k
    )  # fmt: skip
    if dates is not None and dates.dtype == pl.Date:
        # Plotly names months in English; numbers read the same in both languages.
        monthly = dates.name == "month"
        figure.update_xaxes(tickformat=(month_format if monthly else day_format)(lang()))
        if monthly:  # one tick per month (Plotly's own put two on a month: "06/2026 06/2026")
            spanned = dates.n_unique()
            figure.update_xaxes(dtick=f"M{1 if spanned <= 12 else 3}", tick0=dates.min())
    return figure


NAME_CHARACTERS = 28  # a longer name on a chart's axis is cut, whole in its hover


WHOLE_NAME_HOVER = "%{customdata}<br>%{x:,.2f}<extra>%{fullData.name}</extra>"


def _short(names: list) -> list:
    """Names cut to NAME_CHARACTERS; whole when cutting would make two of them one bar."""
    cut = [
        n if not isinstance(n, str) or len(n) <= NAME_CHARACTERS
        else n[: NAME_CHARACTERS - 1].rstrip() + "…"
        for n in names
    ]  # fmt: skip
    return cut if len(set(cut)) == len(set(names)) else names


def bars(
    frame: pl.DataFrame, *, x: str, y: str, status: str | None = None, y_title: str = ""
) -> go.Figure:
    colours = (
        [STATUS_COLOURS.get(s, STATUS_COLOURS[None]) for s in frame[status]]
        if status
        else STATUS_COLOURS[None]
    )
    figure = go.Figure(go.Bar(x=_shown(frame[x]), y=frame[y].to_list(), marker_color=colours))
    return _layout(figure, y_title=y_title)


def stacked(
    frame: pl.DataFrame,
    *,
    x: str,
    series: dict[str, str],
    y_title: str = "",
    horizontal: bool = False,
) -> go.Figure:
    """One bar per `x`, stacked by the `series` columns (column → legend label)."""
    figure = go.Figure()
    names = _shown(frame[x])
    # Long client names would squeeze the bars: cut on the axis, whole in the hover.
    keys = _short(names) if horizontal else names
    for (column, label), colour in zip(series.items(), cycle(CATEGORY_COLOURS)):
        values = frame[column].to_list()
        figure.add_trace(
            go.Bar(
                x=values if horizontal else keys, y=keys if horizontal else values,
                name=_shown(label), marker_color=colour, orientation="h" if horizontal else "v",
                customdata=names, hovertemplate=WHOLE_NAME_HOVER if horizontal else None,
            )
        )  # fmt: skip
    figure.update_layout(barmode="relative")
    if horizontal:  # the values run along x
        figure.update_layout(xaxis_title=y_title, xaxis_tickformat=",.0f")
        return _layout(figure, height=max(360, 40 * frame.height))
    return _layout(figure, y_title=y_title, dates=frame[x])


def heatmap(frame: pl.DataFrame, *, x: str, y: str, z: str, z_title: str) -> go.Figure:
    figure = go.Figure(
        go.Heatmap(
            x=_shown(frame[x]), y=_shown(frame[y]), z=frame[z].to_list(),
            colorscale="RdYlGn", zmin=40, zmax=100, colorbar={"title": {"text": z_title}},
            hoverongaps=False,
        )
    )  # fmt: skip
    return _layout(figure, height=max(360, 28 * frame[y].n_unique()), dates=frame[x])


def threshold_lines(figure: go.Figure, values: list[float], *, vertical: bool = False) -> None:
    for value in values:
        if vertical:
            figure.add_vline(x=value, line_dash="dot", line_color="#555")
        else:
            figure.add_hline(y=value, line_dash="dot", line_color="#555")


def line(
    frame: pl.DataFrame,
    *,
    x: str,
    series: dict[str, str],
    y_title: str = "",
    colours: list[str] | None = None,
) -> go.Figure:
    """One line per `series` column (column → legend label), in `colours` when given."""
    figure = go.Figure()
    for (column, label), colour in zip(series.items(), cycle(colours or CATEGORY_COLOURS)):
        figure.add_trace(
            go.Scatter(x=_shown(frame[x]), y=frame[column].to_list(), name=_shown(label),
                       mode="lines+markers", line_color=colour)
        )  # fmt: skip
    return _layout(figure, y_title=y_title, dates=frame[x])


def bands(figure: go.Figure, limits: list[tuple[float, float, str]]) -> None:
    """Horizontal coloured zones (from, to, colour), e.g. DSO ≤ 45 green, 45–60 amber."""
    for low, high, colour in limits:
        figure.add_hrect(y0=low, y1=high, fillcolor=colour, opacity=0.12, line_width=0)


def band(figure: go.Figure, frame: pl.DataFrame, *, x: str, low: str, high: str, name: str) -> None:
    """A shaded range between two series, e.g. the confidence band of a forecast."""
    xs = frame[x].to_list()
    edge = {"mode": "lines", "line_width": 0}
    figure.add_trace(
        go.Scatter(x=xs, y=frame[high].to_list(), showlegend=False, hoverinfo="skip", **edge)
    )
    figure.add_trace(
        go.Scatter(x=xs, y=frame[low].to_list(), fill="tonexty", name=name,
                   fillcolor="rgba(74,120,181,0.15)", **edge)
    )  # fmt: skip
