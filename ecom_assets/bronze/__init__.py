"""Bronze: landing files as they came, one daily asset per file."""

from ecom_assets.bronze.factory import BRONZE_ASSETS

assets = BRONZE_ASSETS
asset_checks: list = []
