"""Partition definitions, defined once and imported everywhere.

Weeks run Sunday to Saturday (``cron``-style day offset 0 = Sunday); months are
calendar months. The first day comes from ``ECOM_START_DATE``.
"""

from __future__ import annotations

import dagster as dg

from ecom_assets.settings import start_date

DAILY = dg.DailyPartitionsDefinition(start_date=start_date(), timezone="UTC")
WEEKLY = dg.WeeklyPartitionsDefinition(start_date=start_date(), day_offset=0, timezone="UTC")
MONTHLY = dg.MonthlyPartitionsDefinition(start_date=start_date(), timezone="UTC")

# One run loads any range of days; inside it, work is chunked so memory stays flat.
SINGLE_RUN = dg.BackfillPolicy.single_run()
# Days processed together by one SQL statement inside a range run.
CHUNK_DAYS = 7
