-- am_metadata_cache: each backend's cache of stripe metadata
-- (olap.chunk_metadata_cache_size) returns what the catalogs hold: with the
-- cache on, off and too small to keep a stripe, with two scans of one table
-- at once, after new stripes, deletions, compaction and errors, after a
-- change to the catalogs by hand, and after the extension is recreated
-- (storage ids start again).
SHOW olap.chunk_metadata_cache_size;
SET olap.stripe_row_limit = 3000;
SET olap.chunk_group_row_limit = 500;
CREATE TABLE mc_h (id int, k int, v text);
INSERT INTO mc_h SELECT g, g % 7, 'v' || (g % 1000) FROM generate_series(1, 20000) g;
CREATE TABLE mc_o (LIKE mc_h) USING olap;
INSERT INTO mc_o SELECT * FROM mc_h ORDER BY id;
SELECT olap_test_helpers.stripe_count('mc_o');

CREATE FUNCTION mc_check() RETURNS TABLE (q text, result text) LANGUAGE sql AS $$
	SELECT q, olap_test_helpers.agg_check(q, 'mc_h', 'mc_o')
	FROM unnest(ARRAY[
		'SELECT count(*), sum(id), min(v), max(v) FROM %1$s',
		'SELECT k, count(*), sum(id) FROM %1$s GROUP BY k',
		'SELECT id, v FROM %1$s WHERE id BETWEEN 4990 AND 5010',
		-- two readers of one table, each pinning its own stripes
		'SELECT count(*), sum(a.id - b.id) FROM %1$s a JOIN %1$s b ON a.id = b.id + 3001 WHERE a.k = 3'
	]) AS q
$$;

-- the first run fills the cache, the second reads from it
SELECT * FROM mc_check();
SELECT * FROM mc_check();
-- off
SET olap.chunk_metadata_cache_size = 0;
SELECT * FROM mc_check();
-- from too small to keep any stripe (each is read, used and freed) to
-- room for all: in between, the join evicts stripes the other reader is
-- not using
CREATE FUNCTION mc_check_sizes() RETURNS TABLE (size text, all_same boolean)
LANGUAGE plpgsql AS $$
BEGIN
	FOREACH size IN ARRAY ARRAY['8kB', '16kB', '32kB', '64kB', '128kB', '256kB']
	LOOP
		PERFORM set_config('olap.chunk_metadata_cache_size', size, true);
		SELECT bool_and(result LIKE '%: same, %') INTO all_same FROM mc_check();
		RETURN NEXT;
	END LOOP;
END $$;
SELECT * FROM mc_check_sizes();
RESET olap.chunk_metadata_cache_size;

-- new stripes, deletions and an update after the cache was filled
INSERT INTO mc_h SELECT g, g % 7, 'w' || g FROM generate_series(20001, 23000) g;
INSERT INTO mc_o SELECT g, g % 7, 'w' || g FROM generate_series(20001, 23000) g;
DELETE FROM mc_h WHERE id % 11 = 0;
DELETE FROM mc_o WHERE id % 11 = 0;
UPDATE mc_h SET v = 'updated' WHERE id BETWEEN 100 AND 150;
UPDATE mc_o SET v = 'updated' WHERE id BETWEEN 100 AND 150;
SELECT * FROM mc_check();
SELECT * FROM mc_check_sizes();
-- VACUUM compacts the stripes into new ones
VACUUM mc_o;
SELECT * FROM mc_check();

-- a rolled back write leaves no stripe behind in the cache
BEGIN;
INSERT INTO mc_o SELECT g, 0, 'gone' FROM generate_series(30001, 33000) g;
SELECT count(*) FROM mc_o WHERE v = 'gone';
ROLLBACK;
SELECT count(*) FROM mc_o WHERE v = 'gone';

-- an error in the middle of a scan releases the stripes it had pinned
SET olap.chunk_metadata_cache_size = '32kB';
SELECT count(*) FROM mc_o a JOIN mc_o b ON a.id = b.id WHERE 1 / (a.id - 12345) > 5;
SELECT * FROM mc_check();
RESET olap.chunk_metadata_cache_size;

-- a change to olap.chunk or olap.chunk_group by hand is seen at once
CREATE TABLE mc_saved AS
	SELECT * FROM olap.chunk WHERE storage_id = olap.storage_id('mc_o');
SELECT count(*) FROM mc_o WHERE v = 'v5';
UPDATE olap.chunk SET byte_length = byte_length + 1
WHERE storage_id = olap.storage_id('mc_o') AND attr_num = 3;
DO $$
BEGIN
	PERFORM count(*) FROM mc_o WHERE v = 'v5';
	RAISE NOTICE 'no error';
EXCEPTION WHEN data_corrupted THEN
	RAISE NOTICE '%: %', SQLSTATE, regexp_replace(SQLERRM, 'storage \d+', 'storage N');
END $$;
DELETE FROM olap.chunk WHERE storage_id = olap.storage_id('mc_o');
INSERT INTO olap.chunk SELECT * FROM mc_saved;
SELECT count(*) FROM mc_o WHERE v = 'v5';
SELECT * FROM mc_check();

-- the trigger function refuses to be called otherwise
SELECT olap.chunk_metadata_changed();

RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- a recreated extension starts storage ids again: nothing cached under the
-- old one may be served for the new tables
\set regress_db :DBNAME
CREATE DATABASE olap_metadata_cache;
\c olap_metadata_cache
CREATE EXTENSION olap_ext;
CREATE TABLE t (x int) USING olap;
INSERT INTO t SELECT g FROM generate_series(1, 1000) g;
SELECT olap.storage_id('t'), count(*), sum(x) FROM t;
DROP EXTENSION olap_ext CASCADE;
CREATE EXTENSION olap_ext;
CREATE TABLE t (x int) USING olap;
INSERT INTO t SELECT g * 10 FROM generate_series(1, 500) g;
SELECT olap.storage_id('t'), count(*), sum(x) FROM t;
\c :regress_db
DROP DATABASE olap_metadata_cache;
