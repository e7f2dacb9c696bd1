"""Gold tables of the product domain: each product's day, basket affinity, and the monthly product,
category, payment and pricing tables."""

from ecom_assets.dictionary.gold.common import (
    AS_OF_DATE,
    CATEGORY,
    DATE,
    LINE_REVENUE,
    MONTH,
    PRODUCT_ID,
    PRODUCT_NAME,
    SUBCATEGORY,
    count,
    gold,
    money,
    number,
    rate,
    ratio,
    text,
)
from ecom_assets.dictionary.model import DAYS
from ecom_assets.gold.product.customer_product_interactions import TURNOVER_DAYS
from ecom_assets.gold.product.product_affinity import MIN_ORDERS, WINDOW_DAYS

MONTH_SALES = ("The month's sale rows of silver.fact_sales: gross line-item revenue (product_price × "
               "product_qty of valid orders' line items); returns do not reduce it.")
SEGMENT = ("the value_segment of the buyer's valid orders and refunds booked before the day (High Value, "
           "Medium Value, Low Value), or New without an earlier valid order")

TABLES = [
    gold(
        "product_performance_daily",
        "one row per (day, product_name) with a line item of a valid order or an add-to-cart on the day",
        {
            "date": DATE,
            "product_name": text("The product as line items and carts name it; NULL groups items without a "
                                 "name, so revenue adds up."),
            "product_id": text("Its id in dim_product of the day; NULL when the name is not in the "
                               "catalogue."),
            "times_purchased": count("Distinct line items of valid orders with the product."),
            "total_quantity_sold": count("Units of those line items."),
            "total_revenue": money(f"The product's {LINE_REVENUE}. Not order revenue."),
            "times_added_to_cart": count("Add-to-cart events of the product."),
            "cart_to_purchase_rate": rate("times_purchased / times_added_to_cart × 100; NULL without carts. "
                                          "Can exceed 100 (a purchase needs no cart event of the same "
                                          "day)."),
            "product_views": count("Pageviews of `/product/<product_id>` (trailing slash ignored); NULL "
                                   "when the product is not in the catalogue."),
            "view_to_purchase_rate": rate("times_purchased / product_views × 100; NULL without views. Can "
                                          "exceed 100."),
        },
        "Each product's day from line items, carts and product-page views, by product name (the id comes "
        "from that day's catalogue). Revenue is line-item revenue, so per day it adds up to the valid "
        "orders' line items, not to daily_business_metrics' order revenue.",
    ),
    gold(
        "customer_product_interactions",
        "one row per (day, product_id) for every catalogue product viewed or sold on the day",
        {
            "date": DATE,
            "product_id": text("The product; NULL groups sold items whose name is not in the catalogue, so "
                               "revenue adds up."),
            "product_name": PRODUCT_NAME,
            "total_views": count("Pageviews of `/product/<product_id>` (trailing slash ignored)."),
            "total_purchases": count("Distinct valid orders containing the product."),
            "conversion_rate": rate("Product page conversion: total_purchases / total_views × 100; NULL "
                                    "without views. Neither orders per session nor converted sessions; can "
                                    "exceed 100."),
            "total_revenue": money(f"The product's {LINE_REVENUE}. Not order revenue."),
            "units_sold": count("Units sold on the day."),
            "avg_selling_price": money("total_revenue / units_sold; NULL when nothing sold.", "DOUBLE"),
            "units_sold_30d": count(f"Units sold over the {TURNOVER_DAYS} days ending on the day."),
            "mean_stock_30d": number("Mean end-of-day stock_qty of the catalogue snapshots of those "
                                     f"{TURNOVER_DAYS} days (days before the first partition do not count)."),
            "inventory_turnover": ratio("units_sold_30d / mean_stock_30d; NULL when the mean stock is 0 or "
                                        "unknown."),
            "top_customer_segment": text("The segment whose buyers brought the product most revenue on the "
                                         f"day (ties by name): {SEGMENT}. NULL when it did not sell."),
        },
        "Each catalogue product's day: views, purchases and revenue, its inventory turnover over the last "
        f"{TURNOVER_DAYS} days, and which customer segment bought it most. Revenue is line-item revenue "
        "(sale rows of silver.fact_sales).",
    ),
    gold(
        "product_affinity",
        "one row per ordered pair (antecedent, consequent) of products bought together in at least "
        f"{MIN_ORDERS} valid orders of the {WINDOW_DAYS} days ending on the week's Saturday",
        {
            "as_of_date": AS_OF_DATE,
            "antecedent": text("The product bought (by product_name)."),
            "consequent": text("The product bought with it."),
            "orders_with_both": count("Valid orders containing both."),
            "antecedent_orders": count("Valid orders containing the antecedent."),
            "consequent_orders": count("Valid orders containing the consequent."),
            "total_orders": count(f"All valid orders of the {WINDOW_DAYS} days, with or without line items."),
            "support": rate("orders_with_both / total_orders × 100."),
            "confidence": rate("orders_with_both / antecedent_orders × 100: how often the antecedent's "
                               "buyers also buy the consequent."),
            "lift": ratio("confidence / the consequent's support (consequent_orders / total_orders × 100); "
                          "above 1 means bought together more than by chance. The same both ways."),
        },
        "A basket is a valid order's set of distinct products: an order counts once per product, however "
        "many lines or units it has.",
    ),
    gold(
        "product_category_revenue_monthly",
        "one row per (month, category, subcategory) with a sale in the month",
        {
            "month": MONTH,
            "category": CATEGORY,
            "subcategory": SUBCATEGORY,
            "revenue": money("Gross line-item revenue of the month's sale rows."),
            "units": count("Units sold."),
            "orders": count("Distinct orders with a sale of the category."),
            "cost": money("units × the sale day's unit_cost (lines without a known cost add none)."),
            "gross_profit": money("revenue − cost."),
            "margin_pct": rate("gross_profit / revenue × 100; NULL when revenue is 0. Can be negative."),
        },
        MONTH_SALES,
    ),
    gold(
        "product_performance",
        "one row per (month, product_id) sold or returned in the month or in the catalogue at its end",
        {
            "month": MONTH,
            "product_id": PRODUCT_ID,
            "product_name": PRODUCT_NAME,
            "category": text("Category in the month's last catalogue snapshot."),
            "subcategory": text("Subcategory in the month's last catalogue snapshot."),
            "revenue": money("Gross line-item revenue of the month's sales."),
            "units": count("Units sold in the month."),
            "gross_profit": money("revenue − units × unit_cost of the sale days."),
            "margin_pct": rate("gross_profit / revenue × 100; NULL when revenue is 0."),
            "units_returned": count("Units of the returns booked in the month."),
            "return_rate": rate("units_returned / units × 100; NULL when nothing sold. Can exceed 100."),
            "stock_qty": count("Stock of the month's last catalogue snapshot."),
            "days_of_inventory": number("stock_qty / mean daily units sold over all the month's days; NULL "
                                        "when nothing sold.", DAYS),
            "recommendation": text("First match wins: restock (days_of_inventory < 14, or out of stock with "
                                   "no sales), overstocked (> 120, or stock with no sales), review_pricing "
                                   "(margin_pct < 15), else healthy."),
        },
        MONTH_SALES,
    ),
    gold(
        "product_revenue_payment_analysis",
        "one row per (month, category, payment_method) of the month's sales",
        {
            "month": MONTH,
            "category": CATEGORY,
            "payment_method": text("The order's payment method."),
            "revenue": money("Gross line-item revenue."),
            "orders": count("Distinct orders."),
            "units": count("Units sold."),
            "revenue_share_pct": rate("revenue / the category's revenue of the month × 100: the method's "
                                      "share (adds up to 100 per category)."),
        },
        MONTH_SALES,
    ),
    gold(
        "pricing_insights",
        "one row per (month, product_id) of product_performance",
        {
            "month": MONTH,
            "product_id": PRODUCT_ID,
            "product_name": PRODUCT_NAME,
            "list_price": money("List price in the product's last catalogue snapshot of the month."),
            "avg_selling_price": money("revenue / units of the month; NULL when unsold.", "DOUBLE"),
            "units": count("Units sold in the month."),
            "previous_units": count("Units sold in the month before (0 when unsold or before the data)."),
            "discount_depth_pct": rate("(list_price − avg_selling_price) / list_price × 100."),
            "margin_pct": rate("product_performance.margin_pct."),
            "price_change_pct": rate("Change of list_price vs the previous month's last snapshot, × 100; "
                                     "NULL when that is unknown."),
            "price_elasticity": ratio("% change of units / % change of avg_selling_price vs the month "
                                      "before; NULL when either month has no sales or the price did not "
                                      "change."),
            "pricing_action": text("raise_price (margin_pct < 15 and units not below previous_units), "
                                   "discount (product_performance.days_of_inventory > 120), else hold."),
        },
        "Margin and days of inventory come from product_performance (one definition); the previous month "
        "from silver.",
    ),
]
