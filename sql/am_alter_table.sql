-- am_alter_table: schema changes and conversions between heap and olap.
CREATE TABLE alt (id int, name text, price numeric) USING olap;
INSERT INTO alt SELECT g, 'item ' || g, g * 1.1 FROM generate_series(1, 1000) g;
CREATE TABLE alt_heap AS SELECT * FROM alt;

-- ADD COLUMN without and with a default: old stripes read the missing value
ALTER TABLE alt ADD COLUMN note text;
ALTER TABLE alt ADD COLUMN qty int DEFAULT 7;
ALTER TABLE alt_heap ADD COLUMN note text;
ALTER TABLE alt_heap ADD COLUMN qty int DEFAULT 7;
INSERT INTO alt VALUES (1001, 'new', 1.0, 'has note', 3);
INSERT INTO alt_heap VALUES (1001, 'new', 1.0, 'has note', 3);
SELECT * FROM alt WHERE id IN (1, 1000, 1001) ORDER BY id;
SELECT olap_test_helpers.diff_count('alt', 'alt_heap');

-- a volatile default rewrites the table
ALTER TABLE alt ADD COLUMN rnd float8 DEFAULT random();
SELECT count(*), count(rnd) FROM alt;
ALTER TABLE alt DROP COLUMN rnd;

-- DROP COLUMN hides the column; later inserts do not store it
ALTER TABLE alt DROP COLUMN name;
ALTER TABLE alt_heap DROP COLUMN name;
INSERT INTO alt VALUES (1002, 2.0, NULL, 4);
INSERT INTO alt_heap VALUES (1002, 2.0, NULL, 4);
SELECT olap_test_helpers.diff_count('alt', 'alt_heap');
SELECT count(*) FROM olap.chunks WHERE relation = 'alt'::regclass AND column_name LIKE '%pg.dropped%'
	AND stripe_num = (SELECT max(stripe_num) FROM olap.stripes WHERE relation = 'alt'::regclass);

-- ALTER COLUMN TYPE rewrites
ALTER TABLE alt ALTER COLUMN price TYPE float8;
ALTER TABLE alt_heap ALTER COLUMN price TYPE float8;
SELECT olap_test_helpers.diff_count('alt', 'alt_heap');
-- binary-compatible change without rewrite
ALTER TABLE alt ALTER COLUMN note TYPE varchar(100);
ALTER TABLE alt_heap ALTER COLUMN note TYPE varchar(100);
SELECT olap_test_helpers.diff_count('alt', 'alt_heap');

-- RENAME and constraints
ALTER TABLE alt RENAME COLUMN qty TO quantity;
ALTER TABLE alt RENAME TO alt2;
ALTER TABLE alt2 ADD CONSTRAINT qty_positive CHECK (quantity > 0);
INSERT INTO alt2 (id, quantity) VALUES (2000, -1);
ALTER TABLE alt2 ALTER COLUMN id SET NOT NULL;
INSERT INTO alt2 (id) VALUES (NULL);
ALTER TABLE alt2 RENAME TO alt;

-- SET ACCESS METHOD both ways keeps every row
CREATE TABLE conv (id int, label text, at date);
INSERT INTO conv SELECT g, 'l' || (g % 10), '2024-01-01'::date + g FROM generate_series(1, 5000) g;
CREATE TABLE conv_ref AS SELECT * FROM conv;
ALTER TABLE conv SET ACCESS METHOD olap;
SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE relname = 'conv';
SELECT olap_test_helpers.diff_count('conv', 'conv_ref');
SELECT row_count FROM olap.table_stats WHERE relation = 'conv'::regclass;
INSERT INTO conv VALUES (5001, 'after', '2030-01-01');
INSERT INTO conv_ref VALUES (5001, 'after', '2030-01-01');
ALTER TABLE conv SET ACCESS METHOD heap;
SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE relname = 'conv';
SELECT olap_test_helpers.diff_count('conv', 'conv_ref');
-- the olap storage it left is gone
SELECT count(*) FROM olap.table_stats WHERE relation = 'conv'::regclass;
ALTER TABLE conv SET ACCESS METHOD olap;
SELECT olap_test_helpers.diff_count('conv', 'conv_ref');

-- conversion and a rewrite inside a transaction that rolls back
BEGIN;
ALTER TABLE conv SET ACCESS METHOD heap;
INSERT INTO conv VALUES (9999, 'gone', NULL);
ROLLBACK;
SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE relname = 'conv';
SELECT olap_test_helpers.diff_count('conv', 'conv_ref');

-- rows buffered earlier in the transaction survive a rewrite
BEGIN;
INSERT INTO conv VALUES (6000, 'buffered', NULL);
ALTER TABLE conv ALTER COLUMN label TYPE varchar(50);
SELECT count(*) FROM conv WHERE id = 6000;
ROLLBACK;

-- CLUSTER rewrites in index order; VACUUM FULL keeps the rows
CREATE INDEX conv_at_desc ON conv (at DESC);
CLUSTER conv USING conv_at_desc;
SELECT olap_test_helpers.diff_count('conv', 'conv_ref');
SELECT (SELECT array_agg(at ORDER BY ctid) FROM conv)
	 = (SELECT array_agg(at ORDER BY at DESC NULLS FIRST) FROM conv) AS clustered_order;
DROP INDEX conv_at_desc;

-- partition attach and detach
CREATE TABLE p (k int, v text) PARTITION BY LIST (k);
CREATE TABLE p1 (k int, v text) USING olap;
INSERT INTO p1 SELECT 1, 'v' || g FROM generate_series(1, 100) g;
ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1);
SELECT count(*) FROM p;
ALTER TABLE p DETACH PARTITION p1;
SELECT count(*) FROM p;
SELECT count(*) FROM p1;

-- a rewrite, then row changes in the same transaction: the rows go to the
-- rewritten table and the commit keeps them (as on the heap twin)
CREATE TABLE rw (id int PRIMARY KEY, a int, v text) USING olap;
CREATE TABLE rw_heap (id int PRIMARY KEY, a int, v text);
INSERT INTO rw SELECT g, g, 'x' FROM generate_series(1, 10) g;
INSERT INTO rw_heap SELECT g, g, 'x' FROM generate_series(1, 10) g;
UPDATE rw SET v = 'z' WHERE id = 5;
UPDATE rw_heap SET v = 'z' WHERE id = 5;
BEGIN;
ALTER TABLE rw ALTER COLUMN a TYPE bigint;
ALTER TABLE rw_heap ALTER COLUMN a TYPE bigint;
UPDATE rw SET v = 'y' WHERE id = 5;
UPDATE rw_heap SET v = 'y' WHERE id = 5;
INSERT INTO rw VALUES (11, 11, 'n');
INSERT INTO rw_heap VALUES (11, 11, 'n');
DELETE FROM rw WHERE id = 2;
DELETE FROM rw_heap WHERE id = 2;
COMMIT;
SELECT olap_test_helpers.diff_count('rw', 'rw_heap');
SELECT * FROM rw WHERE id IN (5, 11) ORDER BY id;
DROP TABLE rw, rw_heap;
