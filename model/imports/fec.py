"""FEC (Fichier des Écritures Comptables, art. A47 A-1 LPF): customer invoices, credit notes and
payments from the client accounts (411), matched by their lettering (FORMATS.md §2).

An entry (journal + EcritureNum) whose 411 line meets a revenue account (70x) is a sale: a debit
is an invoice, a credit a credit note. One whose 411 line meets a bank account (512) is a
payment. Lines sharing a lettering code (`EcritureLet`) are matched: payments are allocated to
the invoices of their group in date order, which gives payment dates and the amount due at any
date. The FEC has no due dates: invoices get the client terms (a setting) and are flagged. An
entry whose debits and credits differ is reported, never imported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import polars as pl

from model.facts import COMPANY_CURRENCY
from model.imports import parse
from model.imports.currency import IN_EUROS
from model.imports.layouts import Layout, Table, file_column
from model.imports.reader import ROW
from model.imports.validate import ERROR_SCHEMA

FEC_LINES = Layout(
    source="fec",
    kind="invoices",
    label="FEC",
    headers={
        "journal": {"fec": "JournalCode"},
        "journal_label": {"fec": "JournalLib"},
        "entry": {"fec": "EcritureNum"},
        "entry_date": {"fec": "EcritureDate"},
        "account": {"fec": "CompteNum"},
        "account_label": {"fec": "CompteLib"},
        "aux_num": {"fec": "CompAuxNum"},
        "aux_label": {"fec": "CompAuxLib"},
        "piece_ref": {"fec": "PieceRef"},
        "piece_date": {"fec": "PieceDate"},
        "label": {"fec": "EcritureLib"},
        "debit": {"fec": "Debit"},
        "credit": {"fec": "Credit"},
        "amount": {"fec": "Montant"},
        "direction": {"fec": "Sens"},
        "letter": {"fec": "EcritureLet"},
        "letter_date": {"fec": "DateLet"},
        "valid_date": {"fec": "ValidDate"},
        "currency_amount": {"fec": "Montantdevise"},
        "currency": {"fec": ("Idevise", "IdDevise")},
    },
    required=("journal", "entry", "entry_date", "account"),
    required_any=(("debit", "amount"),),
)
FEC_INVOICES = Layout(source="fec", kind="invoices", label="FEC", headers={}, required=())
FEC_PAYMENTS = Layout(source="fec", kind="payments", label="FEC", headers={}, required=())
FEC_BANK = Layout(source="fec", kind="bank_balances", label="FEC", headers={}, required=())
FEC_REVENUE = Layout(source="fec", kind="revenue", label="FEC", headers={}, required=())


def is_fec(table: Table) -> bool:
    return table.layout is FEC_LINES


def split_fec(table: Table, *, terms_days: int) -> tuple[list[Table], pl.DataFrame, list[str]]:
    """The FEC's customer invoices and payments as canonical tables already typed (dates, money
    in integer cents: the validator keeps them as they are), its errors, notes."""
    lines = _typed_lines(table.frame)
    unreadable = _line_errors(lines, table)
    unreadable = pl.concat([unreadable, _rest_of_entries(lines, unreadable)])
    readable = lines.filter(~pl.col(ROW).is_in(unreadable["row"].implode()))
    errors = pl.concat([unreadable, _unbalanced(readable)])
    bad = errors["row"].implode()
    clean = lines.filter(~pl.col(ROW).is_in(bad))
    entries = _classify(clean)
    invoices = entries.filter(pl.col("role").is_in(["invoice", "credit_note"]))
    payments = entries.filter(pl.col("role") == "payment")
    allocations, owed = _allocate(invoices, payments)
    invoice_rows = _invoice_rows(invoices, allocations, owed, terms_days)
    payment_rows = _payment_rows(payments, allocations)
    notes = [
        f"FEC : {invoice_rows.height} facture(s) et avoir(s), {payment_rows.height} "
        f"paiement(s) tirés des comptes clients 411.",
        f"FEC : aucune date d'échéance dans le fichier ; échéance = date de facture + "
        f"{terms_days} jours (réglage des conditions de paiement) pour {invoice_rows.height} "
        "pièce(s).",
    ]
    ignored = clean.filter(pl.col("account").str.starts_with("411")).height - entries.height
    if ignored:
        notes.append(f"FEC : {ignored} ligne(s) 411 ni vente ni banque (OD) ignorée(s).")
    tables = [
        _table(
            FEC_INVOICES,
            invoice_rows,
            table,
            {
                "number": "PieceRef",
                "client": "CompAuxLib",
                "invoice_date": "PieceDate",
                "amount_total": "Debit",
                "amount_untaxed": "Credit",
                "currency": "Idevise",
                "currency_total": "Montantdevise",
            },
        ),
        _table(
            FEC_PAYMENTS,
            payment_rows,
            table,
            {
                "client": "CompAuxLib",
                "date": "EcritureDate",
                "amount": "Credit",
                "currency": "Idevise",
                "currency_amount": "Montantdevise",
            },
        ),
    ]
    bank, revenue = _bank_balances(clean), _revenue(clean)
    tables += [
        _table(FEC_BANK, bank, table, {"account": "CompteNum", "date": "EcritureDate"}),
        _table(FEC_REVENUE, revenue, table, {"account": "CompteNum", "month": "EcritureDate"}),
    ]
    if bank.height:
        notes.append(
            f"FEC : soldes des comptes de banque (512) après chaque jour de mouvement : "
            f"{bank.height} solde(s) ; ils supposent les à-nouveaux présents dans le fichier."
        )
    return [t for t in tables if t.frame.height], errors, notes


def _bank_balances(lines: pl.DataFrame) -> pl.DataFrame:
    """Each bank account's balance at the end of every day it moved (opening entries included)."""
    daily = (
        lines.filter(pl.col("account").str.starts_with("512"))
        .group_by("account", "entry_day")
        .agg(
            (pl.col("debit_cents") - pl.col("credit_cents")).sum().alias("net"),
            pl.col(ROW).min(),
        )
        .sort("account", "entry_day")
    )
    return daily.select(
        pl.col(ROW),
        "account",
        pl.col("entry_day").alias("date"),
        pl.col("net").cum_sum().over("account").alias("balance"),
    )


