"""Sessions: who visits, when, from where, on what device, through which channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecom_assets.generate import fmt, reference
from ecom_assets.generate import pages as pg
from ecom_assets.generate.catalog import Catalog
from ecom_assets.generate.ids import row_ids
from ecom_assets.generate.marketing import CHANNEL_NAMES, CHANNELS, REFERRERS, VARIANTS, Campaign
from ecom_assets.generate.people import Users, user_ids

# landing page mix per channel over (home, category, product, search, content, account)
_LANDING = {
    "Paid Social": [0.2, 0.2, 0.6, 0, 0, 0],
    "Paid Search": [0.15, 0.4, 0.45, 0, 0, 0],
    "Email": [0.3, 0.5, 0.2, 0, 0, 0],
    "Affiliates": [0.2, 0.2, 0.6, 0, 0, 0],
    "Organic Social": [0.3, 0.1, 0.4, 0, 0.2, 0],
    "Organic Search": [0.25, 0.25, 0.38, 0, 0.12, 0],
    "Referral": [0.3, 0.1, 0.35, 0, 0.25, 0],
    "Direct": [0.62, 0.1, 0.1, 0.05, 0.03, 0.1],
}
_LANDING_KINDS = np.array([pg.HOME, pg.CATEGORY, pg.PRODUCT, pg.SEARCH, pg.CONTENT, pg.ACCOUNT])
_DEVICES = [name for devs in reference.DEVICES for name, _ in devs]
OFFSET_TIME_SHARE = 0.03  # sessions whose events are logged with a local UTC offset


@dataclass
class Sessions:
    """The day's sessions, sorted by start time."""

    user: np.ndarray
    is_new: np.ndarray
    start: np.ndarray  # ms since midnight of the drop day
    platform: np.ndarray
    city: np.ndarray
    channel: np.ndarray
    variant: np.ndarray
    campaign: np.ndarray  # index into the day's campaigns, -1 when none
    landing_kind: np.ndarray
    landing_target: np.ndarray
    offset_min: np.ndarray  # 0, or the UTC offset used to write this session's times
    columns: dict[str, pa.Array]
    storefront: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # into STOREFRONTS

    @property
    def n(self) -> int:
        return len(self.user)

    def domains(self, session: np.ndarray) -> pa.StringArray:
        """The ``domain`` column of events of the given sessions: each session browses one storefront."""
        return fmt.pick(reference.STOREFRONTS, self.storefront[session])


MOBILE_SITE_SHARE = 0.4  # of mobile-platform sessions, on the mobile site
COUNTRY_SHOP_SHARE = 0.3  # of German sessions, on the country shop


