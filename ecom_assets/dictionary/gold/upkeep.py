"""Gold tables of the monthly upkeep: gold validated against the raw files."""

from ecom_assets.dictionary.gold.common import MONTH, ORDER_REVENUE, count, day, flag, gold, money
from ecom_assets.schema import RESTATEMENT_DAYS

RAW = "recomputed from bronze's raw text"
GOLD = "in gold.daily_business_metrics (NULL when the day is missing there)"

TABLES = [
    gold(
        "raw_validation",
        "one row per day of the month with a daily_business_metrics row or raw rows",
        {
            "month": MONTH,
            "date": day("The day compared (shop time zone)."),
            "raw_revenue": money(f"The day's {ORDER_REVENUE}, {RAW}."),
            "gold_revenue": money(f"total_revenue {GOLD}."),
            "raw_orders": count(f"The day's distinct valid orders, {RAW}."),
            "gold_orders": count(f"total_orders {GOLD}."),
            "raw_sessions": count(f"The day's distinct sessions, {RAW}."),
            "gold_sessions": count(f"total_sessions {GOLD}."),
            "matches": flag("Whether revenue, orders and sessions all agree (false for a day missing in "
                            "gold)."),
        },
        "An independent recount: bronze's text is trimmed, typed and placed on its event day (shop time) "
        "here, sharing no SQL with silver or gold; rows silver quarantined are left out, and drops up to "
        f"{RESTATEMENT_DAYS} days after the month count for it (late data).",
    ),
]
