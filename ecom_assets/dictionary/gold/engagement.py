"""Gold tables of the engagement domain: the session funnel and its daily summary, pages, clicks and
storefronts."""

from ecom_assets.dictionary.gold.common import (
    CONVERTED_SHARE,
    DATE,
    ORDER_REVENUE,
    SESSION_ID,
    SESSION_START,
    USER_ID,
    count,
    flag,
    gold,
    minutes,
    money,
    number,
    rate,
    text,
)
from ecom_assets.dictionary.model import PCT

STEP = "Sessions of the day that {}."
SHARE = "{} / sessions × 100 (a share of all sessions: steps are not nested); NULL without sessions."

TABLES = [
    gold(
        "session_funnel",
        "one row per session started on the day",
        {
            "session_id": SESSION_ID,
            "user_id": USER_ID,
            "date": DATE,
            "session_start": SESSION_START,
            "had_pageview": flag("Whether the session has a pageview of the day."),
            "had_product_view": flag("Whether it viewed a product page (a path starting with `/product/`)."),
            "had_add_to_cart": flag("Whether it added something to the cart."),
            "had_checkout_view": flag("Whether it viewed a checkout page (a path starting with "
                                      "`/checkout`)."),
            "had_order": flag("Whether it has a valid order of the same day."),
            "time_to_cart_minutes": minutes("First add-to-cart − session start; NULL without one."),
            "time_to_order_minutes": minutes("First valid order − session start; NULL without one."),
        },
        "An event counts for a session when it carries the session's id and is in the same day's silver.",
    ),
    gold(
        "daily_funnel_summary",
        "one row per day, also for a day without sessions (counts 0, rates NULL)",
        {
            "date": DATE,
            "sessions": count("Sessions started on the day."),
            "product_view_sessions": count(STEP.format("viewed a product page")),
            "cart_sessions": count(STEP.format("added to the cart")),
            "checkout_sessions": count(STEP.format("viewed a checkout page")),
            "order_sessions": count(STEP.format("have a valid order")),
            "abandoned_cart_sessions": count("Cart sessions without a valid order."),
            "product_view_rate": rate(SHARE.format("product_view_sessions")),
            "cart_rate": rate(SHARE.format("cart_sessions")),
            "checkout_rate": rate(SHARE.format("checkout_sessions")),
            "order_rate": rate(SHARE.format("order_sessions")),
            "cart_abandonment_rate": rate("abandoned_cart_sessions / cart_sessions × 100; NULL without cart "
                                          "sessions."),
        },
        "The day's sum of session_funnel. A cart without a product view still counts as a cart session, so "
        "each rate is a share of all sessions and the steps need not decrease.",
    ),
    gold(
        "page_engagement_metrics",
        "one row per (day, page_path) with a pageview, scroll or click on the day",
        {
            "date": DATE,
            "page_path": text("Path of the page as silver has it; NULL groups the events without a path."),
            "pageviews": count("Pageviews of the path."),
            "unique_users": count("Distinct users among those pageviews."),
            "sessions_with_this_page": count("Distinct sessions among those pageviews."),
            "avg_scroll_depth": number("Mean scroll_percent of the path's scroll events; NULL without "
                                       "scrolls.",
                                       PCT),
            "total_clicks": count("Clicks on the path."),
            "entrances": count("Sessions whose first pageview of the day (by time, ties by event_id) is the "
                               "path; pageviews without a session are no entrance."),
            "bounces": count("Entrances whose session has exactly one pageview that day."),
            "bounce_rate": rate("bounces / entrances × 100; NULL without entrances."),
        },
        "Per day, pageviews and clicks add up to silver's.",
    ),
    gold(
        "click_heatmap",
        "one row per (day, path, target_id, target_tag, target_text) clicked on the day",
        {
            "date": DATE,
            "path": text("Path of the page clicked on."),
            "target_id": text("HTML id of the clicked element; NULL is its own group."),
            "target_tag": text("HTML tag of the clicked element."),
            "target_text": text("Visible text of the clicked element."),
            "clicks": count("Clicks on that element."),
            "unique_users": count("Distinct users who clicked it."),
            "sessions": count("Distinct sessions that clicked it."),
        },
        "A missing target value is a group of its own, so clicks add up to the day's silver clicks.",
    ),
    gold(
        "storefront_performance",
        "one row per (day, domain)",
        {
            "date": DATE,
            "domain": text("The storefront: the domain of a session's first pageview of the day (by time, "
                           "then event_id); NULL for sessions without a pageview, so sessions add up."),
            "sessions": count("Sessions whose storefront is the domain."),
            "pageviews": count("All pageviews of the day on the domain, whatever storefront their session "
                               "started on."),
            "converted_sessions": count("Of its sessions, those with a valid order."),
            "orders": count("Valid orders of its sessions."),
            "revenue": money(f"Its sessions' {ORDER_REVENUE}."),
            "conversion_rate": rate(f"The storefront's {CONVERTED_SHARE}; NULL without sessions."),
        },
        "Sessions, orders and revenue come from session_attribution, so they agree with the marketing "
        "tables.",
    ),
]
