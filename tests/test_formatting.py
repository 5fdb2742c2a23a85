from datetime import date, datetime

from model import formatting as fmt


def test_french_first():
    assert fmt.euros_from_cents(1234567) == "12\u202f345,67\u00a0€"
    assert fmt.euros_from_cents(-5) == "-0,05\u00a0€"
    assert fmt.percent(79.365) == "79,4\u00a0%"
    assert fmt.number(2000) == "2\u202f000,00"
    assert fmt.day(date(2026, 11, 23)) == "23/11/2026"
    assert fmt.moment(datetime(2026, 11, 23, 9, 5)) == "23/11/2026 09:05"


def test_english_on_a_switch():
    assert fmt.euros_from_cents(1234567, lang="en") == "€12,345.67"
    assert fmt.percent(79.365, lang="en") == "79.4%"
    assert fmt.day(date(2026, 11, 23), lang="en") == "2026-11-23"


def test_missing_values_are_not_zero():
    assert fmt.percent(None) == "n/a"
    assert fmt.euros_from_cents(None) == "n/a"


def test_table_cells_read_the_same_whatever_the_browser():
    """What issue 16 saw ("1624.00", "70.0 %", "38 102,4" without €) and what a French table
    shows instead; numpy and pandas values as a Styler hands them over."""
    import numpy as np
    import pandas as pd

    nnbsp, nbsp = "\u202f", "\u00a0"
    assert fmt.cell(np.float64(1624.0), "hours") == f"1{nnbsp}624,00{nbsp}h"
    assert fmt.cell(70.2, "pct") == f"70,2{nbsp}%"
    assert fmt.cell(38102.4, "cents") == f"38{nnbsp}102,40{nbsp}€"
    assert fmt.cell(85.0, "rate_cents") == f"85,00{nbsp}€/h"
    assert fmt.cell(pd.Timestamp(2026, 11, 23), "date") == "23/11/2026"
    assert fmt.cell(np.int64(12345), "int") == f"12{nnbsp}345"
    assert fmt.cell(12.25, "days") == f"12,3{nbsp}j"
    assert fmt.cell(38102.4, "cents", "en") == "€38,102.40"
    assert fmt.cell(1624.0, "hours", "en") == f"1,624.00{nbsp}h"
    assert [fmt.cell(v, "cents") for v in (None, float("nan"), pd.NaT)] == ["", "", ""]
    assert fmt.cell("Agence Nova", "text") == "Agence Nova"
