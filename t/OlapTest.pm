# t/OlapTest.pm: helpers shared by the crash-recovery and standby TAP tests
# (t/001_crash_recovery.pl, t/002_standby_replay.pl,
# t/005_dml_crash_recovery.pl, t/006_dml_standby.pl,
# t/008_vacuum_compaction.pl) and the CDC tests (t/015_cdc_sync.pl,
# t/016_cdc_chain.pl), and the corruption tests (t/003_corruption.pl,
# t/019_scaled_corruption.pl).
#
# It owns what those tests have in common: starting nodes with olap_ext
# preloaded (the crash-test settings, a streaming primary, a standby from a
# base backup), the deterministic rows of the crash tests, running the same
# statements against an olap table and its heap twin, the settings that force
# index or sequential scans, the checks that an olap table matches its
# heap twin, and where a chunk's bytes lie in the data file.  What only one test needs stays in that test.
#
# The tests load it with
#     use FindBin;
#     use lib $FindBin::RealBin;
#     use OlapTest;
# so it is found wherever the tree is and whatever the current directory.
# Everything is exported by default; a test with rows of its own (as
# t/006_dml_standby.pl) names what it imports instead, leaving out rows_sql.
package OlapTest;

use strict;
use warnings;
use Exporter 'import';
use PostgreSQL::Test::Cluster;
use Test::More;

our @EXPORT = qw(
  crash_node streaming_primary start_standby cdc_node background_errors
  rows_sql rows_columns create_indexed_twins dml_both end_session
  $force_index $force_seqscan
  check_twin_rows check_row_numbers_unique compare_twins
  check_row_numbers_and_stats expect_corrupted
  BLCKSZ PAYLOAD CHUNK_HEADER stream_file_offset
);

# The on-disk layout the corruption tests edit: a chunk's bytes run as a
# stream over the payload of consecutive data pages, after each page's
# header, and start with the chunk header.
use constant BLCKSZ => 8192;
use constant PAGE_HEADER => 24;
use constant PAYLOAD => BLCKSZ - PAGE_HEADER;    # 8168 bytes per page
use constant CHUNK_HEADER => 24;

# Settings that make queries read through an index, or by a sequential scan.
# (OlapScan, the extension's custom scan, ignores enable_seqscan.)
our $force_index =
  'SET enable_seqscan = off; SET enable_bitmapscan = off; SET olap.enable_custom_scan = off;';
our $force_seqscan =
  'SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;';

# Creates and starts a node $name with olap_ext preloaded and the crash-test
# settings: dirty buffers stay in shared buffers (no bgwriter writes, no timed
# checkpoints), so what is committed after the last checkpoint is recovered
# from the WAL; no autovacuum; prepared transactions allowed.  wal_level is
# the default of PostgreSQL::Test::Cluster without streaming (minimal).
sub crash_node
{
	my ($name) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf(
		'postgresql.conf', q{
shared_preload_libraries = 'olap_ext'
shared_buffers = 128MB
checkpoint_timeout = 1h
max_wal_size = 2GB
bgwriter_lru_maxpages = 0
autovacuum = off
max_prepared_transactions = 5
});
	$node->start;
	return $node;
}

