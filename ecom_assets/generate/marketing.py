"""Traffic sources, utm campaigns and their daily spend (``campaign_spend_table.csv``).

Each traffic variant is built so the metrics.md channel rules give its channel
(e.g. ``facebook``/``cpc`` is Paid Social, a google referrer without utm is
Organic Search). Campaign names are a pure function of the date, so every
campaign a session uses that day has a spend row, and one campaign
(``brand_awareness_video``) spends without bringing any session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from ecom_assets.generate import fmt
from ecom_assets.generate.seasonality import black_friday

# channel → (share of new visitors, share of returning visits, base conversion of a session)
CHANNELS = {
    "Paid Social": (0.13, 0.06, 0.013),
    "Paid Search": (0.17, 0.10, 0.032),
    "Email": (0.02, 0.16, 0.048),
    "Affiliates": (0.05, 0.04, 0.038),
    "Organic Social": (0.08, 0.04, 0.011),
    "Organic Search": (0.29, 0.19, 0.026),
    "Referral": (0.08, 0.05, 0.022),
    "Direct": (0.18, 0.36, 0.034),
}
CHANNEL_NAMES = list(CHANNELS)
_SEARCH = [
    "https://www.google.com/",
    "https://www.google.de/",
    "https://www.google.co.uk/",
    "https://www.bing.com/search?q=lumenmart",
    "https://duckduckgo.com/",
    "https://search.yahoo.com/",
    "https://www.baidu.com/",
    "https://yandex.ru/",
]
_SOCIAL = [
    "https://www.facebook.com/",
    "https://l.instagram.com/",
    "https://x.com/lumenmart",
    "https://www.linkedin.com/feed/",
    "https://www.pinterest.com/pin/48213/",
    "https://www.reddit.com/r/BuyItForLife/",
    "https://www.youtube.com/watch?v=q8Xk2",
    "https://www.tiktok.com/",
]
_REFERRAL = [
    "https://www.techradar.com/best/wireless-earbuds",
    "https://news.ycombinator.com/",
    "https://giftideas.substack.com/p/holiday-list",
    "https://www.theverge.com/deals",
    "https://forum.coffeegeek.example/t/grinders?page=2,3",
]


@dataclass(frozen=True)
class Variant:
    """One way a visit arrives: utm triple template and referrer choices."""

    channel: str
    source: str | None
    medium: str | None
    group: str | None  # campaign group, see :func:`campaigns`
    referrers: tuple[str, ...]
    weight: float


VARIANTS = [
    Variant("Paid Social", "facebook", "paid_social", "fb", ("https://l.facebook.com/",), 0.35),
    Variant("Paid Social", "facebook", "cpc", "fb_cpc", ("https://l.facebook.com/",), 0.15),
    Variant("Paid Social", "instagram", "paidsocial", "ig", ("https://l.instagram.com/",), 0.3),
    Variant("Paid Social", "tiktok", "paid_social", "tt", ("https://www.tiktok.com/",), 0.2),
    Variant("Paid Search", "google", "cpc", "search", ("https://www.google.com/",), 0.6),
    Variant("Paid Search", "google", "ppc", "shopping", ("https://www.google.com/",), 0.2),
    Variant("Paid Search", "bing", "cpc", "bing", ("https://www.bing.com/",), 0.12),
    Variant("Paid Search", "bing", "paidsearch", "bing_shop", ("https://www.bing.com/",), 0.08),
    Variant("Email", "newsletter", "email", "newsletter", ("",), 0.6),
    Variant("Email", "klaviyo", "email", "flows", ("",), 0.4),
    Variant("Affiliates", "awin", "affiliate", "awin", ("https://www.topcashback.co.uk/",), 0.6),
    Variant("Affiliates", "rakuten", "affiliate", "rakuten", ("https://www.rakuten.com/",), 0.4),
    Variant("Organic Social", "instagram", "social", "bio", ("https://l.instagram.com/",), 0.25),
    Variant("Organic Social", "twitter", "social-network", "posts", ("https://x.com/",), 0.1),
    Variant("Organic Social", None, None, None, tuple(_SOCIAL), 0.65),
    Variant("Organic Search", None, None, None, tuple(_SEARCH), 1.0),
    Variant("Referral", None, None, None, tuple(_REFERRAL), 1.0),
    Variant("Direct", None, None, None, ("",), 1.0),
]
REFERRERS = sorted({r for v in VARIANTS for r in v.referrers})
# cost per click in cents by campaign group (email and affiliates are priced differently)
CPC = {
    "fb": 70,
    "fb_cpc": 85,
    "ig": 65,
    "tt": 40,
    "ghost": 35,
    "search": 120,
    "shopping": 55,
    "bing": 80,
    "bing_shop": 45,
}
UNPAID = {"bio", "posts"}


@dataclass(frozen=True)
class Campaign:
    source: str
    medium: str
    name: str
    group: str


def campaigns(d: date) -> list[Campaign]:
    """The campaigns running on ``d`` (a pure function of the date)."""
    y, m, q = d.year, d.month, (d.month - 1) // 3 + 1
    season = ["winter", "spring", "summer", "autumn"][m % 12 // 3]
    iso = d.isocalendar()
    names = {
        "search": ["brand_search", "generic_electronics", "generic_home_kitchen"],
        "shopping": ["shopping_all_products"],
        "bing": ["brand_search_bing"],
        "bing_shop": ["bing_shopping"],
        "fb": [f"prospecting_{y}_{m:02d}", "retargeting_dpa"],
        "fb_cpc": [f"lookalike_{y}_q{q}"],
        "ig": [f"reels_{season}_{y}"],
        "tt": ["spark_ads"],
        "ghost": ["brand_awareness_video"],
        "newsletter": [f"newsletter_{iso.year}_w{iso.week:02d}"],
        "flows": ["abandoned_cart_flow", "welcome_flow"],
        "awin": ["awin_cashback"],
        "rakuten": ["rakuten_deals"],
        "bio": ["bio_link"],
        "posts": [f"launch_{y}_{m:02d}"],
    }
    if -12 <= (d - black_friday(y)).days <= 4:
        names["search"].append(f"black_friday_{y}")
        names["fb"].append(f"black_friday_{y}")
    if m == 12 and d.day <= 23:
        names["search"].append(f"holiday_gifts_{y}")
    source_medium = {v.group: (v.source, v.medium) for v in VARIANTS if v.group}
    source_medium["ghost"] = ("tiktok", "paid_social")
    return [Campaign(*source_medium[g], n, g) for g, ns in names.items() for n in ns]


def spend_rows(
    d: date, camps: list[Campaign], sessions: np.ndarray, revenue_cents: np.ndarray, rng: np.random.Generator
) -> dict[str, pa.Array]:
    """``campaign_spend_table.csv``: one row per paid campaign of the day.

    ``sessions``/``revenue_cents`` are per campaign (same order as ``camps``); clicks are a
    bit above the sessions they brought, impressions follow a click-through rate of 0.8–4 %.
    """
    keep = [i for i, c in enumerate(camps) if c.group not in UNPAID]
    s = sessions[keep].astype(float)
    groups = [camps[i].group for i in keep]
    clicks = np.round(s * rng.uniform(1.05, 1.5, len(keep)) + rng.integers(0, 4, len(keep))).astype(np.int64)
    ghost = np.array([g == "ghost" for g in groups])
    clicks[ghost] = rng.integers(60, 400, int(ghost.sum()))
    impressions = np.maximum(clicks, np.round(clicks / rng.uniform(0.008, 0.04, len(keep)))).astype(np.int64)
    cpc = np.array([CPC.get(g, 0) for g in groups], float) * rng.uniform(0.8, 1.25, len(keep))
    spend = clicks * cpc
    email = np.array([g in ("newsletter", "flows") for g in groups])
    spend[email] = 1200 + 1.5 * s[email]
    affiliate = np.array([g in ("awin", "rakuten") for g in groups])
    spend[affiliate] = 300 + 0.08 * revenue_cents[keep][affiliate]
    return {
        "date": fmt.const(d.isoformat(), len(keep)),
        "utm_source": pa.array([camps[i].source for i in keep]),
        "utm_medium": pa.array([camps[i].medium for i in keep]),
        "utm_campaign": pa.array([camps[i].name for i in keep]),
        "spend": fmt.money(np.round(spend).astype(np.int64)),
        "impressions": fmt.ints(impressions),
        "clicks": fmt.ints(clicks),
    }
