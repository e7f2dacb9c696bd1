"""Gold: the reporting tables, by domain (one module each)."""

from ecom_assets.dictionary.gold import customer, engagement, external, marketing, product, sales

TABLES = [t for domain in (sales, marketing, engagement, product, customer, external) for t in domain.TABLES]
