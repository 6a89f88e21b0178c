-- olap_join_filter: runtime filters.  An OlapScan on the outer side of an
-- inner, semi or right hash join (directly or under other joins' outer
-- sides) leaves out the chunk groups and rows whose key is not in the
-- join's hash table.  Every query is compared with the same query on a heap
-- twin of the fact table; the EXPLAIN counters show what the filter did.
SET olap.stripe_row_limit = 5000;
SET olap.chunk_group_row_limit = 500;

-- k8 follows id (chunk groups hold ranges of it: min/max skipping); region
-- is constant per chunk group (value sets); k4 and k2 spread over every
-- group (row tests), with NULLs.
CREATE TABLE jf_heap (
	id int8, k2 int2, k4 int4, k8 int8, region int4,
	d date, ts timestamp, tz timestamptz, amount numeric, note text);
INSERT INTO jf_heap
SELECT g, CASE WHEN g % 89 = 0 THEN NULL ELSE g % 50 END,
	   CASE WHEN g % 97 = 0 THEN NULL ELSE (g * 7) % 500 END,
	   g, (g / 500) % 8,
	   date '2025-01-01' + (g % 365),
	   timestamp '2025-01-01' + (g % 1000) * interval '1 hour',
	   timestamptz '2025-01-01 00:00+00' + (g % 1000) * interval '1 hour',
	   (g % 1000) / 10.0, 'note ' || g
FROM generate_series(1, 20000) g;
CREATE TABLE jf_olap (LIKE jf_heap) USING olap;
INSERT INTO jf_olap SELECT * FROM jf_heap ORDER BY id;
-- deleted rows
DELETE FROM jf_heap WHERE id % 1000 = 7;
DELETE FROM jf_olap WHERE id % 1000 = 7;

-- heap dimension tables
CREATE TABLE jf_dim (id int8, k4 int4, k2 int2, grp int, tag text);
INSERT INTO jf_dim
SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE g % 500 END, (g % 50)::int2,
	   g % 40, CASE WHEN g BETWEEN 3000 AND 3099 THEN 'hot' ELSE 'cold' END
FROM generate_series(1, 20000) g;
-- unique keys (a hash join then hashes the dimension, not the fact table)
CREATE TABLE jf_k4 (k4 int4, k2 int2, grp int);
INSERT INTO jf_k4 SELECT g, g % 50, g % 40 FROM generate_series(0, 499) g;
INSERT INTO jf_k4 VALUES (NULL, NULL, 3);
CREATE TABLE jf_days (d date, ts timestamp, tz timestamptz, holiday bool);
INSERT INTO jf_days
SELECT date '2025-01-01' + g, timestamp '2025-01-01' + g * interval '1 hour',
	   timestamptz '2025-01-01 00:00+00' + g * interval '1 hour', g % 30 = 0
FROM generate_series(0, 999) g;
ANALYZE jf_heap, jf_olap, jf_dim, jf_k4, jf_days;

-- For a query over FACT: whether the olap and heap answers are the same rows
-- (EXCEPT ALL both ways), how many rows heap returns, and the OlapScan's
-- runtime filter columns, their keys, and whether they removed rows and
-- skipped chunk groups (counts in parallel plans depend on timing).
CREATE FUNCTION jf_check(query text, OUT same boolean, OUT heap_rows bigint,
						 OUT filter text, OUT keys text, OUT removed boolean,
						 OUT skipped boolean)
LANGUAGE plpgsql AS $$
DECLARE
	q_olap text := replace(query, 'FACT', 'jf_olap');
	q_heap text := replace(query, 'FACT', 'jf_heap');
	diff bigint;
	plan json;
	node jsonb;
BEGIN
	EXECUTE format('SELECT count(*) FROM ((%1$s EXCEPT ALL %2$s) UNION ALL (%2$s EXCEPT ALL %1$s)) d',
				   q_olap, q_heap) INTO diff;
	EXECUTE format('SELECT count(*) FROM (%s) h', q_heap) INTO heap_rows;
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF, SUMMARY OFF) ' || q_olap INTO plan;
	node := jsonb_path_query_first(plan::jsonb,
		'strict $.**?(@."Custom Plan Provider" == "OlapScan")');
	same := diff = 0;
	filter := node->>'Runtime Filter';
	keys := node->>'Runtime Filter Keys';
	removed := (node->>'Rows Removed by Runtime Filter')::bigint > 0;
	skipped := (node->>'Chunk Groups Skipped')::bigint > 0;
END $$;

