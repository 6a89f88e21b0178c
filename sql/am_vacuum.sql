-- am_vacuum: VACUUM compaction of olap tables (merging small stripes,
-- dropping deleted rows, reusing and truncating space), always checked
-- against a heap twin that receives the same statements.

-- 1. A table fed by many single-row transactions ends, after one VACUUM,
--    with as few stripes as its row count needs.
CREATE TABLE vac_small (id int PRIMARY KEY, grp int, note text) USING olap;
CREATE TABLE vac_small_heap (id int PRIMARY KEY, grp int, note text);
CREATE INDEX vac_small_grp ON vac_small (grp);

-- 3,000 transactions of one to three rows each (multi-row transactions
-- leave unused row numbers behind, which compaction fills)
DO $$
BEGIN
	FOR i IN 1 .. 3000 LOOP
		FOR j IN 0 .. (i % 3) LOOP
			INSERT INTO vac_small VALUES (i * 4 + j, i % 17, 'n' || i);
			INSERT INTO vac_small_heap VALUES (i * 4 + j, i % 17, 'n' || i);
		END LOOP;
		COMMIT;
	END LOOP;
END $$;

SELECT stripe_count, row_count FROM olap.table_stats WHERE relation = 'vac_small'::regclass;
VACUUM vac_small;
-- 6,000 rows fit in one stripe of the default 150,000 rows
SELECT stripe_count, chunk_group_count, row_count, deleted_rows
FROM olap.table_stats WHERE relation = 'vac_small'::regclass;
SELECT olap_test_helpers.diff_count('vac_small', 'vac_small_heap');
-- the pages of the 3,000 old stripes were reused or truncated away
SELECT pg_relation_size('vac_small') <= 8 * 8192 AS small_file,
	   free_bytes = 0 AS no_free_space_left
FROM olap.table_stats WHERE relation = 'vac_small'::regclass;

-- row numbers (TIDs) did not change: index scans still find every row
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET olap.enable_custom_scan = off;
SELECT count(*) AS index_rows, sum(id) AS index_sum FROM vac_small WHERE id > 0;
SELECT count(*) AS heap_rows, sum(id) AS heap_sum FROM vac_small_heap WHERE id > 0;
SELECT grp, count(*) FROM vac_small WHERE grp IN (3, 11) GROUP BY grp ORDER BY grp;
SELECT grp, count(*) FROM vac_small_heap WHERE grp IN (3, 11) GROUP BY grp ORDER BY grp;
RESET enable_seqscan;
RESET enable_bitmapscan;
RESET olap.enable_custom_scan;

-- the table keeps working: updates, deletes, upserts, unique checks
UPDATE vac_small SET note = 'u' || id WHERE id % 10 = 1;
UPDATE vac_small_heap SET note = 'u' || id WHERE id % 10 = 1;
DELETE FROM vac_small WHERE grp = 5;
DELETE FROM vac_small_heap WHERE grp = 5;
INSERT INTO vac_small VALUES (4, 4, 'upsert') ON CONFLICT (id) DO UPDATE SET note = 'upserted';
INSERT INTO vac_small_heap VALUES (4, 4, 'upsert') ON CONFLICT (id) DO UPDATE SET note = 'upserted';
INSERT INTO vac_small VALUES (5, 0, 'dup');
SELECT olap_test_helpers.diff_count('vac_small', 'vac_small_heap');

-- 2. Deleting half of the rows, then VACUUM: about half the size.
CREATE TABLE vac_half (id int, payload text) USING olap;
CREATE TABLE vac_half_heap (id int, payload text);
SELECT olap.alter_table_set('vac_half', stripe_row_limit => 20000);
INSERT INTO vac_half SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 100000) g;
INSERT INTO vac_half_heap SELECT * FROM vac_half;
CREATE TEMP TABLE vac_size AS SELECT pg_relation_size('vac_half') AS before;

DELETE FROM vac_half WHERE id % 2 = 0;
DELETE FROM vac_half_heap WHERE id % 2 = 0;
SELECT row_count, deleted_rows FROM olap.table_stats WHERE relation = 'vac_half'::regclass;
VACUUM vac_half;
SELECT row_count, deleted_rows, stripe_count FROM olap.table_stats WHERE relation = 'vac_half'::regclass;
SELECT round(pg_relation_size('vac_half')::numeric / before, 1) AS size_ratio FROM vac_size;
SELECT olap_test_helpers.diff_count('vac_half', 'vac_half_heap');
-- nothing left to do: a second VACUUM rewrites nothing
CREATE TEMP TABLE vac_stripes AS
SELECT stripe_num FROM olap.stripes WHERE relation = 'vac_half'::regclass;
VACUUM vac_half;
SELECT count(*) AS stripes_changed FROM (
	(SELECT stripe_num FROM olap.stripes WHERE relation = 'vac_half'::regclass
	 EXCEPT SELECT stripe_num FROM vac_stripes)
	UNION ALL
	(SELECT stripe_num FROM vac_stripes
	 EXCEPT SELECT stripe_num FROM olap.stripes WHERE relation = 'vac_half'::regclass)) d;

