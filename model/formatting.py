"""Numbers, money and dates as people read them: French first (`12 345,67 €`), or English."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

NARROW_NBSP = "\u202f"  # French thousands separator
NBSP = "\u00a0"  # before € and %


def number(value: float | Decimal | None, decimals: int = 2, lang: str = "fr") -> str:
    if value is None:
        return "n/a"
    text = f"{Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP):,}"
    if lang == "fr":
        return text.replace(",", NARROW_NBSP).replace(".", ",")
    return text


def euros_from_cents(cents: int | None, lang: str = "fr") -> str:
    if cents is None:
        return "n/a"
    amount = number(Decimal(cents) / 100, 2, lang)
    return f"{amount}{NBSP}€" if lang == "fr" else f"€{amount}"


def percent(value: float | None, decimals: int = 1, lang: str = "fr") -> str:
    if value is None:
        return "n/a"
    return (
        f"{number(value, decimals, lang)}{NBSP}%"
        if lang == "fr"
        else f"{number(value, decimals, lang)}%"
    )


def day_format(lang: str = "fr") -> str:
    """How a language writes a day (strftime's and Plotly's tick format alike)."""
    return "%d/%m/%Y" if lang == "fr" else "%Y-%m-%d"


def month_format(lang: str = "fr") -> str:
    return "%m/%Y" if lang == "fr" else "%Y-%m"


def day(value: date | datetime | None, lang: str = "fr") -> str:
    if value is None:
        return ""
    return value.strftime(day_format(lang))


def month(value: date, lang: str = "fr") -> str:
    return value.strftime(month_format(lang))


def moment(value: datetime | None, lang: str = "fr") -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")


def hours(value: float | None, lang: str = "fr", decimals: int = 0) -> str:
    return "n/a" if value is None else f"{number(value, decimals, lang)}{NBSP}h"


def days(value: float | None, lang: str = "fr") -> str:
    if value is None:
        return "n/a"
    return f"{number(value, 1, lang)}{NBSP}{'j' if lang == 'fr' else 'd'}"


def rate(cents: float | None, lang: str = "fr") -> str:
    if cents is None:
        return "n/a"
    return f"{euros_from_cents(round(cents), lang)}/h"


def in_unit(value: float | None, unit: str, lang: str = "fr") -> str:
    """A card's figure in its unit: pct, days, cents, count, hours or rate_cents."""
    if value is None:
        return "n/a"
    if unit == "pct":
        return percent(value, 1, lang)
    if unit == "days":
        return days(value, lang)
    if unit == "cents":
        return euros_from_cents(round(value), lang)
    if unit == "hours":
        return hours(value, lang)
    if unit == "rate_cents":
        return rate(value, lang)
    return number(value, 0, lang)


def change(delta: float | None, unit: str, lang: str = "fr") -> str | None:
    """The change against the previous period, signed; percentages move in points."""
    if delta is None:
        return None
    if delta == 0:
        return "=" if unit == "count" else f"= {in_unit(0, unit, lang)}"
    sign = "+" if delta > 0 else "-"  # ASCII: st.metric reads the arrow from it
    if unit == "pct":
        return f"{sign}{number(abs(delta), 1, lang)}{NBSP}pts"
    return f"{sign}{in_unit(abs(delta), unit, lang)}"


def cell(value: object, kind: str, lang: str = "fr") -> str:
    """A table cell as people read it, whatever the browser's locale: `value` in the unit a
    table shows (euros, not cents: model.workbook.for_display), `kind` a workbook column kind."""
    if value is None or value != value:  # None, NaN or NaT: an empty cell
        return ""
    if kind == "date":
        return day(value, lang)  # type: ignore[arg-type]
    if kind == "datetime":
        return moment(value, lang)  # type: ignore[arg-type]
    if kind == "cents":
        amount = number(value, 2, lang)  # type: ignore[arg-type]
        return f"{amount}{NBSP}€" if lang == "fr" else f"€{amount}"
    if kind == "rate_cents":
        return f"{cell(value, 'cents', lang)}/h"
    if kind == "currency_cents":
        return number(value, 2, lang)  # type: ignore[arg-type]
    if kind == "pct":
        return percent(value, 1, lang)  # type: ignore[arg-type]
    if kind == "hours":
        return hours(value, lang, decimals=2)  # type: ignore[arg-type]
    if kind == "days":
        return days(value, lang)  # type: ignore[arg-type]
    if kind == "int":
        return number(value, 0, lang)  # type: ignore[arg-type]
    if kind == "ratio":
        return number(value, 3, lang)  # type: ignore[arg-type]
    if kind == "number":
        return number(value, 2, lang)  # type: ignore[arg-type]
    return str(value)