def _revenue(lines: pl.DataFrame) -> pl.DataFrame:
    """Revenue HT per month and revenue account (70…): credits less debits."""
    return (
        lines.filter(pl.col("account").str.starts_with("70"))
        .group_by(pl.col("entry_day").dt.truncate("1mo").alias("month"), "account")
        .agg(
            (pl.col("credit_cents") - pl.col("debit_cents")).sum().alias("net"),
            pl.col(ROW).min(),
        )
        .sort("month", "account")
        .select(
            pl.col(ROW),
            pl.col("month"),
            "account",
            pl.col("net").alias("amount_untaxed"),
        )
    )


def _table(layout: Layout, rows: pl.DataFrame, source: Table, headers: dict[str, str]) -> Table:
    return replace(source, layout=layout, frame=rows, file_headers=headers, variant="fec")


def _typed_lines(frame: pl.DataFrame) -> pl.DataFrame:
    def text(name: str) -> pl.Expr:
        return file_column(frame, name)

    if "amount" in frame.columns:  # the Montant + Sens variant
        amount = parse.number(pl.col("amount"))
        debit_side = parse.fold(text("direction")).is_in(["d", "debit"])
        debit = pl.when(debit_side).then(amount).otherwise(0.0)
        credit = pl.when(debit_side).then(0.0).otherwise(amount)
    else:
        debit, credit = parse.number(pl.col("debit")), parse.number(text("credit"))
    cents = {"debit": debit, "credit": credit}
    return frame.with_columns(
        *[
            (value * 100).round(0).cast(pl.Int64, strict=False).alias(f"{k}_cents")
            for k, value in cents.items()
        ],
        parse.date(pl.col("entry_date")).alias("entry_day"),
        parse.date(text("piece_date")).alias("piece_day"),
        text("account").str.strip_chars().alias("account"),
        text("letter").alias("letter"),
        text("piece_ref").alias("piece_ref"),  # optional: a FEC without PieceRef still reads
        pl.coalesce(text("aux_label"), text("aux_num"), text("account_label")).alias("client"),
        # The line in its currency: unsigned, as FEC writers put it (Debit/Credit say the side).
        (parse.number(text("currency_amount")).abs() * 100)
        .round(0)
        .cast(pl.Int64, strict=False)
        .alias("currency_cents"),
        text("currency").str.strip_chars().str.to_uppercase().alias("currency"),
    )


