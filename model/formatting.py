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


def day(value: date | datetime | None, lang: str = "fr") -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y" if lang == "fr" else "%Y-%m-%d")


def moment(value: datetime | None, lang: str = "fr") -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")
