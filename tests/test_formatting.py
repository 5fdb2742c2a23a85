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