def _line_errors(lines: pl.DataFrame, table: Table) -> pl.DataFrame:
    header = table.file_headers
    not_amount = "n'est pas un montant (attendu : 1234,56)"
    checks = [
        (
            pl.col("debit_cents").is_null(),
            header.get("debit", header.get("amount", "Debit")),
            pl.coalesce(
                pl.col("debit") if "debit" in lines.columns else pl.lit(None, pl.String),
                pl.col("amount") if "amount" in lines.columns else pl.lit(None, pl.String),
            ),
            not_amount,
        ),
        (
            # A damaged credit would otherwise count as 0 and balance a wrong entry.
            pl.col("credit_cents").is_null() & pl.col("debit_cents").is_not_null(),
            header.get("credit", "Credit"),
            file_column(lines, "credit"),
            not_amount,
        ),
        (
            pl.col("entry_day").is_null(),
            header["entry_date"],
            pl.col("entry_date"),
            "n'est pas une date (attendu : AAAAMMJJ)",
        ),
    ]
    frames = [
        lines.filter(mask).select(
            pl.col(ROW).alias("row"),
            pl.lit(column).alias("column"),
            value.alias("value"),
            pl.concat_str(
                pl.lit("Ligne "),
                pl.col(ROW).cast(pl.String),
                pl.lit(f", colonne « {column} » : « "),
                value.fill_null(""),
                pl.lit(f" » {message}"),
            ).alias("message"),
        )
        for mask, column, value, message in checks
    ]
    return pl.concat([f.cast(ERROR_SCHEMA) for f in frames])


def _rest_of_entries(lines: pl.DataFrame, errors: pl.DataFrame) -> pl.DataFrame:
    """An entry is read whole or not at all: its other lines are refused with the first bad one."""
    bad = lines.filter(pl.col(ROW).is_in(errors["row"].implode()))
    first_bad = bad.group_by("journal", "entry").agg(pl.col(ROW).min().alias("_bad"))
    siblings = lines.join(first_bad, on=["journal", "entry"]).filter(
        ~pl.col(ROW).is_in(errors["row"].implode())
    )
    return siblings.select(
        pl.col(ROW).alias("row"),
        pl.lit("EcritureNum").alias("column"),
        pl.col("entry").alias("value"),
        pl.concat_str(
            pl.lit("Ligne "),
            pl.col(ROW).cast(pl.String),
            pl.lit(", colonne « EcritureNum » : l'écriture "),
            pl.col("entry").fill_null(""),
            pl.lit(" du journal "),
            pl.col("journal").fill_null(""),
            pl.lit(" a une ligne illisible (ligne "),
            pl.col("_bad").cast(pl.String),
            pl.lit(") : elle n'est pas importée"),
        ).alias("message"),
    ).cast(ERROR_SCHEMA)


def _unbalanced(lines: pl.DataFrame) -> pl.DataFrame:
    """Every line of an entry whose debits and credits differ."""
    totals = lines.group_by("journal", "entry").agg(
        pl.col("debit_cents").sum().alias("_debit"), pl.col("credit_cents").sum().alias("_credit")
    )
    wrong = lines.join(
        totals.filter(pl.col("_debit") != pl.col("_credit")), on=["journal", "entry"]
    )
    euros = [_french_euros(pl.col(c)) for c in ("_debit", "_credit")]
    message = pl.format(
        "Ligne {}, colonne « EcritureNum » : l'écriture {} du journal {} n'est pas équilibrée "
        "(débit {} ≠ crédit {}) : elle n'est pas importée",
        ROW,
        "entry",
        "journal",
        euros[0],
        euros[1],
    )
    return wrong.select(
        pl.col(ROW).alias("row"),
        pl.lit("EcritureNum").alias("column"),
        pl.col("entry").alias("value"),
        message.alias("message"),
    ).cast(ERROR_SCHEMA)


