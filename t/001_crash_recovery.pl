# t/001_crash_recovery.pl: olap tables survive an immediate shutdown (a
# crash as far as the data directory is concerned): committed loads are all
# there after crash recovery, including loads committed just before the
# crash whose pages only reached the WAL; loads that were still running or
# uncommitted (also an uncommitted TRUNCATE + reload) leave no trace;
# savepoints and prepared transactions keep exactly what they committed; the
# tables stay writable and their statistics agree with their contents.
#
# Every olap table has a heap twin holding the same rows, generated
# deterministically; the two must match row for row (EXCEPT ALL both ways).
#
# The node runs with wal_level = minimal (the default of
# PostgreSQL::Test::Cluster without streaming), so tables created or
# truncated in the loading transaction take the "WAL skipped, synced at
# commit" path, both below and above wal_skip_threshold.  Dirty buffers stay
# in shared buffers (no bgwriter writes, no timed checkpoints), so what is
# committed before a crash is recovered from the WAL.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use OlapTest;

my $node = crash_node('crash');

my $columns = rows_columns();

# Load ids $lo..$hi into an olap table and its heap twin in one transaction.
sub load_both
{
	my ($table, $lo, $hi) = @_;
	dml_both($node, $table, 'INSERT INTO %T ' . rows_sql($lo, $hi));
	return;
}

# The olap table and its heap twin hold the same rows, its statistics agree
# with its contents and its row numbers (ctids) are unique.
sub check_table
{
	my ($table, $label, $expected_count) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	is($node->safe_psql('postgres', "SELECT count(*) FROM $table"),
		$expected_count, "$label: $table has $expected_count rows");
	check_twin_rows($node, $table, $label);
	is( $node->safe_psql(
			'postgres', qq{
		SELECT s.row_count = (SELECT count(*) FROM $table)
		   AND s.stripe_count = (SELECT count(*) FROM olap.stripes WHERE relation = '$table'::regclass)
		   AND s.row_count = (SELECT coalesce(sum(row_count), 0) FROM olap.stripes WHERE relation = '$table'::regclass)
		   AND s.chunk_group_count = (SELECT count(DISTINCT (stripe_num, group_num)) FROM olap.chunks WHERE relation = '$table'::regclass)
		FROM olap.table_stats s WHERE s.relation = '$table'::regclass}),
		't',
		"$label: olap.table_stats, olap.stripes and olap.chunks agree with $table");
	check_row_numbers_unique($node, $table, $label);
	return;
}

$node->safe_psql('postgres', qq{
	CREATE EXTENSION olap_ext;
	CREATE TABLE events ($columns) USING olap;
	CREATE TABLE events_heap ($columns);
	CREATE TABLE small ($columns) USING olap;
	CREATE TABLE small_heap ($columns);
});

###########################################################################
# (a) committed loads: INSERT ... SELECT and COPY FROM, 300,000 rows.

load_both('events', 1, 250000);
my $csv = $node->basedir . '/events.csv';
$node->safe_psql('postgres',
	'COPY (' . rows_sql(250001, 300000) . ") TO '$csv' (FORMAT csv)");
$node->safe_psql('postgres', qq{
	BEGIN;
	COPY events FROM '$csv' (FORMAT csv);
	COPY events_heap FROM '$csv' (FORMAT csv);
	COMMIT;
});
load_both('small', 1, 5000);
check_table('events', 'before any crash', 300000);
check_table('small', 'before any crash', 5000);

###########################################################################
# (b) crash in the middle of loads: an open transaction that has written
# whole stripes (pages and uncommitted metadata rows, partly before a
# checkpoint, partly after) and has a statement still running, and another
# open transaction that truncated and reloaded "small".  Meanwhile a third
# session commits a load after the checkpoint, which must survive.

my $size_before = $node->safe_psql('postgres', "SELECT pg_relation_size('events')");

my $loader = $node->background_psql('postgres', on_error_stop => 0);
$loader->query_safe('BEGIN');
$loader->query_safe('SET olap.stripe_row_limit = 20000');
$loader->query_safe('INSERT INTO events ' . rows_sql(10000001, 10200000));

my $truncator = $node->background_psql('postgres', on_error_stop => 0);
$truncator->query_safe('BEGIN');
$truncator->query_safe('TRUNCATE small');
$truncator->query_safe('INSERT INTO small ' . rows_sql(20000001, 20050000));
$truncator->query_safe('SELECT count(*) FROM small');    # flushes its last stripe

$node->safe_psql('postgres', 'CHECKPOINT');

load_both('events', 300001, 320000);

# A statement that would run for minutes; it is killed by the crash.
$loader->query_until(qr/long load started/, q{
	\echo long load started
	INSERT INTO events } . rows_sql(30000001, 130000000) . ";\n");
# wait until it has written several megabytes of pages
$node->poll_query_until('postgres',
	"SELECT pg_relation_size('events') > $size_before + 8 * 1024 * 1024")
  or die 'the long load does not write pages';
ok( $node->safe_psql('postgres',
		"SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%INSERT INTO events%' AND state = 'active' AND pid <> pg_backend_pid()"
	  ) >= 1,
	'the long load is still running when the server is stopped');

