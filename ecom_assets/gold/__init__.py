"""Gold: daily, weekly and monthly tables that dashboards read, one module per domain."""

from ecom_assets.gold import (
    affinity,
    attribution,
    customer,
    customer_value,
    engagement,
    marketing,
    monthly,
    orders,
    product,
    sales,
    trends,
)

_DOMAINS = (sales, orders, trends, product, marketing, engagement, customer, monthly)
_BEYOND = (attribution, affinity, customer_value)  # multi-touch attribution, basket affinity, predicted CLV

assets = [a for domain in (*_DOMAINS, *_BEYOND) for a in domain.assets]
asset_checks = [c for domain in (*_DOMAINS, *_BEYOND) for c in domain.asset_checks]
