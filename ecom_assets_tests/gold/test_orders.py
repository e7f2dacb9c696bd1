"""Gold order tables (payment methods, coupons, orders to review) on tiny hand-written silver inputs.

They run end to end with the rest of the sales group in ``test_sales.test_sales_group_end_to_end``.
"""

from decimal import Decimal

import pytest

from ecom_assets.gold.sales import coupon_performance, orders_for_review, payment_method_performance
from ecom_assets_tests.gold.test_sales import D1, D2, D3, line_item, order, result_rows
from ecom_assets_tests.helpers import silver_db


def test_payment_method_performance_counts_valid_and_cancelled_orders_per_method():
    conn = silver_db({"orders": [
        order("a1", D1, "s1", "u1", "100.00", payment_method="paypal"),
        order("a2", D1, "s1", "u1", "40.00", payment_method="paypal", status="cancelled"),
        order("a3", D1, "s2", "u2", "20.00", payment_method="paypal"),
        order("a4", D1, "s3", "u3", "80.00", payment_method="credit_card"),
        order("a5", D1, "s4", "u4", "15.00", payment_method="gift_card", status="cancelled"),
        order("b1", D2, "s5", "u5", "25.00", payment_method="paypal", status="cancelled"),
    ]})
    approx = pytest.approx
    assert result_rows(conn, payment_method_performance.PAYMENT_METHOD_PERFORMANCE) == [
        # D1 valid orders: a1, a3, a4 = 3
        {"date": D1, "payment_method": "credit_card", "orders": 1, "revenue": Decimal("80.0000"),
         "avg_order_value": 80.0, "share_of_orders": approx(100 / 3),  # 1 / 3 × 100
         "cancelled_orders": 0, "cancellation_rate": 0.0},
        # only cancelled orders: no valid orders, AOV NULL, 1 / 1 cancelled
        {"date": D1, "payment_method": "gift_card", "orders": 0, "revenue": Decimal("0.0000"),
         "avg_order_value": None, "share_of_orders": 0.0, "cancelled_orders": 1, "cancellation_rate": 100.0},
        # a1 100 + a3 20 = 120 over 2 orders; a2 cancelled: 1 of 3
        {"date": D1, "payment_method": "paypal", "orders": 2, "revenue": Decimal("120.0000"),
         "avg_order_value": 60.0, "share_of_orders": approx(200 / 3),  # 2 / 3 × 100
         "cancelled_orders": 1, "cancellation_rate": approx(100 / 3)},
        # D2 has no valid orders: share NULL (zero denominator)
        {"date": D2, "payment_method": "paypal", "orders": 0, "revenue": Decimal("0.0000"),
         "avg_order_value": None, "share_of_orders": None, "cancelled_orders": 1, "cancellation_rate": 100.0},
    ]


def test_coupon_performance_counts_valid_coupon_orders():
    conn = silver_db({"orders": [
        order("c1", D1, "s1", "u1", "90.00", "0", "10.00", True, discount_coupon_code="SAVE10"),
        order("c2", D1, "s2", "u2", "45.50", "0", "5.00", discount_coupon_code="SAVE10"),
        order("c3", D1, "s3", "u3", "100.00", "0", "10.00", True, "cancelled", discount_coupon_code="SAVE10"),
        order("c4", D1, "s4", "u4", "60.00", "0", "15.00", True, discount_coupon_code="WELCOME"),
        order("c5", D1, "s5", "u5", "70.00"),  # no coupon
    ]})
    assert result_rows(conn, coupon_performance.COUPON_PERFORMANCE) == [
        # c1 + c2 (c3 cancelled): discount 10 + 5, revenue 90 + 45.50 = 135.50, AOV 135.50 / 2
        {"date": D1, "discount_coupon_code": "SAVE10", "usage_count": 2,
         "total_discount_given": Decimal("15.0000"), "total_revenue": Decimal("135.5000"),
         "avg_order_value": 67.75, "new_customer_usage": 1, "repeat_customer_usage": 1},
        {"date": D1, "discount_coupon_code": "WELCOME", "usage_count": 1,
         "total_discount_given": Decimal("15.0000"), "total_revenue": Decimal("60.0000"),
         "avg_order_value": 60.0, "new_customer_usage": 1, "repeat_customer_usage": 0},
    ]


def review_order(oid: str, total: str, ship: str, disc: str, qty: int, status: str = "completed") -> dict:
    return order(oid, D3, f"s-{oid}", f"u-{oid}", total, ship, disc, status=status, total_qty=qty)


def test_orders_for_review_lists_every_rule_and_sums_their_weights():
    conn = silver_db({
        "orders": [
            review_order("r1", "50.00", "5.00", "5.00", 2),  # clean: 50 − 5 + 5 = 50
            review_order("r2", "60.00", "0", "40.00", 1),  # discount 40 > 0.3 × 100
            review_order("r3", "55.00", "15.00", "0", 1),  # shipping 15 > 0.2 × 55 = 11
            review_order("r4", "70.00", "5.00", "0", 3),  # 60 + 5 ≠ 70; 3 units ≠ 2
            review_order("r5", "20.00", "0", "0", 1),  # |19.99 − 20.00| = 0.01: not more than 0.01
            review_order("r6", "540.00", "0", "0", 1),  # 540 > 10 × median 52.5
            review_order("r7", "3000.00", "0", "2000.00", 1, "cancelled"),  # would fire, but cancelled
            review_order("r8", "10.00", "0", "0", 1),  # no line items: subtotal 0, 0 units
            review_order("r9", "40.00", "12.00", "20.00", 1),  # 20 > 15; 12 > 8; 50 − 20 + 12 = 42 ≠ 40
        ],
        "order_line_items": [
            line_item("i1", D3, "r1", "Mug", "25.00", 2), line_item("i2", D3, "r2", "Lamp", "100.00", 1),
            line_item("i3", D3, "r3", "Tee", "40.00", 1), line_item("i4", D3, "r4", "Cap", "30.00", 2),
            line_item("i5", D3, "r5", "Pen", "19.99", 1), line_item("i6", D3, "r6", "Sofa", "540.00", 1),
            line_item("i7", D3, "r7", "Bed", "5000.00", 1), line_item("i9", D3, "r9", "Rug", "50.00", 1),
        ],
    })
    got = result_rows(conn, orders_for_review.ORDERS_FOR_REVIEW)
    # Median of the valid totals 10, 20, 40, 50, 55, 60, 70, 540 = (50 + 55) / 2 = 52.5 → outlier above 525.
    # (Were the cancelled 3000 counted, the median would be 55 and r6's 540 would not be an outlier.)
    assert {r["median_order_value"] for r in got} == {Decimal("52.5000")}
    assert [(r["order_id"], r["rules"], r["risk_score"]) for r in got] == [
        ("r4", "amount_mismatch,qty_mismatch", 55),  # 35 + 20
        ("r8", "amount_mismatch,qty_mismatch", 55),  # |0 − 0 + 0 − 10| = 10; 1 unit ≠ 0
        ("r9", "high_discount,high_shipping,amount_mismatch", 55),  # 10 + 10 + 35
        ("r6", "outlier_amount", 25),
        ("r2", "high_discount", 10),
        ("r3", "high_shipping", 10),
    ]
    r4 = got[0]
    assert (r4["user_id"], r4["total_price"], r4["items_subtotal"], r4["items_qty"], r4["total_qty"]) == (
        "u-r4", Decimal("70.0000"), Decimal("60.0000"), 2, 3)
