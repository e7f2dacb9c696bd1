"""Sales & Regional Revenue: gross and net of returns per day, revenue by region, payment methods."""

import streamlit as st

from ecom_assets.dashboards.common import Days, Snapshot, money, percent, ratio, table, tiles

TITLE, SLUG, ICON = "Sales & Regional Revenue", "sales", ":material/public:"


def render(snap: Snapshot, days: Days) -> None:
    if not snap.has("gold.sales_summary", "gold.regional_sales", "gold.payment_method_performance"):
        return
    daily = snap.frame(
        "SELECT date, gross_revenue, returns_amount, net_revenue, units_sold, units_returned "
        "FROM gold.sales_summary WHERE date BETWEEN $start AND $end ORDER BY date",
        days,
    )
    gross, returned = daily.gross_revenue.sum(), daily.returns_amount.sum()
    rate = ratio(daily.units_returned.sum(), daily.units_sold.sum(), 100)
    tiles({
        "Gross revenue": money(gross), "Returns": money(returned), "Net revenue": money(gross - returned),
        "Return rate (units)": percent(rate),
    })  # fmt: skip
    st.subheader("Gross and net revenue per day")
    st.area_chart(daily, x="date", y=["gross_revenue", "net_revenue"])
    st.subheader("Returns per day")
    st.bar_chart(daily, x="date", y="returns_amount")
    regions = snap.frame(
        "SELECT coalesce(country, '(unknown)') || ' · ' || coalesce(region, '(unknown)') AS region, "
        "sum(orders) AS orders, sum(revenue) AS revenue "
        "FROM gold.regional_sales WHERE date BETWEEN $start AND $end GROUP BY ALL ORDER BY revenue DESC",
        days,
    )
    st.subheader("Revenue by region")
    st.bar_chart(regions.head(20), x="region", y="revenue", horizontal=True, sort="-revenue")
    table(regions)
    methods = snap.frame(
        "SELECT payment_method, sum(orders) AS orders, sum(revenue) AS revenue, "
        "sum(cancelled_orders) AS cancelled_orders FROM gold.payment_method_performance "
        "WHERE date BETWEEN $start AND $end GROUP BY ALL ORDER BY revenue DESC",
        days,
    )
    st.subheader("Payment methods")
    st.bar_chart(methods, x="payment_method", y="revenue")
