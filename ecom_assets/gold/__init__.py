"""Gold: the tables dashboards read, one module per table named after it, ``gold/<domain>/<table>.py``.

The domain is the table's asset group and its data dictionary module (``dictionary/gold/<domain>.py``).
Each table module defines ``asset`` and its checks, ``asset_checks``. Pieces several tables share sit
beside the domains: ``common`` (SQL helpers), ``periodic`` (weekly and monthly tables), ``segments``
(a buyer's segment on a day), ``attribution`` (multi-touch paths) and ``clv`` (the CLV models).
"""

from types import ModuleType

from ecom_assets.gold.customer import (
    cohort_analysis,
    customer_clv_predictions,
    customer_segmentation,
    subscription_performance,
    user_lifetime_metrics,
)
from ecom_assets.gold.engagement import (
    click_heatmap,
    daily_funnel_summary,
    page_engagement_metrics,
    session_funnel,
    storefront_performance,
)
from ecom_assets.gold.external import weather_impact, weather_sales_daily
from ecom_assets.gold.marketing import (
    attribution_roas,
    campaign_customer_segments,
    campaign_effectiveness,
    channel_attribution,
    daily_channel_performance,
    session_attribution,
)
from ecom_assets.gold.product import (
    customer_product_interactions,
    pricing_insights,
    product_affinity,
    product_category_revenue_monthly,
    product_performance,
    product_performance_daily,
    product_revenue_payment_analysis,
)
from ecom_assets.gold.sales import (
    coupon_performance,
    daily_business_metrics,
    daily_revenue,
    orders_for_review,
    payment_method_performance,
    regional_sales,
    sales_performance_metrics,
    sales_summary,
    seasonal_sales_analysis,
)
from ecom_assets.gold.upkeep import raw_validation
from ecom_assets.steps import engine_steps

# The table modules of each domain. The upkeep's table is built by the upkeep's step (ecom_assets.upkeep).
DOMAINS: dict[str, tuple[ModuleType, ...]] = {
    "sales": (daily_business_metrics, sales_summary, regional_sales, payment_method_performance,
              coupon_performance, orders_for_review, daily_revenue, sales_performance_metrics,
              seasonal_sales_analysis),
    "marketing": (session_attribution, daily_channel_performance, campaign_effectiveness,
                  campaign_customer_segments, channel_attribution, attribution_roas),
    "engagement": (session_funnel, daily_funnel_summary, page_engagement_metrics, click_heatmap,
                   storefront_performance),
    "product": (product_performance_daily, customer_product_interactions, product_affinity,
                product_category_revenue_monthly, product_performance, product_revenue_payment_analysis,
                pricing_insights),
    "customer": (user_lifetime_metrics, cohort_analysis, customer_segmentation, customer_clv_predictions,
                 subscription_performance),
    "external": (weather_sales_daily, weather_impact),
    "upkeep": (raw_validation,),
}

_BUILT_HERE = [m for domain, modules in DOMAINS.items() if domain != "upkeep" for m in modules]
table_assets = [m.asset for m in _BUILT_HERE]
claims = [c for m in _BUILT_HERE for c in m.asset_checks]
# One step per cadence (daily, weekly, monthly); the CLV fit is a Python asset of its own.
assets, asset_checks = engine_steps("gold", table_assets, claims)
