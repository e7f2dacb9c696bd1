"""The product catalogue: names, categories, prices, margins and stock over time.

Stock falls with the units of valid orders, rises with restockable returns and
with supplier deliveries: a product is reordered when its stock drops below the
demand of its lead time plus a few days, deliveries vary in size, and a few
products are discontinued (never reordered), so some run low or out of stock. Prices are the day's list
price: a rare permanent change, plus Black Friday and January sale discounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from ecom_assets.generate import fmt
from ecom_assets.generate.seasonality import black_friday

# category → (subcategory, product nouns, price range in dollars); return rate per category
CATEGORIES: dict[str, tuple[float, list[tuple[str, list[str], float, float]]]] = {
    "Electronics": (
        0.07,
        [
            ("Headphones", ["Wireless Earbuds", "Over-Ear Headphones", "Sport Earphones"], 25, 320),
            ("Chargers & Cables", ["USB-C Cable", "Wall Charger", "Power Bank"], 9, 70),
            ("Smart Home", ["Smart Plug", "Video Doorbell", "Smart Bulb"], 15, 210),
            ("Speakers", ["Bluetooth Speaker", "Soundbar"], 35, 450),
        ],
    ),
    "Home & Kitchen": (
        0.05,
        [
            ("Cookware", ['Cast Iron Skillet 12"', "Saucepan Set", "Dutch Oven"], 25, 220),
            ("Coffee & Tea", ["Coffee Grinder", "French Press", "Tea Kettle"], 18, 260),
            ("Storage", ["Glass Jar Set", "Pantry Organizer"], 12, 60),
            ("Bedding", ["Linen Duvet Cover", "Pillow Pair", "Weighted Blanket"], 30, 190),
        ],
    ),
    "Apparel": (
        0.16,
        [
            ("Men", ["Merino Sweater", "Chino Pants", "Oxford Shirt"], 29, 140),
            ("Women", ["Wrap Dress", "Cashmere Cardigan", "High-Rise Jeans"], 35, 180),
            ("Kids", ["Rain Jacket", "Hoodie", "Sneakers"], 18, 75),
            ("Accessories", ["Cotton Socks, 3-Pack", "Leather Belt", "Wool Beanie"], 9, 80),
        ],
    ),
    "Beauty": (
        0.03,
        [
            ("Skincare", ["Face Serum", "Night Cream", "Mineral Sunscreen"], 12, 85),
            ("Haircare", ["Repair Shampoo", "Hair Oil"], 9, 45),
            ("Fragrance", ["Eau de Parfum", "Scented Candle"], 25, 140),
        ],
    ),
    "Sports & Outdoors": (
        0.06,
        [
            ("Fitness", ["Yoga Mat", "Kettlebell", "Resistance Bands"], 15, 120),
            ("Camping", ["2-Person Tent", "Sleeping Bag", "Camping Stove"], 30, 350),
            ("Cycling", ["Bike Light Set", "Cycling Helmet"], 20, 160),
        ],
    ),
    "Toys & Games": (
        0.04,
        [
            ("Board Games", ["Strategy Board Game", "Party Card Game"], 15, 70),
            ("Building Sets", ["Castle Building Set", "Robot Kit"], 20, 150),
        ],
    ),
}
BRANDS = ["Lumen", "Northpeak", "Aster", "Kiva", "Orla", "Tern", "Vela", "Bramble", "Cobalt", "Fjord"]
EXPECTED_UNITS_PER_SESSION = 0.08  # orders per session × items × qty, for initial stock and restocks


def slug(name: str) -> str:
    """URL slug of a category name: ``Home & Kitchen`` → ``home-kitchen``."""
    return "-".join(name.lower().replace("&", " ").replace(",", " ").split())


@dataclass
class Catalog:
    """Catalogue state carried across days (arrays indexed by product)."""

    ids: list[str]
    names: list[str]
    category: np.ndarray
    subcategory: np.ndarray
    category_names: list[str]
    subcategory_names: list[str]
    return_rate: np.ndarray
    base_price: np.ndarray  # cents, before promotions
    price: np.ndarray  # cents, today's list price
    cost: np.ndarray  # cents
    stock: np.ndarray
    popularity: np.ndarray
    demand: np.ndarray  # smoothed units per day
    cover_days: np.ndarray
    lead_days: np.ndarray
    discontinued: np.ndarray
    arrival_day: np.ndarray  # ordinal of the pending delivery, -1 when none
    arrival_qty: np.ndarray
    promo_rank: np.ndarray  # products with a low rank join sales events

    @property
    def size(self) -> int:
        return len(self.ids)


def build_catalog(rng: np.random.Generator, sessions_per_day: int) -> Catalog:
    """A catalogue of ~180 products with Zipf-like popularity and a stock of weeks of demand."""
    names, cat, sub, prices, rates = [], [], [], [], []
    cat_names, sub_names = list(CATEGORIES), []
    for ci, (rate, subs) in enumerate(CATEGORIES.values()):
        for sub_name, nouns, lo, hi in subs:
            sub_names.append(sub_name)
            for noun in nouns:
                for brand in rng.choice(BRANDS, size=int(rng.integers(2, 5)), replace=False):
                    names.append(f"{brand} {noun}")
                    cat.append(ci)
                    sub.append(len(sub_names) - 1)
                    dollars = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
                    prices.append(max(199, int(round(dollars)) * 100 - 1))
                    rates.append(rate)
    n = len(names)
    price = np.array(prices, dtype=np.int64)
    cost_ratio = rng.uniform(0.35, 0.7, n)
    low_margin = rng.choice(n, size=max(3, n // 16), replace=False)
    cost_ratio[low_margin] = rng.uniform(0.86, 0.95, len(low_margin))
    cost_ratio[low_margin[0]] = 1.04  # a loss leader
    popularity = (1.0 + rng.permutation(n)) ** -0.9 / (price / 5000.0) ** 0.25
    popularity /= popularity.sum()
    demand = sessions_per_day * EXPECTED_UNITS_PER_SESSION * popularity
    cover = np.exp(rng.normal(np.log(40), 0.6, n))
    cover[rng.choice(n, size=n // 12, replace=False)] *= 4  # overstocked lines
    return Catalog(
        ids=[f"P{i + 1:04d}" for i in range(n)],
        names=names,
        category=np.array(cat),
        subcategory=np.array(sub),
        category_names=cat_names,
        subcategory_names=sub_names,
        return_rate=np.array(rates),
        base_price=price.copy(),
        price=price,
        cost=np.round(price * cost_ratio).astype(np.int64),
        stock=np.maximum(rng.integers(12, 40, n), np.round(demand * cover * rng.uniform(0.6, 1.2, n))).astype(
            np.int64
        ),
        popularity=popularity,
        demand=demand,
        cover_days=cover,
        lead_days=rng.integers(3, 13, n),
        discontinued=rng.random(n) < 0.03,
        arrival_day=np.full(n, -1, dtype=np.int64),
        arrival_qty=np.zeros(n, dtype=np.int64),
        promo_rank=rng.random(n),
    )


def start_day(cat: Catalog, d: date, rng: np.random.Generator) -> None:
    """Deliveries arrive, rare permanent price changes, and the day's sale prices."""
    arrived = cat.arrival_day == d.toordinal()
    cat.stock[arrived] += cat.arrival_qty[arrived]
    cat.arrival_day[arrived] = -1
    changed = rng.random(cat.size) < 0.004
    factor = rng.choice([0.9, 0.95, 1.05, 1.08, 1.12], size=int(changed.sum()))
    cat.base_price[changed] = np.maximum(199, np.round(cat.base_price[changed] * factor / 100) * 100 - 1)
    cat.price = cat.base_price.copy()
    bf = (d - black_friday(d.year)).days
    sale, share = (
        (0.8, 0.35)
        if 0 <= bf <= 3
        else (0.75, 0.2)
        if (d.month, d.day) >= (12, 26) or (d.month == 1 and d.day <= 7)
        else (1.0, 0.0)
    )
    on_sale = cat.promo_rank < share
    cat.price[on_sale] = np.round(cat.base_price[on_sale] * sale / 100).astype(np.int64) * 100 - 1


