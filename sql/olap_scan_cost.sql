-- olap_scan_cost: OlapScan costs count the columns read, the chunk groups
-- min/max skipping leaves, the rows the vectorized quals keep and the row
-- quals' cost, and a parallel scan pays for starting its workers
-- (olap.parallel_worker_setup_factor), so a scan that reads little stays
-- serial and a scan with much work per row goes parallel.  Top-N scans
-- count the chunk groups their bound skips.  Every query is
-- also checked against a heap twin.
SET olap.stripe_row_limit = 20000;
SET olap.chunk_group_row_limit = 1000;

CREATE TABLE cost_heap (id int, r float8, k int, label text, v int8);
INSERT INTO cost_heap
SELECT g, (hashint4(g)::float8 + 2147483648) / 4294967296, g % 7,
	   'label ' || (g % 50), (g::int8 * 7919) % 100003
FROM generate_series(1, 300000) g;
CREATE TABLE cost_olap (LIKE cost_heap) USING olap;
INSERT INTO cost_olap SELECT * FROM cost_heap ORDER BY id;
ANALYZE cost_heap;
ANALYZE cost_olap;

-- PostgreSQL's default parallel costs; only the size threshold for
-- considering workers is lowered (the compressed table is small)
SET max_parallel_workers_per_gather = 2;
SET min_parallel_table_scan_size = 0;
SHOW parallel_setup_cost;
SHOW parallel_tuple_cost;

