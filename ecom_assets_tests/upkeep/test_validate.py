"""Validate aggregated against raw: hand-written raw drops through bronze → silver → gold, then the monthly
recomputation from bronze, passing, and failing on a tampered gold row with the day and both numbers."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb

from ecom_assets.definitions import defs
from ecom_assets.gold.upkeep import raw_validation
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, write_drop
from ecom_assets_tests.upkeep import LOAD_BUSINESS_METRICS

D1, D2 = "2025-01-01", "2025-01-02"


def _session(sid: str, time: str) -> dict:
    return {"session_id": sid, "user_id": "u-" + sid, "time": time, "platform": "desktop"}


def _order(oid: str, sid: str, time: str, total: str, status: str = "completed") -> dict:
    return {
        "event_id": "e-" + oid,
        "order_id": oid,
        "session_id": sid,
        "user_id": "u-" + sid,
        "time": time,
        "total_price": total,
        "shipping_price": "0",
        "discount": "0",
        "total_items": "1",
        "total_qty": "1",
        "payment_method": "paypal",
        "order_status": status,
        "is_first_purchase": "0",
    }


def test_gold_matches_raw_and_a_tampered_gold_row_fails(tmp_path: Path):
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    write_drop(
        raw,
        D1,
        {
            "sessions": [_session("s1", "2025-01-01T10:00:00Z"), _session("s2", "2025-01-01T11:00:00+01:00")],
            "orders": [
                _order("o1", "s1", "2025-01-01T10:05:00Z", "100.50"),
                _order("o2", "s2", "2025-01-01T10:30:00Z", "20.00", "cancelled"),  # not revenue
                _order("o3", "s2", "2025-01-01T10:40:00Z", "abc"),  # bad_number: quarantined, left out
            ],
        },
    )
    write_drop(
        raw,
        D2,
        {
            "sessions": [_session("s3", "2025-01-02T08:00:00Z")],
            "orders": [_order("o5", "s3", "2025-01-02T08:10:00Z", " 40.00 ", "COMPLETED")],
        },
    )
    everything = [*defs.assets, *defs.asset_checks]
    resources, instance = resources_for(raw, warehouse), dg.DagsterInstance.ephemeral()
    loaded = materialize_range(
        everything, D1, D2, resources, instance=instance, selection=LOAD_BUSINESS_METRICS
    )
    assert loaded.success

    def validate_month() -> dg.AssetCheckEvaluation:
        result = materialize_range(
            everything,
            D1,
            D1,
            resources,
            instance=instance,
            selection=[raw_validation.asset.key],
            raise_on_error=False,
        )
        (evaluation,) = [
            e for e in result.get_asset_check_evaluations() if e.check_name == "gold_matches_raw"
        ]
        return evaluation

    assert validate_month().passed
    with duckdb.connect(str(warehouse)) as conn:
        got = rows(
            conn,
            "SELECT date, raw_revenue, gold_revenue, raw_orders, gold_orders, raw_sessions, "
            "gold_sessions, matches FROM gold.raw_validation ORDER BY date",
        )
    assert [tuple(r.values()) for r in got] == [
        # D1: o1 only (o2 cancelled, o3 quarantined) = 100.50; s1 and s2 (10:00 UTC, written with +01:00)
        (date(2025, 1, 1), Decimal("100.5000"), Decimal("100.5000"), 1, 1, 2, 2, True),
        # D2: " 40.00 " trimmed and typed; COMPLETED lower-cased is not cancelled
        (date(2025, 1, 2), Decimal("40.0000"), Decimal("40.0000"), 1, 1, 1, 1, True),
    ]

    with duckdb.connect(str(warehouse)) as conn:  # someone edits a gold number by hand
        conn.execute("UPDATE gold.daily_business_metrics SET total_revenue = 90.50 WHERE date = '2025-01-01'")
    failed = validate_month()
    assert not failed.passed
    assert failed.metadata["failing_days"].value == 1
    assert failed.description == (
        "1 failing day(s); first: date=2025-01-01, raw_revenue=100.5000, gold_revenue=90.5000, raw_orders=1, "
        "gold_orders=1, raw_sessions=2, gold_sessions=2"
    )
