"""Silver: typed, clean, de-duplicated tables, the quarantine, dimensions and facts."""

from ecom_assets.silver import checks, dimensions, facts, quarantine, tables

assets = [*tables.assets, quarantine.asset, *dimensions.assets, *facts.assets]
asset_checks = [*checks.asset_checks, *dimensions.asset_checks, *facts.asset_checks]
