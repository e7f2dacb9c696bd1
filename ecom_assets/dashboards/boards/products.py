"""Product Performance: products per day over the range, the monthly review and its recommendations."""

import streamlit as st

from ecom_assets.dashboards.common import Days, Snapshot, table

TITLE, SLUG, ICON = "Product Performance", "products", ":material/inventory_2:"

TOP = 15


def render(snap: Snapshot, days: Days) -> None:
    if not snap.has("gold.product_performance_daily"):
        return
    products = snap.frame(
        "SELECT product_name, sum(total_revenue) AS revenue, sum(total_quantity_sold) AS units, "
        "sum(times_added_to_cart) AS added_to_cart, sum(product_views) AS views, "
        "sum(times_purchased) / nullif(sum(times_added_to_cart), 0) * 100 AS cart_to_purchase_rate "
        "FROM gold.product_performance_daily WHERE date BETWEEN $start AND $end "
        "GROUP BY ALL ORDER BY revenue DESC NULLS LAST",
        days,
    )
    st.subheader(f"Top {TOP} products by revenue")
    st.bar_chart(products.head(TOP), x="product_name", y="revenue", horizontal=True, sort="-revenue")
    top = products.product_name.head(5).tolist()
    per_day = snap.frame(
        "SELECT date, product_name, total_revenue AS revenue FROM gold.product_performance_daily "
        "WHERE date BETWEEN $start AND $end AND list_contains($top, product_name) ORDER BY date",
        days,
        top=top,
    ) if top else products.head(0)  # fmt: skip
    st.subheader("Revenue per day of the top 5")
    st.line_chart(per_day, x="date", y="revenue", color="product_name" if top else None)
    table(products)
    monthly(snap, days)


def monthly(snap: Snapshot, days: Days) -> None:
    """The months overlapping the range: inventory recommendations and category revenue."""
    if not snap.has("gold.product_performance", "gold.product_category_revenue_monthly"):
        return
    months = "month BETWEEN date_trunc('month', CAST($start AS DATE)) AND $end"
    review = snap.frame(
        f"SELECT * FROM gold.product_performance WHERE {months} ORDER BY month, revenue DESC", days
    )
    if review.empty:
        st.info("No monthly review covers these days yet (monthly tables are built after a month ends).")
        return
    st.subheader("Inventory recommendations (monthly)")
    counts = review.groupby("recommendation", as_index=False).size().rename(columns={"size": "products"})
    st.bar_chart(counts, x="recommendation", y="products")
    table(review[review.recommendation != "healthy"])
    categories = snap.frame(
        f"SELECT category, sum(revenue) AS revenue, sum(gross_profit) AS gross_profit "
        f"FROM gold.product_category_revenue_monthly WHERE {months} GROUP BY ALL ORDER BY revenue DESC",
        days,
    )
    st.subheader("Revenue and gross profit by category (monthly)")
    st.bar_chart(categories, x="category", y=["revenue", "gross_profit"], stack=False)
