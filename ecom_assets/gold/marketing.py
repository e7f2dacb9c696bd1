"""Gold tables of the marketing domain (not built yet)."""

assets: list = []
asset_checks: list = []
