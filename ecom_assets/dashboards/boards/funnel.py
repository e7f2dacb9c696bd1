"""Conversion Funnel: sessions reaching each step, and cart abandonment per day."""

import pandas as pd
import streamlit as st

from ecom_assets.dashboards.common import Days, Snapshot, percent, ratio, table, tiles

TITLE, SLUG, ICON = "Conversion Funnel", "funnel", ":material/filter_alt:"

STEPS = {
    "sessions": "1 · session",
    "product_view_sessions": "2 · product view",
    "cart_sessions": "3 · add to cart",
    "checkout_sessions": "4 · checkout",
    "order_sessions": "5 · order",
}


def render(snap: Snapshot, days: Days) -> None:
    if not snap.has("gold.daily_funnel_summary"):
        return
    daily = snap.frame(
        "SELECT * FROM gold.daily_funnel_summary WHERE date BETWEEN $start AND $end ORDER BY date", days
    )
    totals = daily[[*STEPS, "abandoned_cart_sessions"]].sum()
    steps = pd.DataFrame({"step": list(STEPS.values()), "sessions": [int(totals[c]) for c in STEPS]})
    steps["share of sessions %"] = [ratio(v, totals["sessions"], 100) for v in steps.sessions]
    abandonment = ratio(totals["abandoned_cart_sessions"], totals["cart_sessions"], 100)
    order_rate = ratio(totals["order_sessions"], totals["sessions"], 100)
    tiles({"Cart abandonment": percent(abandonment, 1), "Sessions with an order": percent(order_rate)})
    st.subheader("Sessions reaching each step")
    st.bar_chart(steps, x="step", y="sessions")
    table(steps)
    st.subheader("Cart abandonment per day (%)")
    st.line_chart(daily, x="date", y="cart_abandonment_rate")
    st.subheader("Step rates per day (% of sessions)")
    st.line_chart(daily, x="date", y=["product_view_rate", "cart_rate", "checkout_rate", "order_rate"])
