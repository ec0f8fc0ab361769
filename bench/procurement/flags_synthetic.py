"""Synthetic OCDS 1.1 compiled releases with bids, written by DuckDB as JSON Lines.

Deterministic (every value is a hash of the release number and a salt), so two runs of the
same size read the same file. About 2 kB a release: procedures of the four OCDS methods,
2,000 buyers, 50,000 companies with business numbers (60 % of a buyer's bidders come from
its local market of 30 companies, so groups of bidders meet again; 1 % of processes are a
cartel of three taking turns), 1 to 6 bids each (some disqualified, a few late, some rounded
to the thousand, a few cover bids 0.1 % above the first, a few identical bids, a few priced at the
estimate), one
award to the lowest valid bid (some pending) with classified items (a company mostly
supplies its own class).
"""

from __future__ import annotations

from pathlib import Path

import duckdb


def h(salt: str, modulo: int, *keys: str) -> str:
    """A deterministic pseudo-random integer in [0, modulo) from the keys."""
    joined = ", ".join(keys)
    return f"(hash({joined}, '{salt}') % {modulo})::BIGINT"


def _iso(expr: str) -> str:
    return f"strftime({expr}, '%Y-%m-%dT%H:%M:%SZ')"


def generate(path: Path, releases: int) -> None:
    """Write `releases` compiled releases to `path` (JSON Lines)."""
    con = duckdb.connect()
    # a cartel process: the buyer's first three local companies, taking turns to win
    company = (
        f"CASE WHEN cartel THEN buyer_no * 25 + (k + {h('rot', 3, 'i')}) % 3 "
        f"WHEN {h('l', 10, 'i', 'k')} < 6 THEN (buyer_no * 25 + {h('t', 30, 'i', 'k')}) "
        f"% 50000 ELSE {h('u', 50000, 'i', 'k')} END + 10000000"
    )
    # bids 3 % apart on average; a cover bid 0.1 % above the first; some rounded to the
    # thousand; a few processes priced at the estimate
    factor = (
        f"(CASE WHEN near_estimate THEN 0.996 ELSE 0.80 END + 0.03 * k "
        f"+ {h('a', 400, 'i', 'k')} / 20000.0)"
    )
    first = f"(0.80 + {h('a', 400, 'i', '0::BIGINT')} / 20000.0)"
    amount = (
        f"CASE WHEN cartel AND k = 1 THEN round(estimate * {first} * 1.001, 0) "
        f"WHEN k IN (1, 2) AND {h('same', 100, 'i')} = 0 THEN round(estimate * {first} * 1.05, 0) "
        f"WHEN k = 1 AND {h('cv', 50, 'i')} = 0 THEN round(estimate * {first} * 1.001, 0) "
        f"WHEN {h('r', 20, 'i', 'k')} = 0 THEN round(estimate * {factor}, -3) "
        f"ELSE round(estimate * {factor}, 0) END"
    )
    con.execute(
        f"""
        COPY (
        WITH base AS (
            SELECT i, 'ocds-bench-' || i AS ocid, {h("b", 2000, "i")} AS buyer_no,
                   'G' || {h("b", 2000, "i")} AS buyer,
                   CASE WHEN {h("m", 20, "i")} < 14 THEN 'open'
                        WHEN {h("m", 20, "i")} < 16 THEN 'selective'
                        WHEN {h("m", 20, "i")} < 18 THEN 'limited' ELSE 'direct' END AS method,
                   TIMESTAMPTZ '2020-01-01 00:00:00+00'
                       + to_days({h("s", 1800, "i")}::INTEGER) AS start,
                   CASE WHEN {h("sp", 20, "i")} = 0 THEN 5 + {h("d", 10, "i")}
                        ELSE 15 + {h("d", 45, "i")} END AS period_days,
                   {h("k", 100, "i")} = 0 AS cartel,
                   {h("ne", 100, "i")} = 0 AS near_estimate,
                   CASE WHEN {h("k", 100, "i")} = 0 THEN 3 ELSE 1 + {h("n", 6, "i")} END
                       AS nbids,
                   (10000 + {h("e", 10000000, "i")})::DOUBLE AS estimate
            FROM range({int(releases)}) r(i)
        ), bids AS (
            SELECT base.*, start + to_days(period_days::INTEGER) AS tender_end,
                   [{{
                     id: ocid || '-bid-' || k,
                     date: {
            _iso(
                f"start + to_days(CASE WHEN {h('lt', 200, 'i', 'k')} = 0 "
                f"THEN period_days + 1 ELSE {h('bd', 1000, 'i', 'k')} "
                "* period_days // 1000 END::INTEGER)"
            )
        },
                     status: CASE WHEN {h("w", 200, "i", "k")} = 0 THEN 'withdrawn'
                                  WHEN {h("q", 12, "i", "k")} = 0 THEN 'disqualified'
                                  ELSE 'valid' END,
                     value: {{amount: {amount}, currency: 'TWD'}},
                     tenderers: [{{id: 'C' || ({company}), name: '公司' || ({company})}}]
                   }} FOR k IN range(nbids)] AS details
            FROM base
        ), won AS (
            SELECT bids.*,
                   list_position(
                       [CASE WHEN d.status = 'valid' THEN d.value.amount END FOR d IN details],
                       list_min([CASE WHEN d.status = 'valid' THEN d.value.amount END
                                 FOR d IN details])) AS winner
            FROM bids
        )
        SELECT ocid, ocid || '-compiled' AS id, {_iso("start")} AS date,
               ['compiled'] AS tag, 'tender' AS initiationType,
               list_concat(
                 [{{id: buyer, name: '機關' || buyer, identifier: {{scheme: 'TW-GOV', id: buyer}},
                    roles: ['buyer']}}],
                 [{{id: d.tenderers[1].id, name: d.tenderers[1].name,
                    identifier: {{scheme: 'TW-MOEA', id: substr(d.tenderers[1].id, 2)}},
                    roles: ['tenderer']}} FOR d IN details]
               ) AS parties,
               {{id: buyer, name: '機關' || buyer}} AS buyer,
               {{id: ocid || '-tender', status: 'complete', procurementMethod: method,
                 procurementMethodDetails: CASE method WHEN 'open' THEN '公開招標'
                     WHEN 'selective' THEN '選擇性招標' ELSE '限制性招標' END,
                 numberOfTenderers: nbids,
                 tenderPeriod: {{startDate: {_iso("start")}, endDate: {_iso("tender_end")}}},
                 value: {{amount: estimate, currency: 'TWD'}},
                 procuringEntity: {{id: buyer, name: '機關' || buyer}}}} AS tender,
               {{details: details}} AS bids,
               CASE WHEN winner IS NULL THEN [] ELSE
               [{{id: ocid || '-award', status: CASE WHEN {h("p", 50, "i")} = 0 THEN 'pending'
                                                    ELSE 'active' END,
                  date: {_iso("tender_end + to_days(10)")},
                  value: details[winner].value,
                  suppliers: details[winner].tenderers,
                  items: [{{id: '1', classification: {{scheme: 'UNSPSC',
                            id: (CASE WHEN {h("cc", 10, "i")} = 0 THEN {h("c", 60, "i")}
                                      ELSE hash(details[winner].tenderers[1].id) % 60
                                 END + 10)::VARCHAR || '101500'}}}}]}}] END AS awards
        FROM won
        ) TO '{path}' (FORMAT json)
        """
    )
    con.close()
