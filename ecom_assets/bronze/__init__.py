"""Bronze: landing files as they came, one daily table per file, all loaded in one step."""

from ecom_assets.bronze.factory import BRONZE_ASSETS
from ecom_assets.steps import engine_steps

table_assets = BRONZE_ASSETS
assets, asset_checks = engine_steps("bronze", table_assets, [])
