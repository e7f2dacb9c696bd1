"""Gold tables of the customer domain: lifetime metrics with RFM, cohorts, segmentation, predicted
lifetime value and subscriptions."""

from ecom_assets.business_rules import VALUE_SEGMENT_FLOORS
from ecom_assets.dictionary.gold.common import (
    AS_OF_DATE,
    DATE,
    ORDER_REVENUE,
    USER_ID,
    VALID,
    count,
    day,
    days,
    gold,
    money,
    number,
    rate,
    score,
    text,
)
from ecom_assets.dictionary.model import DAYS
from ecom_assets.gold.customer.customer_clv_predictions import HORIZON_DAYS

_FLOORS = ", ".join(f"{name} ≥ {floor}" for name, floor in VALUE_SEGMENT_FLOORS)
VALUE_SEGMENT = f"On historic_clv (revenue − refunds): {_FLOORS}, else Low Value."
ACTIVITY = "By days since the last order: Active ≤ 30, Lapsing ≤ 90, Dormant ≤ 365, else Inactive."
RFM_SEGMENT = (
    "From the scores R, F, M, first match wins: R ≥ 4 and F ≥ 4 and M ≥ 4 → Champion; R ≥ 3 and F ≥ 3 → "
    "Loyal; R ≥ 4 and F = 1 → New; R ≥ 3 → Promising; M ≥ 4 → Big Spender; F ≥ 3 → At Risk; R = 1 and F = 1 "
    "→ Lost; else Hibernating."
)
HISTORY = ("Computed from all history up to the week's last day and nothing after it, so re-running an old "
           "week gives the same rows.")

