-- am_dml: DELETE, UPDATE, upserts and indexes on an olap table, checked
-- against a heap twin that receives exactly the same statements.
SET olap.stripe_row_limit = 1000;
SET olap.chunk_group_row_limit = 200;

CREATE TABLE dml_olap (id int PRIMARY KEY, grp int, val text, amount numeric) USING olap;
CREATE TABLE dml_heap (id int PRIMARY KEY, grp int, val text, amount numeric);
CREATE INDEX dml_olap_grp ON dml_olap (grp);
CREATE INDEX dml_heap_grp ON dml_heap (grp);

-- the same statement against both tables
CREATE PROCEDURE dml_both(sql text) LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format(sql, 'dml_olap');
	EXECUTE format(sql, 'dml_heap');
END $$;

-- a deterministic stream of operations; commits every 500
CREATE PROCEDURE dml_workload(first_op int, n int) LANGUAGE plpgsql AS $$
DECLARE
	r bigint;
	k int;
	op int;
BEGIN
	FOR i IN first_op .. first_op + n - 1 LOOP
		r := abs(hashint4(i)::bigint);
		k := r % 3000;
		op := (r / 3000) % 10;
		IF op < 3 THEN
			CALL dml_both(format('INSERT INTO %%I VALUES (%s, %s, %L, %s) ON CONFLICT (id) DO NOTHING',
							 k, k % 40, 'v' || i, i % 997));
		ELSIF op < 5 THEN
			CALL dml_both(format('UPDATE %%I SET val = %L, amount = amount + 1 WHERE id = %s', 'u' || i, k));
		ELSIF op = 5 THEN
			CALL dml_both(format('UPDATE %%I SET amount = amount * 2 WHERE grp = %s AND id %%%% 7 = %s', k % 40, i % 7));
		ELSIF op = 6 THEN
			CALL dml_both(format('DELETE FROM %%I WHERE id = %s', k));
		ELSIF op = 7 THEN
			CALL dml_both(format('INSERT INTO %%I AS t VALUES (%s, %s, %L, 1) ON CONFLICT (id) DO UPDATE '
							 'SET val = EXCLUDED.val, amount = t.amount + 1', k, k % 40, 'x' || i));
		ELSIF op = 8 THEN
			CALL dml_both(format('DELETE FROM %%I WHERE id BETWEEN %s AND %s', k, k + 3));
		ELSE
			CALL dml_both(format('UPDATE %%I SET grp = grp + 1 WHERE id BETWEEN %s AND %s', k, k + 20));
		END IF;
		IF i % 500 = 0 THEN
			COMMIT;
		END IF;
	END LOOP;
END $$;

-- compares contents, and index scans with sequential scans
CREATE FUNCTION dml_check() RETURNS TABLE (check_name text, ok boolean) LANGUAGE plpgsql AS $$
DECLARE
	idx_ids text;
	seq_ids text;
BEGIN
	check_name := 'same rows as heap';
	ok := olap_test_helpers.diff_count('dml_olap', 'dml_heap') = 0;
	RETURN NEXT;

	SET LOCAL enable_seqscan = off;
	SET LOCAL enable_bitmapscan = off;
	SELECT string_agg(id::text, ',' ORDER BY id) INTO idx_ids FROM dml_olap WHERE grp IN (3, 17, 29);
	SELECT string_agg(d::text, ',' ORDER BY id) INTO seq_ids FROM dml_olap d WHERE id BETWEEN 1000 AND 1200;
	SET LOCAL enable_seqscan = on;
	SET LOCAL enable_indexscan = off;
	check_name := 'index scan on grp equals seq scan';
	ok := idx_ids IS NOT DISTINCT FROM (SELECT string_agg(id::text, ',' ORDER BY id) FROM dml_olap WHERE grp IN (3, 17, 29));
	RETURN NEXT;
	check_name := 'index range scan on id equals seq scan';
	ok := seq_ids IS NOT DISTINCT FROM (SELECT string_agg(d::text, ',' ORDER BY id) FROM dml_olap d WHERE id BETWEEN 1000 AND 1200);
	RETURN NEXT;
	check_name := 'table_stats counts live rows';
	ok := (SELECT row_count FROM olap.table_stats WHERE relation = 'dml_olap'::regclass) = (SELECT count(*) FROM dml_olap);
	RETURN NEXT;
