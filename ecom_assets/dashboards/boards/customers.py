"""Customer Segmentation: RFM segments as of the range's last week, and the cohort retention heat map."""

import streamlit as st

from ecom_assets.dashboards.common import Days, Snapshot, heat_map, table

TITLE, SLUG, ICON = "Customer Segmentation", "customers", ":material/groups:"

# Weekly tables are as of a Saturday: the page shows the latest week ending on or before the range's end.
LATEST = "as_of_date = (SELECT max(as_of_date) FROM {table} WHERE as_of_date <= $end)"


def render(snap: Snapshot, days: Days) -> None:
    if not snap.has("gold.user_lifetime_metrics", "gold.cohort_analysis"):
        return
    users = snap.frame(
        "SELECT * FROM gold.user_lifetime_metrics WHERE " + LATEST.format(table="gold.user_lifetime_metrics"),
        days,
    )
    if users.empty:
        st.info(f"No weekly customer table ends on or before {days.end} yet (weeks end on Saturdays).")
        return
    st.caption(f"As of {users.as_of_date.iloc[0]:%Y-%m-%d} (the latest week ending on or before {days.end}).")
    segments = users.groupby("rfm_segment", as_index=False).agg(
        customers=("user_id", "count"), revenue=("total_revenue", "sum")
    )
    left, right = st.columns(2)
    left.subheader("Customers per RFM segment")
    left.bar_chart(segments, x="rfm_segment", y="customers")
    right.subheader("Revenue per RFM segment")
    right.bar_chart(segments, x="rfm_segment", y="revenue")
    values = users.groupby(["value_segment", "activity_status"], as_index=False).size()
    st.subheader("Value segment × activity")
    st.bar_chart(values, x="value_segment", y="size", color="activity_status")
    cohorts = snap.frame(
        "SELECT strftime(cohort_month, '%Y-%m') AS cohort, months_since_first, retention_rate "
        "FROM gold.cohort_analysis WHERE " + LATEST.format(table="gold.cohort_analysis"),
        days,
    )
    st.subheader("Cohort retention (% of the cohort ordering in month n)")
    pivot = cohorts.pivot_table(index="cohort", columns="months_since_first", values="retention_rate")
    st.dataframe(heat_map(pivot))
    st.subheader("Customers (top 100 by historic CLV)")
    shown = ["user_id", "rfm_segment", "value_segment", "activity_status", "total_orders", "total_revenue",
             "historic_clv", "last_order_date", "favorite_category"]  # fmt: skip
    table(users.sort_values("historic_clv", ascending=False)[shown].head(100))
