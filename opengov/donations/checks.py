"""The verification rules as set-based DuckDB SQL (no Django models, no other database).

Each rule is a `Check`: a code, the article it enforces (`rules.ART`), how sure its findings
are (exact, approximate person match, or a screen) and one SQL query over the tables that
`load` creates. A query returns one row per finding with the transactions as evidence (ids and
the SHA-256 of each input row), the amount at issue and the limit it exceeds. Numbers come
from the profile (`rules.donation_rules()`), passed as parameters.

Tables (`load` creates them from Python rows or Arrow; the benchmark fills them directly):
- tx(id, row_hash, recipient_id, recipient_kind, office, vote_date, date, donor_kind,
  donor_key, donor_name, donor_norm, business_number, amount, cash, flags, match_score,
  window_start, window_end): the last two are an election's collection window when it is
  set (else the window follows from the office and the vote date)
- companies(business_number, name_norm, status, dissolved_on, revoked_on, government_share,
  party_invested, loss_years, foreign_member)
- company_names(business_number, name_norm, valid_from, valid_to)
- contracts(business_number, ocid, title, category, amount, start_date, end_date): the
  large-procurement thresholds by category (Government Procurement Act, the profile's
  `procurement` section) are applied here
- links(bn_a, bn_b, kind, shared) — companies sharing a director, representative or address
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from opengov.core.jurisdiction import jurisdiction

from . import rules

SCHEMA = """
CREATE OR REPLACE TABLE tx (
  id BIGINT, row_hash VARCHAR, recipient_id BIGINT, recipient_kind VARCHAR, office VARCHAR,
  vote_date DATE, date DATE, donor_kind VARCHAR, donor_key VARCHAR, donor_name VARCHAR,
  donor_norm VARCHAR, business_number VARCHAR, amount BIGINT, cash BOOLEAN, flags VARCHAR[],
  match_score DOUBLE, window_start DATE, window_end DATE);
CREATE OR REPLACE TABLE companies (
  business_number VARCHAR, name_norm VARCHAR, status VARCHAR, dissolved_on DATE,
  revoked_on DATE, government_share DOUBLE, party_invested BOOLEAN, loss_years INTEGER[],
  foreign_member VARCHAR);
CREATE OR REPLACE TABLE company_names (
  business_number VARCHAR, name_norm VARCHAR, valid_from DATE, valid_to DATE);
CREATE OR REPLACE TABLE contracts (
  business_number VARCHAR, ocid VARCHAR, title VARCHAR, category VARCHAR, amount DOUBLE,
  start_date DATE, end_date DATE);
CREATE OR REPLACE TABLE links (bn_a VARCHAR, bn_b VARCHAR, kind VARCHAR, shared VARCHAR);
"""


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the empty tables."""
    con = duckdb.connect(":memory:")
    con.execute(SCHEMA)
    return con