END $$;

CALL dml_both('INSERT INTO %I SELECT g, g %% 40, ''init'' || g, g %% 100 FROM generate_series(1, 2000) g');
SELECT * FROM dml_check();

CALL dml_workload(1, 5000);
SELECT * FROM dml_check();
CALL dml_workload(5001, 5000);
SELECT * FROM dml_check();
CALL dml_workload(10001, 5000);
SELECT * FROM dml_check();
CALL dml_workload(15001, 5000);
SELECT * FROM dml_check();
SELECT count(*) > 1000 AS has_rows, count(*) = (SELECT count(*) FROM dml_heap) AS same_count FROM dml_olap;

-- a rolled-back batch and a savepoint leave both tables alike
BEGIN;
CALL dml_both('DELETE FROM %I WHERE id %% 3 = 0');
CALL dml_both('UPDATE %I SET val = ''gone''');
ROLLBACK;
BEGIN;
CALL dml_both('UPDATE %I SET val = ''kept'' WHERE id < 500');
SAVEPOINT s;
CALL dml_both('DELETE FROM %I WHERE id < 1000');
CALL dml_both('UPDATE %I SET amount = -1');
ROLLBACK TO SAVEPOINT s;
CALL dml_both('DELETE FROM %I WHERE id BETWEEN 2000 AND 2100');
COMMIT;
SELECT * FROM dml_check();

-- updating a row twice in one transaction, and deleting what was updated
BEGIN;
CALL dml_both('UPDATE %I SET amount = 1 WHERE id = 10');
CALL dml_both('UPDATE %I SET amount = amount + 1 WHERE id = 10');
CALL dml_both('DELETE FROM %I WHERE id = 10');
CALL dml_both('INSERT INTO %I VALUES (10, 1, ''back'', 5)');
COMMIT;
SELECT * FROM dml_olap WHERE id = 10;
SELECT * FROM dml_check();

-- constraint violations change nothing
INSERT INTO dml_olap VALUES (10, 1, 'dup', 0);
UPDATE dml_olap SET id = 11 WHERE id = 10 AND EXISTS (SELECT 1 FROM dml_olap WHERE id = 11);
SELECT * FROM dml_check();

-- DELETE ... RETURNING and UPDATE ... RETURNING
DELETE FROM dml_olap WHERE id = 10 RETURNING id, val;
DELETE FROM dml_heap WHERE id = 10;
UPDATE dml_olap SET val = 'ret' WHERE id = (SELECT min(id) FROM dml_olap) RETURNING id, val;
UPDATE dml_heap SET val = 'ret' WHERE id = (SELECT min(id) FROM dml_heap);
SELECT * FROM dml_check();

-- foreign keys in both directions
CREATE TABLE fk_parent (id int PRIMARY KEY, name text) USING olap;
CREATE TABLE fk_child (id int PRIMARY KEY, parent_id int REFERENCES fk_parent ON DELETE CASCADE) USING olap;
INSERT INTO fk_parent VALUES (1, 'one'), (2, 'two');
INSERT INTO fk_child VALUES (10, 1), (20, 2), (21, 2);
INSERT INTO fk_child VALUES (30, 3);
DELETE FROM fk_parent WHERE id = 2;
SELECT * FROM fk_child ORDER BY id;
UPDATE fk_parent SET id = 5 WHERE id = 1;

