-- olap_scan_topn: ORDER BY ... LIMIT over one olap table sorts on the key
-- columns alone and fetches only the rows it returns (late
-- materialization); the answers are the heap twin's.
SET olap.stripe_row_limit = 3000;
SET olap.chunk_group_row_limit = 500;

CREATE TABLE topn_heap (id int, ts timestamp, grp int, name text, score float8,
	amount numeric, note text, pad1 text, pad2 text, pad3 text);
INSERT INTO topn_heap
SELECT g, '2025-01-01'::timestamp + ((g * 7919) % 20011) * interval '1 minute',
	   g % 13, 'name ' || (g * 31 % 997),
	   CASE WHEN g % 17 = 0 THEN NULL ELSE (g * 104729 % 10007) / 7.0 END,
	   (g % 1000) / 10.0,
	   CASE WHEN g % 11 = 0 THEN NULL ELSE 'note ' || g END,
	   repeat('a', g % 50), repeat('b', g % 60), md5(g::text)
FROM generate_series(1, 12000) g;
CREATE TABLE topn_olap (LIKE topn_heap) USING olap;
INSERT INTO topn_olap SELECT * FROM topn_heap;
-- deleted rows, also at chunk group boundaries
DELETE FROM topn_heap WHERE id % 500 IN (0, 1, 499) OR id BETWEEN 3000 AND 3400;
DELETE FROM topn_olap WHERE id % 500 IN (0, 1, 499) OR id BETWEEN 3000 AND 3400;
ANALYZE topn_heap;
ANALYZE topn_olap;

-- whole rows of the first few: the top-N scan, no Sort node
EXPLAIN (COSTS OFF)
SELECT * FROM topn_olap WHERE note LIKE '%7%' ORDER BY ts, id LIMIT 10;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT * FROM topn_olap WHERE note LIKE '%7%' ORDER BY ts, id LIMIT 10;
-- a row qual, descending keys with NULLs, OFFSET
EXPLAIN (COSTS OFF)
SELECT * FROM topn_olap WHERE length(pad1) > 10 ORDER BY score DESC NULLS LAST, id LIMIT 5 OFFSET 3;
-- two key columns only: nothing to fetch late, but the bound skips chunk
-- groups that cannot win (here 18 of the 24 are read): top-N still
EXPLAIN (COSTS OFF)
SELECT id, ts FROM topn_olap ORDER BY ts LIMIT 10;
-- not for aggregates, DISTINCT, joins, parameters as limits, volatile
-- functions or row locks
EXPLAIN (COSTS OFF)
SELECT DISTINCT grp, name FROM topn_olap ORDER BY grp, name LIMIT 3;
EXPLAIN (COSTS OFF)
SELECT *, random() FROM topn_olap ORDER BY ts LIMIT 3;
EXPLAIN (COSTS OFF)
SELECT * FROM topn_olap ORDER BY ts LIMIT 3 FOR SHARE;
EXPLAIN (COSTS OFF)
SELECT * FROM topn_olap a JOIN topn_olap b USING (id) ORDER BY a.ts LIMIT 3;
PREPARE topn_param(int) AS SELECT * FROM topn_olap ORDER BY ts, id LIMIT $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE topn_param(3);
CREATE TEMP TABLE topn_generic AS EXECUTE topn_param(4);
RESET plan_cache_mode;
-- a custom plan has the value of the parameter: top-N
EXPLAIN (COSTS OFF) EXECUTE topn_param(3);
SELECT count(*) AS generic_plan_same FROM (
	(SELECT * FROM topn_generic EXCEPT ALL
	 (SELECT * FROM topn_heap ORDER BY ts, id LIMIT 4))
	UNION ALL
	((SELECT * FROM topn_heap ORDER BY ts, id LIMIT 4) EXCEPT ALL
	 SELECT * FROM topn_generic)) d;

CREATE FUNCTION topn_same(query text, olap text DEFAULT 'topn_olap',
						  heap text DEFAULT 'topn_heap') RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	a text;
	b text;
BEGIN
	EXECUTE format('SELECT md5(coalesce(string_agg(t::text, E''\n''), '''')) FROM (%s) t',
				   replace(query, 'TAB', olap)) INTO a;
	EXECUTE format('SELECT md5(coalesce(string_agg(t::text, E''\n''), '''')) FROM (%s) t',
				   replace(query, 'TAB', heap)) INTO b;
	IF a <> b THEN
		RAISE NOTICE 'differs: %', query;
	END IF;
	RETURN a = b;
