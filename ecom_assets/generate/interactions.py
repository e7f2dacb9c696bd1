"""Events on pages: scrolls, clicks and add-to-cart (timed within their page's dwell)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ecom_assets.generate import fmt
from ecom_assets.generate import pages as pg
from ecom_assets.generate.pageviews import PageRows
from ecom_assets.generate.sessions import Sessions

_SCROLL_P = np.array([0.3, 0.22, 0.2, 0.16, 0.12])
_SCROLL_P_SHORT = np.array([0.6, 0.3, 0.1, 0.0, 0.0])  # cart and confirmation pages are short
# extra click targets: (target_id, target_tag, target_text, href)
_EXTRA = [
    ("add-to-cart", "button", "Add to cart", None),
    ("gallery-thumb-1", "img", None, None),
    ("gallery-thumb-2", "img", None, None),
    ("footer-social", "a", "Instagram", "https://www.instagram.com/lumenmart"),
    ("footer-link", "a", "Returns", "/help/returns"),
    ("cookie-accept", "button", "Accept all", None),
]
_ADD, _GALLERY, _SOCIAL, _FOOTER, _COOKIE = 0, 1, 3, 4, 5


@dataclass
class Events:
    """One event table before formatting: the page row it happened on (-1 = none), its session
    and raw offset, plus per-table extras."""

    pv: np.ndarray
    session: np.ndarray
    raw: np.ndarray
    extra: dict[str, np.ndarray]


def scrolls(p: PageRows, rng: np.random.Generator) -> Events:
    """0–4 scroll depth events per page at 25/50/75/100 % (some at odd depths)."""
    m = len(p.session)
    short = (p.kind == pg.CART) | (p.kind == pg.CONFIRM)
    u = rng.random((m, 1))
    k = np.where(short, (np.cumsum(_SCROLL_P_SHORT) < u).sum(axis=1), (np.cumsum(_SCROLL_P) < u).sum(axis=1))
    pv = np.repeat(np.arange(m), k)
    j = np.arange(len(pv)) - np.repeat(np.cumsum(k) - k, k) + 1
    percent = np.where(rng.random(len(pv)) < 0.9, 25 * j, rng.integers(0, 101, len(pv)))
    raw = p.offset[pv] + p.dwell[pv] * (j - rng.uniform(0.2, 0.8, len(pv))) / (k[pv] + 0.5)
    return Events(pv, p.session[pv], raw, {"scroll_percent": percent})


def add_to_cart(p: PageRows, rng: np.random.Generator) -> Events:
    """One add-to-cart per cart item, on the item's product page."""
    pv = np.flatnonzero(p.item >= 0)
    raw = p.offset[pv] + p.dwell[pv] * rng.uniform(0.3, 0.8, len(pv))
    return Events(pv, p.session[pv], raw, {"item": p.item[pv]})


def clicks(p: PageRows, atc: Events, s: Sessions, pages: pg.Pages, rng: np.random.Generator) -> Events:
    """Navigation clicks (href = next page), add-to-cart and gallery buttons, footer links, the
    "place order" button, and cookie-banner clicks on pages without a tracked pageview."""
    m = len(p.session)

    def part(pv, raw, extra=-1, href=-1, link=-1, session=None) -> tuple[np.ndarray, ...]:
        k = len(raw)
        cols = (pv, raw, extra, href, link, p.session[pv] if session is None else session)
        return tuple(np.broadcast_to(c, k) for c in cols)

    has_next = p.next_path >= 0
    nav = np.flatnonzero(has_next & (rng.random(m) < 0.75) & (p.next_kind != pg.CONFIRM))
    gallery = np.flatnonzero((p.kind == pg.PRODUCT) & (rng.random(m) < 0.25))
    footer = np.flatnonzero(~has_next & (rng.random(m) < 0.08))
    no_pv = np.ones(s.n, dtype=bool)
    no_pv[p.session] = False
    cookie = np.flatnonzero(no_pv & (rng.random(s.n) < 0.5))
    confirm = pages.index(np.array([pg.CONFIRM]), 0)[0]

    def within(pv: np.ndarray, lo: float, hi: float) -> np.ndarray:
        return p.offset[pv] + p.dwell[pv] * rng.uniform(lo, hi, len(pv))

    parts = [
        part(nav, within(nav, 0.9, 0.99), href=p.next_path[nav], link=p.next_kind[nav]),
        part(atc.pv, np.maximum(atc.raw - rng.uniform(0, 300, len(atc.pv)), p.offset[atc.pv]), extra=_ADD),
        part(gallery, within(gallery, 0.05, 0.3), extra=_GALLERY + rng.integers(0, 2, len(gallery))),
        part(footer, within(footer, 0.5, 0.95), extra=_SOCIAL + rng.integers(0, 2, len(footer))),
        part(p.order_pv, p.place_click, href=confirm, link=pg.CONFIRM),
        part(-1, rng.uniform(500, 5_000, len(cookie)), extra=_COOKIE, session=cookie),
    ]
    pv, raw, extra, href, link, session = (np.concatenate([x[i] for x in parts]) for i in range(6))
    return Events(pv, session, raw, {"extra": extra, "href": href, "link_kind": link})


def click_targets(ev: Events, pages: pg.Pages) -> dict[str, pa.Array]:
    """href / target_id / target_tag / target_text columns of click events: a link shows the
    text of the page it leads to; other targets come from ``_EXTRA``."""
    link = ev.extra["link_kind"] >= 0
    kind = np.where(link, ev.extra["link_kind"], len(pg.LINK_TARGETS) + ev.extra["extra"])
    targets = [pg.LINK_TARGETS[k] for k in range(len(pg.LINK_TARGETS))] + [(e[0], e[1]) for e in _EXTRA]
    page = pa.array(np.where(link, ev.extra["href"], len(pages.paths) + ev.extra["extra"]))
    return {
        "href": pa.concat_arrays([pages.paths, pa.array([e[3] for e in _EXTRA], pa.string())]).take(page),
        "target_id": fmt.pick([t[0] for t in targets], kind),
        "target_tag": fmt.pick([t[1] for t in targets], kind),
        "target_text": pa.concat_arrays([pages.texts, pa.array([e[2] for e in _EXTRA], pa.string())]).take(
            page
        ),
    }