def storefronts(platform: np.ndarray, country: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each session's storefront: mostly the main shop; some mobile visits on the mobile site, some
    German visits on the country shop."""
    u = rng.random(len(platform))
    out = np.zeros(len(platform), np.int64)
    out[(platform == reference.PLATFORMS.index("mobile")) & (u < MOBILE_SITE_SHARE)] = 1
    german = country == reference.COUNTRY_CODES.index("DE")
    out[german & (u >= 1 - COUNTRY_SHOP_SHARE)] = 2
    return out


def make_sessions(
    users: Users,
    new_idx: np.ndarray,
    returning_idx: np.ndarray,
    starts: np.ndarray,
    camps: list[Campaign],
    catalog: Catalog,
    pages: pg.Pages,
    d: date,
    seed: int,
    rng: np.random.Generator,
) -> Sessions:
    """Build the day's sessions: new users' first visits plus returning visits."""
    user = np.concatenate([new_idx, returning_idx]).astype(np.int64)
    is_new = np.arange(len(user)) < len(new_idx)
    order = rng.permutation(len(user))  # who starts when
    user, is_new = user[order], is_new[order]
    n = len(user)
    # channel: new and returning visitors arrive differently; then a variant within the channel
    p_new = np.array([v[0] for v in CHANNELS.values()])
    p_ret = np.array([v[1] for v in CHANNELS.values()])
    channel = np.where(
        is_new, rng.choice(8, n, p=p_new / p_new.sum()), rng.choice(8, n, p=p_ret / p_ret.sum())
    )
    variant = np.empty(n, dtype=np.int64)
    for ci, name in enumerate(CHANNEL_NAMES):
        vs = [i for i, v in enumerate(VARIANTS) if v.channel == name]
        w = np.array([VARIANTS[i].weight for i in vs])
        rows = np.flatnonzero(channel == ci)
        variant[rows] = np.array(vs)[rng.choice(len(vs), len(rows), p=w / w.sum())]
    campaign = np.full(n, -1, dtype=np.int64)
    for vi, v in enumerate(VARIANTS):
        rows = np.flatnonzero(variant == vi)
        options = [i for i, c in enumerate(camps) if c.group == v.group]
        if v.group and len(rows):
            campaign[rows] = np.array(options)[rng.integers(0, len(options), len(rows))]
    ref_choice = np.array([REFERRERS.index(v.referrers[0]) for v in VARIANTS])[variant]
    for vi, v in enumerate(VARIANTS):
        rows = np.flatnonzero(variant == vi)
        if len(v.referrers) > 1 and len(rows):
            ref_choice[rows] = np.array([REFERRERS.index(r) for r in v.referrers])[
                rng.integers(0, len(v.referrers), len(rows))
            ]
    # device, place, landing page
    platform = np.where(
        rng.random(n) < 0.8, users.platform[user], rng.choice(3, n, p=reference.PLATFORM_WEIGHTS)
    )
    city = np.where(
        rng.random(n) < 0.95,
        users.city[user],
        rng.choice(len(reference.CITY_NAMES), n, p=reference.geo_weights()),
    )
    landing = np.array([_LANDING[c] for c in CHANNEL_NAMES])[channel]
    landing_kind = _LANDING_KINDS[(landing.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1).clip(0, 5)]
    target = np.zeros(n, dtype=np.int64)
    is_cat, is_prod, is_content = (landing_kind == k for k in (pg.CATEGORY, pg.PRODUCT, pg.CONTENT))
    target[is_cat] = catalog.category[rng.choice(catalog.size, int(is_cat.sum()), p=catalog.popularity)]
    target[is_prod] = rng.choice(catalog.size, int(is_prod.sum()), p=catalog.popularity)
    target[is_content] = rng.integers(0, pages.n_content, int(is_content.sum()))
    country = reference.REGION_COUNTRY[reference.CITY_REGION[city]]
    offset_min = np.where(rng.random(n) < OFFSET_TIME_SHARE, reference.COUNTRY_TZ[country], 0)
    s = Sessions(
        user, is_new, starts, platform, city, channel, variant, campaign, landing_kind, target, offset_min, {}
    )
    s.columns = _columns(s, camps, pages, country, ref_choice, d, seed, rng)
    s.storefront = storefronts(platform, country, rng)  # drawn last: earlier draws do not move
    return s


def _columns(
    s: Sessions,
    camps: list[Campaign],
    pages: pg.Pages,
    country: np.ndarray,
    ref_choice: np.ndarray,
    d: date,
    seed: int,
    rng: np.random.Generator,
) -> dict[str, pa.Array]:
    n = s.n
    spelling = rng.choice(3, n, p=reference.SPELLING_WEIGHTS)
    spellings = [sp for plat in reference.PLATFORM_SPELLINGS for sp in (plat + plat[:1])[:3]]
    dev_offset = np.cumsum([0] + [len(devs) for devs in reference.DEVICES])
    device = np.empty(n, dtype=np.int64)
    for p, devs in enumerate(reference.DEVICES):
        rows = np.flatnonzero(s.platform == p)
        w = np.array([wt for _, wt in devs])
        device[rows] = dev_offset[p] + rng.choice(len(devs), len(rows), p=w)
    browser_p = np.array([reference.DEVICE_BROWSERS[name] for name in _DEVICES])
    browser_p = browser_p / browser_p.sum(axis=1, keepdims=True)
    browser = (browser_p[device].cumsum(axis=1) < rng.random((n, 1))).sum(axis=1).clip(0, 4)
    utm = [(VARIANTS[v].source, VARIANTS[v].medium) for v in range(len(VARIANTS))]
    # a few raw utm values arrive capitalised; silver lower-cases them
    shout = rng.random(n) < 0.04
    src = fmt.pick(
        [u[0] for u in utm] + [(u[0] or "").capitalize() or None for u in utm],
        np.where(shout, s.variant + len(utm), s.variant),
    )
    med = fmt.pick(
        [u[1] for u in utm] + [(u[1] or "").upper() or None for u in utm],
        np.where(shout, s.variant + len(utm), s.variant),
    )
    camp_names = [c.name for c in camps]
    term = rng.integers(0, len(reference.SEARCH_TERMS), n)
    query_idx = np.where(
        s.campaign >= 0, s.campaign, np.where(s.landing_kind == pg.SEARCH, len(camps) + term, -1)
    )
    landing_query = fmt.pick(
        [f"utm_source={c.source}&utm_medium={c.medium}&utm_campaign={c.name}" for c in camps]
        + [f"q={t}" for t in reference.SEARCH_TERMS],
        query_idx,
    )
    lens = np.array([len(c[3]) for c in reference.COUNTRIES])
    octet_table = np.array([(list(c[3]) * 6)[:6] for c in reference.COUNTRIES])
    first = octet_table[country, rng.integers(0, 6, n) % lens[country]]
    octets = rng.integers(1, 255, (n, 3))
    ipv4 = fmt.join(
        fmt.ints(first), fmt.ints(octets[:, 0]), fmt.ints(octets[:, 1]), fmt.ints(octets[:, 2]), sep="."
    )
    groups = rng.integers(0, 65536, (n, 6), dtype=np.uint64)
    ipv6 = fmt.join(
        fmt.pick([c[4] for c in reference.COUNTRIES], country),
        *(fmt.hex_text(groups[:, j], 4) for j in range(6)),
        sep=":",
    )
    is_v6 = pa.array(rng.random(n) < 0.09)
    hash_idx = np.where(rng.random(n) < 0.03, rng.integers(0, 2, n), -1)
    return {
        "user_id": user_ids(s.user),
        "session_id": row_ids("sessions", d, np.arange(n), seed),
        "time": fmt.timestamps(fmt.day_start_ms(d) + s.start, s.offset_min),
        "platform": fmt.pick(spellings, s.platform * 3 + spelling),
        "device_type": fmt.pick(_DEVICES, device),
        "country": fmt.pick(reference.COUNTRY_CODES, country),
        "region": fmt.pick(reference.REGION_NAMES, reference.CITY_REGION[s.city]),
        "city": fmt.pick(reference.CITY_NAMES, s.city),
        "ip": pc.if_else(is_v6, ipv6, ipv4),
        "referrer": fmt.pick([r or None for r in REFERRERS], ref_choice),
        "landing_page": pages.paths.take(pa.array(pages.index(s.landing_kind, s.landing_target))),
        "landing_page_query": landing_query,
        "landing_page_hash": fmt.pick(["#reviews", "#size-guide"], hash_idx),
        "browser": fmt.pick(reference.BROWSERS, browser),
        "utm_source": src,
        "utm_medium": med,
        "utm_campaign": fmt.pick(camp_names, s.campaign),
    }