def load(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """Append Python rows to one of the tables, in Arrow batches (DuckDB reads them whole)."""
    names = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 100_000:
            _append(con, table, names, batch)
            batch = []
    if batch:
        _append(con, table, names, batch)


def _append(
    con: duckdb.DuckDBPyConnection, table: str, names: list[str], batch: list[tuple[Any, ...]]
) -> None:
    columns = list(zip(*batch, strict=True))
    arrow = pa.table(
        {name: pa.array(list(values)) for name, values in zip(names, columns, strict=True)}
    )
    con.register("_incoming", arrow)
    try:
        con.execute(f"INSERT INTO {table} SELECT {', '.join(names)} FROM _incoming")
    finally:
        con.unregister("_incoming")


@dataclass(frozen=True)
class Check:
    """One verification rule: its code, the article it enforces, its kind of confidence and
    its SQL (columns: recipient_id, donor_key, donor_name, business_number, amount, lim,
    tx_ids, hashes, score, detail)."""

    code: str
    confidence: str  # "exact" | "approximate" | "screen"
    sql: str

    @property
    def article(self) -> str:
        return rules.ART[self.code]


# A donor's income rows the limits count: donations from the three kinds Art. 17/18 limit.
_GIVEN = "donor_kind IN ('individual', 'company', 'civic_group') AND amount > 0"
_EVID = "list(id ORDER BY id) AS tx_ids, list(row_hash ORDER BY id) AS hashes"
_SCORE = "min(coalesce(match_score, 1.0)) AS score"
_LIMITS = """(SELECT * FROM (VALUES
  ('individual', $ind_c, $ind_ct, $ind_p, $ind_pt),
  ('company', $com_c, $com_ct, $com_p, $com_pt),
  ('civic_group', $civ_c, $civ_ct, $civ_p, $civ_pt)) l(kind, c, ct, p, pt))"""


def _limit_query(recipient_kind: str, column: str, per_recipient: bool) -> str:
    """Sums first (no evidence lists), then the rows of the groups over the limit only."""
    group = "recipient_id, " if per_recipient else ""
    same = "AND t.recipient_id = o.recipient_id" if per_recipient else ""
    recipient = "o.recipient_id" if per_recipient else "NULL::BIGINT"
    return f"""
WITH g AS (
  SELECT {group} donor_key, donor_kind, year(date) AS yr, sum(amount) AS total
  FROM tx WHERE {_GIVEN} AND recipient_kind = '{recipient_kind}' AND date IS NOT NULL
  GROUP BY ALL),
o AS (SELECT g.*, l.{column} AS lim FROM g JOIN {_LIMITS} l ON l.kind = g.donor_kind
  WHERE g.total > l.{column})
SELECT {recipient} AS recipient_id, o.donor_key, any_value(t.donor_name) AS donor_name,
  any_value(t.business_number) AS business_number, any_value(o.total)::BIGINT AS amount,
  any_value(o.lim)::BIGINT AS lim, list(t.id ORDER BY t.id) AS tx_ids,
  list(t.row_hash ORDER BY t.id) AS hashes, min(coalesce(t.match_score, 1.0)) AS score,
  o.yr::VARCHAR AS detail
FROM o JOIN tx t ON t.donor_key = o.donor_key AND year(t.date) = o.yr {same}
WHERE t.donor_kind IN ('individual', 'company', 'civic_group') AND t.amount > 0
  AND t.recipient_kind = '{recipient_kind}'
GROUP BY {recipient}, o.donor_key, o.yr"""


def _per_row(
    code: str, confidence: str, where: str, lim: str = "NULL", join: str = "", detail: str = "NULL"
) -> Check:
    return Check(
        code,
        confidence,
        f"""
SELECT recipient_id, donor_key, donor_name, business_number, amount::BIGINT AS amount,
  ({lim})::BIGINT AS lim, [id] AS tx_ids, [row_hash] AS hashes,
  coalesce(match_score, 1.0) AS score, ({detail})::VARCHAR AS detail
FROM tx {join} WHERE {where}""",
    )


_BN = "['bn_lost_zero', 'bn_length', 'bn_masked', 'bn_checksum', 'bn_not_digits']"
_COMPANY = "JOIN companies c USING (business_number)"
_COMPANY_GIFT = "tx.donor_kind = 'company' AND tx.amount > 0 AND tx.business_number <> ''"

CHECKS: tuple[Check, ...] = (
    Check("limit_candidate", "exact", _limit_query("candidate", "c", True)),
    Check("limit_candidates_total", "exact", _limit_query("candidate", "ct", False)),
    Check("limit_party", "exact", _limit_query("party", "p", True)),
    Check("limit_parties_total", "exact", _limit_query("party", "pt", False)),
    Check(
        "party_to_nominee",
        "exact",
        f"""
SELECT recipient_id, donor_key, any_value(donor_name) AS donor_name, '' AS business_number,
  sum(amount)::BIGINT AS amount, any_value(n.lim)::BIGINT AS lim, {_EVID}, 1.0 AS score,
  year(date)::VARCHAR AS detail
FROM tx JOIN (SELECT unnest($nominee_offices) AS office, unnest($nominee_limits) AS lim) n
  USING (office)
WHERE donor_kind = 'party' AND recipient_kind = 'candidate' AND amount > 0
GROUP BY recipient_id, donor_key, year(date) HAVING sum(amount) > any_value(n.lim)""",
    ),
    _per_row(
        "anonymous_each", "exact", "donor_kind = 'anonymous' AND amount > $anon_each", "$anon_each"
    ),
    Check(
        "anonymous_share",
        "exact",
        """
SELECT recipient_id, 'anonymous' AS donor_key, '' AS donor_name, '' AS business_number,
  sum(amount) FILTER (WHERE donor_kind = 'anonymous')::BIGINT AS amount,
  floor(sum(amount) * $anon_share / 100)::BIGINT AS lim,
  list(id ORDER BY id) FILTER (WHERE donor_kind = 'anonymous') AS tx_ids,
  list(row_hash ORDER BY id) FILTER (WHERE donor_kind = 'anonymous') AS hashes,
  1.0 AS score, sum(amount)::VARCHAR AS detail
FROM tx WHERE donor_kind <> 'expense' AND amount > 0
GROUP BY recipient_id, coalesce(vote_date::VARCHAR, year(date)::VARCHAR)
HAVING sum(amount) FILTER (WHERE donor_kind = 'anonymous') * 100 > sum(amount) * $anon_share""",
    ),
    _per_row(
        "cash", "exact", "cash AND amount > $cash_max AND donor_kind <> 'expense'", "$cash_max"
    ),
    Check(
        "window",
        "exact",
        """
SELECT recipient_id, donor_key, donor_name, business_number, amount, NULL::BIGINT AS lim,
  [id] AS tx_ids, [row_hash] AS hashes, 1.0 AS score,
  (w.start::VARCHAR || '..' || w.last::VARCHAR) AS detail
FROM (SELECT *,
    coalesce(window_start, CAST(vote_date - to_months(w_months) AS DATE)) AS start,
    coalesce(window_end, CAST(vote_date - 1 AS DATE)) AS last
  FROM tx
  LEFT JOIN (SELECT unnest($window_offices) AS office, unnest($window_months) AS w_months)
    USING (office)
  WHERE recipient_kind = 'candidate' AND date IS NOT NULL AND donor_kind <> 'expense'
    AND amount > 0
    AND (window_start IS NOT NULL OR (vote_date IS NOT NULL AND w_months IS NOT NULL))) w
WHERE date < w.start OR date > w.last""",
    ),
    _per_row(
        "state_owned",
        "exact",
        f"{_COMPANY_GIFT} AND c.government_share >= $gov_share",
        join=_COMPANY,
        detail="c.government_share",
    ),
    Check(
        "contractor",
        "exact",
        f"""
WITH large AS (
  SELECT k.* FROM contracts k JOIN (SELECT unnest(['works', 'goods', 'services']) AS category,
    unnest([$large_works, $large_goods, $large_services]) AS threshold) USING (category)
  WHERE k.amount >= threshold)
SELECT recipient_id, donor_key, any_value(donor_name) AS donor_name, business_number,
  any_value(tx.amount)::BIGINT AS amount, NULL::BIGINT AS lim, [id] AS tx_ids,
  [any_value(row_hash)] AS hashes, 1.0 AS score, string_agg(k.ocid, ' ' ORDER BY k.ocid) AS detail
FROM tx JOIN large k USING (business_number)
WHERE {_COMPANY_GIFT} AND tx.date >= k.start_date
  AND (k.end_date IS NULL OR tx.date <= k.end_date)
GROUP BY id, recipient_id, donor_key, business_number""",
    ),
    _per_row(
        "accumulated_loss",
        "exact",
        f"{_COMPANY_GIFT} AND list_contains(c.loss_years, year(tx.date) - 1)",
        join=_COMPANY,
        detail="year(tx.date) - 1",
    ),
    _per_row(
        "dissolved",
        "exact",
        f"{_COMPANY_GIFT} AND ((c.dissolved_on IS NOT NULL AND c.dissolved_on <= tx.date)"
        " OR (c.revoked_on IS NOT NULL AND c.revoked_on <= tx.date))",
        join=_COMPANY,
        detail="coalesce(c.revoked_on, c.dissolved_on)",
    ),
    _per_row(
        "foreign",
        "exact",
        f"{_COMPANY_GIFT} AND c.foreign_member <> ''",
        join=_COMPANY,
        detail="c.foreign_member",
    ),
    _per_row("party_business", "exact", f"{_COMPANY_GIFT} AND c.party_invested", join=_COMPANY),
    _per_row(
        "invalid_number",
        "exact",
        f"donor_kind <> 'expense' AND amount > 0 AND len(list_intersect(flags, {_BN})) > 0",
        detail=f"array_to_string(list_intersect(flags, {_BN}), ' ')",
    ),
    Check(
        "name_mismatch",
        "exact",
        f"""
SELECT recipient_id, donor_key, donor_name, business_number, amount, NULL::BIGINT AS lim,
  [id] AS tx_ids, [row_hash] AS hashes, 1.0 AS score, c.name_norm AS detail
FROM tx JOIN companies c USING (business_number)
WHERE {_COMPANY_GIFT} AND tx.donor_norm <> c.name_norm AND NOT EXISTS (
  SELECT 1 FROM company_names n WHERE n.business_number = tx.business_number
    AND n.name_norm = tx.donor_norm
    AND (n.valid_from IS NULL OR n.valid_from <= tx.date)
    AND (n.valid_to IS NULL OR n.valid_to > tx.date))""",
    ),
    Check(
        "split_donor",
        "exact",
        """
WITH pairs AS (SELECT bn_a, bn_b, string_agg(DISTINCT kind || ':' || shared, '; ') AS why
  FROM links WHERE bn_a < bn_b GROUP BY ALL),
linked AS (SELECT bn_a AS business_number FROM pairs UNION SELECT bn_b FROM pairs),
given AS (
  SELECT recipient_id, business_number, year(date) AS yr, sum(amount) AS total
  FROM tx SEMI JOIN linked USING (business_number)
  WHERE donor_kind = 'company' AND amount > 0 AND recipient_kind = 'candidate'
  GROUP BY ALL),
o AS (
  SELECT a.recipient_id, a.yr, a.business_number AS bn_a, b.business_number AS bn_b,
    a.total + b.total AS total, p.why
  FROM pairs p JOIN given a ON a.business_number = p.bn_a
  JOIN given b ON b.business_number = p.bn_b AND a.recipient_id = b.recipient_id
    AND a.yr = b.yr
  WHERE a.total <= $com_c AND b.total <= $com_c AND a.total + b.total > $com_c)
SELECT o.recipient_id, 'bn:' || o.bn_a || '+' || o.bn_b AS donor_key,
  string_agg(DISTINCT t.donor_name, ' + ') AS donor_name, o.bn_a AS business_number,
  any_value(o.total)::BIGINT AS amount, $com_c::BIGINT AS lim,
  list(t.id ORDER BY t.id) AS tx_ids, list(t.row_hash ORDER BY t.id) AS hashes,
  1.0 AS score, any_value(o.why) AS detail
FROM o JOIN tx t ON t.recipient_id = o.recipient_id AND year(t.date) = o.yr
  AND t.business_number IN (o.bn_a, o.bn_b)
WHERE t.donor_kind = 'company' AND t.amount > 0
GROUP BY o.recipient_id, o.bn_a, o.bn_b, o.yr""",
    ),
    Check(
        "double_cap",
        "exact",
        f"""
WITH g AS (
  SELECT recipient_id, donor_key, donor_kind, year(vote_date) AS vote_year,
    sum(amount) FILTER (WHERE month(date) = 12) AS dec,
    sum(amount) FILTER (WHERE month(date) = 1) AS jan
  FROM tx
  WHERE {_GIVEN} AND recipient_kind = 'candidate' AND month(vote_date) = 1
    AND ((month(date) = 12 AND year(date) = year(vote_date) - 1)
      OR (month(date) = 1 AND year(date) = year(vote_date)))
  GROUP BY ALL),
o AS (SELECT g.*, l.c AS lim FROM g JOIN {_LIMITS} l ON l.kind = g.donor_kind
  WHERE g.dec > 0 AND g.jan > 0 AND g.dec + g.jan > l.c)
SELECT o.recipient_id, o.donor_key, any_value(t.donor_name) AS donor_name,
  any_value(t.business_number) AS business_number, any_value(o.dec + o.jan)::BIGINT AS amount,
  any_value(o.lim)::BIGINT AS lim, list(t.id ORDER BY t.id) AS tx_ids,
  list(t.row_hash ORDER BY t.id) AS hashes, min(coalesce(t.match_score, 1.0)) AS score,
  any_value(o.dec)::VARCHAR || '+' || any_value(o.jan)::VARCHAR AS detail
FROM o JOIN tx t ON t.recipient_id = o.recipient_id AND t.donor_key = o.donor_key
WHERE t.amount > 0 AND ((month(t.date) = 12 AND year(t.date) = o.vote_year - 1)
  OR (month(t.date) = 1 AND year(t.date) = o.vote_year))
GROUP BY o.recipient_id, o.donor_key""",
    ),
    Check(
        "heaping",
        "screen",
        """
WITH lims AS (SELECT $ind_c AS lim UNION ALL SELECT $anon_each UNION ALL SELECT $com_c),
r AS (SELECT recipient_id, count(*) AS n FROM tx
  WHERE donor_kind <> 'expense' AND amount > 0 GROUP BY recipient_id)
SELECT t.recipient_id, 'heaping:' || l.lim AS donor_key, '' AS donor_name,
  '' AS business_number, count(*)::BIGINT AS amount, l.lim::BIGINT AS lim,
  list(t.id ORDER BY t.id) AS tx_ids, list(t.row_hash ORDER BY t.id) AS hashes,
  1.0 AS score, (count(*) || '/' || any_value(r.n)) AS detail
FROM tx t CROSS JOIN lims l JOIN r USING (recipient_id)
WHERE t.donor_kind <> 'expense' AND t.amount <= l.lim
  AND t.amount >= l.lim * (100 - $heap_below) / 100
GROUP BY t.recipient_id, l.lim
HAVING count(*) >= $heap_min AND count(*) * 100 > any_value(r.n) * $heap_share""",
    ),
    Check(
        "benford_first",
        "screen",
        """
WITH d AS (SELECT recipient_id, CAST(left(amount::VARCHAR, 1) AS INTEGER) AS digit
  FROM tx WHERE donor_kind <> 'expense' AND amount >= 10),
n AS (SELECT recipient_id, count(*) AS total FROM d GROUP BY ALL HAVING count(*) >= $benford_min),
o AS (SELECT recipient_id, digit, count(*) AS k FROM d GROUP BY ALL),
e AS (SELECT n.recipient_id, g.digit, n.total, coalesce(o.k, 0) AS k,
  log10(1 + 1 / g.digit) AS p FROM n CROSS JOIN range(1, 10) g(digit)
  LEFT JOIN o ON o.recipient_id = n.recipient_id AND o.digit = g.digit)
SELECT recipient_id, 'benford1' AS donor_key, '' AS donor_name, '' AS business_number,
  any_value(total)::BIGINT AS amount, NULL::BIGINT AS lim, []::BIGINT[] AS tx_ids,
  []::VARCHAR[] AS hashes, 1.0 AS score, round(avg(abs(k / total - p)), 5)::VARCHAR AS detail
FROM e GROUP BY recipient_id HAVING avg(abs(k / total - p)) > $mad_first""",
    ),
    Check(
        "benford_second",
        "screen",
        """
WITH d AS (SELECT recipient_id, CAST(substr(amount::VARCHAR, 2, 1) AS INTEGER) AS digit
  FROM tx WHERE donor_kind <> 'expense' AND amount >= 10),
n AS (SELECT recipient_id, count(*) AS total FROM d GROUP BY ALL HAVING count(*) >= $benford_min),
o AS (SELECT recipient_id, digit, count(*) AS k FROM d GROUP BY ALL),
p AS (SELECT g.digit, sum(log10(1 + 1 / (10 * f.first + g.digit))) AS p
  FROM range(0, 10) g(digit) CROSS JOIN range(1, 10) f(first) GROUP BY g.digit),
e AS (SELECT n.recipient_id, p.digit, n.total, coalesce(o.k, 0) AS k, p.p
  FROM n CROSS JOIN p LEFT JOIN o ON o.recipient_id = n.recipient_id AND o.digit = p.digit)
SELECT recipient_id, 'benford2' AS donor_key, '' AS donor_name, '' AS business_number,
  any_value(total)::BIGINT AS amount, NULL::BIGINT AS lim, []::BIGINT[] AS tx_ids,
  []::VARCHAR[] AS hashes, 1.0 AS score, round(avg(abs(k / total - p)), 5)::VARCHAR AS detail
FROM e GROUP BY recipient_id HAVING avg(abs(k / total - p)) > $mad_second""",
    ),
)

CHECKS_BY_CODE = {c.code: c for c in CHECKS}


def parameters() -> dict[str, Any]:
    """The profile's numbers as the queries' named parameters."""
    r = rules.donation_rules()
    nominee = dict(r.party_to_nominee)
    window = dict(r.collection_window_months)
    params: dict[str, Any] = {
        "nominee_offices": list(nominee),
        "nominee_limits": list(nominee.values()),
        "window_offices": list(window),
        "window_months": list(window.values()),
        "anon_each": r.anonymous_max_each,
        "anon_share": r.anonymous_share_max_percent,
        "cash_max": r.cash_max,
        "gov_share": r.government_share_percent,
        "heap_below": r.heaping_below_percent,
        "heap_share": r.heaping_min_share_percent,
        "heap_min": r.heaping_min_count,
        "benford_min": r.benford_min_count,
        "mad_first": r.benford_mad_first,
        "mad_second": r.benford_mad_second,
    }
    procurement = getattr(jurisdiction(), "procurement", None)
    for category in ("works", "goods", "services"):
        params[f"large_{category}"] = getattr(procurement, f"large_{category}", 0)
    for prefix, kind in (("ind", "individual"), ("com", "company"), ("civ", "civic_group")):
        limits = rules.limits_for(kind)
        assert limits is not None
        params[f"{prefix}_c"] = limits.to_candidate
        params[f"{prefix}_ct"] = limits.to_candidates_total
        params[f"{prefix}_p"] = limits.to_party
        params[f"{prefix}_pt"] = limits.to_parties_total
    return params


def _used(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if f"${k}" in sql}


@dataclass(frozen=True)
class Hit:
    """One finding of one check, with its evidence."""

    code: str
    article: str
    confidence: str
    recipient_id: int | None
    donor_key: str
    donor_name: str
    business_number: str
    amount: int | None
    limit: int | None
    tx_ids: tuple[int, ...]
    hashes: tuple[str, ...]
    score: float
    detail: str


def run(con: duckdb.DuckDBPyConnection, codes: Iterable[str] | None = None) -> list[Hit]:
    """Run the checks (all, or those codes) and return their findings."""
    params = parameters()
    hits: list[Hit] = []
    for check in CHECKS if codes is None else [CHECKS_BY_CODE[c] for c in codes]:
        for row in con.execute(check.sql, _used(check.sql, params)).fetchall():
            recipient_id, key, name, number, amount, lim, ids, hashes, score, detail = row
            confidence = check.confidence
            if confidence == "exact" and score is not None and score < 1.0:
                confidence = "approximate"
            hits.append(
                Hit(
                    check.code,
                    check.article,
                    confidence,
                    recipient_id,
                    key or "",
                    name or "",
                    number or "",
                    amount,
                    lim,
                    tuple(ids or ()),
                    tuple(hashes or ()),
                    float(score) if score is not None and not math.isnan(score) else 1.0,
                    detail or "",
                )
            )
    return hits
