"""Silver: typed, clean, de-duplicated tables, the quarantine, dimensions and facts."""

from ecom_assets.silver import checks, dimensions, facts, quarantine, tables
from ecom_assets.steps import engine_steps

table_assets = [*tables.assets, quarantine.asset, *dimensions.assets, *facts.assets]
claims = [*checks.asset_checks, *dimensions.asset_checks, *facts.asset_checks]
assets, asset_checks = engine_steps("silver", table_assets, claims)
