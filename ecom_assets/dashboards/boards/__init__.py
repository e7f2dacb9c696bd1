"""The dashboards, one module each: ``TITLE``, ``SLUG`` (URL path), ``ICON`` and ``render(snap, days)``."""

from types import ModuleType

from ecom_assets.dashboards.boards import (
    customers,
    discounts,
    engagement,
    executive,
    funnel,
    marketing,
    products,
    sales,
)

BOARDS = (executive, sales, marketing, funnel, products, customers, engagement, discounts)


def url_path(board: ModuleType) -> str:
    """The page's path: the first board is the app's home page (``/``), the others ``/<SLUG>``."""
    return "" if board is BOARDS[0] else board.SLUG