CREATE FUNCTION cost_same(query text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	a text;
	b text;
BEGIN
	EXECUTE format('SELECT md5(coalesce(string_agg(t::text, '','' ORDER BY t::text), '''')) FROM (%s) t',
				   replace(query, 'TAB', 'cost_olap')) INTO a;
	EXECUTE format('SELECT md5(coalesce(string_agg(t::text, '','' ORDER BY t::text), '''')) FROM (%s) t',
				   replace(query, 'TAB', 'cost_heap')) INTO b;
	RETURN a = b;
END $$;

CREATE FUNCTION cost_total(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	plan json;
BEGIN
	EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
	RETURN (plan->0->'Plan'->>'Total Cost')::float8;
END $$;

-- a narrow range of the sorted column: almost every chunk group is
-- skipped, so the scan stays serial
EXPLAIN (COSTS OFF)
SELECT count(*), sum(v), max(label) FROM cost_olap WHERE id BETWEEN 100000 AND 100500;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT * FROM cost_olap WHERE id BETWEEN 100000 AND 100010 ORDER BY id;

-- a tail of a column in random order: groups whose maximum is below are
-- skipped, still serial
EXPLAIN (COSTS OFF)
SELECT count(*), sum(v) FROM cost_olap WHERE r > 0.99999;

-- the tail of a column holding a few outliers among values in random
-- order: pg_stats' last histogram bucket spans them, so the statistics
-- put some rows in almost every group; once a scan has cached the
-- table's chunk metadata, the plan counts the groups whose min/max can
-- hold a match instead (3 of 30), unless the compared value is a
-- parameter of a generic plan
CREATE TABLE cost_tail (x int, v int) USING olap;
SELECT olap.alter_table_set('cost_tail', chunk_group_row_limit => 1000);
INSERT INTO cost_tail
SELECT CASE WHEN g % 10000 = 5000 THEN 1000000 + g ELSE (g * 7919) % 1000 END, g
FROM generate_series(1, 30000) g;
CREATE TABLE cost_tail_heap AS SELECT * FROM cost_tail;
ANALYZE cost_tail, cost_tail_heap;
SELECT count(*) FROM cost_tail WHERE v > 0;
PREPARE cost_tail_q(int) AS SELECT count(*), sum(v) FROM cost_tail WHERE x > $1;
SET plan_cache_mode = force_generic_plan;
SELECT cost_total('SELECT count(*), sum(v) FROM cost_tail WHERE x > 500000') * 3 <
	   cost_total('EXECUTE cost_tail_q(500000)') AS counted_cheaper_than_generic,
	   cost_total('SELECT count(*), sum(v) FROM cost_tail WHERE x > 500000') * 3 <
	   cost_total('SELECT count(*), sum(v) FROM cost_tail WHERE x > -1') AS counted_cheaper_than_all;
RESET plan_cache_mode;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*), sum(v) FROM cost_tail WHERE x > 500000;
SELECT (SELECT row(count(*), sum(v)) FROM cost_tail WHERE x > 500000)::text =
	   (SELECT row(count(*), sum(v)) FROM cost_tail_heap WHERE x > 500000)::text AS tail_same;
DEALLOCATE cost_tail_q;
DROP TABLE cost_tail, cost_tail_heap;

-- a selective vectorized qual on a column in random order: nothing is
-- skipped, but only the passing rows reach the executor; serial
EXPLAIN (COSTS OFF)
SELECT id, label FROM cost_olap WHERE v = 4242;

-- count(*) reads no column: far too little work to start workers for,
-- even on the whole table
EXPLAIN (COSTS OFF)
SELECT count(*) FROM cost_olap;

-- a tiny table stays serial
CREATE TABLE cost_tiny (LIKE cost_heap) USING olap;
INSERT INTO cost_tiny SELECT * FROM cost_heap WHERE id <= 100;
ANALYZE cost_tiny;
EXPLAIN (COSTS OFF)
SELECT sum(v), max(label) FROM cost_tiny;

-- the whole table through a row qual PostgreSQL prices high (a function
-- of cost 10000): the olap plan goes parallel, as the heap twin's does
CREATE FUNCTION cost_slow(t text) RETURNS boolean LANGUAGE plpgsql
IMMUTABLE PARALLEL SAFE COST 10000 AS $$ BEGIN RETURN length(t) > 7; END $$;
CREATE FUNCTION cost_workers(query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
		IF line ~ 'Workers Planned' THEN
			RETURN substring(line from 'Workers Planned: ([0-9]+)')::int;
		END IF;
	END LOOP;
	RETURN 0;
END $$;
CREATE FUNCTION cost_parallel(query text) RETURNS boolean LANGUAGE sql
AS $$ SELECT cost_workers(query) > 0 $$;
EXPLAIN (COSTS OFF)
SELECT k, count(*) FROM cost_olap WHERE cost_slow(label) GROUP BY k;
SELECT q, cost_parallel(replace(q, 'TAB', 'cost_olap')) AS olap_parallel,
	   cost_parallel(replace(q, 'TAB', 'cost_heap')) AS heap_parallel
FROM (VALUES
	('SELECT k, count(*) FROM TAB WHERE cost_slow(label) GROUP BY k'),
	('SELECT id, v FROM TAB WHERE cost_slow(label) AND v > 50000')
) t(q);

-- grouping by a regular expression over the whole table: OlapAgg computes
-- a key of two columns and length(label) one row at a time, which costs
-- what it costs PostgreSQL's own Agg, so the olap plan goes parallel as
-- the heap twin's does, and serial it stays OlapAgg; over label alone (50
-- values, dictionary chunks) OlapAgg runs the expression once per
-- dictionary code and batch, which is cheap: serial while the heap twin
-- goes parallel
EXPLAIN (COSTS OFF)
SELECT regexp_replace(label || k, 'l(a)', '\1') AS p, avg(length(label)), min(label)
FROM cost_olap GROUP BY 1;
SELECT q, cost_parallel(replace(q, 'TAB', 'cost_olap')) AS olap_parallel,
	   cost_parallel(replace(q, 'TAB', 'cost_heap')) AS heap_parallel,
	   cost_same(q) AS same
FROM (VALUES
	('SELECT regexp_replace(label || k, ''l(a)'', ''\1'') AS p, avg(length(label)), min(label) FROM TAB GROUP BY 1'),
	('SELECT regexp_replace(label, ''l(a)'', ''\1'') AS p, avg(length(label)), min(label) FROM TAB GROUP BY 1')
) t(q);
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF)
SELECT regexp_replace(label, 'l(a)', '\1') AS p, avg(length(label)), min(label)
FROM cost_olap GROUP BY 1;
SET max_parallel_workers_per_gather = 2;

-- every partial group of a parallel aggregation is formed, queued through
-- the Gather and combined again by Finalize Aggregate, and a state of type
-- internal (numeric sum and avg) is moreover serialized and deserialized:
-- with workers made free (so that these 300,000 rows, a few milliseconds
-- of work, go parallel at all), 900 groups of numeric states stay
-- serial while the same grouping of integer states goes parallel, and so
-- do 7 groups, but not a count per id / 4 (about as many groups as rows)
CREATE TABLE cost_nheap AS
SELECT id, id % 900 AS g, k, v::numeric AS n FROM cost_heap;
CREATE TABLE cost_nolap USING olap AS SELECT * FROM cost_nheap ORDER BY id;
ANALYZE cost_nheap;
ANALYZE cost_nolap;
SET olap.parallel_worker_setup_factor = 0;
SET parallel_setup_cost = 0;
-- (partitioned plans, which pass each group once: olap_agg_partitioned)
SET olap.enable_partitioned_agg = off;
EXPLAIN (COSTS OFF)
SELECT g, sum(n), avg(n) FROM cost_nolap GROUP BY g;
EXPLAIN (COSTS OFF)
SELECT g, sum(k), avg(k) FROM cost_nolap GROUP BY g;
SELECT (SELECT string_agg(t::text, ',' ORDER BY t::text)
		FROM (SELECT g, sum(n), avg(n), sum(k), avg(k) FROM cost_nolap GROUP BY g) t)
	 = (SELECT string_agg(t::text, ',' ORDER BY t::text)
		FROM (SELECT g, sum(n), avg(n), sum(k), avg(k) FROM cost_nheap GROUP BY g) t)
	   AS numeric_groups_same;
