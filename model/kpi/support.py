"""Support inclusion (KPI.md §3): what the support contracts give away, per contract and month.

`H = H_inc + H_bil + H_nb + H_unq`; with a monthly quota `Q`: `H_exc = max(H_inc − Q, 0)`;
unbilled support ratio `U = (H_nb + H_exc + H_unq) / H`; effective rate =
`(monthly fee + billed hours × overage rate) / H`, billed hours without an overage rate (outside
any contract) at their project's hourly rate. Partial months get a quota pro rata of their
calendar days (setting); no carry-over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from model.kpi.common import Explanation, categorise, pct, ratio
from model.kpi.scope import add_months, month_end

HOURS = {
    "support_included": "included_h",
    "support_billed": "billed_h",
    "support_non_billable": "non_billable_h",
    "support_unqualified": "unqualified_h",
}
SUMMED = (*HOURS.values(), "hours_h", "quota_h", "excess_h", "fee_cents", "billed_cents")


PACK_SCHEMA = {
    "contract": pl.String, "client": pl.String, "prepaid_h": pl.Float64, "used_h": pl.Float64,
    "remaining_h": pl.Float64, "burn_h_per_month": pl.Float64, "runout_date": pl.Date,
}  # fmt: skip
PACK_WINDOW_MONTHS = 3  # the burn that projects a pack's run-out date


@dataclass(frozen=True)
class SupportSettings:
    prorate_partial_months: bool = True
    red_unbilled_pct: float = 20.0


@dataclass
class SupportInclusion:
    months: pl.DataFrame  # contract × month
    contracts: pl.DataFrame  # contract over the period
    total: pl.DataFrame  # one row
    runout: pl.DataFrame  # contract: projected date the as-of month's quota runs out
    explanation: Explanation
    # Prepaid packs at the as-of date: contract, client, prepaid_h, used_h, remaining_h,
    # burn_h_per_month (last three months), runout_date.
    packs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PACK_SCHEMA))


def support_lines(
    lines: pl.LazyFrame, projects: pl.LazyFrame, contracts: pl.LazyFrame, tickets: pl.LazyFrame
) -> pl.LazyFrame:
    """Support lines with the contract in force on their date: among the client's contracts
    (and the one its ticket names) running that day, the ticket's first, else the latest to
    start. A line on a day no contract covers has none ("hors contrat") and counts in no
    quota: a renewed contract never takes the lines of the one it replaced."""
    clients = projects.select(
        "project",
        pl.col("client").alias("_project_client"),
        pl.col("hourly_rate_cents").alias("_project_rate"),
    )
    by_ticket = tickets.select("ticket", pl.col("contract").alias("_ticket_contract"))
    # Numbered before any join: a lazy join keeps no order, and the plan reads `tagged` twice.
    tagged = (
        categorise(lines.with_row_index("_line"), projects)
        .filter(pl.col("is_support"))
        .join(clients, on="project", how="left")
        .with_columns(pl.coalesce("client", "_project_client").alias("client"))
        .join(by_ticket, on="ticket", how="left")
    )
    periods = contracts.select(
        "contract", pl.col("client").alias("_contract_client"), "start_date", "end_date"
    )
    keys = tagged.select("_line", "client", "date", "_ticket_contract")
    candidates = pl.concat(
        [
            keys.join(periods, left_on="client", right_on="_contract_client"),
            keys.join(periods.drop("_contract_client"), left_on="_ticket_contract",
                      right_on="contract").with_columns(pl.col("_ticket_contract").alias("contract")),
        ],
        how="diagonal_relaxed",
    )  # fmt: skip
    in_force = (pl.col("start_date").is_null() | (pl.col("start_date") <= pl.col("date"))) & (
        pl.col("end_date").is_null() | (pl.col("date") <= pl.col("end_date"))
    )
    chosen = (
        candidates.filter(in_force)
        .with_columns(
            (pl.col("contract") == pl.col("_ticket_contract")).fill_null(False).alias("_named")
        )
        .sort(["_line", "_named", "start_date", "contract"], descending=[False, True, True, False],
              nulls_last=True)
        .group_by("_line", maintain_order=True)
        .first()
        .select("_line", "contract")
    )  # fmt: skip
    return (
        tagged.join(chosen, on="_line", how="left")
        .sort("_line")
        .drop("_line", "_project_client", "_ticket_contract")
    )


def support_inclusion(
    lines: pl.DataFrame,
    projects: pl.DataFrame,
    contracts: pl.DataFrame,
    tickets: pl.DataFrame,
    *,
    start: date,
    end: date,
    as_of: date | None = None,
    settings: SupportSettings = SupportSettings(),
) -> SupportInclusion:
    explanation = Explanation(
        "Par contrat et par mois : heures incluses, facturées, non facturables et non qualifiées ; "
        "dépassement = incluses au-delà du quota mensuel ; part non facturée = (non facturables "
        "+ dépassement + non qualifiées) ÷ total ; taux effectif = (forfait mensuel + heures "
        "facturées × taux hors forfait, ou taux horaire du projet sans taux hors forfait) ÷ "
        "total. Pack prépayé : heures incluses décomptées du "
        "pack depuis son début, sans remise à zéro mensuelle, dépassement au-delà ; épuisement "
        "projeté au rythme des trois derniers mois.",
        english="Per contract and month: included, billed, non-billable and unqualified hours; "
        "excess = included hours over the monthly quota; unbilled share = (non-billable + excess "
        "+ unqualified) ÷ total; effective rate = (monthly fee + billed hours × overage rate, or "
        "the project's hourly rate without one) ÷ total. Prepaid pack: included hours drawn "
        "from the pack from its start, no monthly reset, excess beyond it; run-out projected at "
        "the last three months' pace.",
        settings={
            "explain.prorate_partial_months": settings.prorate_partial_months,
            "explain.red_unbilled_pct": settings.red_unbilled_pct,
        },
    )
    # The history up to the period's end too: a pack is used from its first day.
    every = (
        support_lines(lines.lazy(), projects.lazy(), contracts.lazy(), tickets.lazy())
        .filter(pl.col("date") <= max(end, as_of or end))
        .collect()
    )
    tagged = every.filter(pl.col("date").is_between(start, end))
    explanation.input_lines = tagged.height
    explanation.exclude(
        tagged.filter(pl.col("contract").is_null()).height,
        "ligne(s) de support hors contrat (aucun contrat du client ni de leur ticket en vigueur "
        "à leur date) comptées à part, dans aucun quota",
        "support line(s) outside any contract (none of the client's or their ticket's "
        "contracts in force on their date) counted apart, in no quota",
    )
    months = _months(tagged, contracts, start, end, settings, _pack_excess(every, contracts))
    contract_totals = _rates(months.group_by("contract", "client").agg(pl.col(SUMMED).sum())).sort(
        "contract"
    )
    total = _rates(months.select(pl.col(SUMMED).sum()))
    runout = _runout(tagged, contracts, as_of or end)
    packs = _packs(every, contracts, as_of or end)
    return SupportInclusion(months, contract_totals, total, runout, explanation, packs)


def _months(
    tagged: pl.DataFrame,
    contracts: pl.DataFrame,
    start: date,
    end: date,
    settings: SupportSettings,
    pack_excess: pl.DataFrame,
) -> pl.DataFrame:
    overage = contracts.select("contract", pl.col("overage_rate_cents").alias("_overage"))
    # A billed hour at its contract's overage rate, else at its project's hourly rate.
    rate = pl.coalesce("_overage", "_project_rate").fill_null(0)
    billed = pl.col("category") == "support_billed"
    hours = (
        tagged.join(overage, on="contract", how="left")
        .with_columns(pl.col("date").dt.truncate("1mo").alias("month"))
        .group_by("contract", "month")
        .agg(
            *[
                pl.col("hours").filter(pl.col("category") == c).sum().alias(n)
                for c, n in HOURS.items()
            ],
            pl.col("hours").sum().alias("hours_h"),
            (pl.col("hours") * rate).filter(billed).sum().alias("billed_cents"),
        )
    )
    calendar = _contract_months(contracts, start, end, settings)
    frame = (
        calendar.join(hours, on=["contract", "month"], how="full", coalesce=True)
        .join(pack_excess, on=["contract", "month"], how="left")
        .with_columns(
            pl.col(*HOURS.values(), "hours_h", "quota_h", "fee_cents", "billed_cents").fill_null(
                0.0
            )
        )
    )
    return _rates(
        frame.with_columns(
            # A pack: the included hours once it is used up. A monthly quota: those past it.
            # No quota: nothing is "past" it (KPI.md §3); leakage counts those hours apart.
            pl.when(pl.col("pack_excess_h").is_not_null())
            .then(pl.col("pack_excess_h"))
            .when(pl.col("quota_h") > 0)
            .then((pl.col("included_h") - pl.col("quota_h")).clip(lower_bound=0))
            .otherwise(0.0)
            .alias("excess_h"),
        )
    ).sort("contract", "month")


def _contract_months(
    contracts: pl.DataFrame, start: date, end: date, settings: SupportSettings
) -> pl.DataFrame:
    """Each contract's months in [start, end] with the quota and fee that apply to them."""
    months = pl.DataFrame(
        {"month": pl.date_range(start.replace(day=1), end, "1mo", eager=True)}
    ).with_columns(pl.col("month").dt.month_end().alias("_month_end"))
    grid = (
        contracts.join(months, how="cross")
        .with_columns(
            pl.max_horizontal(
                pl.col("month"), pl.col("start_date").fill_null(pl.col("month"))
            ).alias("_from"),
            pl.min_horizontal(
                pl.col("_month_end"), pl.col("end_date").fill_null(pl.col("_month_end"))
            ).alias("_to"),
        )
        .filter(pl.col("_from") <= pl.col("_to"))
    )
    share = (
        ((pl.col("_to") - pl.col("_from")).dt.total_days() + 1)
        / ((pl.col("_month_end") - pl.col("month")).dt.total_days() + 1)
        if settings.prorate_partial_months
        else pl.lit(1.0)
    )
    return grid.select(
        "contract",
        "client",
        "month",
        (pl.col("included_hours_per_month").fill_null(0.0) * share).alias("quota_h"),
        (pl.col("monthly_fee_cents").fill_null(0) * share).alias("fee_cents"),
        "overage_rate_cents",
    )


