"""The generated catalog (docs/catalog.md, docs/catalog.html) is committed fresh and reads the code."""

from ecom_assets import catalog
from ecom_assets.definitions import defs


def test_committed_catalog_is_fresh():
    stale = [p.name for p in catalog.stale()]
    assert stale == [], f"docs/{', docs/'.join(stale)} stale: run .venv/bin/python -m ecom_assets.catalog"


def test_catalog_lists_every_table_with_its_lineage_partitioning_and_checks():
    entries = {e.table: e for e in catalog.entries(defs)}
    assert len(entries) == sum(len(a.keys) for a in defs.assets) > 60
    assert list(entries)[:2] == ["bronze.add_to_cart", "bronze.campaign_spend"]
    assert list(entries)[-1] == "gold.weather_sales_daily"

    revenue = entries["gold.daily_revenue"]
    assert (revenue.partitioning, revenue.group) == ("daily", "sales")
    assert revenue.module == "ecom_assets/gold/sales/daily_revenue.py"
    assert entries["silver.dim_date"].module == "ecom_assets/silver/dimensions.py"
    assert all((catalog.ROOT / e.module).is_file() for e in entries.values())
    assert revenue.upstream == ("gold.daily_business_metrics",)
    assert [c.name for c in revenue.columns] == [
        "date", "revenue", "orders", "revenue_7d_avg", "revenue_30d_avg"
    ]
    assert [c.name for c in revenue.checks] == [
        "revenue_matches_daily_business_metrics", "trailing_days_are_in_daily_business_metrics"
    ]
    assert entries["gold.daily_business_metrics"].downstream == (
        "gold.daily_revenue", "gold.raw_validation"
    )
    assert entries["silver.dim_date"].partitioning == "full"
    assert entries["gold.cohort_analysis"].partitioning == "weekly (Sunday to Saturday)"
    assert entries["gold.pricing_insights"].partitioning == "monthly"
    assert entries["bronze.orders"].upstream == ()
    assert entries["bronze.orders"].downstream == (  # daily_business_metrics: whether D+3 is loaded
        "gold.daily_business_metrics", "gold.raw_validation", "silver.orders", "silver.quarantine"
    )
    clv = entries["gold.customer_clv_predictions"].checks  # a check spec of the asset itself
    assert [(c.name, c.blocking) for c in clv] == [("clv_fits_converged", False)]


def test_markdown_shows_each_table_with_grain_columns_and_checks():
    text = catalog.markdown(catalog.entries(defs))
    section = text[text.index("### gold.sales_summary"):text.index("### gold.seasonal_sales_analysis")]
    module = "ecom_assets/gold/sales/sales_summary.py"
    assert "**Layer:** gold · **Partitioning:** daily · **Group:** sales" in section
    assert f" · **Module:** [`{module}`](../{module})" in section
    assert "**Grain:** one row per day (zeros on a day without sales or returns)." in section
    assert "**Upstream:** [silver.fact_sales](#silverfact_sales), [silver.returns](#silverreturns)" in section
    assert "| `return_rate` | DOUBLE | units_returned / units_sold × 100; NULL when nothing sold." in section
    assert "- `gross_revenue_matches_valid_line_items`: Per day, gross_revenue equals" in section
    html = catalog.html_page(catalog.entries(defs))
    assert '<h2 id="goldsales_summary">gold.sales_summary</h2>' in html
    assert "<td><code>return_rate</code></td><td>DOUBLE</td>" in html
