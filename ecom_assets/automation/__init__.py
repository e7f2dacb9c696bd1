"""Automation: the landing sensor, the daily/weekly/monthly schedules, the settle sensor, declarative
automation, freshness, crash recovery."""

from ecom_assets.automation.automation_sensor import automation_sensor
from ecom_assets.automation.freshness import with_freshness_policies
from ecom_assets.automation.jobs import FULL_JOB, JOBS
from ecom_assets.automation.landing_sensor import landing_sensor
from ecom_assets.automation.recovery import run_recovery_sensor
from ecom_assets.automation.schedules import schedules
from ecom_assets.automation.settle_sensor import settle_sensor

jobs = [*JOBS.values(), FULL_JOB]
sensors = [landing_sensor, automation_sensor, settle_sensor, run_recovery_sensor]

__all__ = ["jobs", "schedules", "sensors", "with_freshness_policies"]
