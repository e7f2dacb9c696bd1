"""Late and corrected data: the proof that loading drop by drop equals one full rebuild.

A shop in Europe/Berlin with a late, corrected and faulty feed across the March daylight-saving
change (2025-03-30 has 23 hours) is loaded twice by ``restatement_proof`` in its own process
(the time zone is fixed when ``ecom_assets`` is imported): drop by drop, one restatement run per
drop as the landing sensor requests them, and all days in one range run. Every silver and gold
table must be identical cell by cell, and both must match the independent reference computed
from the raw files under the same contract.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from ecom_assets_tests import reference as ref
from ecom_assets_tests import reference_daily as daily
from ecom_assets_tests.gold_contract import GRAIN
from ecom_assets_tests.test_end_to_end import differences, gold

START, DAYS, WEEK, ZONE = date(2025, 3, 27), 6, "2025-03-30", "Europe/Berlin"
DST_DAY = date(2025, 3, 30)


@pytest.fixture(scope="module")
def proof(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("restatement")
    env = {**os.environ, "ECOM_TIMEZONE": ZONE, "ECOM_START_DATE": START.isoformat()}
    command = [sys.executable, "-W", "ignore", "-m", "ecom_assets_tests.restatement_proof", str(out),
               START.isoformat(), str(DAYS), WEEK]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def both(proof: Path):
    conn = duckdb.connect()
    conn.execute(f"ATTACH '{proof / 'incremental.duckdb'}' AS incremental (READ_ONLY)")
    conn.execute(f"ATTACH '{proof / 'rebuild.duckdb'}' AS rebuild (READ_ONLY)")
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def expected(proof: Path) -> ref.Shop:
    return ref.load(proof / "raw", zone=ZONE, first_day=START)


def test_every_run_of_both_loads_succeeds_with_every_check_passing(proof: Path):
    summary = json.loads((proof / "proof.json").read_text())
    assert summary["timezone"] == ZONE
    assert summary["problems"] == []


def test_every_silver_and_gold_table_is_identical_cell_by_cell(both):
    tables = both.execute(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = 'rebuild' "
        "AND table_schema IN ('silver', 'gold') ORDER BY ALL"
    ).fetchall()
    assert len(tables) > 30
    different = []
    for schema, name in tables:
        for a, b in (("incremental", "rebuild"), ("rebuild", "incremental")):
            extra = both.execute(
                f"SELECT count(*) FROM (SELECT * FROM {a}.{schema}.{name} EXCEPT ALL "
                f"SELECT * FROM {b}.{schema}.{name})"
            ).fetchall()[0][0]
            if extra:
                different.append(f"{schema}.{name}: {extra} row(s) only in {a}")
    assert different == []


def test_the_feed_exercises_every_rule(both):
    reasons = dict(both.execute(
        "SELECT reason, count(*) FROM rebuild.silver.quarantine GROUP BY 1").fetchall())
    for reason in ("late_event", "out_of_range", "duplicate_key", "superseded"):
        assert reasons.get(reason, 0) >= 3, (reason, reasons)
    restated = both.execute(
        "SELECT count(*) FROM rebuild.silver.pageviews WHERE _drop_date > date").fetchall()[0][0]
    cancelled_late = both.execute(
        "SELECT count(*) FROM rebuild.silver.orders WHERE _drop_date > date AND order_status = 'cancelled'"
    ).fetchall()[0][0]
    assert restated > 20 and cancelled_late >= 2  # cancellations that arrived after their order


def test_rows_are_conserved_per_drop_and_quarantined_for_the_contracts_reason(both, expected):
    def per_drop(sql: str) -> dict:
        return {(t, d): n for t, d, n in both.execute(sql).fetchall()}

    names = sorted(ref.CONTRACT)
    bronze = per_drop(" UNION ALL ".join(
        f"SELECT '{t}', _drop_date, count(*) FROM rebuild.bronze.{t} GROUP BY ALL" for t in names))
    silver = per_drop(" UNION ALL ".join(
        f"SELECT '{t}', _drop_date, count(*) FROM rebuild.silver.{t} GROUP BY ALL" for t in names))
    quarantine = per_drop(
        "SELECT source_table, _drop_date, count(*) FROM rebuild.silver.quarantine GROUP BY ALL")
    assert bronze == {k: silver.get(k, 0) + quarantine.get(k, 0) for k in bronze.keys() | quarantine.keys()}
    quarantined = set(both.execute(
        "SELECT source_table, _drop_date, _row_number, reason FROM rebuild.silver.quarantine").fetchall())
    assert quarantined == expected.quarantined
    placed = set(both.execute(" UNION ALL ".join(
        f"SELECT '{t}', date, _drop_date, _row_number FROM rebuild.silver.{t}" for t in names)).fetchall())
    want = {(t, r["day"], r["_drop_date"], r["_row_number"])
            for t, df in expected.tables.items() for r in df.to_dict("records")}
    assert placed == want  # every clean row on the event day the reference gives it


def test_the_daylight_saving_day_has_its_23_hours_of_sessions(both):
    # Berlin 2025-03-30 runs from 2025-03-29 23:00 to 2025-03-30 22:00 UTC
    first, last = both.execute(
        "SELECT min(time), max(time) FROM rebuild.silver.sessions WHERE date = ?", [DST_DAY]).fetchall()[0]
    assert first.isoformat() >= "2025-03-29T23:00:00" and last.isoformat() < "2025-03-30T22:00:00"
    before = both.execute(
        "SELECT max(time) FROM rebuild.silver.sessions WHERE date = ?", [DST_DAY - timedelta(days=1)]
    ).fetchall()[0][0]
    assert before.isoformat() < "2025-03-29T23:00:00"  # 23:59 local on the 29th is 22:59 UTC


@pytest.mark.parametrize(
    ("table", "keys", "reference"),
    [
        ("daily_business_metrics", ["date"], ref.daily_business_metrics),
        ("sales_summary", ["date"], ref.sales_summary),
        ("daily_funnel_summary", ["date"], ref.daily_funnel_summary),
        ("daily_channel_performance", ["date", "channel"], ref.daily_channel_performance),
        ("payment_method_performance", ["date", "payment_method"], ref.payment_method_performance),
        ("product_performance_daily", ["date", "product_name"], ref.product_performance_daily),
        ("regional_sales", ["date", "country", "region"], ref.regional_sales),
        ("daily_revenue", ["date"], ref.daily_revenue),
        *((table, list(GRAIN[table]), reference) for table, reference in (
            ("session_attribution", daily.session_attribution_rows),
            ("session_funnel", daily.session_funnel),
            ("page_engagement_metrics", daily.page_engagement_metrics),
            ("click_heatmap", daily.click_heatmap),
            ("campaign_effectiveness", daily.campaign_effectiveness),
            ("coupon_performance", daily.coupon_performance),
            ("orders_for_review", daily.orders_for_review),
        )),
    ],
)
def test_gold_matches_the_reference_under_the_new_rules(both, expected, table, keys, reference):
    want = reference(expected)
    columns = next(iter(want.values()))
    both.execute("USE rebuild")
    assert differences(want, gold(both, table, keys, columns)) == []


def test_the_last_three_days_are_provisional(both):
    flags = both.execute(
        "SELECT date, is_provisional FROM rebuild.gold.daily_business_metrics ORDER BY date").fetchall()
    last = START + timedelta(days=DAYS - 1)
    assert flags == [(START + timedelta(days=i), START + timedelta(days=i) > last - timedelta(days=3))
                     for i in range(DAYS)]