-- the plan shape and the EXPLAIN lines
EXPLAIN (COSTS OFF)
SELECT f.id, f.amount FROM jf_olap f JOIN jf_dim d ON d.id = f.k8 WHERE d.tag = 'hot';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT f.id, f.amount FROM jf_olap f JOIN jf_dim d ON d.id = f.k8 WHERE d.tag = 'hot';

CREATE TABLE jf_queries (n serial, query text);
INSERT INTO jf_queries (query) VALUES
	-- int8 key following the physical order: groups skipped by min/max
	($$SELECT f.id, f.amount FROM FACT f JOIN jf_dim d ON d.id = f.k8 WHERE d.tag = 'hot'$$),
	-- keys spread over every group: rows removed; NULLs on both sides
	($$SELECT f.id, d.k4 FROM FACT f JOIN jf_k4 d ON d.k4 = f.k4 WHERE d.grp = 3$$),
	-- cross-type integer equality, both ways
	($$SELECT f.id, d.id FROM FACT f JOIN jf_dim d ON d.id = f.k4 WHERE d.grp = 5$$),
	($$SELECT f.id, d.k4 FROM FACT f JOIN jf_k4 d ON d.k4 = f.k8 WHERE d.grp = 3$$),
	($$SELECT f.id, d.id FROM FACT f JOIN jf_dim d ON d.k2 = f.k2 WHERE d.id < 3$$),
	-- a key value set per chunk group (region is constant in each)
	($$SELECT f.id FROM FACT f JOIN (VALUES (2), (5)) v(r) ON v.r = f.region$$),
	-- date, timestamp and timestamptz keys
	($$SELECT f.id, x.holiday FROM FACT f JOIN jf_days x ON x.d = f.d WHERE x.holiday$$),
	($$SELECT f.id FROM FACT f JOIN jf_days x ON x.ts = f.ts WHERE x.holiday$$),
	($$SELECT f.id FROM FACT f JOIN jf_days x ON x.tz = f.tz WHERE x.holiday$$),
	-- the inner key is an expression, over a subquery's virtual tuples
	($$SELECT f.id, s.c FROM FACT f
	   JOIN (SELECT grp + 100 AS k, count(*) AS c FROM jf_dim GROUP BY grp) s ON s.k = f.k4$$),
	-- two keys: one filter (the first usable key)
	($$SELECT f.id FROM FACT f JOIN jf_k4 d ON d.k4 = f.k4 AND d.k2 = f.k2 WHERE d.grp = 7$$),
	-- semi join
	($$SELECT f.id FROM FACT f WHERE f.k8 IN (SELECT id FROM jf_dim WHERE tag = 'hot')$$),
	($$SELECT f.id FROM FACT f WHERE EXISTS (SELECT FROM jf_dim d WHERE d.k4 = f.k4 AND d.grp = 9)$$),
	-- right join (the dimension preserved): unmatched fact rows are dropped
	($$SELECT d.id, f.id FROM jf_dim d LEFT JOIN FACT f ON f.k8 = d.id WHERE d.tag = 'hot'$$),
	-- left and anti joins keep unmatched fact rows: no filter
	($$SELECT f.id, d.id FROM FACT f LEFT JOIN jf_dim d ON d.id = f.k8 AND d.tag = 'hot'$$),
	($$SELECT f.id FROM FACT f WHERE NOT EXISTS (SELECT FROM jf_dim d WHERE d.id = f.k8 AND d.tag = 'cold')$$),
	-- a chain of joins: both filters reach the scan below the lower join
	($$SELECT f.id, d.tag, x.holiday FROM FACT f JOIN jf_dim d ON d.id = f.k8
	   JOIN jf_days x ON x.d = f.d WHERE d.tag = 'hot' AND x.holiday$$),
	-- an empty hash table, and one that matches every row
	($$SELECT f.id FROM FACT f JOIN jf_dim d ON d.id = f.k8 WHERE d.tag = 'none'$$),
	($$SELECT f.id, d.grp FROM FACT f JOIN jf_dim d ON d.id = f.k8$$),
	-- aggregates above the join
	($$SELECT d.grp, count(*), sum(f.amount) FROM FACT f JOIN jf_k4 d ON d.k4 = f.k4
	   WHERE d.grp < 4 GROUP BY d.grp$$);
SELECT n, c.* FROM jf_queries, jf_check(query) c ORDER BY n;

-- a table holding every key: the row test stops after its first 16384 rows,
-- so only the NULL keys among those are removed by the filter (the join
-- drops the others)
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM jf_olap f JOIN jf_k4 d ON d.k4 = f.k4;
SELECT count(*) FILTER (WHERE k4 IS NULL AND id <= 16500) AS nulls_tested,
	   count(*) FILTER (WHERE k4 IS NULL) AS nulls
