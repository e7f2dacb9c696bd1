"""The business rules every layer shares, named once: valid orders, channels, customer segments.

Silver and gold import them from here; the data dictionary quotes them. Each is SQL text (a
condition or an expression) or the constants it is built from.
"""

# A valid order: not cancelled (a NULL status counts as valid). Revenue, orders and customers count
# valid orders only; line items of a cancelled order are not sales.
VALID = "order_status IS DISTINCT FROM 'cancelled'"

# -- channels: the first rule that matches wins (see ``channel``) -----------------------------------
SEARCH_ENGINES = ("google", "bing", "duckduckgo", "yahoo", "baidu", "yandex")
SOCIAL_SITES = ("facebook", "instagram", "tiktok", "twitter", "linkedin", "pinterest", "reddit", "youtube")
SOCIAL_HOSTS = ("x.com",)  # a whole domain: a bare "x" label would match far too much
PAID_SOCIAL_SOURCES = ("facebook", "instagram", "tiktok", "twitter", "linkedin", "pinterest")


def _in_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def referrer_host(expr: str) -> str:
    """The host of a referrer URL (scheme optional), lower case, without ``www.``; NULL if none."""
    host = rf"regexp_extract(lower({expr}), '^(?:[a-z][a-z0-9+.-]*://)?(?:[^/?#@]*@)?([^/?#:]+)', 1)"
    return rf"NULLIF(regexp_replace({host}, '^www\.', ''), '')"


def host_is(host: str, names: tuple[str, ...], domains: tuple[str, ...] = ()) -> str:
    """Whether ``host``'s registrable name is one of ``names``: the name, an optional 2–3 letter
    second level and a TLD end the host (``google.com``, ``news.google.co.uk``, ``m.facebook.com``;
    an approximation of the public-suffix list). ``domains`` match whole (``x.com``, ``m.x.com``)."""
    alternatives = [rf"({'|'.join(names)})(\.[a-z]{{2,3}})?\.[a-z]{{2,}}"]
    alternatives += [d.replace(".", r"\.") for d in domains]
    return rf"coalesce(regexp_matches({host}, '(^|\.)({'|'.join(alternatives)})$'), false)"


def channel(medium: str, source: str, referrer: str) -> str:
    """The session's channel (metrics.md "Channel"): the first rule that matches wins.

    ``medium``/``source`` are lower-cased; ``referrer`` is trimmed, NULL when empty.
    """
    host = referrer_host(referrer)
    return f"""CASE
        WHEN {medium} IN ('paid_social', 'paidsocial')
          OR ({medium} IN ('cpc', 'ppc') AND {source} IN ({_in_list(PAID_SOCIAL_SOURCES)})) THEN 'Paid Social'
        WHEN {medium} IN ('cpc', 'ppc', 'paidsearch') THEN 'Paid Search'
        WHEN {medium} = 'email' THEN 'Email'
        WHEN {medium} = 'affiliate' THEN 'Affiliates'
        WHEN {medium} IN ('social', 'social-network') THEN 'Organic Social'
        WHEN {host_is(host, SEARCH_ENGINES)} THEN 'Organic Search'
        WHEN {host_is(host, SOCIAL_SITES, SOCIAL_HOSTS)} THEN 'Organic Social'
        WHEN {referrer} IS NOT NULL THEN 'Referral'
        ELSE 'Direct'
    END"""


# -- customer segments --------------------------------------------------------------------------------
# rfm_segment values → the KPI key counting the week's customers in it.
RFM_SEGMENTS = {
    "Champion": "champions",
    "Loyal": "loyal",
    "New": "new",
    "Promising": "promising",
    "Big Spender": "big_spenders",
    "At Risk": "at_risk",
    "Lost": "lost",
    "Hibernating": "hibernating",
}
VALUE_SEGMENTS = ("High Value", "Medium Value", "Low Value")
# value_segment: historic_clv (revenue − refunds) at least this much, first match wins, else Low Value.
VALUE_SEGMENT_FLOORS = (("High Value", 1000), ("Medium Value", 200))


def value_segment(clv: str) -> str:
    """SQL of the value segment of a historic CLV (the one definition, also used by the daily tables)."""
    whens = " ".join(f"WHEN {clv} >= {floor} THEN '{name}'" for name, floor in VALUE_SEGMENT_FLOORS)
    return f"CASE {whens} ELSE 'Low Value' END"

ACTIVITY_STATUSES = ("Active", "Lapsing", "Dormant", "Inactive")