END $$;

-- sort keys unique, or made unique by a last key, so that the rows are
-- determined; every direction, NULLS FIRST/LAST, text under "C" and the
-- default collation, OFFSET, quals vectorized and not, empty results
SELECT count(*) AS queries, bool_and(topn_same(q)) AS all_same FROM (VALUES
	('SELECT * FROM TAB ORDER BY id LIMIT 7'),
	('SELECT * FROM TAB ORDER BY id DESC LIMIT 7'),
	('SELECT * FROM TAB ORDER BY ts, id LIMIT 20'),
	('SELECT * FROM TAB ORDER BY ts DESC, id DESC LIMIT 20 OFFSET 15'),
	('SELECT * FROM TAB ORDER BY score, id LIMIT 30'),
	('SELECT * FROM TAB ORDER BY score NULLS FIRST, id LIMIT 30'),
	('SELECT * FROM TAB ORDER BY score DESC, id LIMIT 30'),
	('SELECT * FROM TAB ORDER BY score DESC NULLS LAST, id DESC LIMIT 30'),
	('SELECT * FROM TAB ORDER BY note, id LIMIT 25'),
	('SELECT * FROM TAB ORDER BY note DESC, id LIMIT 25'),
	('SELECT * FROM TAB ORDER BY name COLLATE "C" DESC, id LIMIT 12'),
	('SELECT * FROM TAB ORDER BY amount, ts, id LIMIT 40'),
	('SELECT * FROM TAB WHERE grp = 3 ORDER BY ts, id LIMIT 15'),
	('SELECT * FROM TAB WHERE grp = 3 AND length(pad2) > 30 ORDER BY amount DESC, id LIMIT 15'),
	('SELECT * FROM TAB WHERE note LIKE ''%77%'' ORDER BY ts, id LIMIT 10'),
	('SELECT * FROM TAB WHERE id BETWEEN 2990 AND 3510 ORDER BY id LIMIT 50'),
	('SELECT * FROM TAB WHERE id > 11990 ORDER BY id LIMIT 50'),
	('SELECT * FROM TAB WHERE id < 0 ORDER BY ts LIMIT 5'),
	('SELECT * FROM TAB ORDER BY id LIMIT 1000'),
	('SELECT * FROM TAB ORDER BY id LIMIT 3 OFFSET 11990'),
	('SELECT name, pad3, id * 2 FROM TAB ORDER BY grp, id DESC LIMIT 9'),
	('SELECT * FROM TAB t WHERE t::text LIKE ''%note 1%'' ORDER BY ts, id LIMIT 6'),
	('SELECT * FROM TAB ORDER BY ts, id LIMIT 0'),
	-- the bound on the first key (scan_topn.c): many ties on it around
	-- the LIMIT, NULLs first, a bound over several tie groups
	('SELECT * FROM TAB ORDER BY grp DESC, ts, id LIMIT 700'),
	('SELECT * FROM TAB ORDER BY score NULLS FIRST, id DESC LIMIT 500'),
	('SELECT * FROM TAB ORDER BY note COLLATE "C", id LIMIT 333')
) v(q);

-- a rescanned top-N scan (a LATERAL subquery, new parameters each time)
EXPLAIN (COSTS OFF)
SELECT count(*), sum(x.id), md5(string_agg(x.note, ',' ORDER BY g, x.id))
FROM generate_series(0, 12) g,
	 LATERAL (SELECT * FROM topn_olap t WHERE t.grp = g ORDER BY t.ts, t.id LIMIT 3) x;
SELECT count(*), sum(x.id), md5(string_agg(x.note, ',' ORDER BY g, x.id))
FROM generate_series(0, 12) g,
	 LATERAL (SELECT * FROM topn_olap t WHERE t.grp = g ORDER BY t.ts, t.id LIMIT 3) x;
SELECT count(*), sum(x.id), md5(string_agg(x.note, ',' ORDER BY g, x.id))
FROM generate_series(0, 12) g,
	 LATERAL (SELECT * FROM topn_heap t WHERE t.grp = g ORDER BY t.ts, t.id LIMIT 3) x;

