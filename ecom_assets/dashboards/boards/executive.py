"""Executive Overview: the day's business metrics and revenue with its 7- and 30-day averages."""

import streamlit as st

from ecom_assets.dashboards.common import Days, Snapshot, money, percent, ratio, table, tiles

TITLE, SLUG, ICON = "Executive Overview", "executive", ":material/monitoring:"

TOTALS = """
SELECT sum(total_revenue) AS revenue, sum(total_orders) AS orders, sum(total_sessions) AS sessions,
       sum(new_customers) AS new_customers, sum(repeat_customers) AS repeat_customers
FROM gold.daily_business_metrics WHERE date BETWEEN $start AND $end"""


def kpis(snap: Snapshot, days: Days) -> dict[str, str]:
    """The tiles: sums over the chosen days; conversion and order value are ratios of those sums."""
    t = snap.frame(TOTALS, days).iloc[0]
    conversion, aov = ratio(t.orders, t.sessions, 100), ratio(t.revenue, t.orders)
    return {
        "Revenue": money(t.revenue),
        "Orders": f"{int(t.orders or 0):,}",
        "Sessions": f"{int(t.sessions or 0):,}",
        "Conversion rate": percent(conversion),
        "Avg order value": "–" if aov is None else money(aov),
        "New customers": f"{int(t.new_customers or 0):,}",
    }


def render(snap: Snapshot, days: Days) -> None:
    if not snap.has("gold.daily_business_metrics", "gold.daily_revenue"):
        return
    tiles(kpis(snap, days))
    st.caption("Conversion rate = orders / sessions × 100 and average order value = revenue / orders, "
               "both over the whole range.")  # fmt: skip
    revenue = snap.frame(
        'SELECT date, revenue, revenue_7d_avg AS "7-day average", revenue_30d_avg AS "30-day average" '
        "FROM gold.daily_revenue WHERE date BETWEEN $start AND $end ORDER BY date",
        days,
    )
    st.subheader("Revenue per day")
    st.line_chart(revenue, x="date", y=["revenue", "7-day average", "30-day average"])
    daily = snap.frame(
        "SELECT * FROM gold.daily_business_metrics WHERE date BETWEEN $start AND $end ORDER BY date", days
    )
    left, right = st.columns(2)
    left.subheader("Orders per day")
    left.bar_chart(daily, x="date", y="total_orders")
    right.subheader("New and repeat customers")
    right.area_chart(daily, x="date", y=["new_customers", "repeat_customers"])
    daily.insert(
        1, "status", ["provisional" if d in days.provisional else "final" for d in daily["date"].dt.date]
    )
    st.subheader("Daily business metrics")
    table(daily)
