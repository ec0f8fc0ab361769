-- The same red flags written directly as DuckDB SQL (the benchmark's reference), with the
-- profile's default thresholds, counting flagged subjects per flag. No evidence, no views,
-- no Python: what one would write by hand for a one-off analysis of the file. `$path` is
-- replaced by the benchmark. Statements are separated by a semicolon at the end of a line.
CREATE MACRO r8(v, p) AS CASE
    WHEN len(v) = 0 THEN NULL
    WHEN (len(v) + 1.0 / 3) * p + 1.0 / 3 < 1 THEN v[1]
    WHEN (len(v) + 1.0 / 3) * p + 1.0 / 3 >= len(v) THEN v[len(v)]
    ELSE v[floor((len(v) + 1.0 / 3) * p + 1.0 / 3)::BIGINT]
         + ((len(v) + 1.0 / 3) * p + 1.0 / 3 - floor((len(v) + 1.0 / 3) * p + 1.0 / 3))
         * (v[floor((len(v) + 1.0 / 3) * p + 1.0 / 3)::BIGINT + 1]
            - v[floor((len(v) + 1.0 / 3) * p + 1.0 / 3)::BIGINT]) END;
CREATE TABLE ref AS
SELECT * FROM read_json('$path', format = 'newline_delimited', columns = {
    'ocid': 'VARCHAR', 'date': 'VARCHAR', 'buyer': 'STRUCT(id VARCHAR)',
    'parties': 'STRUCT(id VARCHAR, identifier STRUCT(id VARCHAR))[]',
    'tender': 'STRUCT(status VARCHAR, procurementMethod VARCHAR, numberOfTenderers BIGINT, tenderPeriod STRUCT(startDate VARCHAR, endDate VARCHAR), value STRUCT(amount DOUBLE, currency VARCHAR))',
    'bids': 'STRUCT(details STRUCT(id VARCHAR, date VARCHAR, status VARCHAR, value STRUCT(amount DOUBLE, currency VARCHAR), tenderers STRUCT(id VARCHAR)[])[])',
    'awards': 'STRUCT(status VARCHAR, date VARCHAR, value STRUCT(amount DOUBLE, currency VARCHAR), suppliers STRUCT(id VARCHAR)[], items STRUCT(classification STRUCT(id VARCHAR))[])[]'})
WHERE ocid IS NOT NULL AND coalesce(tender.status, '') <> 'cancelled';
CREATE TABLE rp AS
SELECT ocid, p.id AS pid, first(coalesce(nullif(trim(p.identifier.id), ''), p.id)) AS k
FROM (SELECT ocid, unnest(parties) AS p FROM ref) GROUP BY ocid, p.id;
CREATE TABLE rr AS
SELECT r.ocid, coalesce(rp.k, r.buyer.id) AS buyer, r.tender.procurementMethod AS method,
       r.tender.numberOfTenderers AS declared, try_cast(r.date AS TIMESTAMPTZ) AS rdate,
       try_cast(r.tender.tenderPeriod.startDate AS TIMESTAMPTZ) AS s,
       try_cast(r.tender.tenderPeriod.endDate AS TIMESTAMPTZ) AS e,
       r.tender.value.amount AS est, r.tender.value.currency AS estcur,
       r.bids.details IS NOT NULL AS hb, r.awards IS NOT NULL AS ha
FROM ref r LEFT JOIN rp ON rp.ocid = r.ocid AND rp.pid = r.buyer.id;
CREATE TABLE rb AS
SELECT x.ocid, x.i, x.b.status AS st, try_cast(x.b.date AS TIMESTAMPTZ) AS d,
       x.b.value.amount AS amt, x.b.value.currency AS cur, len(x.b.tenderers) AS nt,
       coalesce(rp.k, x.t.id) AS k
FROM (SELECT ocid, i, b, unnest(b.tenderers) AS t
      FROM (SELECT ocid, generate_subscripts(bids.details, 1) AS i, unnest(bids.details) AS b
            FROM ref)) x
LEFT JOIN rp ON rp.ocid = x.ocid AND rp.pid = x.t.id;
CREATE TABLE ra AS
SELECT x.ocid, x.j, x.a.status AS st, try_cast(x.a.date AS TIMESTAMPTZ) AS d,
       x.a.value.amount AS amt, x.a.value.currency AS cur, len(x.a.suppliers) AS ns,
       coalesce(rp.k, x.s.id) AS k,
       [c.classification.id FOR c IN x.a.items IF c.classification.id IS NOT NULL] AS cls
FROM (SELECT ocid, j, a, unnest(a.suppliers) AS s
      FROM (SELECT ocid, generate_subscripts(awards, 1) AS j, unnest(awards) AS a FROM ref)) x
LEFT JOIN rp ON rp.ocid = x.ocid AND rp.pid = x.s.id;
CREATE TABLE rs AS
SELECT ocid, i, any_value(st) AS st, any_value(amt) AS amt, any_value(cur) AS cur,
       list_sort(list(k)) AS ks
FROM rb WHERE st NOT IN ('invited', 'withdrawn') GROUP BY ocid, i;
CREATE TABLE rf AS
SELECT r.ocid, CASE WHEN a.na = 1 AND a.ms = 1 THEN a.w END AS w, coalesce(a.sup, []) AS sup
FROM rr r LEFT JOIN (
    SELECT ocid, bool_and(st IS NULL OR st IN ('active', 'cancelled', 'unsuccessful')) AS fin,
           count(DISTINCT j) FILTER (WHERE st = 'active') AS na,
           max(ns) FILTER (WHERE st = 'active') AS ms, min(k) FILTER (WHERE st = 'active') AS w,
           list(DISTINCT k) FILTER (WHERE st = 'active' AND k IS NOT NULL) AS sup
    FROM ra GROUP BY ocid) a USING (ocid)
WHERE r.hb AND r.ha AND coalesce(a.fin, true);
CREATE TABLE rratio AS
WITH v AS (SELECT * FROM rb WHERE st = 'valid' AND nt = 1 AND amt IS NOT NULL
                                  AND cur IS NOT NULL AND k IS NOT NULL),
w AS (SELECT f.ocid, f.w, min(v.amt) AS wa, arg_min(v.cur, v.amt) AS wc
      FROM rf f JOIN v ON v.ocid = f.ocid AND v.k = f.w
      WHERE f.ocid NOT IN (SELECT ocid FROM rb WHERE st = 'valid' AND nt > 1)
      GROUP BY f.ocid, f.w),
s AS (SELECT w.ocid, min(v.amt) AS sa FROM w JOIN v ON v.ocid = w.ocid AND v.k <> w.w
                                                  AND v.cur = w.wc GROUP BY w.ocid)
SELECT ocid, (sa - wa) / wa AS r FROM w JOIN s USING (ocid) WHERE wa > 0 AND sa >= wa;
SELECT 'R003', 'process', count(*) FROM rr WHERE trunc(epoch(e - s) / 86400) < 15;
SELECT 'R018', 'process', count(*) FROM rr
LEFT JOIN (SELECT ocid, count(DISTINCT k) AS n FROM rb
           WHERE st NOT IN ('invited', 'withdrawn') GROUP BY ocid) c USING (ocid)
WHERE method IN ('open', 'selective') AND coalesce(declared, c.n) = 1;
WITH q AS (SELECT r8(l, 0.25) AS q1, r8(l, 0.75) AS q3
           FROM (SELECT list_sort(list(r)) AS l FROM rratio)),
f AS (SELECT count(*) AS n FROM rratio, q
      WHERE q1 > 0 AND q1 - 1.5 * (q3 - q1) > 0 AND r <= q1 - 1.5 * (q3 - q1))
SELECT 'R024', 'process', n FROM f UNION ALL SELECT 'R024', 'tenderer', 2 * n FROM f;
WITH q AS (SELECT r8(l, 0.25) AS q1, r8(l, 0.75) AS q3
           FROM (SELECT list_sort(list(r)) AS l FROM rratio)),
f AS (SELECT count(*) AS n FROM rratio, q
      WHERE q3 + 1.5 * (q3 - q1) > 0 AND r >= q3 + 1.5 * (q3 - q1))
SELECT 'R058', 'process', n FROM f UNION ALL SELECT 'R058', 'tenderer', n FROM f;
WITH p AS (SELECT b.ocid, b.k, bool_or(b.k = f.w) AS won FROM rf f
           JOIN rb b ON b.ocid = f.ocid AND b.st = 'valid' AND b.nt = 1 AND b.k IS NOT NULL
           WHERE f.w IS NOT NULL GROUP BY b.ocid, b.k),
t AS (SELECT k, count(*) AS n, count(*) FILTER (WHERE won) / count(*) AS ratio
      FROM p GROUP BY k),
q AS (SELECT r8(c, 0.75) AS top, r8(l, 0.25) AS q1, r8(l, 0.75) AS q3
      FROM (SELECT list_sort(list(n::DOUBLE)) AS c, list_sort(list(ratio)) AS l FROM t))
SELECT 'R025', 'tenderer', count(*) FROM t, q
WHERE q1 > 0 AND q1 - 1.5 * (q3 - q1) > 0 AND n >= top AND ratio <= q1 - 1.5 * (q3 - q1);
WITH g AS (SELECT ocid, amt, cur FROM rs WHERE amt IS NOT NULL AND cur IS NOT NULL
           AND len(ks) > 0 GROUP BY ALL HAVING count(DISTINCT ks) > 1),
t AS (SELECT DISTINCT s.ocid, unnest(s.ks) AS k FROM rs s JOIN g USING (ocid, amt, cur))
SELECT 'R028', 'process', count(DISTINCT ocid) FROM t
UNION ALL SELECT 'R028', 'tenderer', count(*) FROM t;
WITH t AS (SELECT DISTINCT b.ocid, b.k FROM rb b JOIN rr r USING (ocid)
           JOIN ra a ON a.ocid = b.ocid AND a.st = 'active' AND a.k = b.k
           WHERE b.st = 'valid' AND b.d > r.e)
SELECT 'R030', 'process', count(DISTINCT ocid) FROM t
UNION ALL SELECT 'R030', 'tenderer', count(*) FROM t;
WITH s AS (SELECT f.ocid, any_value(f.sup) AS sup,
                  list_distinct(list(b.k) FILTER (WHERE b.st = 'valid')) AS v,
                  list_distinct(list(b.k) FILTER (WHERE b.st = 'disqualified')) AS dq
           FROM rf f JOIN rb b ON b.ocid = f.ocid WHERE b.k IS NOT NULL GROUP BY f.ocid),
x AS (SELECT count(*) AS n FROM s WHERE len(v) = 1 AND sup = v
      AND len(list_filter(coalesce(dq, []), lambda y: y <> v[1])) >= 1)
SELECT 'R035', 'process', n FROM x UNION ALL SELECT 'R035', 'tenderer', n FROM x;
WITH c AS (SELECT ocid, cur, arg_min(st, (amt, i)) AS lowest, bool_or(st = 'valid') AS hv
           FROM rs WHERE amt IS NOT NULL AND cur IS NOT NULL
             AND ocid IN (SELECT ocid FROM ra WHERE st = 'active') GROUP BY ocid, cur)
SELECT 'R036', 'process', count(*) FROM c WHERE hv AND lowest = 'disqualified';
WITH b AS (SELECT r.buyer, count(*) AS n, count(*) FILTER (WHERE s.st = 'disqualified') AS dq,
                  count(DISTINCT s.ocid) AS np
           FROM rs s JOIN rr r USING (ocid) GROUP BY r.buyer HAVING count(DISTINCT s.ocid) >= 2),
q AS (SELECT r8(l, 0.25) AS q1, r8(l, 0.75) AS q3
      FROM (SELECT list_sort(list(dq / n)) AS l FROM b))
SELECT 'R038', 'buyer', count(*) FROM b, q
WHERE q3 + 1.5 * (q3 - q1) > 0 AND dq / n >= q3 + 1.5 * (q3 - q1);
WITH t AS (SELECT k, count(*) AS n, count(*) FILTER (WHERE st = 'disqualified') AS dq
           FROM rb WHERE st NOT IN ('invited', 'withdrawn') AND k IS NOT NULL
           GROUP BY k HAVING count(*) >= 2),
q AS (SELECT r8(l, 0.25) AS q1, r8(l, 0.75) AS q3
      FROM (SELECT list_sort(list(dq / n)) AS l FROM t))
SELECT 'R038', 'tenderer', count(*) FROM t, q
WHERE q3 + 1.5 * (q3 - q1) > 0 AND dq / n >= q3 + 1.5 * (q3 - q1);
WITH t AS (SELECT DISTINCT ocid, k FROM rb WHERE st NOT IN ('invited', 'withdrawn')),
l AS (SELECT a, b FROM ref_link WHERE kind IN ('address', 'phone', 'representative', 'director')
      UNION SELECT b, a FROM ref_link
      WHERE kind IN ('address', 'phone', 'representative', 'director')),
p AS (SELECT DISTINCT x.ocid, x.k AS a, y.k AS b FROM t x JOIN l ON l.a = x.k
      JOIN t y ON y.ocid = x.ocid AND y.k = l.b),
u AS (SELECT DISTINCT ocid, a AS k FROM p)
SELECT 'R044', 'process', count(DISTINCT ocid) FROM p
UNION ALL SELECT 'R044', 'tenderer', count(*) FROM u;
WITH c AS (SELECT k, ocid, left(unnest(cls), 2) AS c FROM ra
           WHERE st = 'active' AND ns = 1 AND len(cls) > 0),
s AS (SELECT k, count(DISTINCT c) AS v FROM c GROUP BY k HAVING count(DISTINCT ocid) >= 20),
q AS (SELECT r8(l, 0.25) AS q1, r8(l, 0.75) AS q3
      FROM (SELECT list_sort(list(v::DOUBLE)) AS l FROM s))
SELECT 'R048', 'supplier', count(*) FROM s, q WHERE v >= q3 + 1.5 * (q3 - q1);
WITH a AS (SELECT DISTINCT r.buyer, a.k, a.ocid, a.j, coalesce(a.d, r.rdate) AS d
           FROM ra a JOIN rr r USING (ocid)
           WHERE a.st = 'active' AND a.k IS NOT NULL AND coalesce(a.d, r.rdate) IS NOT NULL),
w AS (SELECT buyer, k, count(*) OVER (PARTITION BY buyer, k ORDER BY d
          RANGE BETWEEN INTERVAL 365 DAYS PRECEDING AND CURRENT ROW) AS n FROM a)
SELECT 'i077', 'supplier', count(*) FROM (SELECT buyer, k FROM w GROUP BY ALL HAVING max(n) > 3);
WITH g AS (SELECT f.ocid, any_value(f.w) AS w, list_sort(list(DISTINCT b.k)) AS ks
           FROM rf f JOIN rb b ON b.ocid = f.ocid
           WHERE f.w IS NOT NULL AND b.k IS NOT NULL AND b.st NOT IN ('invited', 'withdrawn')
           GROUP BY f.ocid HAVING count(DISTINCT b.k) >= 2),
r AS (SELECT ks FROM g GROUP BY ks HAVING count(*) >= 3 AND count(DISTINCT w) >= 2)
SELECT 'i083', 'process', count(*) FROM g JOIN r USING (ks);
WITH b AS (SELECT * FROM rs WHERE amt > 0 AND cur IS NOT NULL AND len(ks) > 0)
SELECT 'i085', 'process', count(DISTINCT lo.ocid) FROM b lo
JOIN b hi ON hi.ocid = lo.ocid AND hi.cur = lo.cur AND hi.amt > lo.amt AND hi.ks <> lo.ks
WHERE round((hi.amt - lo.amt) * 100 / lo.amt) >= 1
  AND abs((hi.amt - lo.amt) * 100 / lo.amt - round((hi.amt - lo.amt) * 100 / lo.amt)) <= 0.0001;
SELECT 'i171', 'process', count(DISTINCT a.ocid) FROM ra a JOIN rr r USING (ocid)
WHERE a.st = 'active' AND r.est > 0 AND a.cur = r.estcur AND abs(a.amt - r.est) / r.est <= 0.01;
WITH a AS (SELECT DISTINCT r.buyer, a.k, a.ocid, a.j, coalesce(a.d, r.rdate) AS d
           FROM ra a JOIN rr r USING (ocid)
           WHERE a.st = 'active' AND a.k IS NOT NULL AND r.method IN ('limited', 'direct')
             AND coalesce(a.d, r.rdate) IS NOT NULL),
w AS (SELECT buyer, k, count(*) OVER (PARTITION BY buyer, k ORDER BY d
          RANGE BETWEEN INTERVAL 1095 DAYS PRECEDING AND CURRENT ROW) AS n FROM a)
SELECT 'i180', 'supplier', count(*) FROM (SELECT buyer, k FROM w GROUP BY ALL HAVING max(n) >= 2)
