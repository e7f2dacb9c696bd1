"""Gold tables of the monthly domain (not built yet)."""

assets: list = []
asset_checks: list = []
