# t/002_standby_replay.pl: a streaming standby replays olap tables exactly.
#
# The primary loads olap tables of many types with NULLs in several
# transactions (one rolled back, one rolled back to a savepoint, one still
# open while the standby is compared), truncates and reloads a table,
# alters tables (ADD/DROP COLUMN, SET ACCESS METHOD, VACUUM FULL) and uses
# per-table options.  After catching up, the same queries (aggregates,
# GROUP BY, parallel scans, full ordered row dumps, the metadata views)
# must give the same output on the primary and on the standby, and the
# olap tables must match their heap twins.  Then the primary loads more and
# the comparison is repeated; finally the standby is promoted and must be
# able to write its olap tables.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use OlapTest;

my $primary = streaming_primary('primary', q{
max_worker_processes = 8
max_parallel_workers = 4
});

# Rows of the typed tables for ids $lo..$hi, deterministic, with NULLs in
# every column but id, and a few values large enough to be toasted.
sub typed_rows
{
	my ($lo, $hi) = @_;
	return qq{
		SELECT g AS id,
			   CASE WHEN g % 7 = 0 THEN NULL ELSE (g % 30000)::smallint END AS i2,
			   CASE WHEN g % 5 = 0 THEN NULL ELSE g::bigint * 1000003 END AS i8,
			   CASE WHEN g % 11 = 0 THEN NULL ELSE (g % 100000) / 7.0 END AS n,
			   CASE WHEN g % 13 = 0 THEN NULL ELSE (g % 1000) / 4.0::real END AS f4,
			   CASE WHEN g % 17 = 0 THEN NULL ELSE sqrt(g)::float8 END AS f8,
			   CASE WHEN g % 19 = 0 THEN NULL ELSE g % 2 = 0 END AS b,
			   CASE WHEN g % 23 = 0 THEN NULL
					WHEN g % 997 = 0 THEN repeat(md5(g::text), 300)
					ELSE 'text ' || (g % 500) END AS t,
			   CASE WHEN g % 29 = 0 THEN NULL ELSE ('v' || (g % 40))::varchar(20) END AS vc,
			   CASE WHEN g % 31 = 0 THEN NULL ELSE '2020-01-01'::date + (g % 2000) END AS d,
			   CASE WHEN g % 37 = 0 THEN NULL ELSE '2024-06-01 12:00:00+00'::timestamptz + g * interval '17 seconds' END AS ts,
			   CASE WHEN g % 41 = 0 THEN NULL ELSE make_interval(hours => g % 50, mins => g % 60) END AS iv,
			   CASE WHEN g % 43 = 0 THEN NULL ELSE md5(g::text)::uuid END AS u,
			   CASE WHEN g % 47 = 0 THEN NULL ELSE jsonb_build_object('g', g, 'tag', 'x' || (g % 9)) END AS j,
			   CASE WHEN g % 53 = 0 THEN NULL ELSE ARRAY[g, g % 10, NULL] END AS arr,
			   CASE WHEN g % 59 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END AS by
		FROM generate_series($lo, $hi) g};
}

my $typed_columns = q{id int, i2 smallint, i8 bigint, n numeric, f4 real, f8 float8,
	b bool, t text, vc varchar(20), d date, ts timestamptz, iv interval, u uuid,
	j jsonb, arr int[], by bytea};

# Load ids $lo..$hi into a typed table and its heap twin in one transaction.
sub load_typed
{
	my ($node, $table, $lo, $hi) = @_;
	dml_both($node, $table, 'INSERT INTO %T ' . typed_rows($lo, $hi));
	return;
}

# Part of the data exists before the base backup.
$primary->safe_psql('postgres', qq{
	CREATE EXTENSION olap_ext;
	CREATE TABLE typed ($typed_columns) USING olap;
	CREATE TABLE typed_heap ($typed_columns);
});
load_typed($primary, 'typed', 1, 20000);

my $standby = start_standby($primary, 'standby');

###########################################################################
# Workload on the primary after the backup.

