"""Marketing Attribution: sessions and revenue by channel, campaigns with spend, ROI and ROAS."""

import streamlit as st

from ecom_assets.dashboards.common import Days, Snapshot, table

TITLE, SLUG, ICON = "Marketing Attribution", "marketing", ":material/campaign:"

# Over a range, ratios are recomputed from the summed parts (never averaged per day).
CAMPAIGNS = """
SELECT utm_source, utm_medium, utm_campaign, any_value(channel) AS channel,
       sum(spend) AS spend, sum(sessions) AS sessions, sum(conversions) AS conversions,
       sum(revenue) AS revenue,
       (sum(revenue) - sum(spend)) / nullif(sum(spend), 0) * 100 AS roi,
       sum(revenue) / nullif(sum(spend), 0) AS roas,
       sum(spend) / nullif(sum(conversions), 0) AS cost_per_acquisition
FROM gold.campaign_effectiveness WHERE date BETWEEN $start AND $end
GROUP BY ALL ORDER BY revenue DESC NULLS LAST"""


def render(snap: Snapshot, days: Days) -> None:
    if not snap.has("gold.daily_channel_performance", "gold.campaign_effectiveness"):
        return
    channels = snap.frame(
        "SELECT channel, sum(sessions) AS sessions, sum(converted_sessions) AS converted_sessions, "
        "sum(orders) AS orders, sum(revenue) AS revenue, "
        "sum(converted_sessions) / nullif(sum(sessions), 0) * 100 AS conversion_rate "
        "FROM gold.daily_channel_performance WHERE date BETWEEN $start AND $end "
        "GROUP BY ALL ORDER BY revenue DESC",
        days,
    )
    left, right = st.columns(2)
    left.subheader("Revenue by channel (last touch)")
    left.bar_chart(channels, x="channel", y="revenue")
    right.subheader("Sessions by channel")
    right.bar_chart(channels, x="channel", y="sessions")
    table(channels)
    per_day = snap.frame(
        "SELECT date, channel, revenue FROM gold.daily_channel_performance "
        "WHERE date BETWEEN $start AND $end ORDER BY date",
        days,
    )
    st.subheader("Revenue per day and channel")
    st.line_chart(per_day, x="date", y="revenue", color="channel")
    campaigns = snap.frame(CAMPAIGNS, days)
    st.subheader("Campaigns: return on ad spend (revenue / spend)")
    paid = campaigns[campaigns.spend.fillna(0) > 0].assign(
        campaign=lambda f: f.utm_source.fillna("") + " / " + f.utm_campaign.fillna("")
    )
    st.bar_chart(paid, x="campaign", y="roas", horizontal=True, sort="-roas")
    st.caption("ROI = (revenue − spend) / spend × 100; ROAS = revenue / spend; both over the whole range.")
    table(campaigns)
