"""Monthly upkeep (the maintenance guide): archive old raw drops, validate gold against raw."""

from ecom_assets.upkeep import validate
from ecom_assets.upkeep.jobs import archive_job, archive_schedule

assets = validate.assets
asset_checks = validate.asset_checks
jobs = [archive_job]
schedules = [archive_schedule]
