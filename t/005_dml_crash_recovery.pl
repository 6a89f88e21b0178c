# t/005_dml_crash_recovery.pl: DELETE, UPDATE and upserts on olap tables
# survive an immediate shutdown (a crash as far as the data directory is
# concerned) exactly as committed.
#
# Every olap table has a primary key, a secondary index and a heap twin that
# received exactly the same committed statements; after each crash the two
# must match row for row (EXCEPT ALL both ways), index scans (primary key and
# secondary index, forced with enable_seqscan = off) must return what
# sequential scans return, and the statistics view must count the live and
# deleted rows.
#
# (a) committed UPDATEs (also of the indexed column and of the key),
#     DELETEs and upserts of about 10% of 300,000 rows, partly before and
#     partly after a checkpoint, plus a rolled-back transaction and a
#     savepoint rolled back;
# (b) crash while one transaction has finished a DELETE and an UPDATE
#     (uncommitted row-mask versions and new row versions on disk) and is
#     in the middle of an UPDATE of 200,000 rows that has already written
#     pages; meanwhile other sessions commit plain INSERTs into the same
#     table and DML on another table just before the crash.  After
#     recovery nothing of the open transaction is visible, its keys are
#     still taken by the committed rows, and the tables can be changed
#     again;
# (c) crash right after a committed DELETE and UPDATE, with two prepared
#     transactions holding DML (one committed, one rolled back after the
#     restart).
#
# Like t/001_crash_recovery.pl, the node keeps dirty buffers in shared
# buffers (no bgwriter writes, no timed checkpoints), so what was committed
# after the last checkpoint is recovered from the WAL.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use OlapTest;

my $node = crash_node('dml_crash');

my $columns = rows_columns(1);

# Creates an olap table and its heap twin, each with a primary key and an
# index on k; the olap table with small stripes and chunk groups, so that
# the DML below touches many chunk groups (and row-mask rows).
sub create_both
{
	my ($table) = @_;
	create_indexed_twins($node, $table, $columns, 20000, 1000);
	return;
}

# Queries whose result must not depend on the access path.  %T is the
# table; each returns one short line.
my @scan_queries = (
	[ 'primary key range',
	  q{SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY id)) FROM %T t
		WHERE id BETWEEN 99000 AND 104000} ],
	[ 'primary key range with changed rows',
	  q{SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY id)) FROM %T t
		WHERE id BETWEEN 238000 AND 246000} ],
	[ 'primary key lookups',
	  q{SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY id)) FROM %T t
		WHERE id = ANY ('{1, 3, 7, 11, 1011, 20003, 60250, 100500, 150001, 150002, 150301, 240001,
						  250001, 299999, 300500, 400001, 1000011, 1299011}')} ],
	[ 'secondary index',
	  q{SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY id)) FROM %T t
		WHERE k IN (3, 7, 50, 1003, 1050)} ],
	[ 'whole table through the primary key',
	  q{SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY id)) FROM %T t WHERE id > 0},
	  'whole' ],
);

# Index scans of $table return what sequential scans return, and what the
# heap twin returns.  The whole-table index scan (a few seconds) only when
# $whole is true.
sub compare_scans
{
	my ($table, $label, $whole) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	for my $q (@scan_queries)
	{
		my ($name, $sql, $is_whole) = @$q;
		next if $is_whole && !$whole;
		(my $olap_sql = $sql) =~ s/%T/$table/g;
		(my $heap_sql = $sql) =~ s/%T/${table}_heap/g;
		my $plans = $node->safe_psql('postgres', "$force_index EXPLAIN (COSTS OFF) $olap_sql");
		ok($plans =~ /Index Scan using ${table}_/ && $plans !~ /Seq Scan|Custom Scan/,
			"$label: $table, $name: read through an index when seq scans are off");
		$plans = $node->safe_psql('postgres', "$force_seqscan EXPLAIN (COSTS OFF) $olap_sql");
		ok($plans =~ /(Seq Scan|Custom Scan \(OlapScan\)) on $table/ && $plans !~ /Index Scan/,
			"$label: $table, $name: read by a seq scan when index scans are off");
		my $by_index = $node->safe_psql('postgres', "$force_index $olap_sql");
		my $by_seqscan = $node->safe_psql('postgres', "$force_seqscan $olap_sql");
		my $heap = $node->safe_psql('postgres', $heap_sql);
		is($by_index, $by_seqscan, "$label: $table, $name: index scan equals seq scan");
		is($by_seqscan, $heap, "$label: $table, $name: same as the heap twin");
	}
	return;
}

