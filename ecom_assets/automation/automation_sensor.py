"""Declarative automation: the sensor that evaluates the assets' automation conditions.

Unpartitioned (``cadence=full``) tables, such as the customer and date dimensions, carry
automation conditions instead of a schedule, so they are rebuilt after each daily run. Dagster's
default automation sensor starts stopped; this one is declared running.
"""

import dagster as dg

automation_sensor = dg.AutomationConditionSensorDefinition(
    "automation_sensor",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Evaluates every asset's automation condition (rebuilds the full-cadence tables).",
)
