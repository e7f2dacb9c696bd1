"""Gold: daily, weekly and monthly tables that dashboards read, one module per domain."""

from ecom_assets.gold import (
    customer,
    customer_segmentation,
    engagement,
    marketing,
    monthly,
    orders,
    pricing,
    product,
    product_interactions,
    sales,
    segments,
    storefronts,
    subscriptions,
    trends,
    weather,
)

_DOMAINS = (sales, orders, trends, product, marketing, engagement, customer, monthly)
# the tables named by the shops' seed documents
_SEED_TABLES = (storefronts, product_interactions, segments, customer_segmentation, subscriptions, weather,
                pricing)  # fmt: skip
_DOMAINS = (*_DOMAINS, *_SEED_TABLES)

assets = [a for domain in _DOMAINS for a in domain.assets]
asset_checks = [c for domain in _DOMAINS for c in domain.asset_checks]
