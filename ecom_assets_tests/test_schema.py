"""The landing contract (one source of truth) is complete and self-consistent."""

import pytest

from ecom_assets.schema import DUCKDB_TYPES, TABLES, TABLES_BY_NAME

SEED_FILES = {
    "user", "session", "order", "order_line_item", "add_to_cart", "pageview", "scroll", "click",
    "product", "return", "campaign_spend", "weather", "subscription",
}  # fmt: skip


def test_all_thirteen_landing_files_with_their_bronze_names():
    assert {t.file_stem for t in TABLES} == SEED_FILES
    assert [t.name for t in TABLES if not t.required_file] == ["weather", "subscriptions"]
    assert TABLES_BY_NAME["order_line_items"].file_name == "order_line_item_table.csv"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_table_is_consistent(table):
    names = table.column_names
    assert len(names) == len(set(names)), "duplicate column"
    assert all(n == n.strip().lower() for n in names), "headers are matched lower-cased"
    assert set(table.key) <= set(table.required_columns), "keys are required columns"
    assert table.event_time is None or table.event_time in names
    for col in table.columns:
        assert col.type in DUCKDB_TYPES
        if col.accepted:
            assert col.lower and all(v == v.lower() for v in col.accepted), col.name


def test_contract_details_from_landing_md():
    orders = TABLES_BY_NAME["orders"]
    assert orders.key == ("event_id",)
    assert orders.column("payment_method").accepted == (
        "credit_card", "paypal", "apple_pay", "gift_card", "bank_transfer",
    )  # fmt: skip
    assert orders.column("order_status").accepted == ("completed", "cancelled")
    assert orders.column("discount").min == 0
    scroll = TABLES_BY_NAME["scrolls"].column("scroll_percent")
    assert (scroll.min, scroll.max) == (0, 100)
    users = TABLES_BY_NAME["users"]
    assert users.required_columns == ["user_id", "has_purchase_last_year", "has_purchase_last_qtr"]
    assert TABLES_BY_NAME["campaign_spend"].key == ("date", "utm_source", "utm_medium", "utm_campaign")
    assert TABLES_BY_NAME["sessions"].column("platform").accepted == ("desktop", "mobile", "tablet")
