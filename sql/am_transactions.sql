-- am_transactions: rollback, savepoints and reads of own writes.
SET olap.stripe_row_limit = 1000;
SET olap.chunk_group_row_limit = 100;

CREATE TABLE tx (id int, note text) USING olap;

-- a rolled-back load leaves nothing visible
BEGIN;
INSERT INTO tx SELECT g, 'rolled back' FROM generate_series(1, 2500) g;
SELECT count(*) FROM tx;
ROLLBACK;
SELECT count(*) FROM tx;
SELECT count(*) FROM olap.stripes WHERE relation = 'tx'::regclass;

-- savepoints: only the rolled-back part disappears
BEGIN;
INSERT INTO tx SELECT g, 'kept 1' FROM generate_series(1, 10) g;
SAVEPOINT a;
INSERT INTO tx SELECT g, 'undone' FROM generate_series(11, 20) g;
ROLLBACK TO SAVEPOINT a;
INSERT INTO tx SELECT g, 'kept 2' FROM generate_series(21, 30) g;
SAVEPOINT b;
INSERT INTO tx SELECT g, 'released' FROM generate_series(31, 40) g;
RELEASE SAVEPOINT b;
COMMIT;
SELECT note, count(*), min(id), max(id) FROM tx GROUP BY note ORDER BY note;

-- rows of an outer level flushed by a read inside a savepoint survive the
-- rollback of that savepoint
TRUNCATE tx;
BEGIN;
INSERT INTO tx SELECT g, 'outer' FROM generate_series(1, 50) g;
SAVEPOINT s;
SELECT count(*) FROM tx;
INSERT INTO tx SELECT g, 'inner' FROM generate_series(51, 60) g;
SELECT count(*) FROM tx;
ROLLBACK TO SAVEPOINT s;
SELECT note, count(*) FROM tx GROUP BY note ORDER BY note;
SAVEPOINT t;
SELECT count(*) FROM tx;
ROLLBACK TO SAVEPOINT t;
COMMIT;
SELECT note, count(*) FROM tx GROUP BY note ORDER BY note;

-- the same through nested savepoints that commit upwards
TRUNCATE tx;
BEGIN;
INSERT INTO tx VALUES (1, 'level 0');
SAVEPOINT l1;
INSERT INTO tx VALUES (2, 'level 1');
SAVEPOINT l2;
SELECT count(*) FROM tx;
RELEASE SAVEPOINT l2;
ROLLBACK TO SAVEPOINT l1;
SELECT * FROM tx ORDER BY id;
COMMIT;
SELECT * FROM tx ORDER BY id;

-- PL/pgSQL exception blocks are subtransactions too
TRUNCATE tx;
DO $$
BEGIN
	FOR i IN 1..20 LOOP
		BEGIN
			INSERT INTO tx VALUES (i, 'loop');
			IF i % 5 = 0 THEN
				RAISE EXCEPTION 'undo %', i;
			END IF;
		EXCEPTION WHEN raise_exception THEN
			NULL;
		END;
	END LOOP;
END $$;
SELECT count(*), sum(id) FROM tx;

-- a statement reading and writing the same table sees only older rows
TRUNCATE tx;
INSERT INTO tx SELECT g, 'base' FROM generate_series(1, 1500) g;
INSERT INTO tx SELECT id + 1500, 'copy' FROM tx;
SELECT note, count(*), min(id), max(id) FROM tx GROUP BY note ORDER BY note;
BEGIN;
INSERT INTO tx SELECT id + 3000, 'copy2' FROM tx;
INSERT INTO tx SELECT id + 6000, 'copy3' FROM tx;
SELECT note, count(*) FROM tx GROUP BY note ORDER BY note;
COMMIT;
SELECT count(*) FROM tx;

-- a function that inserts and reads in one statement sees its earlier rows
CREATE FUNCTION insert_and_count(n int) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE c bigint;
BEGIN
	INSERT INTO tx SELECT g, 'fn' FROM generate_series(1, n) g;
	SELECT count(*) INTO c FROM tx WHERE note = 'fn';
	RETURN c;
END $$;
SELECT insert_and_count(7);
SELECT insert_and_count(3);

-- TRUNCATE and DROP are transactional
BEGIN;
TRUNCATE tx;
SELECT count(*) FROM tx;
ROLLBACK;
SELECT count(*) FROM tx;
BEGIN;
DROP TABLE tx;
ROLLBACK;
SELECT count(*) FROM tx;

-- create, fill, truncate and refill within one transaction
BEGIN;
CREATE TABLE tx2 (id int) USING olap;
INSERT INTO tx2 SELECT generate_series(1, 300);
TRUNCATE tx2;
INSERT INTO tx2 SELECT generate_series(1, 5);
SELECT count(*), sum(id) FROM tx2;
COMMIT;
SELECT count(*), sum(id) FROM tx2;

-- a cursor keeps its snapshot while the table grows
BEGIN;
DECLARE c CURSOR FOR SELECT id FROM tx2 ORDER BY id;
INSERT INTO tx2 VALUES (100);
FETCH ALL FROM c;
CLOSE c;
COMMIT;
SELECT count(*) FROM tx2;
