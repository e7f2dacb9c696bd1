"""UX Engagement: pages by views, scroll depth and bounce rate, and the click heat map."""

import streamlit as st

from ecom_assets.dashboards.common import Days, Snapshot, heat_map, table

TITLE, SLUG, ICON = "UX Engagement", "engagement", ":material/ads_click:"

TOP_PAGES, TOP_TARGETS = 15, 12

# Over a range: scroll depth is the pageview-weighted mean of the daily averages; bounce rate is
# bounces / entrances of the summed days.
PAGES = """
SELECT page_path, sum(pageviews) AS pageviews, sum(total_clicks) AS clicks, sum(entrances) AS entrances,
       sum(avg_scroll_depth * pageviews) FILTER (WHERE avg_scroll_depth IS NOT NULL)
         / nullif(sum(pageviews) FILTER (WHERE avg_scroll_depth IS NOT NULL), 0) AS avg_scroll_depth,
       sum(bounces) / nullif(sum(entrances), 0) * 100 AS bounce_rate
FROM gold.page_engagement_metrics WHERE date BETWEEN $start AND $end
GROUP BY ALL ORDER BY pageviews DESC"""


def render(snap: Snapshot, days: Days) -> None:
    if not snap.has("gold.page_engagement_metrics", "gold.click_heatmap"):
        return
    pages = snap.frame(PAGES, days)
    top = pages.head(TOP_PAGES)
    left, right = st.columns(2)
    left.subheader("Most viewed pages")
    left.bar_chart(top, x="page_path", y="pageviews", horizontal=True, sort="-pageviews")
    right.subheader("Average scroll depth (%)")
    right.bar_chart(top, x="page_path", y="avg_scroll_depth", horizontal=True, sort="-avg_scroll_depth")
    table(pages)
    clicks = snap.frame(
        "SELECT path, coalesce(target_text, target_id, target_tag, '(none)') AS target, "
        "sum(clicks) AS clicks "
        "FROM gold.click_heatmap WHERE date BETWEEN $start AND $end GROUP BY ALL",
        days,
    )
    st.subheader("Click heat map (clicks per page and target)")
    if clicks.empty:
        st.info("No clicks on these days.")
        return
    targets = clicks.groupby("target").clicks.sum().nlargest(TOP_TARGETS).index
    paths = clicks.groupby("path").clicks.sum().nlargest(TOP_PAGES).index
    shown = clicks[clicks.target.isin(targets) & clicks.path.isin(paths)]
    pivot = shown.pivot_table(index="path", columns="target", values="clicks", aggfunc="sum", fill_value=0)
    st.dataframe(heat_map(pivot, "{:.0f}"))
    st.bar_chart(clicks.groupby("target", as_index=False).clicks.sum().nlargest(TOP_TARGETS, "clicks"),
                 x="target", y="clicks")  # fmt: skip
