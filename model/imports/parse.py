"""Polars expressions turning text cells into typed values; null where a cell does not parse.

Vectorised on purpose: a 500k-row file is parsed column by column, never row by row.
A non-null text that parses to null is what the validator reports as an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import polars as pl

from model.text import fold_text  # the same folding as `fold`, for one Python string

# Day-first formats first: French files. US formats are only used when a source says so.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d", "%Y/%m/%d")
US_DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%Y-%m-%d")
TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M:%S %p")
# Excel day 0 is 1899-12-30, i.e. 25,569 days before 1970-01-01 (polars dates count from there).
EXCEL_DAY0_TO_UNIX = 25569

TRUE_WORDS = ("vrai", "true", "oui", "yes", "y", "o", "1", "x", "✓", "validé", "valide")
FALSE_WORDS = ("faux", "false", "non", "no", "n", "0", "non validé", "non valide")


def once_per_value(frame: pl.DataFrame, column: str, exprs: Sequence[pl.Expr]) -> pl.LazyFrame:
    """`exprs`, which read `column` alone, computed once per distinct value and given back to
    every row in its order. An export repeats its dates, hours and labels (300k Odoo lines hold
    about a thousand dates): each regex then runs a thousand times, not 300 000."""
    key = "__value"
    distinct = (
        frame.lazy().select(pl.col(column).unique()).select(pl.col(column).alias(key), *exprs)
    )
    return (
        frame.lazy()
        .select(pl.col(column).alias(key))
        .join(distinct, on=key, how="left", nulls_equal=True, maintain_order="left")
        .drop(key)
    )


def fold(expr: pl.Expr) -> pl.Expr:
    """Lowercase, no accents, single spaces: how headers and labels are compared."""
    return (
        expr.str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.replace_all(r"[\s_]+", " ")
        .str.strip_chars()
    )


# Thousands separators a file may use, and the decimal mark that can go with each.
_GROUPED = tuple(
    (thousands, decimal)
    for thousands in (" ", ".", ",", "'", "\u2019")
    for decimal in (",", ".")
    if thousands != decimal
)
# Currencies other than the euro: an amount written in one is refused, never read as euros.
FOREIGN_CURRENCY = r"[$£¥₣₤₹₽¢]|(?i:\b(usd|gbp|chf|cad|jpy|cny|aud|xof|mad|tnd)\b)"


def number(expr: pl.Expr) -> pl.Expr:
    """`12 345,67`, `2.000,0`, `1,234.50`, `-12.5`, `'−3`, `45 €`, `(12,00)`, `15 %` → float.

    One `.` or `,` alone is the decimal mark. Thousands separators (space, `.`, `,`, `'`)
    must group the digits by three, with the other mark as the decimal one: `1,234,56`
    or `1 2345` are refused (null), never guessed. Only euros: `1 200 $` is null too.
    """
    cleaned = (
        expr.str.strip_chars()
        .str.strip_chars_start("'")
        .str.replace_all(r"[\u00a0\u202f\u2009]", " ")
        .str.replace_all(r"(?i)€|\bEUR\b|%", "")
        .str.strip_chars()
        .str.replace_all("\u2212", "-")
        .str.replace(r"^\((.*)\)$", "-$1")
        .str.replace(r"^([+-])\s+", "$1")
    )
    sign, body = cleaned.str.extract(r"^([+-]?)", 1), cleaned.str.replace(r"^[+-]", "")
    plain = body.str.contains(r"^(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
    normalised = pl.when(plain).then(body.str.replace(",", ".", literal=True))
    for thousands, decimal in _GROUPED:
        t, d = re.escape(thousands), re.escape(decimal)
        grouped = body.str.contains(rf"^\d{{1,3}}({t}\d{{3}})+({d}\d+)?$")
        normalised = normalised.when(grouped).then(
            body.str.replace_all(t, "").str.replace(decimal, ".", literal=True)
        )
    value = (sign + normalised.otherwise(None)).cast(pl.Float64, strict=False)
    return pl.when(~cleaned.str.contains(FOREIGN_CURRENCY)).then(value)


def duration_hours(expr: pl.Expr) -> pl.Expr:
    """Hours given as a number (`7,5`) or a duration (`7:30`, `31:15`, `01:05:00`)."""
    # Minutes and seconds stop at 59: `7:75` is a typing error, not 8 h 15.
    parts = expr.str.strip_chars().str.extract_groups(r"^(-?)(\d+):([0-5]?\d)(?::([0-5]?\d))?$")
    sign = pl.when(parts.struct.field("1") == "-").then(-1.0).otherwise(1.0)
    as_duration = sign * (
        parts.struct.field("2").cast(pl.Float64)
        + parts.struct.field("3").cast(pl.Float64) / 60
        + parts.struct.field("4").cast(pl.Float64).fill_null(0) / 3600
    )
    # An Excel [hh]:mm cell read by calamine: a moment counted from day 0 (1899-12-31).
    excel = expr.str.strip_chars().str.strptime(
        pl.Datetime("ms"), "%Y-%m-%d %H:%M:%S%.f", strict=False
    )
    from_excel = pl.when(expr.str.contains(r"^(1899-12-31|1900-0[12]-)")).then(
        # Rounded to the second: Excel stores durations as binary fractions of a day.
        ((excel - pl.datetime(1899, 12, 31)).dt.total_milliseconds() / 1000).round(0) / 3600
    )
    looks_like_duration = expr.str.contains(r"^\s*-?\d+:")
    return (
        pl.when(parts.struct.field("2").is_not_null())
        .then(as_duration)
        .when(looks_like_duration)
        .then(None)
        .otherwise(pl.coalesce(from_excel, number(expr)))
    )


def date(expr: pl.Expr, formats: Iterable[str] = DATE_FORMATS) -> pl.Expr:
    """A calendar date; timestamps keep their date part; Excel serial numbers are accepted."""
    text = expr.str.strip_chars()
    day_part = text.str.replace(r"^(\d{4}-\d{2}-\d{2})[T ].*$", "$1")
    parsed = [day_part.str.strptime(pl.Date, fmt, strict=False, exact=True) for fmt in formats]
    serial = text.cast(pl.Float64, strict=False)
    from_serial = (
        pl.when(serial.is_between(20000, 80000) & (serial == serial.floor()))
        .then((serial.cast(pl.Int64) - EXCEL_DAY0_TO_UNIX).cast(pl.Date))
        .otherwise(None)
    )
    return pl.coalesce([*parsed, from_serial])


def datetime_(expr: pl.Expr, formats: Iterable[str] = DATE_FORMATS) -> pl.Expr:
    """A local date and time (`2024-03-01 14:30:00`, `01/03/2024 14:30`); a date alone is 00:00."""
    text = expr.str.strip_chars().str.replace("T", " ", literal=True)
    candidates = [
        text.str.strptime(pl.Datetime("us"), f"{d} {t}", strict=False, exact=True)
        for d in formats
        for t in TIME_FORMATS
    ]
    midnight = date(expr, formats).cast(pl.Datetime("us"))
    return pl.coalesce([*candidates, midnight])


def boolean(expr: pl.Expr) -> pl.Expr:
    folded = fold(expr)
    return (
        pl.when(folded.is_in(TRUE_WORDS))
        .then(True)
        .when(folded.is_in(FALSE_WORDS))
        .then(False)
        .otherwise(None)
    )


def choice(expr: pl.Expr, aliases: dict[str, str]) -> pl.Expr:
    """Map folded labels to codes; `aliases` maps a folded label to a stored code."""
    return fold(expr).replace_strict(aliases, default=None, return_dtype=pl.String)


def choice_aliases(choices: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Every spelling accepted for an enum: the code, its French label, and extra aliases."""
    aliases: dict[str, str] = {}
    for code, label in choices.items():
        aliases[fold_text(code)] = code
        aliases[fold_text(label)] = code
    for label, code in (extra or {}).items():
        aliases[fold_text(label)] = code
    return aliases
