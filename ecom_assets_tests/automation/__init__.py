"""Tests of the automation package, and ``write_drop``: a tiny but coherent landing drop for them."""

import csv
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from ecom_assets.schema import BOOL, DATE, DECIMAL, INT, SUCCESS_MARKER, TABLES, TIMESTAMP

# One visit of user u1 that buys one mug (8.00 + 2.00 shipping = 10.00): enough for every layer.
_VALUES = {
    "user_id": "u1",
    "session_id": "s-{day}",
    "order_id": "o-{day}",
    "event_id": "{table}-{day}",
    "platform": "desktop",
    "device_type": "desktop",
    "country": "DE",
    "region": "BE",
    "city": "Berlin",
    "ip": "192.0.2.10",
    "landing_page": "/product/p1",
    "browser": "firefox",
    "domain": "shop.example",
    "path": "/product/p1",
    "product_id": "p1",
    "product_name": "Mug",
    "category": "kitchen",
    "subcategory": "mugs",
    "unit_cost": "3.00",
    "list_price": "8.00",
    "stock_qty": "20",
    "product_price": "8.00",
    "product_qty": "1",
    "total_price": "10.00",
    "shipping_price": "2.00",
    "discount": "0.00",
    "total_items": "1",
    "total_qty": "1",
    "payment_method": "credit_card",
    "order_status": "completed",
    "is_first_purchase": "1",
    "customer_tier": "new",
    "scroll_percent": "50",
}
_BY_TYPE = {TIMESTAMP: "{day}T10:00:00Z", DATE: "{day}", BOOL: "0", DECIMAL: "0", INT: "0"}
# Valid but empty files (a header only): no returns and no campaign spend on the day.
HEADER_ONLY = ("returns", "campaign_spend")


def write_drop(root: Path, day: date | str, complete: bool = True) -> Path:
    """Write the day's required landing files (one row each) and, if ``complete``, ``_SUCCESS`` last."""
    day = str(day)
    folder = root / day
    folder.mkdir(parents=True, exist_ok=True)
    for table in (t for t in TABLES if t.required_file):
        row = [
            _VALUES.get(c.name, _BY_TYPE.get(c.type, "")).format(day=day, table=table.name)
            for c in table.columns
        ]
        with (folder / table.file_name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(table.column_names)
            if table.name not in HEADER_ONLY:
                writer.writerow(row)
    if complete:
        (folder / SUCCESS_MARKER).write_text("")
    return folder


@contextmanager
def scratch_dir(fallback: Path) -> Iterator[Path]:
    """A temp folder in memory (``/dev/shm``) when there is one, else ``fallback``.

    Dagster's SQLite instance storage syncs every event to disk: a daily run writes ~600 events,
    which costs about 3x the run's time on disk. A DAGSTER_HOME in memory keeps the tests fast.
    """
    shm = Path("/dev/shm")
    if not shm.is_dir():
        yield fallback
        return
    with tempfile.TemporaryDirectory(dir=shm, prefix="ecom-assets-") as path:
        yield Path(path)
