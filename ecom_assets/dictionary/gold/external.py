"""Gold tables of external data: the weather beside sales."""

from ecom_assets.dictionary.gold.common import (
    DATE,
    MONTH,
    ORDER_REVENUE,
    count,
    gold,
    money,
    number,
    rate,
    text,
)
from ecom_assets.dictionary.model import CELSIUS, MILLIMETRES
from ecom_assets.gold.external.weather_impact import MIN_DAYS_FOR_CORRELATION, RAINY_MM

CORRELATION = ("Pearson correlation over the month's days with weather, -1 to 1; NULL with fewer than "
               f"{MIN_DAYS_FOR_CORRELATION} days or a constant series.")

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
]