def _included_by_day(every: pl.DataFrame, contracts: pl.DataFrame) -> pl.DataFrame:
    """Each pack's included hours, day by day, with the running total from its first day."""
    packs = contracts.filter(pl.col("prepaid_hours") > 0).select("contract", "prepaid_hours")
    return (
        every.filter(pl.col("category") == "support_included")
        .join(packs, on="contract")
        .group_by("contract", "date")
        .agg(pl.col("hours").sum(), pl.col("prepaid_hours").first())
        .sort("contract", "date")
        .with_columns(pl.col("hours").cum_sum().over("contract").alias("used_h"))
    )


def _pack_excess(every: pl.DataFrame, contracts: pl.DataFrame) -> pl.DataFrame:
    """Per pack and month, the included hours logged once the pack was used up."""
    days = _included_by_day(every, contracts)
    beyond = (pl.col("used_h") - pl.col("prepaid_hours")).clip(lower_bound=0, upper_bound=None) - (
        pl.col("used_h") - pl.col("hours") - pl.col("prepaid_hours")
    ).clip(lower_bound=0)
    return (
        days.with_columns(pl.col("date").dt.truncate("1mo").alias("month"), beyond.alias("_beyond"))
        .group_by("contract", "month")
        .agg(pl.col("_beyond").sum().alias("pack_excess_h"))
    )


