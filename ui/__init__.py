"""What the pages share: words of the session's language, cached loaders, the sidebar's
filters, widgets, charts and table editors. Pages draw with these and hold no SQL and no KPI
arithmetic; `model` never imports this package."""