def end_day(cat: Catalog, d: date, sold: np.ndarray, restocked: np.ndarray, rng: np.random.Generator) -> None:
    """Book the day's sold and returned units, then reorder what runs low."""
    cat.stock += restocked - sold
    assert (cat.stock >= 0).all(), "stock went negative"
    cat.demand = 0.85 * cat.demand + 0.15 * sold
    reorder_point = cat.demand * (cat.lead_days + 4)
    need = (cat.stock <= reorder_point) & (cat.arrival_day < 0) & ~cat.discontinued
    qty = np.ceil(cat.demand * cat.cover_days * rng.uniform(0.3, 1.2, cat.size)) + rng.integers(
        10, 30, cat.size
    )
    cat.arrival_day[need] = d.toordinal() + cat.lead_days[need]
    cat.arrival_qty[need] = qty[need].astype(np.int64)


def product_rows(cat: Catalog) -> dict[str, pa.Array]:
    """``product_table.csv`` columns: the whole catalogue at the end of the day."""
    return {
        "product_id": pa.array(cat.ids),
        "product_name": pa.array(cat.names),
        "category": fmt.pick(cat.category_names, cat.category),
        "subcategory": fmt.pick(cat.subcategory_names, cat.subcategory),
        "unit_cost": fmt.money(cat.cost),
        "list_price": fmt.money(cat.price),
        "stock_qty": fmt.ints(cat.stock),
    }