# Creates and starts a primary $name that allows streaming, with olap_ext
# preloaded, autovacuum off and the lines of $extra_conf (optional) added to
# postgresql.conf.
sub streaming_primary
{
	my ($name, $extra_conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(allows_streaming => 1);
	$node->append_conf(
		'postgresql.conf', q{
shared_preload_libraries = 'olap_ext'
autovacuum = off
} . ($extra_conf // ''));
	$node->start;
	return $node;
}

# Creates and starts a node $name for CDC syncs: wal_level logical, olap_ext
# preloaded, short sync latency and worker naptime; on servers that restrict
# output plugins to a list (output_plugin_libraries), ours is allowed.
sub cdc_node
{
	my ($name) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(allows_streaming => 'logical');
	$node->append_conf(
		'postgresql.conf', q{
shared_preload_libraries = 'olap_ext'
max_worker_processes = 16
olap.sync_max_latency = '200ms'
olap.worker_naptime = '500ms'
});
	$node->start;
	if ($node->safe_psql('postgres',
			"SELECT count(*) FROM pg_settings WHERE name = 'output_plugin_libraries'")
		eq '1')
	{
		$node->append_conf('postgresql.conf',
			"output_plugin_libraries = 'pgoutput, test_decoding, olap_ext'");
		$node->reload;
	}
	return $node;
}

# The ERROR lines that background workers (no application name) wrote to
# the node's server log.  A sync worker's apply must never fail: each failure
# rolls back a batch, and the conditions behind them have lost rows before.
sub background_errors
{
	my ($node) = @_;
	my $log = PostgreSQL::Test::Utils::slurp_file($node->logfile);
	return grep { /^\S+ \S+ UTC \[\d+\] ERROR:/ } split /\n/, $log;
}

# Takes a base backup of $primary and creates and starts a streaming standby
# $name from it.
sub start_standby
{
	my ($primary, $name) = @_;
	$primary->backup('base');
	my $standby = PostgreSQL::Test::Cluster->new($name);
	$standby->init_from_backup($primary, 'base', has_streaming => 1);
	$standby->start;
	return $standby;
}

# The rows of ids $lo..$hi of the crash tests; the same whatever table they
# go to, with NULLs in amount and label.  (The generate_series call sits in a
# target list, where it streams its rows; in FROM it would first materialise
# all of them.)
sub rows_sql
{
	my ($lo, $hi) = @_;
	return qq{
		SELECT g::bigint AS id,
			   (g % 97)::int AS k,
			   CASE WHEN g % 11 = 0 THEN NULL ELSE ((g % 100003) / 100.0)::numeric(12,2) END AS amount,
			   CASE WHEN g % 13 = 0 THEN NULL ELSE 'label ' || (g % 1000) END AS label,
			   '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second' AS at,
			   (g % 1000) / 8.0::float8 AS f,
			   (g % 3 = 0) AS flag
		FROM (SELECT generate_series($lo, $hi) AS g) s};
}

# The column list of a table holding rows_sql() rows; with id as primary key
# when $primary_key is true.
sub rows_columns
{
	my ($primary_key) = @_;
	return 'id bigint' . ($primary_key ? ' PRIMARY KEY' : '')
	  . ', k int, amount numeric(12,2), label text, at timestamptz, f float8, flag bool';
}

# Creates on $node an olap table $table and its heap twin ${table}_heap with
# columns $columns (which should declare a primary key), each with an index
# on k; the olap table with stripes of $stripe_rows rows and chunk groups of
# $group_rows rows.
sub create_indexed_twins
{
	my ($node, $table, $columns, $stripe_rows, $group_rows) = @_;
	$node->safe_psql('postgres', qq{
		CREATE TABLE $table ($columns) USING olap;
		CREATE TABLE ${table}_heap ($columns);
		CREATE INDEX ${table}_k_idx ON $table (k);
		CREATE INDEX ${table}_heap_k_idx ON ${table}_heap (k);
		SELECT olap.alter_table_set('$table', stripe_row_limit => $stripe_rows,
									chunk_group_row_limit => $group_rows);
	});
	return;
}

# Runs each statement of @sql on $node against the olap table $table and its
# heap twin ("%T" stands for the table name), all in one transaction.
sub dml_both
{
	my ($node, $table, @sql) = @_;
	my $script = "BEGIN;\n";
	for my $stmt (@sql)
	{
		for my $t ($table, "${table}_heap")
		{
			(my $s = $stmt) =~ s/%T/$t/g;
			$script .= "$s;\n";
		}
	}
	$script .= "COMMIT;\n";
	$node->safe_psql('postgres', $script);
	return;
}

# Ends a background psql whose server went away under it.
sub end_session
{
	my ($session) = @_;
	eval { $session->{run}->kill_kill(grace => 5); };
	return;
}

# Two tests: on $node, no row of $table is missing from ${table}_heap and no
# row of ${table}_heap is missing from $table (EXCEPT ALL both ways).
sub check_twin_rows
{
	my ($node, $table, $label) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	is( $node->safe_psql(
			'postgres',
			"SELECT count(*) FROM (SELECT * FROM $table EXCEPT ALL SELECT * FROM ${table}_heap) d"
		),
		'0',
		"$label: no row of $table is missing from its heap twin");
	is( $node->safe_psql(
			'postgres',
			"SELECT count(*) FROM (SELECT * FROM ${table}_heap EXCEPT ALL SELECT * FROM $table) d"
		),
		'0',
		"$label: no row of the heap twin is missing from $table");
	return;
}

# One test: on $node, the row numbers (ctids) of $table are unique.
sub check_row_numbers_unique
{
	my ($node, $table, $label) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	is( $node->safe_psql(
			'postgres', "SELECT count(DISTINCT ctid) = count(*) FROM $table"),
		't',
		"$label: row numbers of $table are unique");
	return;
}

# One test per table of @tables: on $node, the olap table matches its heap
# twin (EXCEPT ALL both ways and the same row count, in one query).
sub compare_twins
{
	my ($node, $label, @tables) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	for my $table (@tables)
	{
		is( $node->safe_psql(
				'postgres', qq{
			SELECT (SELECT count(*) FROM (SELECT * FROM $table EXCEPT ALL SELECT * FROM ${table}_heap) d1)
				|| ' ' || (SELECT count(*) FROM (SELECT * FROM ${table}_heap EXCEPT ALL SELECT * FROM $table) d2)
				|| ' ' || ((SELECT count(*) FROM $table) = (SELECT count(*) FROM ${table}_heap))}),
			'0 0 true',
			"$label: $table matches its heap twin");
	}
	return;
}

# One test per table of @tables: on $node, the table's row numbers are unique
# and olap.table_stats counts its rows.
sub check_row_numbers_and_stats
{
	my ($node, $label, @tables) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	for my $table (@tables)
	{
		is( $node->safe_psql(
				'postgres', qq{
		SELECT (SELECT count(DISTINCT ctid) = count(*) FROM $table)
		   AND (SELECT row_count FROM olap.table_stats WHERE relation = '$table'::regclass)
			   = (SELECT count(*) FROM $table)}),
			't',
			"$label: $table has unique row numbers and consistent statistics");
	}
	return;
}


# Runs $sql on $node expecting an XX001 (data corrupted) error whose message
# matches every pattern, without the connection ending; returns stderr.
sub expect_corrupted
{
	my ($node, $sql, $name, @patterns) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	my ($stdout, $stderr);
	my $ret = $node->psql(
		'postgres', $sql,
		stdout => \$stdout,
		stderr => \$stderr,
		extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	isnt($ret, 0, "$name fails");
	like($stderr, qr/ERROR:  XX001: /, "$name reports SQLSTATE XX001");
	like($stderr, $_, "$name: error matches $_") for @patterns;
	unlike($stderr, qr/server closed the connection|terminated abnormally/,
		"$name does not end the connection");
	return $stderr;
}

# File offset of byte $k of the stream that starts at block $first_block.
sub stream_file_offset
{
	my ($first_block, $k) = @_;
	return ($first_block + int($k / PAYLOAD)) * BLCKSZ + PAGE_HEADER + $k % PAYLOAD;
}

1;
