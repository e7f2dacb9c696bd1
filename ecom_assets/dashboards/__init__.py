"""Streamlit dashboards over the published snapshot (``ECOM_SERVING``), read-only.

``python -m ecom_assets.dashboards [--port N] [--host H]`` serves one page per dashboard; every
page reads only the snapshot, through a read-only DuckDB connection opened per page view.
"""
