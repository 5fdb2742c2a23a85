"""Typing and validation of a layout's rows into a canonical fact frame, vectorised.

Returns the valid rows (typed canonical columns, money in integer cents) and every problem as
(row, column as headed in the file, value, French message). A reader that already typed a column
(the FEC computes its amounts in cents) hands it over typed: it is kept as it is, not re-parsed.
A row with any problem is rejected whole; the caller decides whether that refuses the file or
only those rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta

import polars as pl

from model.facts import Column, Fact, Limits, rules_of
from model.imports import parse
from model.imports.currency import IN_EUROS, to_euros
from model.imports.layouts import Table
from model.imports.reader import ROW, UNSAVED_FORMULA
from model.rates import ECB, RateSource
from model.texts import text

RAW = "__raw"
ERROR_SCHEMA = {"row": pl.Int64, "column": pl.String, "value": pl.String, "message": pl.String}
WEEKDAYS = {
    "lun": "mon", "lundi": "mon", "mon": "mon", "monday": "mon", "l": "mon",
    "mar": "tue", "mardi": "tue", "tue": "tue", "tuesday": "tue",
    "mer": "wed", "mercredi": "wed", "wed": "wed", "wednesday": "wed",
    "jeu": "thu", "jeudi": "thu", "thu": "thu", "thursday": "thu", "j": "thu",
    "ven": "fri", "vendredi": "fri", "fri": "fri", "friday": "fri", "v": "fri",
    "sam": "sat", "samedi": "sat", "sat": "sat", "saturday": "sat", "s": "sat",
    "dim": "sun", "dimanche": "sun", "sun": "sun", "sunday": "sun", "d": "sun",
}  # fmt: skip
DAY_ORDER = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Spellings every source may use for an enum column, whatever its layout.
GENERIC_ALIASES = {
    "billing": {
        "oui": "billable", "yes": "billable", "vrai": "billable", "true": "billable",
        "1": "billable", "x": "billable", "non": "non_billable", "no": "non_billable",
        "faux": "non_billable", "false": "non_billable", "0": "non_billable",
    },
}  # fmt: skip

TYPE_EXPECTED = {
    "date": "n'est pas une date (attendu : JJ/MM/AAAA ou AAAA-MM-JJ)",
    "datetime": "n'est pas une date et heure (attendu : JJ/MM/AAAA HH:MM)",
    "hours": "n'est pas une durée en heures (attendu : 7,5 ou 7:30)",
    "number": "n'est pas un nombre",
    "money": "n'est pas un montant (attendu : 1 234,56)",
    "int": "n'est pas un nombre entier",
    "bool": "n'est pas une réponse oui/non (attendu : oui, non, vrai, faux, 1, 0)",
}


MAX_EUROS = 100_000_000_000  # 10^11 €: far beyond any invoice of a 50-person firm
TOO_BIG = "dépasse la limite de 100 milliards d'euros (montant aberrant)"
FOREIGN = (
    "porte une autre devise que l'euro : écrivez le montant sans symbole et sa devise dans une "
    "colonne « Devise » (USD, GBP…), Pilotage le convertit au taux de sa date "
    "(attendu : 1 234,56 ou 1 234,56 €)"
)


UNSAVED = (
    "est une formule dont la valeur n'a pas été enregistrée dans le fichier : ouvrez-le dans "
    "Excel ou LibreOffice, enregistrez-le, puis importez-le à nouveau"
)


@dataclass
class Checked:
    valid: pl.DataFrame  # canonical typed columns + `_row`
    errors: pl.DataFrame  # ERROR_SCHEMA
    rows_read: int


EARLIEST_DATE = Date(2000, 1, 1)
# What a column already typed by its reader is cast to (money: integer cents).
DTYPES = {
    "date": pl.Date,
    "datetime": pl.Datetime("us"),
    "hours": pl.Float64,
    "number": pl.Float64,
    "money": pl.Int64,
    "int": pl.Int64,
    "bool": pl.Boolean,
}


def check_table(
    table: Table,
    *,
    today: Date,
    future_days: int,
    earliest: Date = EARLIEST_DATE,
    rates: RateSource = ECB,
) -> Checked:
    layout, fact = table.layout, table.layout.fact
    text, refused = _refused_records(table)
    if layout.convert is not None:
        text = layout.convert(text)
    headers = _file_headers(table)
    in_euros = text.select(IN_EUROS) if IN_EUROS in text.columns else None
    text = text.select(
        pl.col(ROW),
        *[
            (pl.col(c.name) if c.name in text.columns else pl.lit(None, pl.String)).alias(c.name)
            for c in fact.columns
        ],
    )
    typed, problems = _type_columns(text, fact, table, headers)
    problems += refused
    typed = _finalise(fact.kind, typed)
    if in_euros is not None:
        typed = typed.hstack(in_euros)
    typed, unconverted = to_euros(fact.kind, typed, rates)
    problems.append(unconverted.with_columns(pl.col("column").replace(headers)))
    # Rules test typed values but quote the cell as written in the file.
    with_raw = typed.hstack(text.drop(ROW).rename(lambda name: name + RAW))
    limits = Limits(today + timedelta(days=future_days), earliest, future_days)
    problems += _rules(fact, with_raw, headers, limits)
    problems.append(_duplicate_keys(fact, with_raw, headers))
    errors = pl.concat([p.cast(ERROR_SCHEMA) for p in problems]).sort("row", maintain_order=True)
    # A clean file is not copied once more (300k rows: 40 MB at the import's peak).
    bad_rows = errors["row"].unique()
    valid = typed.filter(~pl.col(ROW).is_in(bad_rows.implode())) if errors.height else typed
    # A record a converter spreads over several rows (a leave over its days) is read once.
    rows_read = text[ROW].n_unique() + sum(p.height for p in refused)
    return Checked(valid=valid, errors=_with_sentences(errors), rows_read=rows_read)


def _refused_records(table: Table) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """The table's records less those its layout refuses before conversion, and why."""
    frame, refuse = table.frame, table.layout.refuse
    if refuse is None:
        return frame, []
    problems, refused = [], pl.lit(False)
    for mask, column, message in refuse(frame):
        refused = refused | mask.fill_null(False)
        header = {column: table.file_headers.get(column, column)}
        problems.append(_problems(frame, mask.fill_null(False), column, header, message))
    return frame.filter(~refused), problems


