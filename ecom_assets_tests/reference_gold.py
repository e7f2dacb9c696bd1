"""Every gold table's independent reference, by table name, for the partitions the end-to-end shop builds.

One entry per gold table (``gold_contract``): a function of the clean raw rows (``reference.load``)
returning ``{grain values: {column: value}}`` with every column outside the grain. The weekly tables
are as of ``week_end``, the monthly ones for ``month``; customer_clv_predictions needs the fitted
parameters, which the test reads from the run's metadata and checks separately (``reference_clv``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from ecom_assets_tests import reference as ref
from ecom_assets_tests import reference_beyond as beyond
from ecom_assets_tests import reference_clv as clv
from ecom_assets_tests import reference_daily as daily
from ecom_assets_tests import reference_periods as periods
from ecom_assets_tests import reference_seeds as seeds

Reference = Callable[[], dict[tuple, dict]]


def references(shop: ref.Shop, week_end: date, month: date, bgnbd: Sequence[float],
               gamma_gamma: Sequence[float]) -> dict[str, Reference]:
    """Each gold table's reference as a function of nothing (call it to compute)."""
    return {
        # daily, the seeds' tables of metrics.md
        "daily_business_metrics": lambda: ref.daily_business_metrics(shop),
        "session_attribution": lambda: daily.session_attribution_rows(shop),
        "session_funnel": lambda: daily.session_funnel(shop),
        "daily_funnel_summary": lambda: ref.daily_funnel_summary(shop),
        "daily_channel_performance": lambda: ref.daily_channel_performance(shop),
        "product_performance_daily": lambda: ref.product_performance_daily(shop),
        "page_engagement_metrics": lambda: daily.page_engagement_metrics(shop),
        "coupon_performance": lambda: daily.coupon_performance(shop),
        "click_heatmap": lambda: daily.click_heatmap(shop),
        "campaign_effectiveness": lambda: daily.campaign_effectiveness(shop),
        "sales_summary": lambda: ref.sales_summary(shop),
        "regional_sales": lambda: ref.regional_sales(shop),
        "payment_method_performance": lambda: ref.payment_method_performance(shop),
        "orders_for_review": lambda: daily.orders_for_review(shop),
        "daily_revenue": lambda: ref.daily_revenue(shop),
        # weekly
        "user_lifetime_metrics": lambda: ref.user_lifetime_metrics(shop, week_end),
        "cohort_analysis": lambda: periods.cohort_analysis(shop, week_end),
        # monthly
        "product_category_revenue_monthly": lambda: periods.product_category_revenue_monthly(shop, month),
        "seasonal_sales_analysis": lambda: periods.seasonal_sales_analysis(shop, month),
        "product_performance": lambda: periods.product_performance(shop, month),
        "raw_validation": lambda: periods.raw_validation(shop, month),
        # the seeds' remaining tables
        "sales_performance_metrics": lambda: seeds.sales_performance_metrics(shop),
        "customer_product_interactions": lambda: seeds.customer_product_interactions(shop),
        "campaign_customer_segments": lambda: seeds.campaign_customer_segments(shop),
        "customer_segmentation": lambda: seeds.customer_segmentation(shop, week_end),
        "subscription_performance": lambda: seeds.subscription_performance(shop),
        "weather_sales_daily": lambda: seeds.weather_sales_daily(shop),
        "weather_impact": lambda: seeds.weather_impact(shop, month),
        "product_revenue_payment_analysis": lambda: seeds.product_revenue_payment_analysis(shop, month),
        "storefront_performance": lambda: seeds.storefront_performance(shop),
        "pricing_insights": lambda: seeds.pricing_insights(shop, month),
        # beyond the seeds
        "channel_attribution": lambda: beyond.channel_attribution(shop),
        "attribution_roas": lambda: beyond.attribution_roas(shop),
        "product_affinity": lambda: beyond.product_affinity(shop, week_end),
        "customer_clv_predictions": lambda: clv.predictions(beyond.clv_summary(shop, week_end), bgnbd,
                                                            gamma_gamma),
    }