SELECT q, cost_parallel(replace(q, 'TAB', 'cost_olap')) AS olap_parallel,
	   cost_same(q) AS same
FROM (VALUES
	('SELECT k, count(*), max(v) FROM TAB GROUP BY k'),
	('SELECT id / 4 AS u, count(*), max(v) FROM TAB GROUP BY 1')
) t(q);
RESET olap.enable_partitioned_agg;
RESET parallel_setup_cost;
RESET olap.parallel_worker_setup_factor;

-- with parallel plans made free (parallel_setup_cost = 0), the workers
-- of an OlapScan are free too: parallel even for count(*), and top-N
-- scans sort in every process under a Gather Merge
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM cost_olap;
SELECT (SELECT count(*) FROM cost_olap) = (SELECT count(*) FROM cost_heap) AS forced_same;
EXPLAIN (COSTS OFF)
SELECT * FROM cost_olap ORDER BY v DESC, id LIMIT 5;
EXPLAIN (COSTS OFF)
SELECT * FROM cost_olap WHERE k <> 3 ORDER BY v DESC, id LIMIT 5 OFFSET 2;
SELECT (SELECT array_agg(s::text) FROM
		(SELECT * FROM cost_olap WHERE k <> 3 ORDER BY v DESC, id LIMIT 5 OFFSET 2) s)
	 = (SELECT array_agg(s::text) FROM
		(SELECT * FROM cost_heap WHERE k <> 3 ORDER BY v DESC, id LIMIT 5 OFFSET 2) s)
	   AS parallel_topn_same;

