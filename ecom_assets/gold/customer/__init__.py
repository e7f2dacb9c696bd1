"""Gold, customer domain (asset group ``customer``): customers' lifetime, cohorts, segments, predicted
value and subscriptions, one module per table.

The weekly tables are computed as of the week's last day (``as_of_date``, the partition column) from
all silver history up to that day and nothing after it, so re-running an old week after newer days
have landed gives the same rows.
"""
