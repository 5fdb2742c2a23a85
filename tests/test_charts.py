"""Charts as a reader sees them (issue 16 A6): one tick per month, French numbers, long names
cut on the axis and whole in the hover, never merged."""

from __future__ import annotations

from datetime import date

import polars as pl

from ui.charts import NAME_CHARACTERS, stacked


def test_month_ticks_are_one_per_month_in_french():
    months = pl.date_range(date(2026, 1, 1), date(2026, 6, 1), "1mo", eager=True).alias("month")
    frame = pl.DataFrame({"month": months, "net": [1000.0, -2500.5, 300.0, 0.0, 12.0, 50_000.0]})
    figure = stacked(frame, x="month", series={"net": "Net"}, y_title="€")
    layout = figure.layout
    assert (layout.xaxis.dtick, layout.xaxis.tickformat) == ("M1", "%m/%Y")
    assert (layout.separators, layout.yaxis.tickformat) == (", ", ",.0f")  # 50 000, not 50k


def test_long_names_are_cut_on_the_axis_and_whole_in_the_hover():
    long = "Établissements Hospitaliers Réunis du Grand Ouest"
    frame = pl.DataFrame({"client": [long, "Agence Nova"], "due": [10.0, 20.0]})
    bar = stacked(frame, x="client", series={"due": "Échu"}, horizontal=True).data[0]
    assert list(bar.y) == [long[: NAME_CHARACTERS - 1] + "…", "Agence Nova"]
    assert list(bar.customdata) == [long, "Agence Nova"]
    assert "%{customdata}" in bar.hovertemplate


def test_names_that_would_cut_alike_stay_whole():
    twins = ["Groupe Hôtelier Azur Méditerranée Nord", "Groupe Hôtelier Azur Méditerranée Sud"]
    frame = pl.DataFrame({"client": twins, "due": [1.0, 2.0]})
    bar = stacked(frame, x="client", series={"due": "Échu"}, horizontal=True).data[0]
    assert list(bar.y) == twins  # cut, both would read "Groupe Hôtelier Azur Méditer…"