# several transactions, with small stripes for some of them
load_typed($primary, 'typed', 20001, 40000);
$primary->safe_psql('postgres', q{
	SET olap.stripe_row_limit = 3000;
	SET olap.chunk_group_row_limit = 500;
	BEGIN;
	INSERT INTO typed } . typed_rows(40001, 50000) . q{;
	INSERT INTO typed_heap } . typed_rows(40001, 50000) . q{;
	COMMIT;
});

# a rolled-back load (whose pages are replayed but never referenced)
$primary->safe_psql('postgres', q{
	BEGIN;
	INSERT INTO typed } . typed_rows(900001, 930000) . q{;
	SELECT count(*) FROM typed;
	ROLLBACK;
});

# a load with a part rolled back to a savepoint
$primary->safe_psql('postgres', q{
	BEGIN;
	INSERT INTO typed } . typed_rows(50001, 52000) . q{;
	INSERT INTO typed_heap } . typed_rows(50001, 52000) . q{;
	SAVEPOINT s;
	INSERT INTO typed } . typed_rows(800001, 805000) . q{;
	SELECT count(*) FROM typed;
	ROLLBACK TO SAVEPOINT s;
	COMMIT;
});

# a table created, loaded, truncated and reloaded; one with options
$primary->safe_psql('postgres', q{
	CREATE TABLE reloaded (id int, grp text, val numeric) USING olap;
	CREATE TABLE reloaded_heap (id int, grp text, val numeric);
	INSERT INTO reloaded SELECT g, 'old', g FROM generate_series(1, 30000) g;
	TRUNCATE reloaded;
	INSERT INTO reloaded SELECT g, 'new ' || (g % 10), g / 3.0 FROM generate_series(1, 25000) g;
	INSERT INTO reloaded_heap SELECT g, 'new ' || (g % 10), g / 3.0 FROM generate_series(1, 25000) g;
	BEGIN;
	TRUNCATE reloaded, reloaded_heap;
	INSERT INTO reloaded SELECT g, 'newer ' || (g % 10), g / 3.0 FROM generate_series(1, 35000) g;
	INSERT INTO reloaded_heap SELECT g, 'newer ' || (g % 10), g / 3.0 FROM generate_series(1, 35000) g;
	COMMIT;

	CREATE TABLE opts (id int, note text) USING olap;
	CREATE TABLE opts_heap (id int, note text);
	SELECT olap.alter_table_set('opts', compression => 'lz4', stripe_row_limit => 2000,
								chunk_group_row_limit => 300);
	INSERT INTO opts SELECT g, CASE WHEN g % 4 = 0 THEN NULL ELSE 'note ' || g END FROM generate_series(1, 9000) g;
	INSERT INTO opts_heap SELECT g, CASE WHEN g % 4 = 0 THEN NULL ELSE 'note ' || g END FROM generate_series(1, 9000) g;
});

# ALTER TABLE: add columns (with and without default), drop one, load more,
# rewrite into olap from heap and VACUUM FULL
$primary->safe_psql('postgres', q{
	CREATE TABLE altered (id int, a text, b float8) USING olap;
	CREATE TABLE altered_heap (id int, a text, b float8);
	INSERT INTO altered SELECT g, 'a' || g, g * 1.5 FROM generate_series(1, 12000) g;
	INSERT INTO altered_heap SELECT g, 'a' || g, g * 1.5 FROM generate_series(1, 12000) g;
	ALTER TABLE altered ADD COLUMN c int DEFAULT 42;
	ALTER TABLE altered_heap ADD COLUMN c int DEFAULT 42;
	ALTER TABLE altered ADD COLUMN e text;
	ALTER TABLE altered_heap ADD COLUMN e text;
	ALTER TABLE altered DROP COLUMN a;
	ALTER TABLE altered_heap DROP COLUMN a;
	INSERT INTO altered SELECT g, g * 1.5, g % 7, 'e' || g FROM generate_series(12001, 15000) g;
	INSERT INTO altered_heap SELECT g, g * 1.5, g % 7, 'e' || g FROM generate_series(12001, 15000) g;

	CREATE TABLE converted (id int, x text);
	CREATE TABLE converted_heap (id int, x text);
	INSERT INTO converted SELECT g, 'x' || (g % 100) FROM generate_series(1, 10000) g;
	INSERT INTO converted_heap SELECT g, 'x' || (g % 100) FROM generate_series(1, 10000) g;
	ALTER TABLE converted SET ACCESS METHOD olap;
	INSERT INTO converted SELECT g, NULL FROM generate_series(10001, 11000) g;
	INSERT INTO converted_heap SELECT g, NULL FROM generate_series(10001, 11000) g;
	VACUUM FULL opts;
});

