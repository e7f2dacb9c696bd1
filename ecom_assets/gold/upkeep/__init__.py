"""Gold, upkeep domain (asset group ``upkeep``): the monthly validation of gold against raw, built by the
upkeep's own step (``ecom_assets.upkeep``), one module per table."""