-- row-level triggers see old and new rows
CREATE TABLE trig_log (op text, old_val text, new_val text);
CREATE FUNCTION trig_fn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO trig_log VALUES (TG_OP || ' ' || TG_WHEN,
		CASE WHEN TG_OP <> 'INSERT' THEN OLD.name END,
		CASE WHEN TG_OP <> 'DELETE' THEN NEW.name END);
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER t_before BEFORE INSERT OR UPDATE OR DELETE ON fk_parent FOR EACH ROW EXECUTE FUNCTION trig_fn();
CREATE TRIGGER t_after AFTER INSERT OR UPDATE OR DELETE ON fk_parent FOR EACH ROW EXECUTE FUNCTION trig_fn();
INSERT INTO fk_parent VALUES (7, 'seven');
UPDATE fk_parent SET name = 'SEVEN' WHERE id = 7;
DELETE FROM fk_parent WHERE id = 7;
SELECT * FROM trig_log;

-- row locks
BEGIN;
SELECT id, name FROM fk_parent WHERE id = 1 FOR UPDATE;
SELECT id, name FROM fk_parent WHERE id = 1 FOR SHARE;
COMMIT;

-- hash and GiST indexes
CREATE INDEX dml_olap_val_hash ON dml_olap USING hash (val);
CREATE INDEX dml_olap_rng ON dml_olap USING gist (int4range(id, id + 1));
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM dml_olap WHERE val = 'ret';
SELECT id FROM dml_olap WHERE val = 'ret';
SELECT string_agg(id::text, ',' ORDER BY id) AS by_gist INTO TEMP gist_ids
FROM dml_olap WHERE int4range(id, id + 1) && int4range(100, 200);
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT by_gist = (SELECT string_agg(id::text, ',' ORDER BY id) FROM dml_heap
				  WHERE int4range(id, id + 1) && int4range(100, 200)) AS gist_matches_heap
FROM gist_ids;

-- REINDEX and CLUSTER-free rewrites keep indexes valid
REINDEX TABLE dml_olap;
VACUUM FULL dml_olap;
SELECT * FROM dml_check();

-- a rolled-back TRUNCATE or DROP keeps rows an outer level still buffered
CREATE TABLE sp_olap (a int) USING olap;
BEGIN;
INSERT INTO sp_olap VALUES (1), (2);
SAVEPOINT s;
TRUNCATE sp_olap;
ROLLBACK TO SAVEPOINT s;
SAVEPOINT t;
DROP TABLE sp_olap;
ROLLBACK TO SAVEPOINT t;
COMMIT;
SELECT count(*) FROM sp_olap;

-- deletions are visible to the next statement even when the DELETE ran
-- queries of its own
CREATE FUNCTION dml_ro(x int) RETURNS bool STABLE LANGUAGE plpgsql AS
	$$BEGIN PERFORM 1 FROM pg_class LIMIT 1; RETURN true; END$$;
BEGIN;
DELETE FROM sp_olap WHERE a = 1 AND dml_ro(a);
SELECT count(*) FROM sp_olap;
UPDATE sp_olap SET a = -a WHERE a = 2;
SELECT * FROM sp_olap;
COMMIT;

-- ON CONFLICT DO NOTHING with a key twice in one command keeps the first
CREATE TABLE twice_olap (id int PRIMARY KEY, v text) USING olap;
INSERT INTO twice_olap VALUES (1, 'a'), (1, 'b') ON CONFLICT DO NOTHING;
SELECT * FROM twice_olap;
-- ON CONFLICT DO UPDATE with a key twice in one command fails as on heap
CREATE TABLE twice_heap (id int PRIMARY KEY, v text);
INSERT INTO twice_heap VALUES (2, 'a'), (2, 'b') ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v;
INSERT INTO twice_olap VALUES (2, 'a'), (2, 'b') ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v;
SELECT * FROM twice_olap ORDER BY id;

-- min/max of an older type are not used for skipping after ALTER TYPE
CREATE TABLE retype_olap (a int4) USING olap;
INSERT INTO retype_olap VALUES (-1), (5);
ALTER TABLE retype_olap ALTER COLUMN a TYPE oid;
SELECT a FROM retype_olap WHERE a > 10;
