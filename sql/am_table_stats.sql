-- am_table_stats: olap.table_stats, olap.stripes and olap.chunks agree with
-- the data.
SET olap.stripe_row_limit = 2000;
SET olap.chunk_group_row_limit = 500;

CREATE TABLE st (id int, city text, temp float8, day date) USING olap;
SELECT relation, row_count, stripe_count, chunk_group_count, raw_bytes,
	   compressed_bytes, compression_ratio
FROM olap.table_stats WHERE relation = 'st'::regclass;

INSERT INTO st SELECT g, (ARRAY['Oslo', 'Lima', 'Pune', 'Kyiv'])[g % 4 + 1],
	round((g % 400) / 10.0, 1), '2024-01-01'::date + g / 100
FROM generate_series(1, 7000) g;
INSERT INTO st VALUES (7001, NULL, NULL, NULL);

SELECT relation, row_count, stripe_count, chunk_group_count
FROM olap.table_stats WHERE relation = 'st'::regclass;
SELECT row_count = (SELECT count(*) FROM st) AS rows_agree
FROM olap.table_stats WHERE relation = 'st'::regclass;
SELECT compressed_bytes > 0 AND compressed_bytes < raw_bytes AS compressed,
	   compression_ratio > 1 AS ratio_above_one,
	   on_disk_bytes >= compressed_bytes AS disk_holds_data
FROM olap.table_stats WHERE relation = 'st'::regclass;

-- per stripe and per chunk
SELECT stripe_num, row_count, chunk_group_count, column_count
FROM olap.stripes WHERE relation = 'st'::regclass ORDER BY stripe_num;
SELECT sum(stored_bytes) = (SELECT compressed_bytes FROM olap.table_stats WHERE relation = 'st'::regclass) AS chunks_add_up,
	   sum(raw_bytes) = (SELECT raw_bytes FROM olap.table_stats WHERE relation = 'st'::regclass) AS raw_adds_up
FROM olap.chunks WHERE relation = 'st'::regclass;
SELECT column_name, sum(null_count) AS nulls, sum(row_count) AS rows
FROM olap.chunks WHERE relation = 'st'::regclass GROUP BY column_name ORDER BY column_name;
SELECT column_name, encoding FROM olap.chunks
WHERE relation = 'st'::regclass AND stripe_num = 1 AND group_num = 0 ORDER BY attr_num;

-- a rolled-back load is not counted; a table of another access method is
-- not listed
BEGIN;
INSERT INTO st SELECT g FROM generate_series(1, 3000) g;
ROLLBACK;
SELECT row_count FROM olap.table_stats WHERE relation = 'st'::regclass;
CREATE TABLE st_heap (id int);
SELECT count(*) FROM olap.table_stats WHERE relation = 'st_heap'::regclass;
SELECT olap.storage_id('st_heap') IS NULL AS heap_has_no_storage_id;

-- the views are readable by everybody
CREATE ROLE olap_regress_reader;
SET ROLE olap_regress_reader;
SELECT count(*) > 0 AS can_read FROM olap.table_stats;
RESET ROLE;
DROP ROLE olap_regress_reader;
