--
-- CDC: olap.create_sync and friends, refusals, the olap.syncs view, and the
-- changes a sync applies (compared with the heap source, never with typed
-- numbers).
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS olap_ext;
RESET client_min_messages;
-- Servers that restrict output plugins to a list must allow ours (the
-- statement is run only on such servers, without echo).
\set ECHO none
SELECT 'ALTER SYSTEM SET output_plugin_libraries = pgoutput, test_decoding, olap_ext'
WHERE current_setting('output_plugin_libraries', true) IS NOT NULL \gexec
\set ECHO all
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);

-- Waits until the target has exactly the rows of the source (both ways,
-- duplicates counted) and every sync is streaming; false after 60 s.  Columns
-- are compared in order, so the target must have the source's columns in
-- the same order.  A procedure that commits between attempts, so that it
-- holds no lock the sync worker may need (TRUNCATE of the target).
CREATE PROCEDURE cdc_wait_identical(src regclass, dst regclass,
									INOUT identical boolean DEFAULT NULL)
LANGUAGE plpgsql AS $$
BEGIN
	FOR i IN 1 .. 600 LOOP
		BEGIN
			EXECUTE format('SELECT NOT EXISTS (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s)
							   AND NOT EXISTS (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s)',
						   src, dst, dst, src) INTO identical;
		EXCEPTION WHEN datatype_mismatch OR syntax_error THEN
			identical := false;		-- a column not yet added to the target
		END;
		IF identical AND NOT EXISTS (SELECT 1 FROM olap.syncs
									 WHERE state <> 'streaming') THEN
			RETURN;
		END IF;
		COMMIT;
		PERFORM pg_sleep(0.1);
	END LOOP;
	identical := false;
END
$$;