def _packs(every: pl.DataFrame, contracts: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Each pack at T: hours used and left, the last three months' burn and, at that pace,
    the day it runs out (the day it ran out when already used up)."""
    days = _included_by_day(every, contracts).filter(pl.col("date") <= as_of)
    back = add_months(as_of.replace(day=1), -PACK_WINDOW_MONTHS)
    window_start = back.replace(day=min(as_of.day, month_end(back).day))  # 31/03 → 31/12
    window_days = (as_of - window_start).days
    rows = []
    for contract, client, prepaid in (
        contracts.filter(pl.col("prepaid_hours") > 0)
        .select("contract", "client", "prepaid_hours")
        .rows()
    ):
        own = days.filter(pl.col("contract") == contract)
        used = float(own["hours"].sum())
        burn = float(own.filter(pl.col("date") > window_start)["hours"].sum())
        remaining = prepaid - used
        if remaining <= 0:
            runout = own.filter(pl.col("used_h") >= prepaid)["date"].min()
        elif burn > 0:
            days_left = round(remaining / (burn / window_days), 6)  # 10.000000000000002 is 10
            runout = as_of + timedelta(days=math.ceil(days_left))
        else:
            runout = None
        rows.append((contract, client, prepaid, used, remaining,
                     burn / PACK_WINDOW_MONTHS, runout))  # fmt: skip
    return pl.DataFrame(rows, schema=PACK_SCHEMA, orient="row")


def _rates(frame: pl.LazyFrame | pl.DataFrame) -> pl.DataFrame:
    h = pl.col("hours_h")
    unbilled = pl.col("non_billable_h") + pl.col("excess_h") + pl.col("unqualified_h")
    result = frame.lazy().with_columns(
        pct(pl.col("included_h"), h).alias("included_pct"),
        pct(pl.col("billed_h"), h).alias("billed_pct"),
        pct(pl.col("non_billable_h"), h).alias("non_billable_pct"),
        pct(pl.col("included_h"), pl.col("quota_h")).alias("quota_use_pct"),
        pct(unbilled, h).alias("unbilled_pct"),
        ratio(pl.col("fee_cents") + pl.col("billed_cents"), h).alias("effective_rate_cents"),
    )
    return result.collect()


def _runout(tagged: pl.DataFrame, contracts: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """At this month's pace of included hours, the day the monthly quota runs out.

    A quota already used up gives the day it was crossed; one that will last the month, null.
    """
    month_start = as_of.replace(day=1)
    elapsed = (as_of - month_start).days + 1
    daily = (
        tagged.filter(
            pl.col("date").is_between(month_start, as_of)
            & (pl.col("category") == "support_included")
        )
        .group_by("contract", "date")
        .agg(pl.col("hours").sum())
        .sort("date")
        .with_columns(pl.col("hours").cum_sum().over("contract").alias("used_h"))
    )
    rows = []
    quotas = contracts.select("contract", "included_hours_per_month").rows()
    for contract, quota in quotas:
        days = daily.filter(pl.col("contract") == contract)
        used = days["used_h"].max() or 0.0
        crossed = days.filter(pl.col("used_h") >= (quota or 0))["date"].min() if quota else None
        runout = crossed if crossed else _projected(month_start, as_of, elapsed, quota, used)
        rows.append((contract, used, quota, runout))
    schema = {"contract": pl.String, "used_h": pl.Float64, "quota_h": pl.Float64,
              "runout_date": pl.Date}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def _projected(
    month_start: date, as_of: date, elapsed: int, quota: float | None, used: float
) -> date | None:
    if not quota or used <= 0:
        return None
    days_left = math.ceil((quota - used) / (used / elapsed))
    runout = as_of + timedelta(days=days_left)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    return runout if runout < next_month else None
