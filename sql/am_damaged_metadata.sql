-- am_damaged_metadata: reads, DML and VACUUM on an olap table whose
-- metadata rows were damaged fail with ERRCODE_DATA_CORRUPTED (XX001),
-- never crash and never return or change wrong rows; once the metadata is
-- repaired, everything reads as before.
\set VERBOSITY sqlstate
CREATE TABLE dm (id int PRIMARY KEY, v text) USING olap;
CREATE TABLE dm_heap (id int PRIMARY KEY, v text);
INSERT INTO dm SELECT g, 'v' || g FROM generate_series(1, 1000) g;
INSERT INTO dm_heap SELECT g, 'v' || g FROM generate_series(1, 1000) g;
DELETE FROM dm WHERE id < 10;
DELETE FROM dm_heap WHERE id < 10;
UPDATE dm SET v = 'u' WHERE id = 20;
UPDATE dm_heap SET v = 'u' WHERE id = 20;
CREATE TEMP TABLE saved_groups AS
SELECT * FROM olap.chunk_group WHERE storage_id = olap.storage_id('dm');
CREATE TEMP TABLE saved_masks AS
SELECT * FROM olap.row_mask WHERE storage_id = olap.storage_id('dm');

CREATE FUNCTION restore_dm_metadata() RETURNS void LANGUAGE sql AS $$
	DELETE FROM olap.chunk_group WHERE storage_id = olap.storage_id('dm');
	INSERT INTO olap.chunk_group SELECT * FROM saved_groups;
	DELETE FROM olap.row_mask WHERE storage_id = olap.storage_id('dm');
	INSERT INTO olap.row_mask SELECT * FROM saved_masks;
$$;

-- a chunk group pointing past the end of the file
UPDATE olap.chunk_group SET first_block = 100000 WHERE storage_id = olap.storage_id('dm');
SELECT sum(id) FROM dm;
SELECT v FROM dm WHERE id = 500;
DELETE FROM dm WHERE id = 500;
UPDATE dm SET v = 'x' WHERE id = 600;
SELECT restore_dm_metadata();

-- a chunk group longer than its chunks
UPDATE olap.chunk_group SET byte_length = byte_length + 100000 WHERE storage_id = olap.storage_id('dm');
SELECT sum(id) FROM dm;
SELECT restore_dm_metadata();

-- a row mask of the wrong length, with a wrong count, with a bad forward pointer
UPDATE olap.row_mask SET mask = '\x00'::bytea WHERE storage_id = olap.storage_id('dm');
SELECT count(*) FROM dm;
DELETE FROM dm WHERE id = 500;
VACUUM dm;
SELECT restore_dm_metadata();
UPDATE olap.row_mask SET deleted_count = deleted_count + 1 WHERE storage_id = olap.storage_id('dm');
SELECT count(*) FROM dm;
SELECT restore_dm_metadata();
UPDATE olap.row_mask SET forward = '\x0000'::bytea WHERE storage_id = olap.storage_id('dm');
SELECT count(*) FROM dm;
SELECT restore_dm_metadata();

-- repaired: nothing was lost or changed by the failed statements
\set VERBOSITY default
SELECT olap_test_helpers.diff_count('dm', 'dm_heap');
DELETE FROM dm WHERE id = 500;
DELETE FROM dm_heap WHERE id = 500;
VACUUM dm;
SELECT olap_test_helpers.diff_count('dm', 'dm_heap');

DROP TABLE dm, dm_heap;
DROP FUNCTION restore_dm_metadata();
