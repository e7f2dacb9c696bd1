"""The SQL expression rules of silver, one value at a time."""

from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest

from ecom_assets.business_rules import channel, referrer_host
from ecom_assets.schema import BOOL, DATE, DECIMAL, INT, TIMESTAMP, Column
from ecom_assets.silver.rules import clean, ip_prefix, mask_ips, typed


def value(expr, text, conn=None):
    """``expr('x')`` evaluated with ``x`` = ``text`` (VARCHAR)."""
    conn = conn or duckdb.connect()
    return conn.execute(f"SELECT {expr('x')} FROM (SELECT ?::VARCHAR AS x)", [text]).fetchall()[0][0]


def as_type(type_, lower=False):
    return lambda x: typed(Column("c", type_, lower=lower), clean(x))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" a b ", "a b"), ("\t b\r\n", "b"), ("   ", None), ("", None), (None, None), ("x", "x")],
)
def test_text_is_trimmed_and_empty_becomes_null(raw, expected):
    assert value(clean, raw) == expected


def test_lower_columns_are_lower_cased_after_trimming():
    assert value(as_type("string", lower=True), "  MoBiLe ") == "mobile"
    assert value(as_type("string"), "  MoBiLe ") == "MoBiLe"


UTC_0812 = datetime(2026, 1, 15, 8, 12, 33, 123000)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-01-15T08:12:33.123Z", UTC_0812),
        ("2026-01-15T10:12:33.123+02:00", UTC_0812),  # same instant, written with its offset
        ("2026-01-15T03:12:33.123-05:00", UTC_0812),
        ("2026-01-15T13:42:33.123+0530", UTC_0812),
        ("2026-01-15 08:12:33.123z", UTC_0812),
        ("2026-01-15T08:12Z", datetime(2026, 1, 15, 8, 12)),
        ("2026-01-16T01:30:00+02:00", datetime(2026, 1, 15, 23, 30)),  # the UTC day is the 15th
        ("2026-01-15T08:12:33", None),  # no zone: ambiguous, refused
        ("2026-13-01T00:00Z", None),
        ("2026-01-15T08:12:33+25:00", None),
        ("2026-01-15T08:12:33+02:60", None),
        ("yesterday", None),
        (" ", None),
    ],
)
def test_timestamps_are_parsed_to_utc(raw, expected):
    assert value(as_type(TIMESTAMP), raw) == expected


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "UTC"])
def test_timestamps_do_not_depend_on_the_session_time_zone(zone):
    conn = duckdb.connect()
    conn.execute(f"SET TimeZone = '{zone}'").fetchall()
    assert value(as_type(TIMESTAMP), "2026-01-15T10:12:33.123+02:00", conn) == UTC_0812
    assert value(as_type(TIMESTAMP), "2026-01-15T08:12:33.123Z", conn) == UTC_0812


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2026-01-15", date(2026, 1, 15)), ("2026-02-30", None), ("2026-1-5", None), ("15/01/2026", None)],
)
def test_dates(raw, expected):
    assert value(as_type(DATE), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19.99", Decimal("19.9900")),
        (" -3 ", Decimal("-3.0000")),
        (".25", Decimal("0.2500")),
        ("1.23456", Decimal("1.2346")),  # DECIMAL(18,4): rounded at the 4th place
        ("1e3", None),
        ("1,000.00", None),
        ("abc", None),
    ],
)
def test_decimals(raw, expected):
    assert value(as_type(DECIMAL), raw) == expected


def test_decimals_add_up_exactly():
    conn = duckdb.connect()
    total = conn.execute(
        f"SELECT sum({as_type(DECIMAL)('x')}) FROM (VALUES ('0.1'), ('0.2'), ('19.99')) t(x)"
    ).fetchall()[0][0]
    assert total == Decimal("20.2900")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("42", 42), ("+7", 7), ("-1", -1), ("3.0", None), ("1e2", None), ("99999999999999999999", None)],
)
def test_integers(raw, expected):
    assert value(as_type(INT), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), (" true ", True), ("0", False), ("False", False), ("yes", None),
     ("2", None)],
)
def test_booleans(raw, expected):
    assert value(as_type(BOOL), raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("203.0.113.57", "203.0.113.0"),
        ("10.001.002.3", "10.1.2.0"),
        ("256.1.1.1", None),
        ("2001:0DB8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3::"),
        ("2001:db8::1", "2001:db8::"),  # third group is zero: compressed
        ("2001:db8:0:1::5", "2001:db8::"),
        ("2600:1700:abcd:1234::", "2600:1700:abcd::"),
        ("0:0:5::1", "0:0:5::"),
        ("::1", "::"),
        ("::", "::"),
        ("fe80::1%eth0", "fe80::"),
        ("::ffff:192.0.2.1", "::"),
        ("1:2:3:4:5:6:7:8:9", None),
        ("1::2::3", None),
        ("not-an-ip", None),
        (None, None),
    ],
)
def test_ip_prefix_zeroes_the_host_part(raw, expected):
    assert value(ip_prefix, raw) == expected