-- a cursor reads forward and backward (Material above the scan)
BEGIN;
EXPLAIN (COSTS OFF)
DECLARE c SCROLL CURSOR FOR SELECT * FROM topn_olap ORDER BY score DESC NULLS LAST, id LIMIT 4;
DECLARE c SCROLL CURSOR FOR SELECT * FROM topn_olap ORDER BY score DESC NULLS LAST, id LIMIT 4;
FETCH 3 FROM c;
FETCH BACKWARD 2 FROM c;
COMMIT;

-- rows deleted and updated between fetches of a cursor: the cursor's
-- snapshot still returns the rows as they were, as on heap
BEGIN;
DECLARE co CURSOR FOR SELECT id, ts, md5(pad1 || pad2 || pad3) FROM
	(SELECT * FROM topn_olap ORDER BY grp, id LIMIT 6) s;
DECLARE ch CURSOR FOR SELECT id, ts, md5(pad1 || pad2 || pad3) FROM
	(SELECT * FROM topn_heap ORDER BY grp, id LIMIT 6) s;
FETCH 2 FROM co;
FETCH 2 FROM ch;
DELETE FROM topn_olap WHERE grp = 0 AND id < 200;
DELETE FROM topn_heap WHERE grp = 0 AND id < 200;
UPDATE topn_olap SET pad2 = 'changed' WHERE grp = 0;
UPDATE topn_heap SET pad2 = 'changed' WHERE grp = 0;
FETCH ALL FROM co;
FETCH ALL FROM ch;
ROLLBACK;

-- the rows a transaction changed itself, in the same snapshot as heap
BEGIN;
UPDATE topn_olap SET ts = '2024-12-31' WHERE id IN (20, 21);
UPDATE topn_heap SET ts = '2024-12-31' WHERE id IN (20, 21);
DELETE FROM topn_olap WHERE id = 22;
DELETE FROM topn_heap WHERE id = 22;
SELECT topn_same('SELECT * FROM TAB ORDER BY ts, id LIMIT 5') AS same_in_transaction;
ROLLBACK;

-- chunk groups whose first-key min (ascending) or max (descending)
-- already sorts after the best LIMIT rows kept are skipped: on a column
-- the table is ordered by, ascending reads only the first groups.  A
-- column added later (its default unknown to min/max), NULLs first and
-- descending order are not pruned wrongly.
SET olap.chunk_group_row_limit = 1000;
CREATE TABLE seq_h (id int, v int, t text, n int, pad1 text, pad2 text);
INSERT INTO seq_h SELECT x, x / 10, 'r' || x, CASE WHEN x % 500 = 0 THEN NULL ELSE x END,
	repeat(md5(x::text), 4), repeat(md5((x * 7)::text), 4)
FROM generate_series(1, 20000) x;
CREATE TABLE seq_o (LIKE seq_h) USING olap;
INSERT INTO seq_o SELECT * FROM seq_h;
RESET olap.chunk_group_row_limit;
ANALYZE seq_h;
ANALYZE seq_o;
-- (the top-N path, whatever its cost against a Sort)
SET enable_sort = off;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT * FROM seq_o ORDER BY v, id LIMIT 15;
ALTER TABLE seq_h ADD COLUMN d int DEFAULT 7;
ALTER TABLE seq_o ADD COLUMN d int DEFAULT 7;
INSERT INTO seq_h SELECT x, 0, 'late' || x, NULL, 'p', 'q', x FROM generate_series(20001, 20100) x;
INSERT INTO seq_o SELECT x, 0, 'late' || x, NULL, 'p', 'q', x FROM generate_series(20001, 20100) x;
SELECT q, topn_same(q, 'seq_o', 'seq_h') FROM (VALUES
	('SELECT * FROM TAB ORDER BY v, id LIMIT 15'),
	('SELECT * FROM TAB ORDER BY v DESC, id LIMIT 15'),
	('SELECT * FROM TAB ORDER BY t, id LIMIT 40'),
	('SELECT * FROM TAB ORDER BY n NULLS FIRST, id LIMIT 50'),
	('SELECT * FROM TAB ORDER BY n DESC NULLS LAST, id LIMIT 20'),
	('SELECT * FROM TAB ORDER BY d, id LIMIT 5'),
	('SELECT * FROM TAB ORDER BY d DESC, id LIMIT 5'),
	('SELECT * FROM TAB WHERE t LIKE ''%77%'' ORDER BY v, id LIMIT 10')) v(q);
RESET enable_sort;
DROP TABLE seq_h, seq_o;

DROP FUNCTION topn_same(text, text, text);
DROP TABLE topn_heap, topn_olap;
