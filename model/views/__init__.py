"""What the screens, the headline cards, the audit and the CLI's JSON compose from the pure
KPI families (model/kpi) and the store's reads."""
