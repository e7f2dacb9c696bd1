"""Gold tables of external data (weather beside sales) and of the monthly upkeep (gold validated
against the raw files)."""

from ecom_assets.dictionary.gold.common import (
    DATE,
    MONTH,
    ORDER_REVENUE,
    count,
    day,
    flag,
    gold,
    money,
    number,
    rate,
    text,
)
from ecom_assets.dictionary.model import CELSIUS, MILLIMETRES
from ecom_assets.gold.weather import MIN_DAYS_FOR_CORRELATION, RAINY_MM
from ecom_assets.schema import RESTATEMENT_DAYS

CORRELATION = ("Pearson correlation over the month's days with weather, -1 to 1; NULL with fewer than "
               f"{MIN_DAYS_FOR_CORRELATION} days or a constant series.")
RAW = "recomputed from bronze's raw text"
GOLD = "in gold.daily_business_metrics (NULL when the day is missing there)"

TABLES = [
    gold(
        "weather_sales_daily",
        "one row per (day, country, region) with a weather row",
        {
            "date": DATE,
            "country": text("Country, ISO 3166-1 alpha-2."),
            "region": text("Region within the country."),
            "revenue": money(f"The region's {ORDER_REVENUE}, by the geography of the order's session of the "
                             "same day; 0 without sales."),
            "orders": count("Those valid orders."),
            "sessions": count("Sessions of the region started on the day."),
            "temperature_c": number("Mean air temperature of the day.", CELSIUS),
            "precipitation_mm": number("Rain and snow of the day.", MILLIMETRES),
            "condition": text("Weather summary."),
        },
        "Regions without a weather row are not in it; the weather file is optional.",
    ),
    gold(
        "weather_impact",
        "one row per (month, country, region) of weather_sales_daily",
        {
            "month": MONTH,
            "country": text("Country, ISO 3166-1 alpha-2."),
            "region": text("Region within the country."),
            "days": count("Days of the month with weather."),
            "rainy_days": count(f"Of those, days with more than {RAINY_MM} mm of precipitation."),
            "revenue": money("The region's revenue over those days."),
            "revenue_temperature_corr": number(f"Daily revenue vs temperature_c: {CORRELATION}"),
            "revenue_precipitation_corr": number(f"Daily revenue vs precipitation_mm: {CORRELATION}"),
            "rainy_day_revenue_index": rate("Mean revenue of the rainy days / mean revenue of all the "
                                            "month's days with weather × 100 (100 = rain makes no "
                                            "difference); NULL without a rainy day."),
        },
        "Does weather move sales? Per region and month, daily revenue correlated with temperature and rain; "
        f"a rainy day has more than {RAINY_MM} mm of precipitation.",
    ),
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
