"""The synthetic data generator: determinism, the landing contract and business invariants,
all checked on the written CSV files."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import pytest

from ecom_assets.generate import core, generate
from ecom_assets.generate.__main__ import main
from ecom_assets.generate.faults import REASONS
from ecom_assets.schema import (
    PAYMENT_METHODS,
    PLATFORMS,
    SUCCESS_MARKER,
    TABLES,
    TABLES_BY_NAME,
    Column,
    Table,
)

WEEK_START = date(2026, 11, 23)  # Monday of Black Friday week 2026
SMALL_START = date(2026, 1, 1)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("week")
    generate(root, WEEK_START, days=7, sessions_per_day=800, seed=7, progress=False)
    return root


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small")
    result = generate(root, SMALL_START, days=3, sessions_per_day=200, seed=7, progress=False)
    assert result.faults == []
    return root


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("faulty")
    return root, generate(
        root, SMALL_START, days=3, sessions_per_day=200, seed=7, faults=True, progress=False
    )


def load(root: Path, table: str) -> pd.DataFrame:
    """All days of one table as strings (ids stay text), with a ``drop_date`` column."""
    t = TABLES_BY_NAME[table]
    frames = []
    for day_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        df = pd.read_csv(day_dir / t.file_name, dtype=str, keep_default_na=False)
        frames.append(df.assign(drop_date=day_dir.name))
    return pd.concat(frames, ignore_index=True)


def utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True, format="ISO8601")


def num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series)


def file_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


RULE_CHANNELS = [
    "Paid Social",
    "Paid Search",
    "Email",
    "Affiliates",
    "Organic Social",
    "Organic Search",
    "Organic Social",
    "Referral",
    "Direct",
]


def channel_rule(row: pd.Series) -> int:
    """Number (1–9) of the metrics.md Channel rule that matches a session first."""
    src, med = row.utm_source.strip().lower(), row.utm_medium.strip().lower()
    host = urlparse(row.referrer).hostname or ""
    social = ("facebook", "instagram", "tiktok", "twitter", "linkedin", "pinterest")
    rules = [
        med in ("paid_social", "paidsocial") or (med in ("cpc", "ppc") and src in social),
        med in ("cpc", "ppc", "paidsearch"),
        med == "email",
        med == "affiliate",
        med in ("social", "social-network"),
        any(e in host for e in ("google", "bing", "duckduckgo", "yahoo", "baidu", "yandex")),
        any(s in host for s in (*social, "x.com", "reddit", "youtube")),
        row.referrer != "",
        True,
    ]
    return rules.index(True) + 1


def channel(row: pd.Series) -> str:
    return RULE_CHANNELS[channel_rule(row) - 1]


# --- determinism and layout ---------------------------------------------------------------


def test_same_seed_same_bytes_and_other_seed_differs(small: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", SMALL_START, 3, 200, seed=7, progress=False)
    generate(tmp_path / "other", SMALL_START, 3, 200, seed=8, progress=False)
    assert file_bytes(tmp_path / "again") == file_bytes(small)
    other = file_bytes(tmp_path / "other")
    assert other.keys() == file_bytes(small).keys()
    differing = [k for k, v in other.items() if v != file_bytes(small)[k]]
    assert len(differing) >= 30  # 3 days × (events, orders, users, …)


def test_a_day_does_not_depend_on_the_days_after_it(small: Path, tmp_path: Path) -> None:
    generate(tmp_path, SMALL_START, 2, 200, seed=7, progress=False)
    shorter = file_bytes(tmp_path)
    assert len(shorter) == 2 * (len(TABLES) + 1)
    assert all(file_bytes(small)[k] == v for k, v in shorter.items())


def test_every_day_has_every_file_with_schema_headers_and_success(small: Path) -> None:
    days = sorted(p.name for p in small.iterdir())
    assert days == ["2026-01-01", "2026-01-02", "2026-01-03"]
    for day in days:
        marker = small / day / SUCCESS_MARKER
        assert marker.read_bytes() == b""
        for t in TABLES:
            header = (small / day / t.file_name).read_text(encoding="utf-8").splitlines()[0]
            assert header.split(",") == t.column_names


def test_rows_parse_with_the_right_field_count_and_unique_keys(week: Path) -> None:
    for t in TABLES:
        for day_dir in sorted(week.iterdir()):
            with open(day_dir / t.file_name, newline="", encoding="utf-8") as f:
                rows = list(csv.reader(f))
            assert all(len(r) == len(t.columns) for r in rows), t.file_name
            keys = [tuple(r[t.column_names.index(k)] for k in t.key) for r in rows[1:]]
            assert len(keys) == len(set(keys)) and all(all(k) for k in keys), t.file_name


def test_a_new_schema_column_or_table_flows_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pv = TABLES_BY_NAME["pageviews"]
    wider = dataclasses.replace(pv, columns=(*pv.columns, Column("referrer_hash", required=False)))
    new_table = Table(
        "wishlists", "wishlist", (Column("wishlist_id"), Column("user_id")), key=("wishlist_id",)
    )
    tables = tuple(wider if t.name == "pageviews" else t for t in TABLES) + (new_table,)
    monkeypatch.setattr(core, "TABLES", tables)
    with pytest.warns(UserWarning):
        result = generate(tmp_path, SMALL_START, 1, 50, seed=7, progress=False)
    day = tmp_path / SMALL_START.isoformat()
    with open(day / pv.file_name, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [*pv.column_names, "referrer_hash"] and len(rows) > 20
    assert all(len(r) == len(rows[0]) and r[-1] == "" for r in rows[1:])
    assert (day / "wishlist_table.csv").read_text() == "wishlist_id,user_id\n"
    assert result.rows["wishlists"] == 0


# --- orders --------------------------------------------------------------------------------


def test_orders_are_internally_consistent(week: Path) -> None:
    orders, lines = load(week, "orders"), load(week, "order_line_items")
    assert len(orders) > 150
    lines["amount"] = num(lines.product_price) * num(lines.product_qty)
    agg = lines.groupby("order_id").agg(
        items=("amount", "sum"),
        n=("product_name", "nunique"),
        qty=("product_qty", lambda q: num(q).sum()),
        rows=("event_id", "size"),
    )
    o = orders.set_index("order_id").join(agg, how="left")
    expected = o["items"] - num(o.discount) + num(o.shipping_price)
    assert (expected - num(o.total_price)).abs().max() < 0.005
    assert (num(o.total_items) == o.n).all() and (o.n == o.rows).all()
    assert (num(o.total_qty) == o.qty).all()
    assert (num(o.discount) >= 0).all() and (num(o.discount) <= o["items"]).all()
    assert set(o.payment_method) == set(PAYMENT_METHODS)
    # line items carry the order's time, session and user
    merged = lines.merge(orders, on="order_id", suffixes=("", "_o"))
    assert len(merged) == len(lines)
    assert (merged.time == merged.time_o).all() and (merged.session_id == merged.session_id_o).all()
    assert (merged.user_id == merged.user_id_o).all()


def test_line_prices_are_the_days_list_prices(week: Path) -> None:
    lines, products = load(week, "order_line_items"), load(week, "products")
    m = lines.merge(products, on=["drop_date", "product_name"], how="left")
    assert m.list_price.notna().all() and (m.product_price == m.list_price).all()
    atc = load(week, "add_to_cart").merge(products, on=["drop_date", "product_name"], how="left")
    assert (atc.product_price == atc.list_price).all()
    assert (atc.path == "/product/" + atc.product_id).all()


def test_is_first_purchase_is_the_users_first_order_ever(week: Path) -> None:
    orders = load(week, "orders")
    orders["t"] = utc(orders.time)
    orders = orders.sort_values(["t", "order_id"])
    first = ~orders.duplicated("user_id")
    assert ((orders.is_first_purchase == "1") == first).all()
    assert 0 < (orders.is_first_purchase == "0").sum() < first.sum()


def test_cancelled_share_coupons_and_review_triggers(week: Path) -> None:
    orders, lines = load(week, "orders"), load(week, "order_line_items")
    share = (orders.order_status == "cancelled").mean() * 100
    assert 1 <= share <= 10
    coupon = orders[orders.discount_coupon_code != ""]
    assert 0.05 < len(coupon) / len(orders) < 0.6
    subtotal = (num(lines.product_price) * num(lines.product_qty)).groupby(lines.order_id).sum()
    high = num(orders.set_index("order_id").discount) > 0.3 * subtotal
    assert 1 <= high.sum() < 0.3 * len(orders)
    sessions_with_two = orders.groupby("session_id").size()
    assert (sessions_with_two == 2).sum() >= 1


# --- events and sessions -----------------------------------------------------------------


def test_event_times_fall_on_the_drop_day_after_their_session_start(week: Path) -> None:
    sessions = load(week, "sessions")
    start = dict(zip(sessions.session_id, utc(sessions.time)))
    for t in TABLES:
        if t.event_time != "time":
            continue
        df = load(week, t.name)
        if df.empty:
            continue
        times = utc(df.time)
        assert (times.dt.strftime("%Y-%m-%d") == df.drop_date).all(), t.name
        if "session_id" in df and t.name != "sessions":
            assert (times > df.session_id.map(start)).all(), t.name
    offsets = sessions.time[~sessions.time.str.endswith("Z")]
    assert len(offsets) > 0 and offsets.str.match(r".*[+-]\d\d:\d\d$").all()


def test_every_channel_rule_is_reachable(week: Path) -> None:
    sessions = load(week, "sessions")
    rules = sessions.apply(channel_rule, axis=1).value_counts()
    assert sorted(rules.index) == list(range(1, 10))  # all 9 rules, so all 8 channel names
    assert rules.min() >= 0.005 * len(sessions)
    paid_social_cpc = sessions[
        (sessions.utm_medium.str.lower() == "cpc") & (sessions.utm_source.str.lower() == "facebook")
    ]
    assert len(paid_social_cpc) > 0


def test_sessions_have_raw_variety(week: Path) -> None:
    s = load(week, "sessions")
    assert set(s.platform.str.lower()) == set(PLATFORMS)
    assert (s.platform != s.platform.str.lower()).sum() > 0
    assert s.ip.str.contains(":").sum() > 0 and s.ip.str.count(r"\.").eq(3).sum() > 0.8 * len(s)
    assert s.country.nunique() >= 10 and s.browser.nunique() >= 4
    users = load(week, "users")
    assert set(s.user_id) <= set(users.user_id)


def test_funnel_shape_and_pages(week: Path) -> None:
    s, pv, atc, orders = (load(week, t) for t in ("sessions", "pageviews", "add_to_cart", "orders"))
    with_pv = pv.session_id.nunique()
    viewed = pv[pv.path.str.startswith("/product/")].session_id.nunique()
    carted = atc.session_id.nunique()
    checkout = pv[pv.path.str.startswith("/checkout")].session_id.nunique()
    ordered = orders[orders.order_status != "cancelled"].session_id.nunique()
    assert 0.95 * len(s) < with_pv <= len(s)
    assert with_pv > viewed > carted > checkout > ordered > 0
    assert 0.01 < ordered / len(s) < 0.08
    abandonment = 1 - len(set(atc.session_id) & set(orders.session_id)) / carted
    assert 0.4 < abandonment < 0.9
    kinds = pv.path.str.extract(r"^(/[a-z]*)")[0]
    assert {"/", "/category", "/product", "/cart", "/checkout", "/search", "/account"} <= set(kinds)
    scroll = num(load(week, "scrolls").scroll_percent)
    assert scroll.between(0, 100).all() and scroll.max() == 100
    clicks = load(week, "clicks")
    assert set(clicks.target_tag) >= {"a", "button", "img"} and (clicks.href != "").mean() > 0.5
    orphan = ~clicks.set_index(["session_id", "path"]).index.isin(pv.set_index(["session_id", "path"]).index)
    assert orphan.sum() > 0  # some clicks on pages without a pageview


def test_black_friday_peak(week: Path) -> None:
    per_day = load(week, "sessions").groupby("drop_date").size()
    assert per_day["2026-11-27"] > 1.5 * per_day["2026-11-24"]


# --- returns, stock, users, marketing -------------------------------------------------------


def test_returns_reference_earlier_valid_orders(week: Path) -> None:
    returns, orders, lines = load(week, "returns"), load(week, "orders"), load(week, "order_line_items")
    assert len(returns) >= 3
    m = returns.merge(orders, on="order_id", suffixes=("", "_o"), how="left")
    assert m.order_status.notna().all() and (m.order_status == "completed").all()
    age = utc(m.time) - utc(m.time_o)
    assert (age > timedelta(0)).all() and (age <= timedelta(days=60)).all()
    assert (m.user_id == m.user_id_o).all()
    bought = lines.merge(returns, on=["order_id", "product_name"], suffixes=("", "_r"))
    assert len(bought) == len(returns)
    assert (num(bought.product_qty_r) <= num(bought.product_qty)).all()
    assert (num(bought.refund_amount) <= num(bought.product_price) * num(bought.product_qty_r) + 0.005).all()
    assert (num(returns.refund_amount) >= 0).all() and returns.reason.nunique() >= 2


def test_stock_never_negative_and_falls_at_most_by_units_sold(week: Path) -> None:
    products, orders, lines = load(week, "products"), load(week, "orders"), load(week, "order_line_items")
    stock = products.pivot(index="product_name", columns="drop_date", values="stock_qty").astype(int)
    assert (stock >= 0).all().all() and 100 <= len(stock) <= 300
    valid = lines[lines.order_id.isin(orders[orders.order_status != "cancelled"].order_id)]
    sold = (
        valid.assign(q=num(valid.product_qty))
        .pivot_table(index="product_name", columns="drop_date", values="q", aggfunc="sum")
        .reindex_like(stock)
        .fillna(0)
    )
    days = list(stock.columns)
    for prev, day in zip(days, days[1:]):
        assert (stock[day] - stock[prev] + sold[day] >= 0).all()  # = deliveries + restocked returns
    assert (stock[days[-1]] < stock[days[0]]).sum() > 10
    assert products.product_name.str.contains(",").any()  # exercises CSV quoting
    assert (num(products.unit_cost) < num(products.list_price)).mean() > 0.9


def test_user_table_is_a_delta(week: Path) -> None:
    users, sessions = load(week, "users"), load(week, "sessions")
    first_seen = sessions.groupby("user_id").drop_date.min()
    first_row = users.groupby("user_id").drop_date.min()
    assert (first_row.reindex(first_seen.index) == first_seen).all()
    reg = users.drop_duplicates("user_id").set_index("user_id").registration_date
    assert (reg.reindex(first_seen.index) == first_seen).all()
    state = users.drop(columns=["drop_date"])
    assert not state.duplicated().any()  # a user is only repeated when something changed
    assert {"new", "regular"} <= set(users.customer_tier) <= {"new", "regular", "vip"}
    changed = users[users.duplicated("user_id", keep=False)]
    assert changed.user_id.nunique() > 50


def test_campaign_spend_covers_paid_sessions(week: Path) -> None:
    s, spend = load(week, "sessions"), load(week, "campaign_spend")
    s["channel"] = s.apply(channel, axis=1)
    paid = s[s.channel.isin(["Paid Social", "Paid Search"])]
    used = set(
        zip(paid.drop_date, paid.utm_source.str.lower(), paid.utm_medium.str.lower(), paid.utm_campaign)
    )
    spent = set(zip(spend.date, spend.utm_source, spend.utm_medium, spend.utm_campaign))
    assert used <= spent
    all_used = set(zip(s.drop_date, s.utm_source.str.lower(), s.utm_medium.str.lower(), s.utm_campaign))
    assert len(spent - all_used) >= 7  # a campaign with spend and no sessions, every day
    assert (num(spend.impressions) >= num(spend.clicks)).all() and (num(spend.spend) > 0).all()


def test_optional_files_have_rows(week: Path) -> None:
    weather, subs = load(week, "weather"), load(week, "subscriptions")
    assert len(weather) == 7 * weather.region.nunique() and num(weather.precipitation_mm).min() >= 0
    assert len(subs) > 0 and set(subs.status) <= {"active", "paused", "cancelled"}


def test_weather_covers_every_sessions_region_every_day(week: Path) -> None:
    weather, sessions = load(week, "weather"), load(week, "sessions")
    assert not weather.duplicated(["date", "country", "region"]).any()
    assert (weather.date == weather.drop_date).all()
    assert set(zip(sessions.country, sessions.region)) <= set(zip(weather.country, weather.region))
    rainy = num(weather.precipitation_mm) > 1
    assert 0.1 < rainy.mean() < 0.6  # rainy and dry days in every week
    assert set(weather.condition) >= {"sunny", "cloudy", "rain"}


def test_subscriptions_are_a_delta_of_every_kind_of_change(week: Path) -> None:
    subs = load(week, "subscriptions")
    first = subs[subs.drop_date == subs.drop_date.min()]
    # day one carries the book the shop already had (started before it), active or paused
    assert len(first) > 100 and set(first.status) == {"active", "paused"}
    later = subs[subs.drop_date > subs.drop_date.min()]
    assert not subs.duplicated(["drop_date", "subscription_id"]).any()
    history = subs.sort_values(["drop_date"]).groupby("subscription_id")
    plans, statuses = history.plan.agg(list), history.status.agg(list)
    new = later[~later.subscription_id.isin(first.subscription_id)].drop_duplicates("subscription_id")
    assert len(new) > 0 and (utc(new.started_at).dt.strftime("%Y-%m-%d") == new.drop_date).all()
    assert any(len(set(p)) > 1 for p in plans)  # a plan change
    assert any("cancelled" in s for s in statuses) and any("paused" in s[1:] for s in statuses)
    # a row is written only when something changed, and a cancelled subscription stays cancelled
    for sub_id, s in statuses.items():
        assert all(a != b or p != q for a, b, p, q in zip(s, s[1:], plans[sub_id], plans[sub_id][1:])), sub_id
        assert "cancelled" not in s[:-1], sub_id
    cancelled = subs[subs.status == "cancelled"]
    assert (cancelled.cancelled_at != "").all()
    assert (subs[subs.status != "cancelled"].cancelled_at == "").all()
    assert (utc(cancelled.cancelled_at).dt.strftime("%Y-%m-%d") == cancelled.drop_date).all()


def test_pageviews_are_on_more_than_one_storefront(week: Path) -> None:
    views = load(week, "pageviews")
    share = views.domain.value_counts(normalize=True)
    assert share.index[0] == "www.lumenmart.shop" and 0.6 < share.iloc[0] < 0.9
    assert set(share.index) == {"www.lumenmart.shop", "m.lumenmart.shop", "lumenmart.de"}
    # each session browses one storefront, and every event table agrees with its pageviews
    assert (views.groupby("session_id").domain.nunique() == 1).all()
    clicks = load(week, "clicks").merge(views[["session_id", "domain"]].drop_duplicates(), on="session_id")
    assert (clicks.domain_x == clicks.domain_y).all()


# --- faults --------------------------------------------------------------------------------


def test_every_fault_kind_is_injected_and_recorded(faulty) -> None:
    root, result = faulty
    reasons = {f.reason for f in result.faults}
    assert reasons == set(REASONS)
    for f in result.faults:
        lines = (root / f.file).read_text(encoding="utf-8").split("\n")
        header, line = lines[0].split(","), lines[f.line - 1]
        fields = next(csv.reader(io.StringIO(line)))
        if f.reason == "malformed_row":
            assert len(fields) != len(header)
            continue
        assert len(fields) == len(header)
        row = dict(zip(header, fields))
        table = TABLES_BY_NAME[f.table]
        key = row[table.key[0]]
        if f.reason == "duplicate_key":
            assert key == f.key and any(ln.startswith(key + ",") for ln in lines[1 : f.line - 1])
        elif f.reason == "missing_key":
            assert key == "" and f.key is None
        elif f.reason == "late_event":
            lag = date.fromisoformat(f.drop_date) - utc(pd.Series([row["time"]]))[0].date()
            assert timedelta(days=4) <= lag <= timedelta(days=5)  # beyond the 3-day restatement window
        else:
            assert row[f.column] == f.value and key == f.key


def test_faulty_rows_are_extra_rows(faulty, small: Path) -> None:
    root, result = faulty
    clean = file_bytes(small)
    by_file: dict[str, set[int]] = {}
    for f in result.faults:
        by_file.setdefault(f.file, set()).add(f.line)
    for name, data in file_bytes(root).items():
        lines = data.decode().split("\n")
        kept = [ln for i, ln in enumerate(lines, start=1) if i not in by_file.get(name, set())]
        assert "\n".join(kept).encode() == clean[name], name
    per_day = pd.Series([f.drop_date for f in result.faults]).value_counts()
    assert per_day.min() >= 15


def test_cli_writes_the_faults_manifest(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    manifest = tmp_path / "faults.json"
    code = main(
        [
            "--start",
            "2026-03-01",
            "--days",
            "2",
            "--sessions-per-day",
            "60",
            "--out",
            str(tmp_path / "raw"),
            "--faults",
            "--faults-manifest",
            str(manifest),
            "--no-progress",
        ]
    )
    assert code == 0
    faults = json.loads(manifest.read_text())
    assert {f["reason"] for f in faults} == set(REASONS)
    assert set(faults[0]) >= {"table", "drop_date", "line", "key", "reason"}
    out = capsys.readouterr().out
    assert "rows/s" in out and "sessions/s" in out
    assert (tmp_path / "raw" / "2026-03-02" / SUCCESS_MARKER).exists()


def test_no_fault_rows_without_faults(small: Path) -> None:
    pv = load(small, "pageviews")
    assert (pv.event_id != "").all() and not pv.event_id.duplicated().any()
    assert utc(pv.time).notna().all()
    assert set(load(small, "sessions").platform.str.lower()) <= set(PLATFORMS)
    assert set(load(small, "orders").payment_method) <= set(PAYMENT_METHODS)
    atc = load(small, "add_to_cart")
    assert (num(atc.product_price) >= 0).all() and (num(atc.product_qty) > 0).all()
    assert np.isin(num(load(small, "scrolls").scroll_percent), np.arange(101)).all()
