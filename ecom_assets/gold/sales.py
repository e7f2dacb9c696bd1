"""Gold tables of the sales domain (not built yet)."""

assets: list = []
asset_checks: list = []
