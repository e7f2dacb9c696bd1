"""Gold tables of the sales domain: the day's headline numbers, sales net of returns, regions,
payment methods, coupons, orders to review, trailing revenue, channels' sales and seasonality."""

from ecom_assets.dictionary.gold.common import (
    CHANNEL,
    DATE,
    LINE_REVENUE,
    MONTH,
    ORDER_REVENUE,
    ORDERS_PER_SESSION,
    VALID,
    count,
    flag,
    gold,
    money,
    rate,
    score,
    text,
)
from ecom_assets.gold.sales.daily_revenue import LOOK_BACK_DAYS
from ecom_assets.gold.sales.orders_for_review import REVIEW_RULES
from ecom_assets.schema import RESTATEMENT_DAYS

_RULES = "; ".join(f"{name}: {cond} (weight {weight})" for name, (cond, weight) in REVIEW_RULES.items())

TABLES = [
    gold(
        "daily_business_metrics",
        "one row per day, also for a day without orders or sessions (zeros, and NULL ratios)",
        {
            "date": DATE,
            "total_revenue": money(f"The day's {ORDER_REVENUE}. Not the line-item revenue of the product "
                                   "tables, which is before discounts and without shipping."),
            "total_orders": count("Distinct valid orders of the day."),
            "total_sessions": count("Distinct sessions started on the day."),
            "total_users": count("Distinct users of the day's sessions."),
            "conversion_rate": rate(f"The day's {ORDERS_PER_SESSION}: total_orders / total_sessions × 100; "
                                    "NULL when there are no sessions. Not the share of converted sessions."),
            "avg_order_value": money("total_revenue / total_orders; NULL without valid orders.", "DOUBLE"),
            "new_customers": count("Distinct users with a valid order marked is_first_purchase."),
            "repeat_customers": count("Distinct users with a valid order, minus new_customers."),
            "total_discount": money("SUM(discount) of the valid orders."),
            "total_shipping": money("SUM(shipping_price) of the valid orders."),
            "is_provisional": flag(f"True until the drop of the day + {RESTATEMENT_DAYS} is loaded: until "
                                   "then late or corrected rows can still change the day's numbers. False "
                                   "once the day is final."),
        },
        f"The day's revenue, orders and customers from its {VALID}, and its sessions. A day is provisional "
        f"while a later drop (up to {RESTATEMENT_DAYS} days later) may still restate it, and final after.",
    ),
    gold(
        "sales_summary",
        "one row per day (zeros on a day without sales or returns)",
        {
            "date": DATE,
            "gross_revenue": money(f"The day's {LINE_REVENUE} (the sale rows of silver.fact_sales)."),
            "returns_amount": money("SUM(refund_amount) of the returns booked on the day, whatever day "
                                    "their order was."),
            "net_revenue": money("gross_revenue − returns_amount."),
            "units_sold": count("Units of the day's sale rows."),
            "units_returned": count("Units of the returns booked on the day."),
            "return_rate": rate("units_returned / units_sold × 100; NULL when nothing sold. It can exceed "
                                "100 when earlier sales come back on a slow day."),
        },
        "Sales net of returns: a return counts on the day it is booked, not on its order's day.",
    ),
    gold(
        "regional_sales",
        "one row per (day, country, region) of the sessions of the day's valid orders; no rows for a day "
        "without valid orders",
        {
            "date": DATE,
            "country": text("Country of the order's session (same day); NULL when that session is not in "
                            "silver.sessions of the day, so revenue still adds up."),
            "region": text("Region of the order's session; NULL as for country."),
            "orders": count("Distinct valid orders."),
            "revenue": money(f"The region's {ORDER_REVENUE}."),
            "customers": count("Distinct users of those orders."),
            "avg_order_value": money("revenue / orders.", "DOUBLE"),
        },
        "Per day, the regions' revenue adds up to daily_business_metrics.total_revenue.",
    ),
    gold(
        "payment_method_performance",
        "one row per (day, payment_method) used by any order of the day, valid or cancelled",
        {
            "date": DATE,
            "payment_method": text("credit_card, paypal, apple_pay, gift_card or bank_transfer."),
            "orders": count("Distinct valid orders paid this way (0 when all of them were cancelled)."),
            "revenue": money(f"The method's {ORDER_REVENUE}."),
            "avg_order_value": money("revenue / orders; NULL when orders is 0.", "DOUBLE"),
            "share_of_orders": rate("orders / all valid orders of the day × 100; NULL when the day has "
                                    "none."),
            "cancelled_orders": count("Distinct cancelled orders paid this way."),
            "cancellation_rate": rate("cancelled_orders / all orders of the method (valid and cancelled) × "
                                      "100."),
        },
        "How customers pay: per method, valid orders and their revenue, and the cancelled orders beside "
        "them (a method whose orders were all cancelled has a row with 0 orders).",
    ),
    gold(
        "coupon_performance",
        "one row per (day, discount_coupon_code) used by a valid order of the day",
        {
            "date": DATE,
            "discount_coupon_code": text("The coupon code as the order carries it (trimmed)."),
            "usage_count": count("Distinct valid orders that used the code."),
            "total_discount_given": money("SUM(discount) of those orders."),
            "total_revenue": money(f"The coupon's {ORDER_REVENUE} (after the discount)."),
            "avg_order_value": money("total_revenue / usage_count.", "DOUBLE"),
            "new_customer_usage": count("Of those orders, the ones marked is_first_purchase."),
            "repeat_customer_usage": count("Of those orders, the ones not marked is_first_purchase."),
        },
        f"What each coupon code brought: its {VALID}, their discount and revenue, and whether they were "
        "first purchases.",
    ),
    gold(
        "orders_for_review",
        "one row per valid order of the day that fires at least one review rule",
        {
            "date": DATE,
            "order_id": text("The flagged order."),
            "user_id": text("Its customer."),
            "total_price": money("What the customer pays: items − discount + shipping."),
            "rules": text("The rules it fires, comma-separated, in the order high_discount, high_shipping, "
                          "amount_mismatch, qty_mismatch, outlier_amount."),
            "risk_score": score("The sum of the fired rules' weights, 1-100."),
            "items_subtotal": money("SUM(product_price × product_qty) of the order's line items of the day "
                                    "(0 when it has none)."),
            "discount": money("The order's discount."),
            "shipping_price": money("The order's shipping."),
            "total_qty": count("Units according to the order."),
            "items_qty": count("Units of its line items (0 when it has none)."),
            "median_order_value": money("Median total_price of the day's valid orders."),
        },
        f"Rules: {_RULES}. A rule with a NULL input does not fire.",
    ),
    gold(
        "daily_revenue",
        f"one row per day, looking back {LOOK_BACK_DAYS} days for its trailing averages",
        {
            "date": DATE,
            "revenue": money(f"daily_business_metrics.total_revenue: the day's {ORDER_REVENUE}."),
            "orders": count("daily_business_metrics.total_orders: the day's valid orders."),
            "revenue_7d_avg": money("Mean daily revenue over the 7 days ending on the day; a day without "
                                    "orders counts as 0 and days before the first partition do not count.",
                                    "DOUBLE"),
            "revenue_30d_avg": money("Mean daily revenue over the 30 days ending on the day, counted the "
                                     "same way.", "DOUBLE"),
        },
        "daily_business_metrics' revenue with trailing 7- and 30-day means, for trend charts; it reads the "
        f"{LOOK_BACK_DAYS} days before each day from daily_business_metrics.",
    ),
    gold(
        "sales_performance_metrics",
        "one row per (day, channel)",
        {
            "date": DATE,
            "channel": text(f"{CHANNEL.description} Orders go by their session of the same day; NULL for the "
                            "orders whose session did not start that day, so revenue adds up to "
                            "daily_business_metrics."),
            "total_revenue": money(f"The channel's {ORDER_REVENUE}."),
            "total_transactions": count("Distinct valid orders."),
            "unique_customers": count("Distinct users of those orders."),
            "avg_transaction_value": money("total_revenue / total_transactions; NULL without "
                                           "orders.", "DOUBLE"),
            "sessions": count("Sessions of the channel started on the day."),
            "conversion_rate": rate(f"The channel's {ORDERS_PER_SESSION}: total_transactions / sessions × "
                                    "100; NULL when sessions is 0. Not the share of converted sessions "
                                    "(daily_channel_performance has that)."),
        },
        "Sales by the channel the visit came from (an e-commerce ER design's name for "
        "daily_channel_performance), counting orders rather than converted sessions.",
    ),
    gold(
        "seasonal_sales_analysis",
        "one row per month",
        {
            "month": MONTH,
            "year": score("Calendar year of the month."),
            "quarter": score("Calendar quarter of the month, 1-4."),
            "revenue": money(f"The month's {ORDER_REVENUE}."),
            "orders": count("Distinct valid orders of the month."),
            "previous_month_revenue": money("Revenue of the month before; NULL when that month is not fully "
                                            "covered by daily partitions."),
            "same_month_last_year_revenue": money("Revenue of the same month a year before; NULL when not "
                                                  "fully covered."),
            "mom_growth_pct": rate("(revenue − previous_month_revenue) / previous_month_revenue × 100; NULL "
                                   "when the previous month is unknown or had no revenue. Can be negative "
                                   "or exceed 100."),
            "yoy_growth_pct": rate("(revenue − same_month_last_year_revenue) / same_month_last_year_revenue "
                                   "× 100; NULL when that month is unknown or had no revenue."),
            "daily_revenue_volatility": rate("Sample standard deviation / mean of the month's daily revenue "
                                             "× 100 (every day counts, 0 without orders); NULL when the "
                                             "mean is 0."),
        },
        "Looks back 12 months for the growth rates; months before the first daily partition are unknown "
        "(NULL), never 0.",
    ),
]
