"""Partition definitions, defined once and imported everywhere.

Days, weeks (Sunday to Saturday, ``cron``-style day offset 0 = Sunday) and calendar months
are those of the shop's time zone (``ECOM_TIMEZONE``), so a day of a daylight-saving change
lasts 23 or 25 hours. The first day comes from ``ECOM_START_DATE``.
"""

from __future__ import annotations

import dagster as dg

from ecom_assets.settings import shop_timezone, start_date

TIMEZONE = shop_timezone()

DAILY = dg.DailyPartitionsDefinition(start_date=start_date(), timezone=TIMEZONE)
WEEKLY = dg.WeeklyPartitionsDefinition(start_date=start_date(), day_offset=0, timezone=TIMEZONE)
MONTHLY = dg.MonthlyPartitionsDefinition(start_date=start_date(), timezone=TIMEZONE)

# One run loads any range of days; inside it, work is chunked so memory stays flat.
SINGLE_RUN = dg.BackfillPolicy.single_run()
# Days processed together by one SQL statement inside a range run.
CHUNK_DAYS = 7
