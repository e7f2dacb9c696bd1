"""Gold tables of the engagement domain (not built yet)."""

assets: list = []
asset_checks: list = []
