-- am_basic: the olap access method end to end, and its refusals.
CREATE EXTENSION olap_ext;

-- Helpers used by every test file of the suite.
CREATE SCHEMA olap_test_helpers;

-- Rows of a that b lacks plus rows of b that a lacks, compared by their
-- text image (so types without equality operators compare too).
CREATE FUNCTION olap_test_helpers.diff_count(a regclass, b regclass)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE format('SELECT count(*) FROM ((SELECT x::text FROM %s x EXCEPT ALL SELECT y::text FROM %s y) '
				   'UNION ALL (SELECT y::text FROM %s y EXCEPT ALL SELECT x::text FROM %s x)) d',
				   a, b, b, a) INTO n;
	RETURN n;
END $$;

CREATE FUNCTION olap_test_helpers.stripe_count(t regclass)
RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM olap.stripes WHERE relation = t
$$;

-- For the aggregation tests: runs query q (%1$s stands for the table) on
-- the heap twin and on the olap table; says which node aggregated the olap
-- table and how (parallel, spilled, count(DISTINCT) repartitioned, and the
-- value of the EXPLAIN ANALYZE line named by show, in brackets, for serial
-- plans), and whether the results are the same multiset of rows compared
-- by their text image (so display scales count), or the same error.
CREATE FUNCTION olap_test_helpers.agg_check(q text, heap text, olap text,
											show text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	plan text := '';
	line text;
	shown text := '';
	missing bigint;
	extra bigint;
	nrows bigint;
	err text := '';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || format(q, olap)
	LOOP
		plan := plan || line || E'\n';
	END LOOP;
	BEGIN
		FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || format(q, olap)
		LOOP
			plan := plan || line || E'\n';
			IF show IS NOT NULL AND line LIKE '%' || show || ':%' THEN
				shown := ' [' || regexp_replace(line, '.*' || show || ': ', '') || ']';
			END IF;
		END LOOP;
		EXECUTE format('SELECT count(*) FROM ((SELECT x::text FROM (%s) x) EXCEPT ALL (SELECT x::text FROM (%s) x)) d',
					   format(q, heap), format(q, olap)) INTO missing;
		EXECUTE format('SELECT count(*) FROM ((SELECT x::text FROM (%s) x) EXCEPT ALL (SELECT x::text FROM (%s) x)) d',
					   format(q, olap), format(q, heap)) INTO extra;
		EXECUTE format('SELECT count(*) FROM (%s) x', format(q, olap)) INTO nrows;
	EXCEPTION WHEN OTHERS THEN
		err := SQLERRM;
		BEGIN
			EXECUTE format(q, heap);
			err := 'olap only: ' || err;
		EXCEPTION WHEN OTHERS THEN
			IF SQLERRM = err THEN
				err := 'same error: ' || err;
			ELSE
				err := 'DIFFERENT errors: ' || err || ' / ' || SQLERRM;
			END IF;
		END;
	END;
	IF plan LIKE '%Gather%' THEN
		shown := '';
	END IF;
	RETURN CASE WHEN plan LIKE '%OlapAgg%' THEN 'OlapAgg' ELSE 'PostgreSQL Agg' END ||
		CASE WHEN plan LIKE '%Gather%' THEN ' (parallel)' ELSE '' END ||
		CASE WHEN plan LIKE '%Hash Partitions%' THEN ' partitioned' ELSE '' END ||
		CASE WHEN plan LIKE '%Spill Files%' THEN ' spilled' ELSE '' END ||
		CASE WHEN plan LIKE '%Distinct Repartitions%' THEN ' repartitioned' ELSE '' END ||
		shown ||
		CASE WHEN err <> '' THEN ': ' || err
			 WHEN missing = 0 AND extra = 0 THEN ': same, ' || nrows || ' rows'
			 ELSE ': DIFFERENT, ' || missing || ' missing, ' || extra || ' extra' END;
END $$;

SELECT amname, amtype FROM pg_am WHERE amname = 'olap';

CREATE TABLE events (id bigint, kind text, amount numeric(10,2), at timestamptz) USING olap;
CREATE TABLE events_heap (id bigint, kind text, amount numeric(10,2), at timestamptz);

INSERT INTO events
SELECT g, (ARRAY['view','click','buy'])[g % 3 + 1], (g % 1000) / 10.0,
	   '2025-01-01 00:00:00+00'::timestamptz + g * interval '37 seconds'
FROM generate_series(1, 20000) g;
INSERT INTO events_heap SELECT * FROM events;

SELECT count(*), sum(id), sum(amount), min(at), max(at) FROM events;
SELECT kind, count(*), sum(amount) FROM events GROUP BY kind ORDER BY kind;
SELECT olap_test_helpers.diff_count('events', 'events_heap');

-- reads in the writing transaction see its rows
BEGIN;
INSERT INTO events VALUES (20001, 'view', 1.00, '2026-01-01');
SELECT count(*) FROM events;
INSERT INTO events_heap VALUES (20001, 'view', 1.00, '2026-01-01');
COMMIT;
SELECT olap_test_helpers.diff_count('events', 'events_heap');

-- ctid is the row number mapped to a TID
SELECT ctid, id FROM events WHERE id <= 3 ORDER BY id;

-- TID lookups go through tuple_fetch_row_version
SELECT id, kind FROM events WHERE ctid = (SELECT ctid FROM events WHERE id = 1234);

-- parallel scans return the same answers
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT count(*), sum(amount) FROM events;
SELECT count(*), sum(amount) FROM events;
SELECT (SELECT sum(amount) FROM events) = (SELECT sum(amount) FROM events_heap) AS same_sum;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- TABLESAMPLE: whole and empty samples are exact, a seeded one repeats
SELECT (SELECT count(*) FROM events TABLESAMPLE BERNOULLI (100)) = count(*) AS bernoulli_all,
	   (SELECT count(*) FROM events TABLESAMPLE SYSTEM (100)) = count(*) AS system_all,
	   (SELECT count(*) FROM events TABLESAMPLE SYSTEM (0)) = 0 AS system_none
FROM events;
SELECT (SELECT sum(id) FROM events TABLESAMPLE BERNOULLI (5) REPEATABLE (42))
	 = (SELECT sum(id) FROM events TABLESAMPLE BERNOULLI (5) REPEATABLE (42)) AS repeatable,
	   (SELECT count(*) FROM events TABLESAMPLE SYSTEM (20) REPEATABLE (7)) BETWEEN 1 AND 20000 AS system_partial;

-- what is not supported yet says so, and changes nothing
CREATE UNLOGGED TABLE events_unlogged (id int) USING olap;
CREATE INDEX CONCURRENTLY ON events (id);
CREATE INDEX ON events USING brin (id);
CREATE INDEX ON events USING gin (to_tsvector('simple', kind));
SELECT olap_test_helpers.diff_count('events', 'events_heap');

-- TRUNCATE empties the table and leaves it writable
TRUNCATE events;
SELECT count(*) FROM events;
SELECT count(*) FROM olap.stripes WHERE relation = 'events'::regclass;
INSERT INTO events SELECT * FROM events_heap;
SELECT olap_test_helpers.diff_count('events', 'events_heap');

-- DROP removes the table's metadata
CREATE TABLE dropme (a int) USING olap;
INSERT INTO dropme SELECT generate_series(1, 1000);
SELECT olap.storage_id('dropme') AS dropped_storage \gset
DROP TABLE dropme;
SELECT count(*) FROM olap.stripe WHERE storage_id = :dropped_storage;
SELECT count(*) FROM olap.chunk WHERE storage_id = :dropped_storage;

-- VACUUM and ANALYZE work and give the planner real numbers
VACUUM events;
SELECT reltuples FROM pg_class WHERE relname = 'events';
ANALYZE events;
SELECT reltuples FROM pg_class WHERE relname = 'events';
SELECT attname, n_distinct FROM pg_stats WHERE tablename = 'events' AND attname IN ('id', 'kind') ORDER BY attname;
-- the same statistics as the heap twin (all rows are in the sample)
ANALYZE events_heap;
SELECT o.attname, round(o.correlation::numeric, 1) AS olap_correlation,
	   round(h.correlation::numeric, 1) AS heap_correlation,
	   o.n_distinct = h.n_distinct AS same_n_distinct,
	   o.most_common_vals::text IS NOT DISTINCT FROM h.most_common_vals::text AS same_mcv
FROM pg_stats o JOIN pg_stats h ON h.attname = o.attname AND h.tablename = 'events_heap'
WHERE o.tablename = 'events' ORDER BY o.attname;
-- a sample smaller than the table is put back in table order before the
-- correlation is computed: columns in insertion order correlate fully
SET default_statistics_target = 10;
ANALYZE events;
SELECT attname, round(correlation::numeric, 2) AS correlation
FROM pg_stats WHERE tablename = 'events' AND attname IN ('id', 'at') ORDER BY attname;
RESET default_statistics_target;
ANALYZE events;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE kind = 'buy';
SELECT count(*) FROM events WHERE kind = 'buy';

-- VACUUM FULL rewrites into new storage with the same rows
SELECT olap.storage_id('events') AS before_full \gset
VACUUM FULL events;
SELECT olap.storage_id('events') <> :before_full AS new_storage;
SELECT olap_test_helpers.diff_count('events', 'events_heap');