-- every row of a whole stripe deleted: the space goes, the table empties
DELETE FROM vac_half;
DELETE FROM vac_half_heap;
VACUUM vac_half;
SELECT row_count, stripe_count, pg_relation_size('vac_half') <= 8192 AS at_most_metapage
FROM olap.table_stats WHERE relation = 'vac_half'::regclass;
INSERT INTO vac_half VALUES (1, 'again');
INSERT INTO vac_half_heap VALUES (1, 'again');
SELECT olap_test_helpers.diff_count('vac_half', 'vac_half_heap');

-- 3. A random workload with VACUUMs in between, compared after each round.
SET olap.stripe_row_limit = 500;
SET olap.chunk_group_row_limit = 100;
CREATE TABLE vac_mix (id int PRIMARY KEY, grp int, val text) USING olap;
CREATE TABLE vac_mix_heap (id int PRIMARY KEY, grp int, val text);

CREATE PROCEDURE vac_mix_round(round int) LANGUAGE plpgsql AS $$
DECLARE
	r bigint;
	k int;
BEGIN
	FOR i IN round * 2000 .. round * 2000 + 1999 LOOP
		r := abs(hashint4(i)::bigint);
		k := r % 1500;
		CASE (r / 1500) % 6
			WHEN 0, 1 THEN
				INSERT INTO vac_mix VALUES (k, k % 9, 'v' || i) ON CONFLICT (id) DO NOTHING;
				INSERT INTO vac_mix_heap VALUES (k, k % 9, 'v' || i) ON CONFLICT (id) DO NOTHING;
			WHEN 2 THEN
				UPDATE vac_mix SET val = 'u' || i WHERE id = k;
				UPDATE vac_mix_heap SET val = 'u' || i WHERE id = k;
			WHEN 3 THEN
				DELETE FROM vac_mix WHERE id BETWEEN k AND k + 5;
				DELETE FROM vac_mix_heap WHERE id BETWEEN k AND k + 5;
			WHEN 4 THEN
				UPDATE vac_mix SET grp = grp + 1 WHERE id BETWEEN k AND k + 30;
				UPDATE vac_mix_heap SET grp = grp + 1 WHERE id BETWEEN k AND k + 30;
			ELSE
				INSERT INTO vac_mix VALUES (k, 0, 'x' || i)
					ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val;
				INSERT INTO vac_mix_heap VALUES (k, 0, 'x' || i)
					ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val;
		END CASE;
		IF i % 100 = 0 THEN
			COMMIT;
		END IF;
	END LOOP;
END $$;

CREATE FUNCTION vac_mix_check() RETURNS TABLE (same_rows boolean, index_matches boolean)
LANGUAGE plpgsql AS $$
DECLARE
	by_index text;
	by_heap text;
BEGIN
	same_rows := olap_test_helpers.diff_count('vac_mix', 'vac_mix_heap') = 0;
	SET LOCAL enable_seqscan = off;
	SET LOCAL enable_bitmapscan = off;
	SET LOCAL olap.enable_custom_scan = off;
	SELECT string_agg(id || ':' || val, ',' ORDER BY id) INTO by_index
	FROM vac_mix WHERE id >= 0;
	RESET enable_seqscan;
	RESET enable_bitmapscan;
	RESET olap.enable_custom_scan;
	SELECT string_agg(id || ':' || val, ',' ORDER BY id) INTO by_heap FROM vac_mix_heap;
	index_matches := by_index IS NOT DISTINCT FROM by_heap;
	RETURN NEXT;
END $$;

CALL vac_mix_round(0);
VACUUM vac_mix;
SELECT * FROM vac_mix_check();
CALL vac_mix_round(1);
VACUUM vac_mix;
SELECT * FROM vac_mix_check();
CALL vac_mix_round(2);
SELECT * FROM vac_mix_check();
VACUUM vac_mix;
VACUUM vac_mix;
SELECT * FROM vac_mix_check();
-- nothing is left that compaction would rewrite: no stripe with 20% or
-- more of its rows deleted but still stored, at most one stripe spanning
-- less than half a stripe (250 row numbers)
SELECT bool_and(coalesce(m.deleted, 0) - coalesce(g.dead, 0) < 0.2 * s.row_count)
		   AS no_mostly_deleted_stripe,
	   count(*) FILTER (WHERE s.row_count < 250) <= 1 AS at_most_one_small_stripe
