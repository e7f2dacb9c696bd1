"""Gold: daily, weekly and monthly tables that dashboards read, one module per domain."""

from ecom_assets.gold import customer, engagement, marketing, monthly, orders, product, sales, trends

_DOMAINS = (sales, orders, trends, product, marketing, engagement, customer, monthly)

assets = [a for domain in _DOMAINS for a in domain.assets]
asset_checks = [c for domain in _DOMAINS for c in domain.asset_checks]
