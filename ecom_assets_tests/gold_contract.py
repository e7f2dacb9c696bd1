"""The tests' own copy of every gold table's contract: its grain and its columns, in order, with types.

Written out here, not read from ``ecom_assets``: a column renamed, retyped, reordered, added or
dropped in the pipeline fails ``test_end_to_end`` until this copy (and the documentation a reader
relies on) is changed on purpose. The grain (the columns that identify a row) is what the
comparisons with the independent reference key rows by.
"""

from __future__ import annotations


def _columns(text: str) -> list[tuple[str, str]]:
    """``"a DATE, b DECIMAL(18,4)"`` → ``[("a", "DATE"), ("b", "DECIMAL(18,4)")]``."""
    return [tuple(column.split(" ", 1)) for column in text.split(", ")]


_GOLD: dict[str, tuple[tuple[str, ...], str]] = {
    "attribution_roas": (
        ("date", "model", "utm_source", "utm_medium", "utm_campaign"),
        "date DATE, model VARCHAR, utm_source VARCHAR, utm_medium VARCHAR, utm_campaign VARCHAR, "
        "spend DECIMAL(18,4), conversions DOUBLE, attributed_revenue DOUBLE, roas DOUBLE, cpa DOUBLE"
    ),
    "campaign_customer_segments": (
        ("date", "utm_source", "utm_medium", "utm_campaign", "customer_segment"),
        "date DATE, utm_source VARCHAR, utm_medium VARCHAR, utm_campaign VARCHAR, "
        "customer_segment VARCHAR, sessions BIGINT, conversions BIGINT, revenue DECIMAL(18,4), "
        "conversion_rate DOUBLE"
    ),
    "campaign_effectiveness": (
        ("date", "utm_source", "utm_medium", "utm_campaign"),
        "date DATE, utm_source VARCHAR, utm_medium VARCHAR, utm_campaign VARCHAR, channel VARCHAR, "
        "spend DECIMAL(18,4), impressions BIGINT, ad_clicks BIGINT, sessions BIGINT, "
        "conversions BIGINT, revenue DECIMAL(18,4), roi DOUBLE, roas DOUBLE, "
        "cost_per_acquisition DOUBLE"
    ),
    "channel_attribution": (
        ("date", "model", "channel", "utm_campaign"),
        "date DATE, model VARCHAR, channel VARCHAR, utm_campaign VARCHAR, conversions DOUBLE, "
        "revenue DOUBLE"
    ),
    "click_heatmap": (
        ("date", "path", "target_id", "target_tag", "target_text"),
        "date DATE, path VARCHAR, target_id VARCHAR, target_tag VARCHAR, target_text VARCHAR, "
        "clicks BIGINT, unique_users BIGINT, sessions BIGINT"
    ),
    "cohort_analysis": (
        ("as_of_date", "cohort_month", "months_since_first"),
        "as_of_date DATE, cohort_month DATE, months_since_first BIGINT, cohort_size BIGINT, "
        "active_customers BIGINT, retention_rate DOUBLE, revenue DECIMAL(18,4)"
    ),
    "coupon_performance": (
        ("date", "discount_coupon_code"),
        "date DATE, discount_coupon_code VARCHAR, usage_count BIGINT, "
        "total_discount_given DECIMAL(18,4), total_revenue DECIMAL(18,4), avg_order_value DOUBLE, "
        "new_customer_usage BIGINT, repeat_customer_usage BIGINT"
    ),
    "customer_clv_predictions": (
        ("as_of_date", "user_id"),
        "as_of_date DATE, user_id VARCHAR, frequency BIGINT, recency BIGINT, t_days BIGINT, "
        "monetary DOUBLE, p_alive DOUBLE, expected_purchases_90d DOUBLE, "
        "expected_avg_order_value DOUBLE, predicted_clv_90d DOUBLE"
    ),
    "customer_product_interactions": (
        ("date", "product_id"),
        "date DATE, product_id VARCHAR, product_name VARCHAR, total_views BIGINT, "
        "total_purchases BIGINT, conversion_rate DOUBLE, total_revenue DECIMAL(18,4), "
        "units_sold BIGINT, avg_selling_price DOUBLE, units_sold_30d BIGINT, mean_stock_30d DOUBLE, "
        "inventory_turnover DOUBLE, top_customer_segment VARCHAR"
    ),
    "customer_segmentation": (
        ("as_of_date", "customer_id"),
        "as_of_date DATE, customer_id VARCHAR, value_segment VARCHAR, activity_status VARCHAR, "
        "distinct_categories BIGINT, purchase_diversity VARCHAR, total_spend DECIMAL(18,4), "
        "total_transactions BIGINT, avg_transaction_value DOUBLE, last_purchase_date DATE, "
        "days_since_last_purchase BIGINT, segment_date DATE"
    ),
    "daily_business_metrics": (
        ("date",),
        "date DATE, total_revenue DECIMAL(18,4), total_orders BIGINT, total_sessions BIGINT, "
        "total_users BIGINT, conversion_rate DOUBLE, avg_order_value DOUBLE, new_customers BIGINT, "
        "repeat_customers BIGINT, total_discount DECIMAL(18,4), total_shipping DECIMAL(18,4), "
        "is_provisional BOOLEAN"
    ),
    "daily_channel_performance": (
        ("date", "channel"),
        "date DATE, channel VARCHAR, sessions BIGINT, users BIGINT, converted_sessions BIGINT, "
        "orders BIGINT, revenue DECIMAL(18,4), conversion_rate DOUBLE, revenue_per_session DOUBLE"
    ),
    "daily_funnel_summary": (
        ("date",),
        "date DATE, sessions BIGINT, product_view_sessions BIGINT, cart_sessions BIGINT, "
        "checkout_sessions BIGINT, order_sessions BIGINT, abandoned_cart_sessions BIGINT, "
        "product_view_rate DOUBLE, cart_rate DOUBLE, checkout_rate DOUBLE, order_rate DOUBLE, "
        "cart_abandonment_rate DOUBLE"
    ),
    "daily_revenue": (
        ("date",),
        "date DATE, revenue DECIMAL(18,4), orders BIGINT, revenue_7d_avg DOUBLE, "
        "revenue_30d_avg DOUBLE"
    ),
    "orders_for_review": (
        ("date", "order_id"),
        "date DATE, order_id VARCHAR, user_id VARCHAR, total_price DECIMAL(18,4), rules VARCHAR, "
        "risk_score INTEGER, items_subtotal DECIMAL(18,4), discount DECIMAL(18,4), "
        "shipping_price DECIMAL(18,4), total_qty BIGINT, items_qty BIGINT, "
        "median_order_value DECIMAL(18,4)"
    ),
    "page_engagement_metrics": (
        ("date", "page_path"),
        "date DATE, page_path VARCHAR, pageviews BIGINT, unique_users BIGINT, "
        "sessions_with_this_page BIGINT, avg_scroll_depth DOUBLE, total_clicks BIGINT, "
        "entrances BIGINT, bounces BIGINT, bounce_rate DOUBLE"
    ),
    "payment_method_performance": (
        ("date", "payment_method"),
        "date DATE, payment_method VARCHAR, orders BIGINT, revenue DECIMAL(18,4), "
        "avg_order_value DOUBLE, share_of_orders DOUBLE, cancelled_orders BIGINT, "
        "cancellation_rate DOUBLE"
    ),
    "pricing_insights": (
        ("month", "product_id"),
        "month DATE, product_id VARCHAR, product_name VARCHAR, list_price DECIMAL(18,4), "
        "avg_selling_price DOUBLE, units BIGINT, previous_units BIGINT, discount_depth_pct DOUBLE, "
        "margin_pct DOUBLE, price_change_pct DOUBLE, price_elasticity DOUBLE, pricing_action VARCHAR"
    ),
    "product_affinity": (
        ("as_of_date", "antecedent", "consequent"),
        "as_of_date DATE, antecedent VARCHAR, consequent VARCHAR, orders_with_both BIGINT, "
        "antecedent_orders BIGINT, consequent_orders BIGINT, total_orders BIGINT, support DOUBLE, "
        "confidence DOUBLE, lift DOUBLE"
    ),
    "product_category_revenue_monthly": (
        ("month", "category", "subcategory"),
        "month DATE, category VARCHAR, subcategory VARCHAR, revenue DECIMAL(18,4), units BIGINT, "
        "orders BIGINT, cost DECIMAL(18,4), gross_profit DECIMAL(18,4), margin_pct DOUBLE"
    ),
    "product_performance": (
        ("month", "product_id"),
        "month DATE, product_id VARCHAR, product_name VARCHAR, category VARCHAR, subcategory VARCHAR, "
        "revenue DECIMAL(18,4), units BIGINT, gross_profit DECIMAL(18,4), margin_pct DOUBLE, "
        "units_returned BIGINT, return_rate DOUBLE, stock_qty BIGINT, days_of_inventory DOUBLE, "
        "recommendation VARCHAR"
    ),
    "product_performance_daily": (
        ("date", "product_name"),
        "date DATE, product_name VARCHAR, product_id VARCHAR, times_purchased BIGINT, "
        "total_quantity_sold BIGINT, total_revenue DECIMAL(18,4), times_added_to_cart BIGINT, "
        "cart_to_purchase_rate DOUBLE, product_views BIGINT, view_to_purchase_rate DOUBLE"
    ),
    "product_revenue_payment_analysis": (
        ("month", "category", "payment_method"),
        "month DATE, category VARCHAR, payment_method VARCHAR, revenue DECIMAL(18,4), orders BIGINT, "
        "units BIGINT, revenue_share_pct DOUBLE"
    ),
    "raw_validation": (
        ("month", "date"),
        "month DATE, date DATE, raw_revenue DECIMAL(18,4), gold_revenue DECIMAL(18,4), "
        "raw_orders BIGINT, gold_orders BIGINT, raw_sessions BIGINT, gold_sessions BIGINT, "
        "matches BOOLEAN"
    ),
    "regional_sales": (
        ("date", "country", "region"),
        "date DATE, country VARCHAR, region VARCHAR, orders BIGINT, revenue DECIMAL(18,4), "
        "customers BIGINT, avg_order_value DOUBLE"
    ),
    "sales_performance_metrics": (
        ("date", "channel"),
        "date DATE, channel VARCHAR, total_revenue DECIMAL(18,4), total_transactions BIGINT, "
        "unique_customers BIGINT, avg_transaction_value DOUBLE, sessions BIGINT, "
        "conversion_rate DOUBLE"
    ),
    "sales_summary": (
        ("date",),
        "date DATE, gross_revenue DECIMAL(18,4), returns_amount DECIMAL(18,4), "
        "net_revenue DECIMAL(18,4), units_sold BIGINT, units_returned BIGINT, return_rate DOUBLE"
    ),
    "seasonal_sales_analysis": (
        ("month",),
        "month DATE, year INTEGER, quarter INTEGER, revenue DECIMAL(18,4), orders BIGINT, "
        "previous_month_revenue DECIMAL(18,4), same_month_last_year_revenue DECIMAL(18,4), "
        "mom_growth_pct DOUBLE, yoy_growth_pct DOUBLE, daily_revenue_volatility DOUBLE"
    ),
    "session_attribution": (
        ("date", "session_id"),
        "session_id VARCHAR, user_id VARCHAR, date DATE, session_start TIMESTAMP, utm_source VARCHAR, "
        "utm_medium VARCHAR, utm_campaign VARCHAR, channel VARCHAR, country VARCHAR, "
        "device_type VARCHAR, platform VARCHAR, converted BOOLEAN, orders BIGINT, "
        "revenue DECIMAL(18,4), order_id VARCHAR, time_to_conversion_minutes DOUBLE"
    ),
    "session_funnel": (
        ("date", "session_id"),
        "session_id VARCHAR, user_id VARCHAR, date DATE, session_start TIMESTAMP, "
        "had_pageview BOOLEAN, had_product_view BOOLEAN, had_add_to_cart BOOLEAN, "
        "had_checkout_view BOOLEAN, had_order BOOLEAN, time_to_cart_minutes DOUBLE, "
        "time_to_order_minutes DOUBLE"
    ),
    "storefront_performance": (
        ("date", "domain"),
        "date DATE, domain VARCHAR, sessions BIGINT, pageviews BIGINT, converted_sessions BIGINT, "
        "orders BIGINT, revenue DECIMAL(18,4), conversion_rate DOUBLE"
    ),
    "subscription_performance": (
        ("date", "plan"),
        "date DATE, plan VARCHAR, active_subscriptions BIGINT, new_subscriptions BIGINT, "
        "cancelled_subscriptions BIGINT, paused_subscriptions BIGINT, mrr DECIMAL(18,4), "
        "net_mrr_change DECIMAL(18,4), churn_rate DOUBLE"
    ),
    "user_lifetime_metrics": (
        ("as_of_date", "user_id"),
        "as_of_date DATE, user_id VARCHAR, first_order_date DATE, last_order_date DATE, "
        "total_orders BIGINT, total_revenue DECIMAL(18,4), avg_order_value DOUBLE, "
        "days_since_last_order BIGINT, total_refunded DECIMAL(18,4), return_rate DOUBLE, "
        "lifespan_days BIGINT, historic_clv DECIMAL(18,4), favorite_category VARCHAR, "
        "value_segment VARCHAR, activity_status VARCHAR, rfm_recency_score INTEGER, "
        "rfm_frequency_score INTEGER, rfm_monetary_score INTEGER, rfm_segment VARCHAR"
    ),
    "weather_impact": (
        ("month", "country", "region"),
        "month DATE, country VARCHAR, region VARCHAR, days BIGINT, rainy_days BIGINT, "
        "revenue DECIMAL(18,4), revenue_temperature_corr DOUBLE, revenue_precipitation_corr DOUBLE, "
        "rainy_day_revenue_index DOUBLE"
    ),
    "weather_sales_daily": (
        ("date", "country", "region"),
        "date DATE, country VARCHAR, region VARCHAR, revenue DECIMAL(18,4), orders BIGINT, "
        "sessions BIGINT, temperature_c DOUBLE, precipitation_mm DOUBLE, condition VARCHAR"
    ),
}

GRAIN: dict[str, tuple[str, ...]] = {table: grain for table, (grain, _) in _GOLD.items()}
COLUMNS: dict[str, list[tuple[str, str]]] = {table: _columns(text) for table, (_, text) in _GOLD.items()}


def measures(table: str) -> list[str]:
    """The table's columns outside its grain, in order."""
    return [name for name, _ in COLUMNS[table] if name not in GRAIN[table]]