-- Waits until the sync reaches state; false after 60 s.
CREATE FUNCTION cdc_wait_state(sync text, wanted text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	FOR i IN 1 .. 600 LOOP
		IF EXISTS (SELECT 1 FROM olap.syncs WHERE name = sync AND state = wanted) THEN
			RETURN true;
		END IF;
		PERFORM pg_sleep(0.1);
	END LOOP;
	RETURN false;
END
$$;

-- Refusals
CREATE TABLE cdc_nokey (a int, b text);
SELECT olap.create_sync('cdc_nokey', 'cdc_nokey_olap');
CREATE TABLE cdc_nothing (a int PRIMARY KEY);
ALTER TABLE cdc_nothing REPLICA IDENTITY NOTHING;
SELECT olap.create_sync('cdc_nothing', 'cdc_nothing_olap');
CREATE UNLOGGED TABLE cdc_unlogged (a int PRIMARY KEY);
SELECT olap.create_sync('cdc_unlogged', 'cdc_unlogged_olap');
CREATE TABLE cdc_olap_src (a int PRIMARY KEY) USING olap;
SELECT olap.create_sync('cdc_olap_src', 'cdc_olap_src_olap');
CREATE TABLE cdc_ok (a int PRIMARY KEY, b text);
CREATE TABLE cdc_heap_target (a int PRIMARY KEY, b text);
SELECT olap.create_sync('cdc_ok', 'cdc_heap_target');
CREATE TABLE cdc_nopk_target (a int, b text) USING olap;
SELECT olap.create_sync('cdc_ok', 'cdc_nopk_target');
CREATE TABLE cdc_narrow_target (a int PRIMARY KEY) USING olap;
SELECT olap.create_sync('cdc_ok', 'cdc_narrow_target');
CREATE TABLE cdc_full_target (a int PRIMARY KEY, b text) USING olap;
INSERT INTO cdc_full_target VALUES (1, 'x');
SELECT olap.create_sync('cdc_ok', 'cdc_full_target');
SELECT olap.pause_sync('no_such_sync');
SELECT olap.drop_sync('no_such_sync');
-- nothing was left behind by the refusals
SELECT count(*) FROM olap.sync;
SELECT to_regclass('cdc_nokey_olap'), to_regclass('cdc_nothing_olap');

-- A sync into a new table: initial copy, then streaming
CREATE TABLE cdc_src (id int PRIMARY KEY, v text, n numeric, big text,
					  at timestamptz);
INSERT INTO cdc_src
SELECT g, 'v' || g, g * 1.5, CASE WHEN g % 100 = 0 THEN repeat('big' || g, 3000) END,
	   '2024-01-01'::timestamptz + g * interval '1 minute'
FROM generate_series(1, 5000) g;
SELECT olap.create_sync('cdc_src', 'cdc_dst');
SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = 'cdc_dst'::regclass;
SELECT olap._sync_key_columns('cdc_dst');
CALL cdc_wait_identical('cdc_src', 'cdc_dst');
SELECT name, source, target, state, slot LIKE 'olap\_sync\_%' AS slot_named,
	   rows_copied = (SELECT count(*) FROM cdc_src) AS copied_all,
	   last_error
FROM olap.syncs;
-- a second sync of the same target is refused
SELECT olap.create_sync('cdc_ok', 'cdc_dst');

-- INSERT, UPDATE (also of the key and of rows with unchanged TOASTed
-- values), DELETE, in many small and a few large transactions
INSERT INTO cdc_src SELECT g, 'v' || g, g, NULL, now() FROM generate_series(5001, 8000) g;
UPDATE cdc_src SET v = v || '+', n = n + 1 WHERE id % 3 = 0;
UPDATE cdc_src SET n = -n WHERE id % 100 = 0;	-- big stays TOASTed, unchanged
UPDATE cdc_src SET id = id + 100000 WHERE id BETWEEN 10 AND 30;
DELETE FROM cdc_src WHERE id % 7 = 0;
DO $$
BEGIN
	FOR i IN 1 .. 50 LOOP
		INSERT INTO cdc_src VALUES (200000 + i, 'single', i, NULL, now());
		UPDATE cdc_src SET v = 'single-upd' WHERE id = 200000 + i - 1;
		COMMIT;
	END LOOP;
END
$$;
BEGIN;
INSERT INTO cdc_src VALUES (300000, 'rolled back', 0, NULL, now());
ROLLBACK;
BEGIN;
INSERT INTO cdc_src VALUES (300001, 'inserted then deleted', 0, NULL, now());
UPDATE cdc_src SET v = 'updated twice' WHERE id = 300001;
DELETE FROM cdc_src WHERE id = 300001;
INSERT INTO cdc_src VALUES (300002, 'inserted then updated', 0, NULL, now());
UPDATE cdc_src SET v = 'updated in its own transaction' WHERE id = 300002;
COMMIT;
CALL cdc_wait_identical('cdc_src', 'cdc_dst');
SELECT rows_inserted > 0 AND rows_updated > 0 AND rows_deleted > 0 AS counted,
	   last_applied_lsn IS NOT NULL AS has_lsn, lag_bytes >= 0 AS has_lag
FROM olap.syncs WHERE name = 'cdc_dst';

-- ADD COLUMN on the source reaches the target
ALTER TABLE cdc_src ADD COLUMN note text;
INSERT INTO cdc_src VALUES (400000, 'with note', 1, NULL, now(), 'a note');
UPDATE cdc_src SET note = 'noted' WHERE id < 50;
CALL cdc_wait_identical('cdc_src', 'cdc_dst');
SELECT attname FROM pg_attribute WHERE attrelid = 'cdc_dst'::regclass AND attnum > 0 ORDER BY attnum;

-- TRUNCATE, then new rows
TRUNCATE cdc_src;
INSERT INTO cdc_src (id, v) SELECT g, 'after truncate' FROM generate_series(1, 100) g;
CALL cdc_wait_identical('cdc_src', 'cdc_dst');
SELECT truncates > 0 AS truncated FROM olap.syncs WHERE name = 'cdc_dst';

-- pause: changes wait in the slot; resume applies them
SELECT olap.pause_sync('cdc_dst');
SELECT state FROM olap.syncs WHERE name = 'cdc_dst';
INSERT INTO cdc_src (id, v) SELECT g, 'while paused' FROM generate_series(101, 200) g;
SELECT pg_sleep(0.5);
SELECT count(*) FROM cdc_dst WHERE v = 'while paused';
SELECT olap.resume_sync('cdc_dst');
CALL cdc_wait_identical('cdc_src', 'cdc_dst');

-- a type change that is not a widening (numeric -> text) stops the sync in
-- state error, with nothing lost; fixing the target and resuming catches up
ALTER TABLE cdc_src ALTER COLUMN n TYPE text;
UPDATE cdc_src SET n = '7 as text' WHERE id <= 10;
SELECT cdc_wait_state('cdc_dst', 'error');
SELECT state, last_error FROM olap.syncs WHERE name = 'cdc_dst';
ALTER TABLE cdc_dst ALTER COLUMN n TYPE text;
SELECT olap.resume_sync('cdc_dst');
CALL cdc_wait_identical('cdc_src', 'cdc_dst');

-- a sync into an existing empty olap table with the same key
CREATE TABLE cdc_ok_target (b text, a int PRIMARY KEY, extra int) USING olap;
INSERT INTO cdc_ok SELECT g, 'ok' || g FROM generate_series(1, 100) g;
SELECT olap.create_sync('cdc_ok', 'public.cdc_ok_target', 'ok sync');
INSERT INTO cdc_ok VALUES (101, 'later');
DELETE FROM cdc_ok WHERE a = 1;
CREATE VIEW cdc_ok_target_ab AS SELECT a, b FROM cdc_ok_target;
CALL cdc_wait_identical('cdc_ok', 'cdc_ok_target_ab');
SELECT count(*) FROM cdc_ok_target WHERE extra IS NOT NULL;
DROP VIEW cdc_ok_target_ab;

-- a dropped slot would not come back on rollback: refused in a block
BEGIN;
SELECT olap.drop_sync('ok sync');
ROLLBACK;
SELECT name, state IN ('streaming', 'copying') AS alive FROM olap.syncs WHERE name = 'ok sync';
SELECT count(*) FROM pg_replication_slots r JOIN olap.sync s USING (slot_name)
WHERE s.sync_name = 'ok sync';

-- drop_sync leaves no slot and no origin behind
SELECT olap.drop_sync('ok sync');
SELECT olap.drop_sync('cdc_dst', drop_target => true);
SELECT count(*) FROM olap.sync;
SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'olap\_sync\_%';
SELECT count(*) FROM pg_replication_origin WHERE roname LIKE 'olap\_sync\_%';
SELECT to_regclass('cdc_dst'), to_regclass('cdc_ok_target') IS NOT NULL AS kept;

-- the output plugin is ours alone
SELECT 'init' FROM pg_create_logical_replication_slot('cdc_foreign', 'olap_ext');
SELECT count(*) FROM pg_logical_slot_get_changes('cdc_foreign', NULL, NULL);
SELECT pg_drop_replication_slot('cdc_foreign');

DROP TABLE cdc_nokey, cdc_nothing, cdc_unlogged, cdc_olap_src, cdc_ok,
	cdc_heap_target, cdc_nopk_target, cdc_narrow_target, cdc_full_target,
	cdc_ok_target, cdc_src;
DROP PROCEDURE cdc_wait_identical(regclass, regclass, boolean);
DROP FUNCTION cdc_wait_state(text, text);
