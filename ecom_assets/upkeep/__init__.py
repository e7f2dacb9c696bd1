"""Monthly upkeep (the maintenance guide): archive old raw drops, validate gold against raw."""

from ecom_assets.steps import engine_steps
from ecom_assets.upkeep import validate
from ecom_assets.upkeep.jobs import archive_job, archive_schedule

assets, asset_checks = engine_steps("upkeep", validate.assets, validate.asset_checks)
jobs = [archive_job]
schedules = [archive_schedule]