# The olap table and its heap twin hold the same rows, the statistics count
# its live and deleted rows, its row numbers are unique and index scans
# agree with sequential scans (over the whole table too when $whole).
sub check_table
{
	my ($table, $label, $whole) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	my $expected = $node->safe_psql('postgres', "SELECT count(*) FROM ${table}_heap");
	is($node->safe_psql('postgres', "SELECT count(*) FROM $table"),
		$expected, "$label: $table has $expected rows like its heap twin");
	check_twin_rows($node, $table, $label);
	is( $node->safe_psql(
			'postgres', qq{
		SELECT s.row_count = (SELECT count(*) FROM $table)
		   AND s.row_count + s.deleted_rows
			   = (SELECT coalesce(sum(row_count), 0) FROM olap.stripes WHERE relation = '$table'::regclass)
		FROM olap.table_stats s WHERE s.relation = '$table'::regclass}),
		't',
		"$label: olap.table_stats counts the live and deleted rows of $table");
	check_row_numbers_unique($node, $table, $label);
	compare_scans($table, $label, $whole);
	return;
}

$node->safe_psql('postgres', 'CREATE EXTENSION olap_ext');
create_both('items');
create_both('small');
create_both('prep');
dml_both($node, 'items', 'INSERT INTO %T ' . rows_sql(1, 300000));
dml_both($node, 'small', 'INSERT INTO %T ' . rows_sql(1, 5000));
dml_both($node, 'prep', 'INSERT INTO %T ' . rows_sql(1, 5000));

###########################################################################
# (a) committed changes of about 10% of the rows, around a checkpoint.

$node->safe_psql('postgres', 'CHECKPOINT');

dml_both($node, 'items',
	q{UPDATE %T SET amount = amount + 1, label = label || ' u1' WHERE id % 40 = 3});
dml_both($node, 'items', 'DELETE FROM %T WHERE id % 25 = 7');

$node->safe_psql('postgres', 'CHECKPOINT');

# the indexed column, the key, and upserts (half of them updates, some of
# keys deleted above)
dml_both($node, 'items', 'UPDATE %T SET k = k + 1000 WHERE id BETWEEN 100001 AND 103000');
dml_both($node, 'items', 'UPDATE %T SET id = id + 1000000 WHERE id % 1000 = 11');
dml_both($node, 'items',
	'INSERT INTO %T AS t ' . rows_sql(299001, 301000)
	  . q{ ON CONFLICT (id) DO UPDATE SET label = 'upserted', amount = t.amount + EXCLUDED.amount});
# rows updated twice and then deleted in one transaction
dml_both($node, 'items',
	q{UPDATE %T SET label = 'twice' WHERE id BETWEEN 150001 AND 150400},
	q{UPDATE %T SET amount = 0 WHERE id BETWEEN 150001 AND 150400 AND id % 2 = 0},
	'DELETE FROM %T WHERE id BETWEEN 150301 AND 150400');

# a rolled-back transaction, and a savepoint rolled back after a read inside
# it (which writes the row masks of the statements before)
$node->safe_psql('postgres', q{
	BEGIN;
	DELETE FROM items WHERE id % 3 = 0;
	UPDATE items SET label = 'rolled back' WHERE id BETWEEN 1 AND 1000;
	SELECT count(*) FROM items;
	ROLLBACK;
});
$node->safe_psql('postgres', q{
	BEGIN;
	UPDATE items SET flag = NOT flag WHERE id BETWEEN 50001 AND 52000;
	UPDATE items_heap SET flag = NOT flag WHERE id BETWEEN 50001 AND 52000;
	SAVEPOINT s;
	DELETE FROM items WHERE id BETWEEN 1 AND 40000;
	UPDATE items SET label = 'undone' WHERE id BETWEEN 50001 AND 51000;
	SELECT count(*) FROM items;
	ROLLBACK TO SAVEPOINT s;
	DELETE FROM items WHERE id BETWEEN 60001 AND 60500;
	DELETE FROM items_heap WHERE id BETWEEN 60001 AND 60500;
	COMMIT;
});