FROM olap.stripe s
LEFT JOIN (SELECT stripe_num, sum(deleted_count) AS deleted FROM olap.row_mask
		   WHERE storage_id = olap.storage_id('vac_mix') GROUP BY stripe_num) m
	USING (stripe_num)
LEFT JOIN (SELECT stripe_num, sum(dead_rows) AS dead FROM olap.chunk_group
		   WHERE storage_id = olap.storage_id('vac_mix') GROUP BY stripe_num) g
	USING (stripe_num)
WHERE s.storage_id = olap.storage_id('vac_mix');

-- 4. VACUUM inside a transaction block is refused as for any table;
--    VACUUM FULL and VACUUM (ANALYZE) still work.
BEGIN;
VACUUM vac_mix;
ROLLBACK;
VACUUM FULL vac_mix;
VACUUM (ANALYZE) vac_mix;
SELECT * FROM vac_mix_check();
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- 5. VACUUM removes the index entries of rows no snapshot sees any more
--    (deleted rows, old versions of updated rows, rows of aborted inserts),
--    as heap's VACUUM does: afterwards each index holds as many entries as
--    its heap twin's, and index scans return the same rows.
CREATE TABLE vac_idx (id int PRIMARY KEY, v int) USING olap;
CREATE INDEX vac_idx_v ON vac_idx (v);
CREATE TABLE vac_idx_heap (id int PRIMARY KEY, v int);
CREATE INDEX vac_idx_heap_v ON vac_idx_heap (v);
INSERT INTO vac_idx SELECT g, g % 100 FROM generate_series(1, 5000) g;
INSERT INTO vac_idx_heap SELECT g, g % 100 FROM generate_series(1, 5000) g;
BEGIN;
INSERT INTO vac_idx SELECT g, 7 FROM generate_series(5001, 6000) g;
INSERT INTO vac_idx_heap SELECT g, 7 FROM generate_series(5001, 6000) g;
ROLLBACK;
DELETE FROM vac_idx WHERE id % 3 = 0;
DELETE FROM vac_idx_heap WHERE id % 3 = 0;
UPDATE vac_idx SET v = v + 1 WHERE id % 5 = 0;
UPDATE vac_idx_heap SET v = v + 1 WHERE id % 5 = 0;
INSERT INTO vac_idx SELECT g, g % 100 FROM generate_series(6001, 6500) g;
INSERT INTO vac_idx_heap SELECT g, g % 100 FROM generate_series(6001, 6500) g;
VACUUM vac_idx;
VACUUM vac_idx_heap;
SELECT o.relname, o.reltuples = h.reltuples AS same_entries_as_heap,
	   o.reltuples = (SELECT count(*) FROM vac_idx) AS one_entry_per_row
FROM pg_class o JOIN pg_class h
	ON h.relname = replace(o.relname, 'vac_idx', 'vac_idx_heap')
WHERE o.relname IN ('vac_idx_pkey', 'vac_idx_v')
ORDER BY 1;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET olap.enable_custom_scan = off;
SELECT count(*) AS differences FROM (
	(SELECT v, count(*), sum(id) FROM vac_idx WHERE v BETWEEN 5 AND 11 GROUP BY v
	 EXCEPT ALL
	 SELECT v, count(*), sum(id) FROM vac_idx_heap WHERE v BETWEEN 5 AND 11 GROUP BY v)
	UNION ALL
	(SELECT v, count(*), sum(id) FROM vac_idx_heap WHERE v BETWEEN 5 AND 11 GROUP BY v
	 EXCEPT ALL
	 SELECT v, count(*), sum(id) FROM vac_idx WHERE v BETWEEN 5 AND 11 GROUP BY v)) d;
SELECT count(*) AS rows_by_pkey FROM vac_idx WHERE id BETWEEN 1 AND 7000;
RESET enable_seqscan;
RESET enable_bitmapscan;
RESET olap.enable_custom_scan;

DROP TABLE vac_idx, vac_idx_heap;
DROP TABLE vac_small, vac_small_heap, vac_half, vac_half_heap, vac_mix, vac_mix_heap;
DROP PROCEDURE vac_mix_round(int);
DROP FUNCTION vac_mix_check();
