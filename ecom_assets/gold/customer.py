"""Gold tables of the customer domain (not built yet)."""

assets: list = []
asset_checks: list = []