check_table('items', 'before any crash');
is($node->safe_psql('postgres',
		q{SELECT deleted_rows > 20000 FROM olap.table_stats WHERE relation = 'items'::regclass}),
	't', 'before any crash: items has many deleted row versions');

###########################################################################
# (b) crash during an UPDATE of 200,000 rows, in a transaction that has
# already deleted and updated rows.

my $writer = $node->background_psql('postgres', on_error_stop => 0);
$writer->query_safe('BEGIN');
$writer->query_safe('DELETE FROM items WHERE id % 10 = 1 AND id > 250000');
$writer->query_safe(
	q{UPDATE items SET label = 'in flight', amount = -1 WHERE id BETWEEN 240001 AND 244000});
$writer->query_safe('SELECT count(*) FROM items');

# plain INSERTs never wait for the row-change lock: commit some meanwhile
dml_both($node, 'items', 'INSERT INTO %T ' . rows_sql(400001, 401000));

my $size_before = $node->safe_psql('postgres', "SELECT pg_relation_size('items')");

# A statement that would run for a long time; it is killed by the crash.
$writer->query_until(qr/long update started/, q{
	\echo long update started
	UPDATE items SET label = 'in flight', amount = -2 WHERE id <= 200000;
});

# wait until the long update has written pages of new row versions (a few
# chunk groups of 1000 rows)
$node->poll_query_until('postgres',
	"SELECT pg_relation_size('items') > $size_before + 40 * 1024")
  or die 'the long update does not write pages';
ok( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_stat_activity
		  WHERE query LIKE '%UPDATE items SET%' AND state = 'active' AND pid <> pg_backend_pid()}
	) >= 1,
	'the long update is still running when the server is stopped');

# changes to another table committed just before the crash
dml_both($node, 'small', 'DELETE FROM %T WHERE id % 7 = 0');
dml_both($node, 'small', q{UPDATE %T SET label = 'late', k = k + 1000 WHERE id % 11 = 0});

$node->stop('immediate');
end_session($writer);
$node->start;

check_table('items', 'after a crash during an UPDATE', 1);
check_table('small', 'after a crash right after committed DML', 1);
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM items WHERE label = 'in flight' OR amount < 0}),
	'0',
	'no row version of the interrupted transaction is visible');
is( $node->safe_psql(
		'postgres', 'SELECT count(*) FROM items WHERE id % 10 = 1 AND id BETWEEN 250001 AND 300000'),
	$node->safe_psql(
		'postgres', 'SELECT count(*) FROM items_heap WHERE id % 10 = 1 AND id BETWEEN 250001 AND 300000'),
	'the uncommitted DELETE of the interrupted transaction deleted nothing');
ok( $node->safe_psql('postgres', "SELECT pg_relation_size('items')") >
	  $size_before + 40 * 1024,
	'the interrupted update had written pages, which recovery keeps and ignores');
is($node->safe_psql('postgres', 'SELECT count(*) FROM items WHERE id BETWEEN 400001 AND 401000'),
	'1000', 'the INSERT committed during the interrupted UPDATE is there');

# the keys of the interrupted transaction's rows are still taken by the
# committed rows; the deleted ones too
my ($ret, $stdout, $stderr) = $node->psql('postgres',
	q{INSERT INTO items (id, k, label) VALUES (240001, 0, 'duplicate')});
like($stderr, qr/duplicate key value violates unique constraint "items_pkey"/,
	'a key the interrupted UPDATE changed is still taken');
($ret, $stdout, $stderr) = $node->psql('postgres',
	q{INSERT INTO items (id, k, label) VALUES (250001, 0, 'duplicate')});
like($stderr, qr/duplicate key value violates unique constraint "items_pkey"/,
	'a key the interrupted DELETE removed is still taken');

