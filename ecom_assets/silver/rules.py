"""Silver's cleaning and quarantine rules, as DuckDB SQL generated from the landing schema.

Expression builders take a SQL expression and return one (they are the project's "macros":
the IO manager runs plain queries, so they are inlined). :func:`classify_sql` is the one
classification of bronze rows that both the typed silver tables and the quarantine read,
so the two can never disagree.

A row gets the first reason that applies, in the order of ``contract.QUARANTINE_REASONS``;
inside a reason, the first offending column in schema order. Rules 1–7 look at the row alone
(:func:`quarantine_rules`); 8–9 compare it with the other rows of its event day across the
restatement window (``silver.tables.classify_sql``):

1. ``malformed_row``: the CSV reader could not split the line (``_raw_line`` is set);
2. ``missing_key``: a key column is empty or blank;
3. ``bad_timestamp``: a timestamp that is not ISO-8601 with ``Z`` or an offset (one without
   a zone is ambiguous, so it is refused), or a date that is not a valid ``YYYY-MM-DD``;
4. ``bad_number``: a decimal, integer or boolean (``0``/``1``/``true``/``false``) that does
   not parse;
5. ``out_of_range``: below ``Column.min`` / above ``Column.max``, or an event day (in the
   shop's time zone) after the drop date or before the first daily partition;
6. ``unknown_value``: outside ``Column.accepted`` after trimming and lower-casing;
7. ``late_event``: the event day is more than ``RESTATEMENT_DAYS`` before the drop date;
8. ``duplicate_key``: the key was already seen for the event day, in an earlier drop or at a
   lower ``_row_number`` of the same drop, among the rows that pass rules 1–7;
9. ``superseded``: a later state of the same ``Table.state_key`` (an order's correction) exists
   for the event day: the latest ``version_time``, then drop, then line, is kept.
"""

from collections.abc import Callable

from ecom_assets.business_rules import channel
from ecom_assets.partitions import TIMEZONE
from ecom_assets.schema import (
    BOOL,
    DATE,
    DECIMAL,
    DUCKDB_TYPES,
    INT,
    RESTATEMENT_DAYS,
    TIMESTAMP,
    Column,
    Table,
)
from ecom_assets.settings import start_date

_WHITESPACE = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"
_TS = r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-](0\d|1[0-4])(:?[0-5]\d)?)"
_IPV4 = r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})"
_HEXTET = "[0-9a-f]{1,4}"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def in_list(values: tuple[str, ...]) -> str:
    return ", ".join(literal(v) for v in values)


def clean(expr: str) -> str:
    """Trimmed text (spaces, tabs, line breaks), empty → NULL."""
    # trim() with a character set is slow: only call it on the rare value that needs it
    padded = rf"regexp_matches({expr}, '^[\t-\r ]|[\t-\r ]$')"
    return f"NULLIF(CASE WHEN {padded} THEN trim({expr}, {_WHITESPACE}) ELSE {expr} END, '')"


def parse_timestamp(expr: str) -> str:
    """ISO-8601 text with ``Z`` or an offset → UTC naive TIMESTAMP (NULL if it does not parse).

    The text must carry its zone (checked by pattern), so the instant is exact; it becomes UTC
    through the epoch, never through the session's TimeZone, so the result is the same on
    every machine.
    """
    return (
        f"CASE WHEN regexp_full_match({expr}, '{_TS}') "
        f"THEN make_timestamp(epoch_us(try_cast(upper({expr}) AS TIMESTAMPTZ))) END"
    )


def _parse_matching(pattern: str, sql_type: str) -> Callable[[str], str]:
    """A parser: ``try_cast`` to ``sql_type`` of the text that fully matches ``pattern``."""

    def parse(expr: str) -> str:
        return f"CASE WHEN regexp_full_match({expr}, '{pattern}') THEN try_cast({expr} AS {sql_type}) END"

    return parse


def parse_bool(expr: str) -> str:
    """``1``/``true`` → true, ``0``/``false`` → false (any case); anything else NULL."""
    value = f"lower({expr})"
    return f"CASE WHEN {value} IN ('1', 'true') THEN true WHEN {value} IN ('0', 'false') THEN false END"