def _file_headers(table: Table) -> dict[str, str]:
    """Canonical column -> header as written in the file (for messages)."""
    layout, headers = table.layout, {}
    for column in layout.fact.columns:
        if column.name in table.file_headers:
            headers[column.name] = table.file_headers[column.name]
            continue
        sources = [s for s in layout.derived_from.get(column.name, ()) if s in table.file_headers]
        headers[column.name] = table.file_headers[sources[0]] if sources else column.header
    return headers


def _type_columns(
    text: pl.DataFrame, fact: Fact, table: Table, headers: dict[str, str]
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    date_formats = table.layout.date_formats or parse.DATE_FORMATS
    checks = []  # (mask of the rows refused, column, reason), in the order they are reported
    parts = [text.lazy().select(pl.col(ROW))]  # each column's typed value and check flags
    for column in fact.columns:
        raw = pl.col(column.name)
        flags = []
        if column.required:
            flags.append((raw.is_null(), column.name, "valeur obligatoire manquante"))
        handed = text.schema[column.name]
        if handed != pl.String:
            if column.type == "money" and handed != pl.Null and not handed.is_integer():
                # Euros as floats would be taken for cents: a reader's mistake, not the file's.
                raise TypeError(f"{column.name}: a typed amount must be integer cents ({handed})")
            typed = raw.cast(DTYPES.get(column.type, pl.String))
        else:
            aliases = {
                **GENERIC_ALIASES.get(column.name, {}),
                **table.layout.value_aliases.get(column.name, {}),
            }
            typed = _typed(column, raw, date_formats, aliases)
            flags += _type_checks(column, raw, typed, table.layout.date_hint)
        first = len(checks)
        checks += flags
        masks = [mask.fill_null(False).alias(f"check{first + i}") for i, (mask, _, _) in
                 enumerate(flags)]  # fmt: skip
        exprs = [typed.alias(column.name), *masks]
        # Only text read as text is cheaper row by row than by distinct value.
        needs_parsing = handed == pl.String and (column.type != "text" or column.name == "workdays")
        parts.append(
            parse.once_per_value(text, column.name, exprs)
            if needs_parsing
            else text.lazy().select(exprs)
        )
    # Typed values and every check's mask in one parallel pass; each distinct value is parsed
    # once, and only a check that refuses a row then filters it (300k Odoo lines: 2.7 s → 0.2 s).
    both = pl.concat(parts, how="horizontal").collect()
    typed_frame = both.select(pl.col(ROW), *[c.name for c in fact.columns]).with_columns(
        pl.col(c.name).fill_null(pl.lit(c.default)) for c in fact.columns if c.default is not None
    )
    return typed_frame, _all_problems(text, both, checks, headers)


def _type_checks(
    column: Column, raw: pl.Expr, typed: pl.Expr, date_hint: str | None
) -> list[tuple[pl.Expr, str, str]]:
    """A precise reason where there is one; else "is not a date / an amount…"."""
    checks, explained = [], pl.lit(False)
    for mask, message in _specific_reasons(column, raw):
        explained = explained | mask.fill_null(False)
        checks.append((mask.fill_null(False), column.name, message))
    bad = raw.is_not_null() & typed.is_null() & ~explained
    checks.append((bad, column.name, _expected(column, date_hint)))
    return checks


def _all_problems(
    text: pl.DataFrame,
    masks: pl.DataFrame,
    checks: list[tuple[pl.Expr, str, str]],
    headers: dict[str, str],
) -> list[pl.DataFrame]:
    """The refused rows of the checks that refuse any (`masks`: their columns `check<i>`)."""
    if not checks:
        return []
    refusing = masks.select(f"check{i}" for i in range(len(checks))).select(pl.all().any()).row(0)
    return [
        _problems(text, masks[f"check{i}"], column, headers, message)
        for i, ((_, column, message), refuses) in enumerate(zip(checks, refusing, strict=True))
        if refuses
    ]


def _specific_reasons(column: Column, raw: pl.Expr) -> list[tuple[pl.Expr, str]]:
    reasons = [(raw.str.starts_with(UNSAVED_FORMULA), UNSAVED)]
    if column.type == "money":
        reasons += [
            (raw.str.contains(parse.FOREIGN_CURRENCY), FOREIGN),
            (parse.number(raw).abs() >= MAX_EUROS, TOO_BIG),
        ]
    return reasons


def _typed(
    column: Column,
    raw: pl.Expr,
    date_formats: tuple[str, ...],
    extra_aliases: dict[str, str] | None,
) -> pl.Expr:
    match column.type:
        case "date":
            return parse.date(raw, date_formats)
        case "datetime":
            return parse.datetime_(raw, date_formats)
        case "hours":
            return parse.duration_hours(raw)
        case "number":
            return parse.number(raw)
        case "money":
            # Out-of-range amounts become null (refused), never an overflow of the totals.
            euros = parse.number(raw)
            cents = (euros * 100).round(0).cast(pl.Int64, strict=False)
            return pl.when(euros.abs() < MAX_EUROS).then(cents)
        case "int":
            value = parse.number(raw)
            whole = value == value.floor()
            return pl.when(whole).then(value.cast(pl.Int64, strict=False)).otherwise(None)
        case "bool":
            return parse.boolean(raw)
        case "enum":
            return parse.choice(raw, parse.choice_aliases(column.choices, extra_aliases))
        case _:
            if column.name == "workdays":
                return _workdays(raw)
            return raw


def _expected(column: Column, date_hint: str | None = None) -> str:
    if column.type == "date" and date_hint:
        return f"n'est pas une date (attendu : {date_hint})"
    if column.type == "enum":
        labels = ", ".join(column.choices.values())
        return f"n'est pas une valeur connue (attendu : {labels})"
    if column.name == "workdays":
        return "n'est pas une liste de jours (attendu : lun-ven ou lun,mar,jeu,ven)"
    return TYPE_EXPECTED.get(column.type, "est invalide")


def _workdays(raw: pl.Expr) -> pl.Expr:
    """`lun-ven`, `lun,mar,jeu`, `L M M J V`… → `mon,tue,wed,thu,fri`; null when not understood."""
    folded = parse.fold(raw).str.replace_all(r"\s*[–—-]\s*|\s+(a|au|to)\s+", "-")
    ranges = {
        f"{a}-{b}": DAY_ORDER[DAY_ORDER.index(WEEKDAYS[a]) : DAY_ORDER.index(WEEKDAYS[b]) + 1]
        for a in ("lun", "mon", "lundi", "monday")
        for b in ("ven", "fri", "vendredi", "friday", "sam", "sat", "samedi", "jeu", "thu")
    }
    mapping = {k: ",".join(v) for k, v in ranges.items()}
    as_range = folded.replace_strict(mapping, default=None, return_dtype=pl.String)
    words = folded.str.replace_all(r"[,;/\s]+", ",").str.split(",")
    codes = words.list.eval(
        pl.element().replace_strict(WEEKDAYS, default=None, return_dtype=pl.String)
    )
    as_list = (
        pl.when(codes.list.eval(pl.element().is_null()).list.any())
        .then(None)
        .otherwise(codes.list.join(","))
    )
    return pl.coalesce([as_range, as_list])


def _problems(
    frame: pl.DataFrame,
    mask: pl.Expr | pl.Series,
    column: str,
    headers: dict[str, str],
    message: str,
) -> pl.DataFrame:
    value = column + RAW if column + RAW in frame.columns else column
    return frame.filter(mask).select(
        pl.col(ROW).cast(pl.Int64).alias("row"),
        pl.lit(headers.get(column, column)).alias("column"),
        pl.col(value).cast(pl.String).str.strip_chars_start(UNSAVED_FORMULA).alias("value"),
        pl.lit(message).alias("message"),
    )


def _finalise(kind: str, typed: pl.DataFrame) -> pl.DataFrame:
    """Conventions every source shares (FORMATS.md §1)."""
    if kind == "invoices":
        is_credit = (pl.col("kind") == "credit_note") | (
            pl.col("kind").is_null() & (pl.col("amount_total") < 0)
        )
        flip = is_credit & (pl.col("amount_total") > 0)
        money = ("amount_untaxed", "amount_total", "amount_residual")
        # Amounts in the document's currency follow their own sign (Odoo exports them unsigned).
        flip_currency = is_credit & (pl.col("currency_total") > 0)
        in_currency = ("currency_total", "currency_residual")
        typed = typed.with_columns(
            *[pl.when(flip).then(-pl.col(c)).otherwise(pl.col(c)).alias(c) for c in money],
            *[
                pl.when(flip_currency).then(-pl.col(c)).otherwise(pl.col(c)).alias(c)
                for c in in_currency
            ],
            pl.when(is_credit)
            .then(pl.lit("credit_note"))
            .otherwise(pl.lit("invoice"))
            .alias("kind"),
        )
    if kind == "timesheets":
        typed = typed.with_columns(pl.col("billing").fill_null("unqualified"))
    return typed


def _rules(
    fact: Fact, typed: pl.DataFrame, headers: dict[str, str], limits: Limits
) -> list[pl.DataFrame]:
    """The fact's declared rules (`model.facts`), each refusal in the catalogue's French."""
    words = limits.words()
    return [
        _problems(
            typed, rule.refuses(limits).fill_null(False), rule.column, headers,
            text(rule.message, "fr", **words),
        )
        for rule in rules_of(fact)
    ]  # fmt: skip


def _duplicate_keys(fact: Fact, typed: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    """A natural key that appears twice in one file is ambiguous: later occurrences are refused."""
    key = list(fact.natural_key)
    # Keyless rows (timesheet lines without source id, payments without reference) may repeat.
    filled = typed.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
    first_row = pl.col(ROW).first().over(key)
    duplicates = filled.with_columns(first_row.alias("_first")).filter(
        pl.col(ROW) != pl.col("_first")
    )
    column = key[-1] if len(key) == 1 else key[0]
    label = " + ".join(headers.get(k, k) for k in key)
    return duplicates.select(
        pl.col(ROW).cast(pl.Int64).alias("row"),
        pl.lit(headers.get(column, column)).alias("column"),
        pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=" / ").alias("value"),
        pl.format(f"apparaît déjà ligne {{}} ({label} en double)", pl.col("_first")).alias(
            "message"
        ),
    )


def _with_sentences(errors: pl.DataFrame) -> pl.DataFrame:
    """`Ligne 14, colonne « Date » : « 13/15/2024 » n'est pas une date (…)`."""
    # concat_str, not pl.format under when/then: on tens of thousands of errors the latter
    # panicked inside polars 2.1 (a file with a whole year in the future, issue 10 §4).
    quoted = pl.concat_str(pl.lit("« "), pl.col("value"), pl.lit(" » ")).fill_null("")
    sentence = pl.concat_str(
        pl.lit("Ligne "),
        pl.col("row").cast(pl.String),
        pl.lit(", colonne « "),
        pl.col("column"),
        pl.lit(" » : "),
        quoted,
        pl.col("message"),
    )
    return errors.with_columns(sentence.alias("message"))
