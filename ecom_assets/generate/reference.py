"""Static reference data of the synthetic shop: geography, devices, pages, coupons."""

from __future__ import annotations

import numpy as np

DOMAIN = "www.lumenmart.shop"
# The storefronts a session can browse (index 0, the main shop, is the default): the mobile site and
# the German country shop.
STOREFRONTS = [DOMAIN, "m.lumenmart.shop", "lumenmart.de"]

# country, weight, UTC offset (minutes, for the offset-timestamp form), IPv4 first octets,
# IPv6 prefix, regions as (region, weight, mean temperature °C, cities).
COUNTRIES: list[tuple[str, float, int, tuple[int, ...], str, list[tuple[str, float, float, list[str]]]]] = [
    (
        "US",
        38,
        -300,
        (23, 24, 47, 68, 73, 98),
        "2600:1700",
        [
            ("California", 12, 17, ["Los Angeles", "San Francisco", "San Diego"]),
            ("New York", 9, 12, ["New York", "Buffalo"]),
            ("Texas", 8, 20, ["Houston", "Austin", "Dallas"]),
            ("Florida", 6, 24, ["Miami", "Orlando"]),
            ("Illinois", 5, 10, ["Chicago"]),
            ("Washington", 4, 11, ["Seattle", "Spokane"]),
        ],
    ),
    (
        "GB",
        12,
        0,
        (31, 81, 86),
        "2a00:23c5",
        [
            ("England", 10, 11, ["London", "Manchester", "Bristol"]),
            ("Scotland", 2, 8, ["Edinburgh", "Glasgow"]),
        ],
    ),
    (
        "DE",
        10,
        60,
        (79, 84, 91),
        "2a02:8108",
        [
            ("Bavaria", 4, 9, ["München", "Nürnberg"]),
            ("Berlin", 3, 10, ["Berlin"]),
            ("Hesse", 3, 10, ["Frankfurt am Main"]),
        ],
    ),
    (
        "FR",
        7,
        60,
        (78, 90, 92),
        "2a01:cb00",
        [
            ("Île-de-France", 5, 12, ["Paris"]),
            ("Provence-Alpes-Côte d'Azur", 2, 15, ["Marseille", "Nice"]),
        ],
    ),
    (
        "CA",
        6,
        -300,
        (24, 99, 142),
        "2607:fea8",
        [
            ("Ontario", 4, 8, ["Toronto", "Ottawa"]),
            ("Quebec", 2, 6, ["Montréal"]),
        ],
    ),
    ("NL", 4, 60, (77, 145), "2a02:a440", [("North Holland", 4, 10, ["Amsterdam", "Haarlem"])]),
    (
        "ES",
        4,
        60,
        (80, 88),
        "2a0c:5a80",
        [("Madrid", 2, 15, ["Madrid"]), ("Catalonia", 2, 16, ["Barcelona"])],
    ),
    ("IT", 4, 60, (79, 93), "2a01:e11", [("Lombardy", 2, 13, ["Milano"]), ("Lazio", 2, 16, ["Roma"])]),
    (
        "AU",
        4,
        600,
        (1, 49, 101),
        "2001:8003",
        [
            ("New South Wales", 2, 18, ["Sydney"]),
            ("Victoria", 2, 15, ["Melbourne"]),
        ],
    ),
    ("SE", 2, 60, (83, 90), "2a02:aa1", [("Stockholm", 2, 7, ["Stockholm"])]),
    (
        "PL",
        2,
        60,
        (83, 89),
        "2a02:a31",
        [("Lesser Poland", 1, 8, ["Kraków"]), ("Masovia", 1, 8, ["Warszawa"])],
    ),
    ("JP", 2, 540, (60, 126), "2400:4050", [("Tokyo", 2, 16, ["Tokyo"])]),
    ("BR", 1.5, -180, (177, 187), "2804:14c", [("São Paulo", 1.5, 21, ["São Paulo"])]),
    (
        "IN",
        1.5,
        330,
        (49, 117),
        "2401:4900",
        [("Maharashtra", 1, 27, ["Mumbai", "Pune"]), ("Karnataka", 0.5, 24, ["Bengaluru"])],
    ),
]
SOUTHERN = {"AU", "BR"}