def _classify(lines: pl.DataFrame) -> pl.DataFrame:
    """411 lines with their role: invoice, credit note (sales entries) or payment (bank)."""
    kinds = lines.group_by("journal", "entry").agg(
        pl.col("account").str.starts_with("70").any().alias("_sale"),
        pl.col("account").str.starts_with("512").any().alias("_bank"),
        (pl.col("credit_cents") - pl.col("debit_cents"))
        .filter(pl.col("account").str.starts_with("70"))
        .sum()
        .alias("_revenue"),
    )
    # In the file's order: the store numbers the documents in the order they come.
    client = lines.filter(pl.col("account").str.starts_with("411")).join(
        kinds, on=["journal", "entry"], maintain_order="left"
    )
    net = pl.col("debit_cents") - pl.col("credit_cents")
    role = (
        pl.when(pl.col("_sale") & (net > 0))
        .then(pl.lit("invoice"))
        .when(pl.col("_sale") & (net < 0))
        .then(pl.lit("credit_note"))
        .when(pl.col("_bank"))
        .then(pl.lit("payment"))
        .otherwise(None)
    )
    number = (
        pl.when(pl.col("piece_ref").is_null() | (pl.col("piece_ref") == "-"))
        .then(pl.concat_str([pl.col("journal"), pl.col("entry")], separator="-"))
        .otherwise(pl.col("piece_ref"))
    )
    foreign = pl.col("currency").is_not_null() & ~pl.col("currency").is_in(["", COMPANY_CURRENCY])
    in_currency = pl.when(foreign & pl.col("currency_cents").is_not_null()).then(
        pl.when(net < 0).then(-pl.col("currency_cents")).otherwise(pl.col("currency_cents"))
    )
    return client.with_columns(
        role.alias("role"),
        net.alias("net_cents"),
        number.alias("number"),
        pl.when(foreign)
        .then(pl.col("currency"))
        .otherwise(pl.lit(COMPANY_CURRENCY))
        .alias("currency"),
        in_currency.alias("net_units"),
    ).filter(pl.col("role").is_not_null())


@dataclass
class _Open:
    """What an invoice still owes within its lettering group: in its currency when it has one
    (a payment in that currency settles units, whatever the rate did), else in euros."""

    number: str
    net_cents: int
    currency: str
    units: int | None  # the invoice's total in its currency (cents), None for euros
    euros_left: int
    units_left: int | None

    def owed_euros(self) -> int:
        if self.units is None or self.units_left is None:
            return self.euros_left
        return round(self.net_cents * self.units_left / self.units)

    def settle_euros(self, euros: int) -> None:
        self.euros_left -= euros
        if self.units is not None and self.units_left is not None:
            self.units_left -= round(self.units * euros / self.net_cents)


def _allocate(
    invoices: pl.DataFrame, payments: pl.DataFrame
) -> tuple[list[dict], dict[str, tuple[int, int | None]]]:
    """Within each lettering group, payments (and credit notes) settle invoices in date order,
    in the invoice's currency when they share it (KPI.md §0), else in euros. Returns the
    allocations and what each lettered invoice still owes, in euros and in its currency."""
    allocations: list[dict] = []
    lettered_invoices = invoices.filter(
        pl.col("letter").is_not_null() & (pl.col("role") == "invoice")
    )
    open_by_group: dict[tuple, list[_Open]] = {}
    for row in lettered_invoices.sort("entry_day", "number").iter_rows(named=True):
        key = (row["client"], row["letter"])
        units = row["net_units"]
        entry = _Open(row["number"], row["net_cents"], row["currency"], units,
                      row["net_cents"], units)  # fmt: skip
        open_by_group.setdefault(key, []).append(entry)
    columns = ["client", "letter", "entry_day", "number", "journal", "entry", "currency", ROW]
    amounts = [(-pl.col("net_cents")).alias("amount"), (-pl.col("net_units")).alias("units")]
    notes = invoices.filter(pl.col("role") == "credit_note")
    settling = (
        pl.concat(
            [
                payments.select(*columns, *amounts, pl.lit("payment").alias("role")),
                notes.select(*columns, *amounts, pl.lit("credit_note").alias("role")),
            ]
        )
        .filter(pl.col("letter").is_not_null())
        .sort("entry_day", ROW)
    )
    for row in settling.iter_rows(named=True):
        left, units = row["amount"], row["units"]
        for target in open_by_group.get((row["client"], row["letter"]), []):
            if left <= 0:
                break
            same_currency = row["currency"] == target.currency
            if units is not None and target.units_left is not None and same_currency:
                taken = min(units, target.units_left)
                if taken <= 0:
                    continue
                share = left if taken == units else round(left * taken / units)
                target.units_left -= taken
            else:
                share = min(left, target.owed_euros())
                if share <= 0:
                    continue
                taken = None if units is None else round(units * share / left)
                target.settle_euros(share)
            allocations.append({**row, "invoice_number": target.number, "allocated": share,
                                "allocated_units": taken})  # fmt: skip
            left -= share
            units = None if units is None or taken is None else units - taken
        if left > 0 and row["role"] == "payment":
            allocations.append({**row, "invoice_number": None, "allocated": left,
                                "allocated_units": units})  # fmt: skip
    owed = {o.number: (o.owed_euros(), o.units_left) for g in open_by_group.values() for o in g}
    return allocations, owed


