"""Gold tables of the marketing domain: last-touch session attribution, channels, campaigns and
their customer segments, and multi-touch attribution."""

from ecom_assets.dictionary.gold.common import (
    CHANNEL,
    CONVERTED_SHARE,
    DATE,
    ORDER_REVENUE,
    SESSION_ID,
    SESSION_START,
    USER_ID,
    UTM_CAMPAIGN,
    UTM_MEDIUM,
    UTM_SOURCE,
    VALID,
    count,
    flag,
    gold,
    minutes,
    money,
    number,
    rate,
    ratio,
    text,
)
from ecom_assets.dictionary.model import MONEY
from ecom_assets.gold.attribution import LOOKBACK_DAYS, MODELS

SEGMENT = ("the segment of the session's user on the day: the value_segment of the user's valid orders and "
           "refunds booked before the day (High Value, Medium Value, Low Value; see user_lifetime_metrics), "
           "or New without an earlier valid order")
PATH = ("A valid order's path is its user's sessions that started at most 30 × 24 hours before the order, "
        "up to and including the order's own session (always the last touch), in start order (ties by "
        f"session_id), read from the order's day and the {LOOKBACK_DAYS} days before. Models: "
        f"{', '.join(MODELS)}. first_touch gives the whole order to the first session, last_touch to the "
        "last, linear equal shares, position_based 40 % each to the first and last and 20 % shared by those "
        "between (one session: 100 %; two: 50/50). An order whose own session is unknown is left out.")

TABLES = [
    gold(
        "session_attribution",
        "one row per session started on the day",
        {
            "session_id": SESSION_ID,
            "user_id": USER_ID,
            "date": DATE,
            "session_start": SESSION_START,
            "utm_source": UTM_SOURCE,
            "utm_medium": UTM_MEDIUM,
            "utm_campaign": UTM_CAMPAIGN,
            "channel": CHANNEL,
            "country": text("Country the session came from, ISO 3166-1 alpha-2."),
            "device_type": text("The session's device."),
            "platform": text("desktop, mobile or tablet."),
            "converted": flag("Whether the session has a valid order of the same day."),
            "orders": count("Its valid orders of the same day."),
            "revenue": money(f"The session's {ORDER_REVENUE}; 0 without one."),
            "order_id": text("Its first valid order by time (ties by order_id); NULL without one."),
            "time_to_conversion_minutes": minutes("First valid order's time − session start; NULL without "
                                                  "one."),
        },
        f"Last touch: an order counts for the session whose session_id it carries. Only {VALID} count; the "
        "channel and campaign tables aggregate this one, so their sessions, conversions and revenue agree.",
    ),
    gold(
        "daily_channel_performance",
        "one row per (day, channel) with at least one session started on the day",
        {
            "date": DATE,
            "channel": CHANNEL,
            "sessions": count("Sessions of the channel."),
            "users": count("Distinct users of those sessions."),
            "converted_sessions": count("Of those, the sessions with a valid order."),
            "orders": count("Valid orders of those sessions."),
            "revenue": money(f"Their {ORDER_REVENUE}."),
            "conversion_rate": rate(f"The channel's {CONVERTED_SHARE}; it never exceeds 100. Not orders per "
                                    "session (sales_performance_metrics has that)."),
            "revenue_per_session": money("revenue / sessions.", "DOUBLE"),
        },
        "From session_attribution; orders whose session did not start on the day are not attributed to a "
        "channel here (the revenue check reports them as unattributed).",
    ),
    gold(
        "campaign_effectiveness",
        "one row per (day, utm_source, utm_medium, utm_campaign) with spend or sessions on the day",
        {
            "date": DATE,
            "utm_source": UTM_SOURCE,
            "utm_medium": UTM_MEDIUM,
            "utm_campaign": text("Campaign name; a session without one is not a campaign."),
            "channel": text("The channel of most of the campaign's sessions (ties by name); for a campaign "
                            "with spend but no sessions, the channel its UTM values give (Direct when none "
                            "applies)."),
            "spend": money("Spend of the day (silver.campaign_spend); 0 without a spend row."),
            "impressions": count("Ad impressions of the day."),
            "ad_clicks": count("Clicks on the ads, as the ad platform reports them."),
            "sessions": count("Sessions of the campaign started on the day."),
            "conversions": count("Of those, the sessions with a valid order (converted sessions)."),
            "revenue": money(f"Those sessions' {ORDER_REVENUE} (last touch)."),
            "roi": rate("(revenue − spend) / spend × 100; NULL when spend is 0. Can be negative."),
            "roas": ratio("revenue / spend; NULL when spend is 0."),
            "cost_per_acquisition": money("spend / conversions; NULL when there are no "
                                          "conversions.", "DOUBLE"),
        },
        "Spend from silver.campaign_spend beside the last-touch results of the campaign's sessions "
        "(session_attribution): a campaign with sessions but no spend row has spend 0, so its roi and roas "
        "are NULL.",
    ),
    gold(
        "campaign_customer_segments",
        "one row per (day, utm_source, utm_medium, utm_campaign, customer_segment)",
        {
            "date": DATE,
            "utm_source": UTM_SOURCE,
            "utm_medium": UTM_MEDIUM,
            "utm_campaign": UTM_CAMPAIGN,
            "customer_segment": text(f"Segment: {SEGMENT}."),
            "sessions": count("The campaign's sessions of the day whose user is in the segment."),
            "conversions": count("Of those, the sessions with a valid order."),
            "revenue": money(f"Those sessions' {ORDER_REVENUE} (last touch)."),
            "conversion_rate": rate(f"The {CONVERTED_SHARE}: conversions / sessions × 100."),
        },
        "campaign_effectiveness split by who visited. Per day the segments' sessions add up to "
        "campaign_effectiveness' sessions.",
    ),
    gold(
        "channel_attribution",
        "one row per (day of the order, model, channel, utm_campaign)",
        {
            "date": DATE,
            "model": text(f"Attribution model: {', '.join(MODELS)}."),
            "channel": text("Channel of the credited session."),
            "utm_campaign": text("Campaign of the credited session; NULL when it had none."),
            "conversions": number("Sum of the credit shares the model gives these sessions (an order is 1 "
                                  "conversion split across its path)."),
            "revenue": number("Sum of the credited shares of the orders' total_price.", MONEY),
        },
        f"{PATH} Per day and model, revenue adds up to the revenue of the day's valid orders whose session "
        "is known.",
    ),
    gold(
        "attribution_roas",
        "one row per (day, model, utm_source, utm_medium, utm_campaign) with spend or attributed "
        "conversions",
        {
            "date": DATE,
            "model": text(f"Attribution model: {', '.join(MODELS)}."),
            "utm_source": UTM_SOURCE,
            "utm_medium": UTM_MEDIUM,
            "utm_campaign": text("Campaign name; a session without one is not a campaign."),
            "spend": money("The campaign's spend of the day (the same for every model); 0 without a spend "
                           "row."),
            "conversions": number("Credit shares the model gives the campaign's sessions."),
            "attributed_revenue": number("Credited shares of the orders' total_price.", MONEY),
            "roas": ratio("attributed_revenue / spend; NULL when spend is 0."),
            "cpa": money("spend / conversions; NULL when conversions is 0.", "DOUBLE"),
        },
        f"{PATH} Every model lists every campaign with spend.",
    ),
]
