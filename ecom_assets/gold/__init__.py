"""Gold: daily, weekly and monthly tables that dashboards read, one module per domain."""

from ecom_assets.gold import (
    affinity,
    attribution,
    customer,
    customer_segmentation,
    customer_value,
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
from ecom_assets.steps import engine_steps

_DOMAINS = (sales, orders, trends, product, marketing, engagement, customer, monthly)
# the tables named by the shops' seed documents
_SEED_TABLES = (storefronts, product_interactions, segments, customer_segmentation, subscriptions, weather,
                pricing)  # fmt: skip
_BEYOND = (attribution, affinity, customer_value)  # multi-touch attribution, basket affinity, predicted CLV

table_assets = [a for domain in (*_DOMAINS, *_SEED_TABLES, *_BEYOND) for a in domain.assets]
claims = [c for domain in (*_DOMAINS, *_SEED_TABLES, *_BEYOND) for c in domain.asset_checks]
# One step per cadence (daily, weekly, monthly); the CLV fit is a Python asset of its own.
assets, asset_checks = engine_steps("gold", table_assets, claims)