def _flat() -> tuple[list, list, list]:
    regions, cities = [], []
    for ci, (_cc, _w, _tz, _v4, _v6, regs) in enumerate(COUNTRIES):
        for name, weight, temp, city_names in regs:
            regions.append((ci, name, weight, temp))
            for city in city_names:
                cities.append((len(regions) - 1, city))
    return regions, cities, [c[0] for c in COUNTRIES]


REGIONS, CITIES, COUNTRY_CODES = _flat()
REGION_COUNTRY = np.array([r[0] for r in REGIONS])
REGION_NAMES = [r[1] for r in REGIONS]
CITY_REGION = np.array([c[0] for c in CITIES])
CITY_NAMES = [c[1] for c in CITIES]
COUNTRY_TZ = np.array([c[2] for c in COUNTRIES])


def geo_weights() -> np.ndarray:
    """Probability of each city (country weight × region weight, cities of a region equal)."""
    cw = np.array([c[1] for c in COUNTRIES], float)
    region_total = np.bincount(REGION_COUNTRY, weights=[r[2] for r in REGIONS])
    rw = np.array([cw[r[0]] * r[2] / region_total[r[0]] for r in REGIONS])
    per_city = rw[CITY_REGION] / np.bincount(CITY_REGION)[CITY_REGION]
    return per_city / per_city.sum()


PLATFORMS = ["desktop", "mobile", "tablet"]
PLATFORM_WEIGHTS = [0.41, 0.51, 0.08]
# raw spellings of each platform: the contract allows any case
PLATFORM_SPELLINGS = [["desktop", "Desktop", "DESKTOP"], ["mobile", "Mobile", "MOBILE"], ["tablet", "Tablet"]]
SPELLING_WEIGHTS = [0.78, 0.17, 0.05]
# device_type per platform with weights, and the browsers of each device
DEVICES = [
    [("Windows PC", 0.62), ("Mac", 0.33), ("Linux PC", 0.05)],
    [("iPhone", 0.48), ("Android Phone", 0.52)],
    [("iPad", 0.7), ("Android Tablet", 0.3)],
]
BROWSERS = ["Chrome", "Safari", "Firefox", "Edge", "Samsung Internet"]
DEVICE_BROWSERS = {
    "Windows PC": [0.64, 0, 0.1, 0.26, 0],
    "Mac": [0.44, 0.5, 0.06, 0, 0],
    "Linux PC": [0.5, 0, 0.5, 0, 0],
    "iPhone": [0.18, 0.82, 0, 0, 0],
    "Android Phone": [0.74, 0, 0.04, 0, 0.22],
    "iPad": [0.1, 0.9, 0, 0, 0],
    "Android Tablet": [0.8, 0, 0, 0, 0.2],
}

CONTENT_PAGES = [
    "/about",
    "/blog/gift-guide",
    "/blog/how-to-choose-headphones",
    "/help/shipping",
    "/help/returns",
    "/gift-cards",
    "/contact",
]
SEARCH_TERMS = [
    "headphones",
    "coffee+grinder",
    "yoga+mat",
    "gift+for+dad",
    "socks",
    "tent",
    "board+games",
    "face+serum",
    "charger",
    "frying+pan",
    "kids+jacket",
    "speaker",
]
RETURN_REASONS = ["wrong_size", "damaged", "not_as_described", "changed_mind", "defective", "arrived_late"]
PAYMENT_METHODS = ["credit_card", "paypal", "apple_pay", "gift_card", "bank_transfer"]
# share of orders per payment method on desktop / on mobile+tablet, and cancellation odds
PAYMENT_DESKTOP = [0.5, 0.26, 0.06, 0.05, 0.13]
PAYMENT_MOBILE = [0.38, 0.24, 0.28, 0.05, 0.05]
CANCEL_RATE = [0.03, 0.03, 0.02, 0.01, 0.13]

# code, kind (pct | fixed | ship), value (% or cents), minimum subtotal in cents
COUPONS = [
    ("WELCOME10", "pct", 10, 0),
    ("SAVE15", "pct", 15, 4000),
    ("TAKE5", "fixed", 500, 3000),
    ("FREESHIP", "ship", 0, 0),
    ("EMAIL10", "pct", 10, 0),
    ("VIP25", "pct", 25, 0),
    ("FLASH35", "pct", 35, 0),
    ("BLACKFRIDAY40", "pct", 40, 0),
]