$node->stop('immediate');
end_session($loader);
end_session($truncator);
$node->start;

check_table('events', 'after a crash during loads', 320000);
check_table('small', 'after a crash during an uncommitted TRUNCATE and reload', 5000);
is( $node->safe_psql(
		'postgres', 'SELECT count(*) FROM events WHERE id > 10000000'),
	'0',
	'no row of the interrupted loads is visible');
ok( $node->safe_psql('postgres', "SELECT pg_relation_size('events')") >
	  $size_before + 8 * 1024 * 1024,
	'the interrupted load had written pages, which recovery keeps and ignores');

# the tables are writable after recovery, by several writers
load_both('events', 320001, 370000);
load_both('small', 5001, 6000);
check_table('events', 'written after crash recovery', 370000);
check_table('small', 'written after crash recovery', 6000);

###########################################################################
# (c) loads committed just before the crash: their pages are in the WAL and
# in shared buffers, not in the data file; one of them rolled back part of
# its rows to a savepoint.  Two prepared transactions, finished after the
# crash.  Also tables created, and a table truncated, in their loading
# transaction (WAL skipped with wal_level = minimal: synced at commit by
# WAL-logging every page below wal_skip_threshold, by writing and syncing
# the file above it).

load_both('events', 370001, 470000);

# a load with a part rolled back to a savepoint, after a read inside the
# savepoint flushed the outer rows
$node->safe_psql('postgres', q{
	BEGIN;
	INSERT INTO events } . rows_sql(470001, 472500) . q{;
	INSERT INTO events_heap } . rows_sql(470001, 472500) . q{;
	SAVEPOINT s;
	SELECT count(*) FROM events;
	INSERT INTO events } . rows_sql(50000001, 50010000) . q{;
	ROLLBACK TO SAVEPOINT s;
	INSERT INTO events } . rows_sql(472501, 475000) . q{;
	INSERT INTO events_heap } . rows_sql(472501, 475000) . q{;
	COMMIT;
});

# two prepared transactions: one is committed after the crash, the other
# rolled back
$node->safe_psql('postgres', q{
	BEGIN;
	INSERT INTO events } . rows_sql(475001, 480000) . q{;
	INSERT INTO events_heap } . rows_sql(475001, 480000) . q{;
	PREPARE TRANSACTION 'load_to_commit';
	BEGIN;
	INSERT INTO events } . rows_sql(60000001, 60005000) . q{;
	PREPARE TRANSACTION 'load_to_roll_back';
});

$node->safe_psql('postgres', qq{
	BEGIN;
	CREATE TABLE fresh ($columns) USING olap;
	CREATE TABLE fresh_heap ($columns);
	INSERT INTO fresh } . rows_sql(1, 20000) . q{;
	INSERT INTO fresh_heap } . rows_sql(1, 20000) . q{;
	COMMIT;
});
$node->safe_psql('postgres', qq{
	SET wal_skip_threshold = 0;
	BEGIN;
	CREATE TABLE fresh_synced ($columns) USING olap;
	CREATE TABLE fresh_synced_heap ($columns);
	INSERT INTO fresh_synced } . rows_sql(1, 100000) . q{;
	INSERT INTO fresh_synced_heap } . rows_sql(1, 100000) . q{;
	COMMIT;
});
$node->safe_psql('postgres', q{
	BEGIN;
	TRUNCATE small, small_heap;
	INSERT INTO small } . rows_sql(40001, 47000) . q{;
	INSERT INTO small_heap } . rows_sql(40001, 47000) . q{;
	COMMIT;
});

$node->stop('immediate');
$node->start;

is($node->safe_psql('postgres', 'SELECT string_agg(gid, \',\' ORDER BY gid) FROM pg_prepared_xacts'),
	'load_to_commit,load_to_roll_back', 'the prepared transactions survived the crash');
is($node->safe_psql('postgres', 'SELECT count(*) FROM events WHERE id > 470000'),
	'5000', 'prepared loads are invisible before COMMIT PREPARED');
$node->safe_psql('postgres', q{
	COMMIT PREPARED 'load_to_commit';
	ROLLBACK PREPARED 'load_to_roll_back';
});

check_table('events', 'committed just before a crash', 480000);
check_table('fresh', 'created and loaded just before a crash', 20000);
check_table('fresh_synced', 'created and loaded above wal_skip_threshold just before a crash',
	100000);
check_table('small', 'truncated and reloaded just before a crash', 7000);
is( $node->safe_psql(
		'postgres', q{SELECT min(id) || ' ' || max(id) FROM small}),
	'40001 47000',
	'the truncated table holds only its reloaded rows');

# and once more writable, then a clean restart keeps everything
load_both('events', 480001, 490000);
load_both('fresh', 20001, 21000);
$node->restart;
check_table('events', 'after a clean restart', 490000);
check_table('fresh', 'after a clean restart', 21000);

ok(!$node->log_contains('terminated by signal'), 'no backend crashed');

$node->stop;
done_testing();
