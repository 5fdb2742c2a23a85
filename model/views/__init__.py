"""What the screens, the headline cards, the audit and the CLI's JSON compose from the pure
KPI families (model/kpi) and the store's reads."""

# `python -m model kpi NAME`: the names its parser offers, here so that the parser is built
# without importing every KPI family (model/views/report.py computes them).
KPI_NAMES = (
    "charge-rate", "sold-vs-consumed", "support", "receivables", "dso", "invoicing-delay",
    "margin", "leakage", "cash-forecast", "sla",
)  # fmt: skip