def test_ips_in_free_text_are_masked():
    assert value(mask_ips, "s1,203.0.113.57,2001:db8::1,2026-01-15T08:12:33Z") == (
        "s1,203.0.113.0,<ipv6>,2026-01-15T08:12:33Z"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.google.com/search?q=lamp", "google.com"),
        ("HTTP://News.Google.co.uk", "news.google.co.uk"),
        ("https://user@m.facebook.com:443/x", "m.facebook.com"),
        ("bing.com/search", "bing.com"),
        ("", None),
    ],
)
def test_referrer_host(raw, expected):
    assert value(lambda x: referrer_host(clean(x)), raw) == expected


def channel_of(medium=None, source=None, referrer=None):
    conn = duckdb.connect()
    sql = f"SELECT {channel('m', 's', 'r')} FROM (SELECT ?::VARCHAR AS m, ?::VARCHAR AS s, ?::VARCHAR AS r)"
    return conn.execute(sql, [medium, source, referrer]).fetchall()[0][0]


@pytest.mark.parametrize(
    ("medium", "source", "referrer", "expected"),
    [
        # 1. Paid Social
        ("paid_social", None, None, "Paid Social"),
        ("paidsocial", "newsletter", None, "Paid Social"),
        ("cpc", "facebook", "https://www.google.com/", "Paid Social"),  # cpc + a social source beats rule 2
        ("ppc", "tiktok", None, "Paid Social"),
        # 2. Paid Search
        ("cpc", "google", None, "Paid Search"),
        ("ppc", "bing", None, "Paid Search"),
        ("paidsearch", "facebook", None, "Paid Search"),  # paidsearch is search whatever the source
        # 3-5. by medium, whatever the referrer
        ("email", None, "https://www.google.com/", "Email"),
        ("affiliate", None, "https://www.facebook.com/", "Affiliates"),
        ("social", None, "https://www.google.com/", "Organic Social"),
        ("social-network", None, None, "Organic Social"),
        # 6. search-engine referrer
        (None, None, "https://www.google.com/search?q=x", "Organic Search"),
        ("organic", "google", "https://news.google.co.uk/", "Organic Search"),
        (None, None, "https://duckduckgo.com/", "Organic Search"),
        (None, None, "https://search.yahoo.co.jp/", "Organic Search"),
        (None, None, "https://yandex.ru/", "Organic Search"),
        (None, None, "https://www.baidu.com/s?wd=x", "Organic Search"),
        (None, None, "https://www.bing.com/", "Organic Search"),
        # 7. social-site referrer
        (None, None, "https://m.facebook.com/", "Organic Social"),
        (None, None, "https://l.instagram.com/?u=x", "Organic Social"),
        (None, None, "https://x.com/someone", "Organic Social"),
        (None, None, "https://www.reddit.com/r/x", "Organic Social"),
        (None, None, "https://www.youtube.com/watch", "Organic Social"),
        (None, None, "https://www.linkedin.com/", "Organic Social"),
        (None, None, "https://www.pinterest.com/", "Organic Social"),
        (None, None, "https://www.tiktok.com/", "Organic Social"),
        (None, None, "https://twitter.com/", "Organic Social"),
        # 8. other referrers (lookalikes included)
        (None, None, "https://t.co/abc", "Referral"),  # not in the spec's list
        (None, None, "https://notgoogle.com/", "Referral"),
        (None, None, "https://google.example.org/", "Referral"),
        (None, None, "https://box.com/", "Referral"),
        (None, None, "https://blog.example.com/post", "Referral"),
        ("newsletter", None, "https://blog.example.com/", "Referral"),
        # 9. nothing
        (None, None, None, "Direct"),
        ("newsletter", "partner", None, "Direct"),
    ],
)
def test_channel_rules_and_their_order(medium, source, referrer, expected):
    assert channel_of(medium, source, referrer) == expected
