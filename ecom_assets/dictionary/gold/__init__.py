"""Gold: the reporting tables, by domain (one module each, named as the domain's asset group and its
package of table modules, ``ecom_assets/gold/<domain>/``)."""

from ecom_assets.dictionary.gold import customer, engagement, external, marketing, product, sales, upkeep

DOMAINS = (sales, marketing, engagement, product, customer, external, upkeep)
TABLES = [t for domain in DOMAINS for t in domain.TABLES]