# a load in progress on the primary while the standby is compared: its
# pages and metadata rows reach the standby, uncommitted
my $open_load = $primary->background_psql('postgres');
$open_load->query_safe('BEGIN');
$open_load->query_safe('INSERT INTO typed ' . typed_rows(60001, 75000));
$open_load->query_safe('INSERT INTO typed_heap ' . typed_rows(60001, 75000));
$open_load->query_safe('SELECT count(*) FROM typed');

###########################################################################
# Comparison.

my @tables = qw(typed reloaded opts altered converted);

my @queries = (
	[ 'typed aggregates', q{
		SELECT count(*), count(i2), count(t), count(j), sum(id), sum(i2), sum(i8), sum(n),
			   sum(f4), round(sum(f8)::numeric, 6), count(*) FILTER (WHERE b),
			   min(d), max(ts), sum(iv), min(u::text), max(length(t)), sum(length(by))
		FROM typed} ],
	[ 'typed group by', q{
		SELECT vc, b, count(*), sum(i8), min(t), max(ts), sum(array_length(arr, 1))
		FROM typed GROUP BY vc, b ORDER BY vc, b} ],
	[ 'typed full dump', 'SELECT * FROM typed ORDER BY id' ],
	[ 'typed jsonb and filters', q{
		SELECT j->>'tag' AS tag, count(*), sum((j->>'g')::int)
		FROM typed WHERE id % 3 = 0 AND j IS NOT NULL GROUP BY 1 ORDER BY 1} ],
	[ 'typed parallel scan', q{
		SET parallel_setup_cost = 0;
		SET parallel_tuple_cost = 0;
		SET min_parallel_table_scan_size = 0;
		SET max_parallel_workers_per_gather = 2;
		SET olap.parallel_cpus = 0;
		SELECT id % 10, count(*), sum(i8), count(t) FROM typed GROUP BY 1 ORDER BY 1} ],
	[ 'reloaded', 'SELECT grp, count(*), sum(val), min(id), max(id) FROM reloaded GROUP BY grp ORDER BY grp' ],
	[ 'reloaded full dump', 'SELECT * FROM reloaded ORDER BY id' ],
	[ 'opts full dump', 'SELECT * FROM opts ORDER BY id' ],
	[ 'altered full dump', 'SELECT * FROM altered ORDER BY id' ],
	[ 'altered aggregates', 'SELECT c, count(*), count(e), sum(b) FROM altered GROUP BY c ORDER BY c' ],
	[ 'converted full dump', 'SELECT * FROM converted ORDER BY id' ],
	[ 'table_stats', q{
		SELECT relation, row_count, stripe_count, chunk_group_count, raw_bytes, compressed_bytes
		FROM olap.table_stats ORDER BY relation::text} ],
	[ 'stripes', 'SELECT * FROM olap.stripes ORDER BY relation::text, stripe_num' ],
	[ 'chunks', 'SELECT * FROM olap.chunks ORDER BY relation::text, stripe_num, group_num, attr_num' ],
	[ 'storage ids and access methods', q{
		SELECT c.relname, a.amname, olap.storage_id(c.oid) IS NOT NULL
		FROM pg_class c JOIN pg_am a ON a.oid = c.relam
		WHERE c.relname IN ('typed', 'reloaded', 'opts', 'altered', 'converted') ORDER BY 1} ],
);

sub compare_nodes
{
	my ($label) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	$primary->wait_for_catchup($standby);
	for my $q (@queries)
	{
		my ($name, $sql) = @$q;
		my $on_primary = $primary->safe_psql('postgres', $sql);
		my $on_standby = $standby->safe_psql('postgres', $sql);
		ok(length($on_primary) > 0, "$label: $name returns rows");
		is($on_standby, $on_primary, "$label: $name is the same on the standby");
	}
}

