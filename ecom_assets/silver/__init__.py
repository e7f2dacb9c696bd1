"""Silver: typed, clean, de-duplicated tables, the quarantine, dimensions and facts."""

assets: list = []
asset_checks: list = []