TABLES = [
    gold(
        "user_lifetime_metrics",
        "one row per user with a valid order up to the week's last day",
        {
            "as_of_date": AS_OF_DATE,
            "user_id": USER_ID,
            "first_order_date": day("Day of the user's first valid order."),
            "last_order_date": day("Day of the user's latest valid order."),
            "total_orders": count("Distinct valid orders."),
            "total_revenue": money(f"Lifetime {ORDER_REVENUE}."),
            "avg_order_value": money("total_revenue / total_orders.", "DOUBLE"),
            "days_since_last_order": days("as_of_date − last_order_date."),
            "total_refunded": money("SUM(refund_amount) of the user's returns booked up to as_of_date."),
            "return_rate": rate("Units returned / units bought in valid orders × 100; NULL when no unit was "
                                "bought."),
            "lifespan_days": days("last_order_date − first_order_date."),
            "historic_clv": money("total_revenue − total_refunded: what the customer brought so far."),
            "favorite_category": text("The category (dim_product of the order day, by product name) with "
                                      "the most line-item revenue, ties by name; items of unknown category "
                                      "are left out."),
            "value_segment": text(VALUE_SEGMENT),
            "activity_status": text(ACTIVITY),
            "rfm_recency_score": score("days_since_last_order ≤ 30 → 5, ≤ 90 → 4, ≤ 180 → 3, ≤ 365 → 2, "
                                       "else 1."),
            "rfm_frequency_score": score("total_orders ≥ 10 → 5, ≥ 5 → 4, ≥ 3 → 3, = 2 → 2, else 1."),
            "rfm_monetary_score": score("total_revenue ≥ 1000 → 5, ≥ 500 → 4, ≥ 200 → 3, ≥ 50 → 2, else 1."),
            "rfm_segment": text(RFM_SEGMENT),
        },
        f"Lifetime numbers from {VALID}. {HISTORY}",
    ),
    gold(
        "cohort_analysis",
        "one row per (cohort_month, months_since_first) as of the week's last day",
        {
            "as_of_date": AS_OF_DATE,
            "cohort_month": day("First day of the month of the users' first valid order: the cohort."),
            "months_since_first": count("Calendar months since the cohort month (0 = the cohort month)."),
            "cohort_size": count("Users in the cohort (constant across its months)."),
            "active_customers": count("Users of the cohort with a valid order in that month."),
            "retention_rate": rate("active_customers / cohort_size × 100."),
            "revenue": money(f"The cohort's {ORDER_REVENUE} in that month."),
        },
        "Every month from a cohort's first to the as-of month has a row (0 when no one ordered); the as-of "
        f"month is partial, counted up to as_of_date. {HISTORY}",
    ),
    gold(
        "customer_segmentation",
        "one row per customer of user_lifetime_metrics as of the week's last day",
        {
            "as_of_date": AS_OF_DATE,
            "customer_id": text("The customer (user_id)."),
            "value_segment": text(f"user_lifetime_metrics.value_segment. {VALUE_SEGMENT}"),
            "activity_status": text(f"user_lifetime_metrics.activity_status. {ACTIVITY}"),
            "distinct_categories": count("Distinct known categories (dim_product of the sale day) the "
                                         "customer bought up to as_of_date."),
            "purchase_diversity": text("1 category → Single Category, 2-3 → Few Categories, ≥ 4 → Diverse; "
                                       "NULL when no bought product has a known category."),
            "total_spend": money(f"user_lifetime_metrics.total_revenue: lifetime {ORDER_REVENUE}."),
            "total_transactions": count("Distinct valid orders."),
            "avg_transaction_value": money("total_spend / total_transactions.", "DOUBLE"),
            "last_purchase_date": day("Day of the latest valid order."),
            "days_since_last_purchase": days("as_of_date − last_purchase_date."),
            "segment_date": day("The day the segments are as of (= as_of_date)."),
        },
        "A customer view of user_lifetime_metrics under the names of an e-commerce ER design.",
    ),
    gold(
        "customer_clv_predictions",
        "one row per customer with a valid order up to the week's last day",
        {
            "as_of_date": AS_OF_DATE,
            "user_id": USER_ID,
            "frequency": count("Repeat purchase days: distinct days with a valid order − 1."),
            "recency": days("Last − first order day."),
            "t_days": days("as_of_date − first order day: how long the customer has been observed."),
            "monetary": money("Mean revenue of the repeat purchase days; NULL for a one-time "
                              "buyer.", "DOUBLE"),
            "p_alive": number("Probability the customer is still active at as_of_date (BG/NBD); NULL when "
                              "the model could not be fitted."),
            "expected_purchases_90d": number(f"Expected purchase days in the next {HORIZON_DAYS} days "
                                             "(BG/NBD)."),
            "expected_avg_order_value": money("Expected revenue per purchase day (Gamma-Gamma; the "
                                              "population's mean for one-time buyers).", "DOUBLE"),
            "predicted_clv_90d": money("expected_purchases_90d × expected_avg_order_value, undiscounted.",
                                       "DOUBLE"),
        },
        "The BG/NBD purchase model and the Gamma-Gamma spend model, fitted each week by maximum likelihood, "
        "in days, on every customer as of the week's last day; each materialization reports the fitted "
        f"parameters, log-likelihoods and convergence. Time is measured in {DAYS}.",
    ),
    gold(
        "subscription_performance",
        "one row per (day, plan) for every plan a subscription's state carried by the day",
        {
            "date": DATE,
            "plan": text("The subscription plan."),
            "active_subscriptions": count("Subscriptions active at the end of the day."),
            "new_subscriptions": count("Subscriptions whose started_at falls on the day (shop time)."),
            "cancelled_subscriptions": count("Subscriptions whose cancelled_at falls on the day."),
            "paused_subscriptions": count("Subscriptions paused at the end of the day."),
            "mrr": money("Monthly recurring revenue: SUM(monthly_fee) of the active subscriptions."),
            "net_mrr_change": money("mrr − the previous day's mrr (0 when the plan had no row then); NULL "
                                    "on the first partition day."),
            "churn_rate": rate("cancelled_subscriptions / subscriptions active at the end of the previous "
                               "day × 100; NULL when none were, and on the first partition day."),
        },
        "The subscription file is a delta: a subscription's state on day D is its latest row with a drop "
        "date on or before D (a plan change moves it to its new plan).",
    ),
]
