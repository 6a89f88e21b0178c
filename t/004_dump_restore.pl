# t/004_dump_restore.pl: olap tables survive pg_dump and pg_restore (custom
# and plain formats) with their data, their access method and their
# per-table storage options.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'olap_ext'");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', q{
	CREATE EXTENSION olap_ext;
	CREATE TABLE facts (id int, label text, amount numeric(10,2), at timestamptz, tags text[]) USING olap;
	INSERT INTO facts
	SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'label ' || (g % 13) END,
		   (g % 1000) / 10.0, '2025-01-01 00:00+00'::timestamptz + g * interval '1 minute',
		   ARRAY['t' || (g % 3)]
	FROM generate_series(1, 50000) g;
	SELECT olap.alter_table_set('facts', compression => 'lz4', stripe_row_limit => 20000);
	ALTER TABLE facts ADD COLUMN note text DEFAULT 'n/a';
	CREATE TABLE parted (day date, v int) PARTITION BY RANGE (day);
	CREATE TABLE parted_old PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') USING olap;
	CREATE TABLE parted_new PARTITION OF parted FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
	INSERT INTO parted SELECT '2024-01-01'::date + (g % 700), g FROM generate_series(1, 10000) g;
	CREATE TABLE empty_olap (a int) USING olap;
	CREATE VIEW facts_by_label AS SELECT label, count(*) AS n FROM facts GROUP BY label;
});

# A textual image of everything that must come back identical.
my $image_sql = q{
	SELECT string_agg(x, E'\n' ORDER BY x) FROM (
		SELECT 'facts ' || md5(string_agg(f::text, ',' ORDER BY id)) AS x FROM facts f
		UNION ALL SELECT 'parted ' || md5(string_agg(p::text, ',' ORDER BY day, v)) FROM parted p
		UNION ALL SELECT 'parted_old rows ' || count(*) FROM parted_old
		UNION ALL SELECT 'empty ' || count(*) FROM empty_olap
		UNION ALL SELECT 'view ' || md5(string_agg(v::text, ',' ORDER BY label)) FROM facts_by_label v
		UNION ALL SELECT 'am ' || c.relname || ' ' || a.amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam
			WHERE c.relname IN ('facts', 'parted_old', 'parted_new', 'empty_olap')
		UNION ALL SELECT 'options ' || relation::text || ' ' || coalesce(compression, '-') || ' ' ||
			coalesce(stripe_row_limit::text, '-') FROM olap.options
	) s
};
my $before = $node->safe_psql('src', $image_sql);
like($before, qr/am facts olap/, 'source table uses olap');
like($before, qr/options facts lz4 20000/, 'source table has its options');

my $dump = $node->basedir . '/src.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('src') ],
	'pg_dump custom format');

$node->safe_psql('postgres', 'CREATE DATABASE dst');
$node->command_ok([ 'pg_restore', '-d', $node->connstr('dst'), $dump ],
	'pg_restore into a new database');
is($node->safe_psql('dst', $image_sql), $before,
	'custom-format dump restores the same data, access methods and options');

# stripes of the restored table follow the restored options
my $stripes = $node->safe_psql('dst',
	"SELECT max(row_count) FROM olap.stripes WHERE relation = 'facts'::regclass");
ok($stripes <= 20000, 'restored data was written with the restored stripe_row_limit');
is($node->safe_psql('dst',
	"SELECT count(DISTINCT compression) FILTER (WHERE compression <> 'none') || ' ' || min(compression) FROM olap.chunks WHERE relation = 'facts'::regclass AND compression <> 'none'"),
	'1 lz4', 'restored data was compressed with the restored compression option');

# plain format through psql
my $plain = $node->basedir . '/src.sql';
$node->command_ok([ 'pg_dump', '-f', $plain, '-d', $node->connstr('src') ],
	'pg_dump plain format');
$node->safe_psql('postgres', 'CREATE DATABASE dst_plain');
$node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', $plain, '-d', $node->connstr('dst_plain') ],
	'plain dump replays without errors');
is($node->safe_psql('dst_plain', $image_sql), $before,
	'plain dump restores the same data, access methods and options');

# the restored tables stay writable
$node->safe_psql('dst', "INSERT INTO facts (id, label) VALUES (50001, 'after restore')");
is($node->safe_psql('dst', 'SELECT count(*) FROM facts'), '50001', 'restored table is writable');

$node->stop;
done_testing();
