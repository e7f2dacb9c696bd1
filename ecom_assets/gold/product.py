"""Gold tables of the product domain (not built yet)."""

assets: list = []
asset_checks: list = []
