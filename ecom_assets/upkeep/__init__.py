"""Monthly upkeep (the maintenance guide): archive old raw drops, validate gold against raw
(``gold.raw_validation``, in ``ecom_assets.gold.upkeep``)."""

from ecom_assets.gold.upkeep import raw_validation
from ecom_assets.steps import engine_steps
from ecom_assets.upkeep.jobs import archive_job, archive_schedule

assets, asset_checks = engine_steps("upkeep", [raw_validation.asset], raw_validation.asset_checks)
jobs = [archive_job]
schedules = [archive_schedule]
