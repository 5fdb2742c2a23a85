"""Pilotage core: store, imports, KPIs. Free of Streamlit by design."""