-- olap.parallel_cpus bounds the processes of a parallel OlapScan (its
-- default, the CPUs online, is 0 in these tests' server configuration:
-- PostgreSQL's own count, 2 workers here): 2 CPUs give one worker next to
-- the leader, or two when the leader does not scan; 1 CPU gives no
-- parallel OlapScan; PostgreSQL's own parallel sequential scan keeps its
-- count
SHOW olap.parallel_cpus;
SELECT cpus, leader, cost_workers('SELECT k, count(*), max(label) FROM cost_olap GROUP BY k') AS workers
FROM (VALUES (0, true), (4, true), (3, true), (2, true), (2, false), (1, true)) t(cpus, leader),
	 LATERAL (SELECT set_config('olap.parallel_cpus', cpus::text, true),
					 set_config('parallel_leader_participation', leader::text, true)) s;
SET olap.parallel_cpus = 2;
EXPLAIN (COSTS OFF)
SELECT k, count(*), max(label) FROM cost_olap GROUP BY k;
SELECT cost_same('SELECT k, count(*), max(label), sum(v) FROM TAB GROUP BY k') AS one_worker_same;
SET olap.enable_custom_scan = off;
SELECT cost_workers('SELECT k, count(*), max(label) FROM cost_olap GROUP BY k') AS seqscan_workers;
RESET olap.enable_custom_scan;
RESET olap.parallel_cpus;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;

-- the same answers as heap, serial or parallel
SELECT q, cost_same(q) AS same FROM (VALUES
	('SELECT count(*), sum(v), max(label) FROM TAB WHERE id BETWEEN 100000 AND 100500'),
	('SELECT * FROM TAB WHERE id BETWEEN 100000 AND 100010'),
	('SELECT count(*), sum(v) FROM TAB WHERE r > 0.99999'),
	('SELECT id, label FROM TAB WHERE v = 4242'),
	('SELECT k, sum(v * 2), count(*) FROM TAB WHERE label || ''x'' <> ''x'' GROUP BY k'),
	('SELECT sum(v + id), max(label || k) FROM TAB'),
	('SELECT k, count(*) FROM TAB WHERE cost_slow(label) GROUP BY k'),
	('SELECT id, v FROM TAB WHERE cost_slow(label) AND v > 50000'),
	('SELECT regexp_replace(label, ''l(a)'', ''\1'') AS p, avg(length(label)), min(label) FROM TAB GROUP BY 1')
) t(q);

-- a top-N scan's bound skips the chunk groups that cannot win: ordered by
-- the column the rows are in, it reads the first group only; against
-- that order every group is read and every row sorted; over a column in
-- random order, some groups are read and few rows sorted
SELECT cost_total('SELECT * FROM cost_olap ORDER BY id LIMIT 10') * 5 <
	   cost_total('SELECT * FROM cost_olap ORDER BY r, id LIMIT 10') AS ordered_cheaper_than_random,
	   cost_total('SELECT * FROM cost_olap ORDER BY r, id LIMIT 10') * 2 <
	   cost_total('SELECT * FROM cost_olap ORDER BY id DESC LIMIT 10') AS random_cheaper_than_reversed;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT * FROM cost_olap ORDER BY id LIMIT 10;
SELECT q, cost_same(q) AS same FROM (VALUES
	('SELECT * FROM TAB ORDER BY id LIMIT 10'),
	('SELECT * FROM TAB ORDER BY r, id LIMIT 10'),
	('SELECT * FROM TAB ORDER BY id DESC LIMIT 10')
) t(q);

-- OlapAgg's cheaper loops are priced as such: sums of "column + c" after
-- the first of a column shift its sum (h24 has twelve), and sums and
-- averages of a numeric(p,s) column with p <= 18 add its chunks' scaled
-- integers, unlike those of an unconstrained numeric column
SELECT cost_total('SELECT sum(k + 1), sum(k + 2), sum(k + 3), sum(k + 4), sum(k + 5), sum(k + 6), sum(k + 7), sum(k + 8) FROM cost_olap') <
	   1.5 * cost_total('SELECT sum(k + 1) FROM cost_olap') AS shifted_sums_cheap;
SELECT cost_same('SELECT sum(k + 1), sum(k + 2), sum(k - 3), sum(9 - k), avg(k + 4) FROM TAB') AS shifted_sums_same;
CREATE TABLE cost_scaled (p numeric(12,2), u numeric) USING olap;
INSERT INTO cost_scaled SELECT g / 100.0, (g / 100.0)::numeric(12,2) FROM generate_series(1, 100000) g;
ANALYZE cost_scaled;
SELECT cost_total('SELECT sum(p), avg(p), max(p) FROM cost_scaled') <
	   0.7 * cost_total('SELECT sum(u), avg(u), max(u) FROM cost_scaled') AS scaled_sums_cheaper;
CREATE TABLE cost_scaled_heap AS SELECT * FROM cost_scaled;
SELECT (SELECT row(sum(p), avg(p), max(p), sum(u), avg(u), max(u)) FROM cost_scaled)::text =
	   (SELECT row(sum(p), avg(p), max(p), sum(u), avg(u), max(u)) FROM cost_scaled_heap)::text
	   AS scaled_same;
DROP TABLE cost_scaled, cost_scaled_heap;

-- after deleting most rows of the range, skipping and results still agree
DELETE FROM cost_olap WHERE id BETWEEN 100000 AND 100400 AND id % 3 <> 0;
DELETE FROM cost_heap WHERE id BETWEEN 100000 AND 100400 AND id % 3 <> 0;
SELECT cost_same('SELECT count(*), sum(v), max(label) FROM TAB WHERE id BETWEEN 100000 AND 100500') AS same_after_delete;

RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;

-- decoding a text column whose values mostly differ within a chunk group
-- costs by the byte (plain chunks, quals run on every value), unlike one
-- of few values of the same width (dictionary chunks); PostgreSQL's own
-- sequential scan, which decodes every column, pays for both
CREATE TABLE cost_text (id int, many text, few text) USING olap;
INSERT INTO cost_text
SELECT g, md5(g::text) || md5((g + 1)::text),
	   md5((g % 10)::text) || md5((g % 10 + 1)::text)
FROM generate_series(1, 20000) g;
ANALYZE cost_text;
SELECT cost_total('SELECT count(*) FROM cost_text WHERE many LIKE ''%ab%''') >
	   1.5 * cost_total('SELECT count(*) FROM cost_text WHERE few LIKE ''%ab%''')
	AS many_values_cost_more;
EXPLAIN (COSTS OFF) SELECT * FROM cost_text WHERE many LIKE '%ab%';
SELECT (SELECT count(*) FROM cost_text WHERE many LIKE '%ab%') =
	   (SELECT count(*) FROM cost_text WHERE strpos(many, 'ab') > 0)
	AS same_count;
DROP FUNCTION cost_total(text);
DROP TABLE cost_text;
DROP FUNCTION cost_same(text);
DROP FUNCTION cost_parallel(text);
DROP FUNCTION cost_workers(text);
DROP FUNCTION cost_slow(text);
DROP TABLE cost_heap, cost_olap, cost_tiny, cost_nheap, cost_nolap;