FROM jf_olap;
SELECT * FROM jf_check($$SELECT f.id FROM FACT f JOIN jf_k4 d ON d.k4 = f.k4$$);

-- rescans that build a new hash table (a parameter of the inner side) must
-- not reuse the previous keys
SELECT jf_check($$SELECT g, (SELECT count(*) FROM FACT f JOIN jf_dim d ON d.id = f.k8
	WHERE d.grp = g.g AND d.tag = 'hot') FROM generate_series(0, 5) g$$);
SELECT jf_check($$SELECT g.g, s.c FROM generate_series(1, 4) g,
	LATERAL (SELECT count(*) AS c FROM FACT f JOIN jf_k4 d ON d.k4 = f.k4
			 WHERE d.k4 BETWEEN g.g * 10 AND g.g * 10 + 2) s$$);

-- a rescan of the join that keeps its table (the parameter is only in the
-- join's own condition) keeps the keys; one whose scan has a parameter
-- builds them again
SELECT jf_check($$SELECT g, (SELECT count(*) FROM FACT f JOIN jf_k4 d
	ON d.k4 = f.k4 AND f.id + d.grp > g.g * 3000 WHERE d.grp = 3)
	FROM generate_series(0, 6) g$$);
SELECT jf_check($$SELECT g, (SELECT count(*) FROM FACT f JOIN jf_k4 d
	ON d.k4 = f.k4 WHERE d.grp = 3 AND f.id < g.g * 3000)
	FROM generate_series(0, 6) g$$);

-- filters through the outer sides of left, anti and full joins
-- below the hash join (their rows without a fact row have a NULL key)
SELECT * FROM jf_check($$SELECT f.id, d2.tag FROM FACT f
	LEFT JOIN jf_dim d2 ON d2.id = f.k8 AND d2.grp = 1
	JOIN jf_k4 d ON d.k4 = f.k4 WHERE d.grp = 3$$);
SELECT * FROM jf_check($$SELECT f.id FROM FACT f
	JOIN jf_k4 d ON d.k4 = f.k4
	WHERE d.grp = 3 AND NOT EXISTS (SELECT FROM jf_dim d2 WHERE d2.id = f.k8 AND d2.grp = 1)$$);
SELECT * FROM jf_check($$SELECT d2.k4, f.id FROM jf_k4 d2 FULL JOIN FACT f ON f.k2 = d2.k2 AND d2.k4 < 3
	JOIN jf_days x ON x.d = f.d WHERE x.holiday$$);

-- a hash table split in batches (work_mem too small) is not used
SET work_mem = '64kB';
SET enable_mergejoin = off;
SELECT * FROM jf_check($$SELECT f.id, d.tag FROM FACT f JOIN jf_dim d ON d.id = f.k8 WHERE d.grp < 20$$);
RESET work_mem;
RESET enable_mergejoin;

-- parallel plans: each process builds its own hash table and filter; a
-- Parallel Hash table is shared and is not used
SET parallel_setup_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_parallel_hash = off;
EXPLAIN (COSTS OFF)
SELECT count(*), sum(f.amount) FROM jf_olap f JOIN jf_k4 d ON d.k4 = f.k4 WHERE d.grp = 3;
SELECT * FROM jf_check($$SELECT count(*), sum(f.amount) FROM FACT f JOIN jf_k4 d ON d.k4 = f.k4 WHERE d.grp = 3$$);
SELECT * FROM jf_check($$SELECT d.grp, count(*), sum(f.amount) FROM FACT f JOIN jf_k4 d ON d.k4 = f.k4
	WHERE d.grp < 4 GROUP BY d.grp$$);
SET enable_parallel_hash = on;
SET parallel_tuple_cost = 0;
EXPLAIN (COSTS OFF)
SELECT count(*), sum(f.amount) FROM jf_olap f JOIN jf_k4 d ON d.k4 = f.k4 WHERE d.grp = 3;
SELECT * FROM jf_check($$SELECT count(*), sum(f.amount) FROM FACT f JOIN jf_k4 d ON d.k4 = f.k4 WHERE d.grp = 3$$);
RESET parallel_tuple_cost;
RESET enable_parallel_hash;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_setup_cost;

-- turned off
SET olap.enable_runtime_filter = off;
SELECT * FROM jf_check($$SELECT f.id, f.amount FROM FACT f JOIN jf_dim d ON d.id = f.k8 WHERE d.tag = 'hot'$$);
RESET olap.enable_runtime_filter;

DROP TABLE jf_queries, jf_heap, jf_olap, jf_dim, jf_k4, jf_days;
DROP FUNCTION jf_check;