def _invoice_rows(
    invoices: pl.DataFrame,
    allocations: list[dict],
    owed: dict[str, tuple[int, int | None]],
    terms_days: int,
) -> pl.DataFrame:
    reversed_of = {
        a["number"]: a["invoice_number"]
        for a in allocations
        if a["invoice_number"] and a["role"] == "credit_note"
    }
    day = pl.coalesce("piece_day", "entry_day")
    number = pl.col("number")
    residual = number.replace_strict(
        {n: euros for n, (euros, _) in owed.items()}, default=pl.col("net_cents"),
        return_dtype=pl.Int64,
    )  # fmt: skip
    residual_units = number.replace_strict(
        {n: units for n, (_, units) in owed.items()}, default=pl.col("net_units"),
        return_dtype=pl.Int64,
    )  # fmt: skip
    is_note = pl.col("role") == "credit_note"
    return invoices.select(
        pl.col(ROW),
        pl.col("number"),
        pl.col("client"),
        day.alias("invoice_date"),
        # Terms apply to invoices; a credit note is due at once.
        pl.when(is_note).then(day).otherwise(day + timedelta(days=terms_days)).alias("due_date"),
        pl.col("_revenue").alias("amount_untaxed"),
        pl.col("net_cents").alias("amount_total"),
        pl.when(is_note).then(0).otherwise(residual).alias("amount_residual"),
        "currency",
        pl.col("net_units").alias("currency_total"),
        pl.when(is_note & pl.col("net_units").is_not_null())
        .then(0)
        .otherwise(residual_units)
        .alias("currency_residual"),
        pl.col("role").alias("kind"),
        pl.col("number")
        .replace_strict(reversed_of, default=None, return_dtype=pl.String)
        .alias("reversed_number"),
        pl.lit("posted").alias("status"),
        pl.lit(True).alias(IN_EUROS),  # Debit and Credit are in euros
    )


def _payment_rows(payments: pl.DataFrame, allocations: list[dict]) -> pl.DataFrame:
    """One payment row per allocation (a payment settling two invoices is two rows)."""
    lettered = [a for a in allocations if a["role"] == "payment"]
    schema = {
        ROW: pl.Int64,
        "client": pl.String,
        "date": pl.Date,
        "amount": pl.Int64,
        "invoice_number": pl.String,
        "reference": pl.String,
        "currency": pl.String,
        "currency_amount": pl.Int64,
    }
    rows = []
    for a in lettered:
        reference = f"{a['journal']}-{a['entry']}"
        if a["invoice_number"]:
            reference += f"/{a['invoice_number']}"
        rows.append(
            (
                a[ROW],
                a["client"],
                a["entry_day"],
                a["allocated"],
                a["invoice_number"],
                reference,
                a["currency"],
                a["allocated_units"],
            )
        )
    unlettered = payments.filter(pl.col("letter").is_null()).select(
        pl.col(ROW),
        "client",
        pl.col("entry_day").alias("date"),
        (-pl.col("net_cents")).alias("amount"),
        pl.lit(None, pl.String).alias("invoice_number"),
        pl.concat_str([pl.col("journal"), pl.col("entry")], separator="-").alias("reference"),
        "currency",
        (-pl.col("net_units")).alias("currency_amount"),
    )
    rows = pl.concat([pl.DataFrame(rows, schema=schema, orient="row"), unlettered.cast(schema)])
    return rows.with_columns(pl.lit(True).alias(IN_EUROS))  # Debit and Credit are in euros


def _french_euros(cents: pl.Expr) -> pl.Expr:
    """`120000` → `1200,00`, for messages."""
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    units = (cents.abs() // 100).cast(pl.String)
    fraction = (cents.abs() % 100).cast(pl.String).str.zfill(2)
    return pl.concat_str([sign, units, pl.lit(","), fraction])
