"""Site map: page kinds, their paths (per landing.md "Page paths") and link texts."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ecom_assets.generate.catalog import Catalog, slug
from ecom_assets.generate.reference import CONTENT_PAGES

HOME, CATEGORY, PRODUCT, SEARCH, CONTENT, ACCOUNT, CART, CHECKOUT, CONFIRM = range(9)
_FIXED = {
    HOME: ("/", "Home"),
    SEARCH: ("/search", "Search"),
    ACCOUNT: ("/account", "My account"),
    CART: ("/cart", "Cart"),
    CHECKOUT: ("/checkout", "Proceed to checkout"),
    CONFIRM: ("/checkout/confirmation", "Place order"),
}
# click target (id, tag) of a link leading to a page of each kind
LINK_TARGETS = {
    HOME: ("logo", "a"),
    CATEGORY: ("nav-category", "a"),
    PRODUCT: ("product-card", "a"),
    SEARCH: ("search-submit", "button"),
    CONTENT: ("footer-link", "a"),
    ACCOUNT: ("account-link", "a"),
    CART: ("cart-icon", "a"),
    CHECKOUT: ("checkout-button", "button"),
    CONFIRM: ("place-order", "button"),
}


class Pages:
    """Vocabulary of every path of the site; a page is (kind, target) where the target is the
    category, product or content page index for those kinds and ignored otherwise."""

    def __init__(self, catalog: Catalog) -> None:
        fixed = [_FIXED[k] for k in (HOME, SEARCH, ACCOUNT, CART, CHECKOUT, CONFIRM)]
        cats = [(f"/category/{slug(c)}", c) for c in catalog.category_names]
        prods = [(f"/product/{pid}", name) for pid, name in zip(catalog.ids, catalog.names)]
        content = [(p, p.rsplit("/", 1)[-1].replace("-", " ").capitalize()) for p in CONTENT_PAGES]
        allp = fixed + cats + prods + content
        self.paths = pa.array([p for p, _ in allp], pa.string())
        self.texts = pa.array([t for _, t in allp], pa.string())
        n_cat, n_prod = len(cats), len(prods)
        self.n_categories, self.n_content = n_cat, len(content)
        self._base = np.array([0, 6, 6 + n_cat, 1, 6 + n_cat + n_prod, 2, 3, 4, 5])
        self._targeted = np.zeros(9, dtype=bool)
        self._targeted[[CATEGORY, PRODUCT, CONTENT]] = True

    def index(self, kind: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Path index in :attr:`paths` of each (kind, target)."""
        kind = np.asarray(kind)
        return self._base[kind] + np.where(self._targeted[kind], target, 0)