PARSERS = {
    TIMESTAMP: parse_timestamp,
    DATE: _parse_matching(r"\d{4}-\d{2}-\d{2}", "DATE"),
    # plain decimals (12.5, -3, .25): no exponents, no thousands separators; rounded to 4 places
    DECIMAL: _parse_matching(r"[+-]?(\d+(\.\d*)?|\.\d+)", DUCKDB_TYPES[DECIMAL]),
    INT: _parse_matching(r"[+-]?\d+", "BIGINT"),
    BOOL: parse_bool,
}


def local_day(utc_timestamp: str, zone: str = TIMEZONE) -> str:
    """The shop-time calendar day of a UTC ``TIMESTAMP`` (independent of DuckDB's TimeZone)."""
    return f"CAST(timezone({literal(zone)}, timezone('UTC', {utc_timestamp})) AS DATE)"


def event_day(table: Table, raw: bool = False) -> str:
    """SQL of a typed row's event day: its ``event_time`` in the shop's time zone (a DATE column as
    it is), or the drop date for tables without one or a row whose event time is empty (or, with
    ``raw``, does not parse: the expression then reads a bronze row's text directly)."""
    if table.event_time is None:
        return "_drop_date"
    column = table.column(table.event_time)
    value = typed(column, clean(ident(column.name))) if raw else ident("_t_" + column.name)
    day = value if column.type == DATE else local_day(value)
    return f"coalesce({day}, _drop_date)"


def typed(column: Column, cleaned: str) -> str:
    """The silver value of a column from its cleaned text."""
    if column.type in PARSERS:
        return PARSERS[column.type](cleaned)
    return f"lower({cleaned})" if column.lower else cleaned


def ipv4_prefix(expr: str) -> str:
    """``203.0.113.57`` → ``203.0.113.0`` (octets without leading zeros); NULL if not IPv4."""
    octets = [f"try_cast(regexp_extract({expr}, '{_IPV4}', {i}) AS INTEGER)" for i in range(1, 5)]
    return (
        f"CASE WHEN regexp_full_match({expr}, '{_IPV4}') AND greatest({', '.join(octets)}) <= 255 "
        f"THEN {octets[0]} || '.' || {octets[1]} || '.' || {octets[2]} || '.0' END"
    )


def ipv6_prefix(expr: str) -> str:
    """The first 48 bits of an IPv6 address (the last 80 zeroed) in RFC 5952 form: lower case,
    no leading zeros, the zero groups compressed to a trailing ``::`` (``2001:0DB8:85a3::8a2e:370:7334``
    → ``2001:db8:85a3::``, ``::1`` → ``::``). A zone id (``%eth0``) is dropped. NULL if not IPv6."""
    bare = f"regexp_replace(lower({expr}), '%.*$', '')"
    padded = f"regexp_replace(regexp_replace({bare}, '^::', '0::'), '::$', '::0')"
    # With one '::', the colons count the explicit groups; a dotted IPv4 tail counts two.
    colons = f"length({padded}) - length(replace({padded}, ':', ''))"
    groups = f"({colons} + CASE WHEN contains({padded}, '.') THEN 1 ELSE 0 END)"
    full = f"replace({padded}, '::', ':' || repeat('0:', 8 - {groups}))"
    shape = rf"({_HEXTET}:){{7}}{_HEXTET}|({_HEXTET}:){{6}}\d{{1,3}}(\.\d{{1,3}}){{3}}"
    valid = f"regexp_full_match({full}, '{shape}')"
    first3 = f"regexp_extract({full}, '^({_HEXTET}:{_HEXTET}:{_HEXTET}):', 1)"
    short = rf"regexp_replace(regexp_replace({first3}, '(^|:)0+([0-9a-f])', '\1\2', 'g'), '(:0)+$', '')"
    return f"CASE WHEN {valid} THEN CASE WHEN {short} = '0' THEN '::' ELSE {short} || '::' END END"


def ip_prefix(expr: str) -> str:
    """The privacy-safe form of an IPv4 or IPv6 address; NULL when it is neither."""
    return f"coalesce({ipv4_prefix(expr)}, {ipv6_prefix(expr)})"


