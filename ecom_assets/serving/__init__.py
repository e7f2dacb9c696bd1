"""The read-only snapshot readers use (dashboards, notebooks, BI tools), published after each run."""

from ecom_assets.serving.publication import JOB_NAME, ServingSnapshot, publication, served_tables
from ecom_assets.serving.snapshot import ServedTable, publish, snapshot_root

__all__ = [
    "JOB_NAME",
    "ServedTable",
    "ServingSnapshot",
    "publication",
    "publish",
    "served_tables",
    "snapshot_root",
]
