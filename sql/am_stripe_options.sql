-- am_stripe_options: settings, per-table options, their errors, and the
-- stripe and chunk group boundaries they produce.

-- settings and their ranges
SHOW olap.compression;
SHOW olap.compression_level;
SHOW olap.stripe_row_limit;
SHOW olap.chunk_group_row_limit;
SET olap.compression = 'brotli';
SET olap.compression_level = 0;
SET olap.stripe_row_limit = 99;
SET olap.chunk_group_row_limit = 2000000;
SET olap.no_such_setting = 1;

-- boundaries: 2500 rows with stripes of 1000 and chunk groups of 300
SET olap.stripe_row_limit = 1000;
SET olap.chunk_group_row_limit = 300;
CREATE TABLE so (id int, grp text, val float8) USING olap;
INSERT INTO so SELECT g, 'g' || (g / 37), g * 1.5 FROM generate_series(1, 2500) g;
SELECT stripe_num, row_count, chunk_group_count FROM olap.stripes
WHERE relation = 'so'::regclass ORDER BY stripe_num;
SELECT stripe_num, group_num, row_count FROM olap.chunks
WHERE relation = 'so'::regclass AND column_name = 'id' ORDER BY stripe_num, group_num;
-- values on both sides of every boundary read back in order
SELECT count(*), sum(id), min(id), max(id), sum(val) FROM so;
SELECT id FROM so WHERE id IN (299, 300, 301, 999, 1000, 1001, 2499, 2500) ORDER BY id;
-- runs of equal text values are run-length encoded
SELECT DISTINCT encoding FROM olap.chunks WHERE relation = 'so'::regclass AND column_name = 'grp';
RESET olap.stripe_row_limit;
RESET olap.chunk_group_row_limit;

-- per-table options override the settings
CREATE TABLE opt (id int, txt text) USING olap;
SELECT olap.alter_table_set('opt', compression => 'lz4', stripe_row_limit => 500,
							chunk_group_row_limit => 100);
SELECT relation, compression, compression_level, stripe_row_limit, chunk_group_row_limit
FROM olap.options WHERE relation = 'opt'::regclass;
INSERT INTO opt SELECT g, repeat('abc', 20) || g FROM generate_series(1, 1200) g;
SELECT count(*) AS stripes, sum(chunk_group_count) AS groups FROM olap.stripes WHERE relation = 'opt'::regclass;
SELECT DISTINCT compression FROM olap.chunks WHERE relation = 'opt'::regclass AND column_name = 'txt';

SELECT olap.alter_table_set('opt', compression => 'none', compression_level => 9);
INSERT INTO opt SELECT g, repeat('abc', 20) || g FROM generate_series(1, 100) g;
SELECT compression, count(*) FROM olap.chunks
WHERE relation = 'opt'::regclass AND column_name = 'txt' GROUP BY compression ORDER BY compression;

SELECT olap.alter_table_reset('opt', compression => true, stripe_row_limit => true);
SELECT relation, compression, compression_level, stripe_row_limit, chunk_group_row_limit
FROM olap.options WHERE relation = 'opt'::regclass;
INSERT INTO opt SELECT g, repeat('abc', 20) || g FROM generate_series(1, 100) g;
SELECT compression, count(*) FROM olap.chunks
WHERE relation = 'opt'::regclass AND column_name = 'txt' GROUP BY compression ORDER BY compression;
SELECT count(*), count(DISTINCT txt) FROM opt;

-- bad input is refused with the valid range, and changes nothing
SELECT olap.alter_table_set('opt', compression => 'brotli');
SELECT olap.alter_table_set('opt', compression_level => 20);
SELECT olap.alter_table_set('opt', stripe_row_limit => 10);
SELECT olap.alter_table_set('opt', chunk_group_row_limit => 0);
SELECT olap.alter_table_set(NULL, compression => 'zstd');
CREATE TABLE not_olap (id int);
SELECT olap.alter_table_set('not_olap', compression => 'zstd');
SELECT olap.alter_table_reset('not_olap', compression => true);
SELECT olap.alter_table_set('no_such_table', compression => 'zstd');
SELECT relation, compression, compression_level, stripe_row_limit, chunk_group_row_limit
FROM olap.options WHERE relation = 'opt'::regclass;

-- only the owner may change options
CREATE ROLE olap_regress_other;
SET ROLE olap_regress_other;
SELECT olap.alter_table_set('opt', compression => 'zstd');
RESET ROLE;
DROP ROLE olap_regress_other;

-- options go away with the table
DROP TABLE opt;
SELECT count(*) FROM olap.options;

-- the compression level changes the stored size, not the data
CREATE TABLE lvl1 (t text) USING olap;
CREATE TABLE lvl19 (t text) USING olap;
SELECT olap.alter_table_set('lvl1', compression_level => 1);
SELECT olap.alter_table_set('lvl19', compression_level => 19);
INSERT INTO lvl1 SELECT md5((g % 500)::text) || g FROM generate_series(1, 5000) g;
INSERT INTO lvl19 SELECT * FROM lvl1;
SELECT olap_test_helpers.diff_count('lvl1', 'lvl19');
SELECT (SELECT compressed_bytes FROM olap.table_stats WHERE relation = 'lvl19'::regclass)
	 <= (SELECT compressed_bytes FROM olap.table_stats WHERE relation = 'lvl1'::regclass) AS level19_not_larger;