compare_nodes('first catch-up');
like(
	$standby->safe_psql(
		'postgres', q{
		SET parallel_setup_cost = 0;
		SET parallel_tuple_cost = 0;
		SET min_parallel_table_scan_size = 0;
		SET max_parallel_workers_per_gather = 2;
		SET olap.parallel_cpus = 0;
		EXPLAIN (COSTS OFF) SELECT id % 10, count(*), sum(i8), count(t) FROM typed GROUP BY 1 ORDER BY 1}),
	qr/Parallel (Seq Scan|Custom Scan \(OlapScan\)) on typed/,
	'the standby runs the parallel-scan query with a parallel plan');
compare_twins($primary, 'primary, first catch-up', @tables);
compare_twins($standby, 'standby, first catch-up', @tables);
is($standby->safe_psql('postgres', 'SELECT count(*) FROM typed WHERE id > 60000'),
	'0', 'standby does not see the uncommitted load');
is($standby->safe_psql('postgres', 'SELECT count(*) FROM typed WHERE id > 800000'),
	'0', 'standby does not see the rolled-back loads');

###########################################################################
# More loads: the open one commits, others follow, then compare again.

$open_load->query_safe('COMMIT');
$open_load->quit;
load_typed($primary, 'typed', 75001, 90000);
$primary->safe_psql('postgres', q{
	INSERT INTO opts SELECT g, 'more ' || g FROM generate_series(9001, 12000) g;
	INSERT INTO opts_heap SELECT g, 'more ' || g FROM generate_series(9001, 12000) g;
	INSERT INTO altered (id, b, e) SELECT g, g / 2.0, 'late' FROM generate_series(15001, 16000) g;
	INSERT INTO altered_heap (id, b, e) SELECT g, g / 2.0, 'late' FROM generate_series(15001, 16000) g;
	TRUNCATE reloaded, reloaded_heap;
	INSERT INTO reloaded SELECT g, 'last', g FROM generate_series(1, 5000) g;
	INSERT INTO reloaded_heap SELECT g, 'last', g FROM generate_series(1, 5000) g;
	ANALYZE;
});
compare_nodes('second catch-up');
compare_twins($standby, 'standby, second catch-up', @tables);
is($standby->safe_psql('postgres', 'SELECT count(*) FROM typed'),
	'82000', 'standby sees every committed row of typed');

###########################################################################
# Promotion: the former standby writes its olap tables.

$standby->promote;
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	'f', 'standby promoted');

load_typed($standby, 'typed', 100001, 110000);
$standby->safe_psql('postgres', q{
	INSERT INTO opts SELECT g, 'promoted' FROM generate_series(12001, 13000) g;
	INSERT INTO opts_heap SELECT g, 'promoted' FROM generate_series(12001, 13000) g;
	INSERT INTO altered (id, b, c) SELECT g, 0, 1 FROM generate_series(16001, 16500) g;
	INSERT INTO altered_heap (id, b, c) SELECT g, 0, 1 FROM generate_series(16001, 16500) g;
	TRUNCATE reloaded, reloaded_heap;
	INSERT INTO reloaded SELECT g, 'promoted', g FROM generate_series(1, 7000) g;
	INSERT INTO reloaded_heap SELECT g, 'promoted', g FROM generate_series(1, 7000) g;
	CREATE TABLE born_on_standby (id int, v text) USING olap;
	INSERT INTO born_on_standby SELECT g, 'v' || g FROM generate_series(1, 5000) g;
});
compare_twins($standby, 'promoted standby', @tables);
is($standby->safe_psql('postgres', 'SELECT count(*) FROM typed'),
	'92000', 'promoted standby has the rows it wrote');
is($standby->safe_psql('postgres', 'SELECT count(*), sum(id) FROM born_on_standby'),
	'5000|12502500', 'promoted standby created and loaded a new olap table');
check_row_numbers_and_stats($standby, 'promoted standby', @tables, 'born_on_standby');

# the old primary is unaffected
is($primary->safe_psql('postgres', 'SELECT count(*) FROM typed'),
	'82000', 'old primary keeps its own rows');

ok(!$primary->log_contains('terminated by signal'), 'no crash on the primary');
ok(!$standby->log_contains('terminated by signal'), 'no crash on the standby');

$standby->stop;
$primary->stop;
done_testing();