def mask_ips(expr: str) -> str:
    """Free text with IPv4 last octets zeroed and IPv6-looking tokens replaced (for raw lines)."""
    v4 = rf"regexp_replace({expr}, '(\d{{1,3}}\.\d{{1,3}}\.\d{{1,3}}\.)\d{{1,3}}', '\10', 'g')"
    v6 = r"[0-9A-Fa-f:]*::[0-9A-Fa-f:.]*|[0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{1,4}){3,7}(:[0-9.]+)?"
    return f"regexp_replace({v4}, '{v6}', '<ipv6>', 'g')"


def derived(table: Table) -> dict[str, str]:
    """Silver columns computed from a table's typed columns (``_t_<col>``)."""
    if table.name != "sessions":
        return {}
    return {
        "ip_prefix": ip_prefix('"_t_ip"'),
        "channel": channel('"_t_utm_medium"', '"_t_utm_source"', '"_t_referrer"'),
    }


def _shown(column: str) -> str:
    """``col='raw text'`` (or ``col=NULL``): the bronze value, for a quarantine detail."""
    return f"'{column}=' || coalesce('''' || {ident(column)} || '''', 'NULL')"


_HINTS = {
    TIMESTAMP: "not a valid ISO-8601 time with Z or an offset",
    DATE: "not a valid YYYY-MM-DD date",
    DECIMAL: "not a decimal",
    INT: "not an integer",
    BOOL: "not a boolean 0/1/true/false",
}
_PARSE_REASONS = {"bad_timestamp": (TIMESTAMP, DATE), "bad_number": (DECIMAL, INT, BOOL)}


def quarantine_rules(table: Table) -> list[tuple[str, str, str]]:
    """(reason, SQL condition, SQL detail) in the order they are tried, ``duplicate_key`` aside.

    Conditions read the cleaned text ``_c_<col>``, the typed value ``_t_<col>`` and the
    bronze columns; a detail names the column and its bronze value plus a short why.
    """
    t = {c.name: ident("_t_" + c.name) for c in table.columns}
    raw_line = mask_ips("_raw_line") if table.name == "sessions" else "_raw_line"
    rules = [("malformed_row", "_raw_line IS NOT NULL",
              f"'_raw_line=''' || {raw_line} || ''' (not splittable into the header''s fields)'")]
    rules += [("missing_key", f"{ident('_c_' + k)} IS NULL", f"{_shown(k)} || ' (key column is empty)'")
              for k in table.key]
    for reason, types in _PARSE_REASONS.items():
        rules += [(reason, f"{ident('_c_' + c.name)} IS NOT NULL AND {t[c.name]} IS NULL",
                   f"{_shown(c.name)} || ' ({_HINTS[c.type]})'") for c in table.columns if c.type in types]
    day = event_day(table) if table.event_time else None
    first = literal(start_date())
    for c in table.columns:
        for bound, op, word in ((c.min, "<", "below"), (c.max, ">", "above")):
            if bound is not None:
                rules.append(("out_of_range", f"{t[c.name]} {op} {bound:g}",
                              f"{_shown(c.name)} || ' ({word} {bound:g})'"))
        if c.name == table.event_time:
            rules.append(("out_of_range", f"{day} > _drop_date",
                          f"{_shown(c.name)} || ' (event day ' || {day} || ' is after the drop date ' "
                          "|| _drop_date || ')'"))
            rules.append(("out_of_range", f"{day} < DATE {first}",
                          f"{_shown(c.name)} || ' (event day ' || {day} || ' is before the first daily "
                          f"partition ' || {first} || ')'"))
    for c in table.columns:
        if c.accepted:
            rules.append(("unknown_value", f"{t[c.name]} NOT IN ({in_list(c.accepted)})",
                          f"{_shown(c.name)} || ' (accepted: {', '.join(c.accepted)})'"))
    if day:
        rules.append(("late_event", f"{day} < _drop_date - {RESTATEMENT_DAYS}",
                      f"{_shown(table.event_time)} || ' (event day ' || {day} || ' is more than "
                      f"{RESTATEMENT_DAYS} days before the drop date ' || _drop_date || ')'"))
    return rules
