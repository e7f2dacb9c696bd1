"""Discount Analysis: coupons by use, discount given and revenue, and the discount per day."""

import streamlit as st

from ecom_assets.dashboards.common import Days, Snapshot, money, table, tiles

TITLE, SLUG, ICON = "Discount Analysis", "discounts", ":material/sell:"

COUPONS = """
SELECT discount_coupon_code AS coupon, sum(usage_count) AS orders,
       sum(total_discount_given) AS discount_given, sum(total_revenue) AS revenue,
       sum(total_revenue) / nullif(sum(usage_count), 0) AS avg_order_value,
       sum(new_customer_usage) AS new_customer_orders, sum(repeat_customer_usage) AS repeat_customer_orders
FROM gold.coupon_performance WHERE date BETWEEN $start AND $end GROUP BY ALL ORDER BY orders DESC"""


def render(snap: Snapshot, days: Days) -> None:
    if not snap.has("gold.coupon_performance", "gold.daily_business_metrics"):
        return
    coupons = snap.frame(COUPONS, days)
    tiles({"Orders with a coupon": f"{int(coupons.orders.sum()):,}",
           "Discount given with coupons": money(coupons.discount_given.sum())})  # fmt: skip
    st.subheader("Orders per coupon, new vs repeat customers")
    st.bar_chart(coupons, x="coupon", y=["new_customer_orders", "repeat_customer_orders"])
    st.subheader("Discount given and revenue per coupon")
    st.bar_chart(coupons, x="coupon", y=["discount_given", "revenue"], stack=False)
    table(coupons)
    daily = snap.frame(
        "SELECT date, total_discount, total_discount / nullif(total_revenue + total_discount, 0) * 100 "
        'AS "discount % of list price" FROM gold.daily_business_metrics '
        "WHERE date BETWEEN $start AND $end ORDER BY date",
        days,
    )
    st.subheader("Discount per day (all orders)")
    st.line_chart(daily, x="date", y="total_discount")