# the tables can be changed after recovery, also the rows the interrupted
# transaction had changed
dml_both($node, 'items', q{UPDATE %T SET label = 'after crash', amount = amount * 2 WHERE id BETWEEN 239001 AND 242000});
dml_both($node, 'items', 'DELETE FROM %T WHERE id % 10 = 1 AND id > 290000');
dml_both($node, 'items',
	'INSERT INTO %T AS t ' . rows_sql(300501, 302000)
	  . q{ ON CONFLICT (id) DO UPDATE SET label = 'upserted after crash'});
dml_both($node, 'small', 'UPDATE %T SET k = k + 1 WHERE id < 1000');
check_table('items', 'changed after crash recovery');
check_table('small', 'changed after crash recovery', 1);

###########################################################################
# (c) crash right after a committed DELETE and UPDATE, with two prepared
# transactions that changed rows (each holds its table's row-change lock
# across the crash).

$node->safe_psql('postgres', q{
	BEGIN;
	UPDATE prep SET label = 'prepared' WHERE id BETWEEN 1001 AND 1500;
	UPDATE prep_heap SET label = 'prepared' WHERE id BETWEEN 1001 AND 1500;
	DELETE FROM prep WHERE id BETWEEN 2001 AND 2300;
	DELETE FROM prep_heap WHERE id BETWEEN 2001 AND 2300;
	INSERT INTO prep AS t VALUES (1, 0, NULL, 'prepared upsert') ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label;
	INSERT INTO prep_heap AS t VALUES (1, 0, NULL, 'prepared upsert') ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label;
	PREPARE TRANSACTION 'dml_to_commit';
	BEGIN;
	DELETE FROM small WHERE id < 3000;
	UPDATE small SET label = 'never' WHERE id >= 3000;
	PREPARE TRANSACTION 'dml_to_roll_back';
});

dml_both($node, 'items', 'DELETE FROM %T WHERE id BETWEEN 170001 AND 172000');
dml_both($node, 'items', q{UPDATE %T SET label = 'last before crash' WHERE id BETWEEN 180001 AND 181000});

$node->stop('immediate');
$node->start;

is($node->safe_psql('postgres', q{SELECT string_agg(gid, ',' ORDER BY gid) FROM pg_prepared_xacts}),
	'dml_to_commit,dml_to_roll_back', 'the prepared transactions survived the crash');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM prep WHERE label LIKE 'prepared%'}),
	'0', 'prepared changes are invisible before COMMIT PREPARED');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM small WHERE label = 'never'}),
	'0', 'prepared changes of the other table are invisible');
is($node->safe_psql('postgres', 'SELECT count(*) FROM items WHERE id BETWEEN 170001 AND 172000'),
	'0', 'the DELETE committed just before the crash is there');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM items WHERE label = 'last before crash'}),
	$node->safe_psql(
		'postgres', q{SELECT count(*) FROM items_heap WHERE label = 'last before crash'}),
	'the UPDATE committed just before the crash is there');
check_table('items', 'committed just before a crash', 1);

$node->safe_psql('postgres', q{
	COMMIT PREPARED 'dml_to_commit';
	ROLLBACK PREPARED 'dml_to_roll_back';
});
check_table('prep', 'prepared DML committed after the crash', 1);
check_table('small', 'prepared DML rolled back after the crash', 1);
is($node->safe_psql('postgres', q{SELECT count(*) FROM prep WHERE label LIKE 'prepared%'}),
	'501', 'the committed prepared transaction changed its rows');

# writable once more, by DML on all tables; then a clean restart keeps it all
dml_both($node, 'prep', 'UPDATE %T SET amount = 1 WHERE id BETWEEN 1001 AND 1100');
dml_both($node, 'small', 'DELETE FROM %T WHERE id BETWEEN 3000 AND 3100');
dml_both($node, 'items', 'UPDATE %T SET k = 7 WHERE id BETWEEN 200001 AND 201000');
$node->restart;
check_table('items', 'after a clean restart');
check_table('small', 'after a clean restart', 1);
check_table('prep', 'after a clean restart', 1);

ok(!$node->log_contains('terminated by signal'), 'no backend crashed');

$node->stop;
done_testing();
