# t/006_dml_standby.pl: a streaming standby replays DELETE, UPDATE and
# upserts on olap tables exactly.
#
# The primary runs DELETEs, UPDATEs (also of an indexed column and of the
# primary key), INSERT ... ON CONFLICT DO UPDATE / DO NOTHING in several
# transactions on olap tables with a primary key and a secondary index;
# every statement also goes to a heap twin, except in a rolled-back
# transaction, a part rolled back to a savepoint, and a transaction still
# open while the standby is compared.  After catching up, full ordered
# dumps, aggregates, index scans (forced with enable_seqscan = off, on the
# primary key and on the secondary index), the statistics view and the row
# masks must be the same on the primary and the standby; on both, index
# scans must return what sequential scans return, and the olap tables must
# match their heap twins.  Then the open transaction commits, more changes
# follow and the comparison is repeated; finally the standby is promoted and
# must be able to update, delete and upsert rows of its olap tables.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
# (not OlapTest's rows_sql: this test has rows of its own)
use OlapTest qw(streaming_primary start_standby create_indexed_twins dml_both
  $force_index $force_seqscan compare_twins check_row_numbers_and_stats);

my $primary = streaming_primary('primary');

# Rows for ids $lo..$hi, deterministic, with NULLs.
sub rows_sql
{
	my ($lo, $hi) = @_;
	return qq{
		SELECT g AS id,
			   (g % 50)::int AS k,
			   CASE WHEN g % 11 = 0 THEN NULL ELSE (g % 10007) / 7.0 END AS amount,
			   CASE WHEN g % 13 = 0 THEN NULL ELSE 'text ' || (g % 500) END AS label,
			   CASE WHEN g % 17 = 0 THEN NULL ELSE '2024-06-01 12:00:00+00'::timestamptz + g * interval '17 seconds' END AS ts,
			   CASE WHEN g % 19 = 0 THEN NULL ELSE jsonb_build_object('g', g, 'tag', 'x' || (g % 9)) END AS j
		FROM generate_series($lo, $hi) g};
}

my $columns = 'id int PRIMARY KEY, k int, amount numeric, label text, ts timestamptz, j jsonb';

# Part of the data exists before the base backup, with committed changes.
$primary->safe_psql('postgres', 'CREATE EXTENSION olap_ext');
create_indexed_twins($primary, 'items', $columns, 10000, 1000);
create_indexed_twins($primary, 'small', $columns, 1000, 100);
dml_both($primary, 'items', 'INSERT INTO %T ' . rows_sql(1, 100000));
dml_both($primary, 'small', 'INSERT INTO %T ' . rows_sql(1, 3000));
dml_both($primary, 'items', 'DELETE FROM %T WHERE id % 100 = 1',
	q{UPDATE %T SET label = 'before backup' WHERE id % 100 = 2});

my $standby = start_standby($primary, 'standby');

###########################################################################
# Workload on the primary after the backup.

# several committed transactions of DELETE, UPDATE and upserts
dml_both($primary, 'items',
	q{UPDATE %T SET amount = amount + 1, label = label || ' u1' WHERE id % 40 = 3});
dml_both($primary, 'items', 'DELETE FROM %T WHERE id % 30 = 7');
dml_both($primary, 'items',
	'UPDATE %T SET k = k + 100 WHERE id BETWEEN 20001 AND 21000',
	'UPDATE %T SET id = id + 1000000 WHERE id % 1000 = 11',
	'DELETE FROM %T WHERE id BETWEEN 30001 AND 30100');
dml_both($primary, 'items',
	'INSERT INTO %T AS t ' . rows_sql(99001, 101000)
	  . q{ ON CONFLICT (id) DO UPDATE SET label = 'upserted', amount = t.amount + EXCLUDED.amount},
	'INSERT INTO %T ' . rows_sql(100501, 102000) . ' ON CONFLICT DO NOTHING');
# rows updated twice, then some of them deleted, in one transaction
dml_both($primary, 'items',
	q{UPDATE %T SET label = 'twice' WHERE id BETWEEN 50001 AND 50300},
	q{UPDATE %T SET amount = 0 WHERE id BETWEEN 50001 AND 50300 AND id % 2 = 0},
	'DELETE FROM %T WHERE id BETWEEN 50201 AND 50300');
dml_both($primary, 'small', 'DELETE FROM %T WHERE id % 5 = 0',
	q{UPDATE %T SET label = 'small u', k = k + 1 WHERE id % 7 = 0});

# a rolled-back transaction (its row masks and new versions are replayed
# but never become visible)
$primary->safe_psql('postgres', q{
	BEGIN;
	DELETE FROM items WHERE id % 3 = 0;
	UPDATE items SET label = 'rolled back' WHERE id BETWEEN 60001 AND 61000;
	SELECT count(*) FROM items;
	ROLLBACK;
});

# a part rolled back to a savepoint
$primary->safe_psql('postgres', q{
	BEGIN;
	UPDATE items SET label = 'kept' WHERE id BETWEEN 70001 AND 70500;
	UPDATE items_heap SET label = 'kept' WHERE id BETWEEN 70001 AND 70500;
	SAVEPOINT s;
	DELETE FROM items WHERE id BETWEEN 1 AND 20000;
	UPDATE items SET label = 'undone' WHERE id BETWEEN 70001 AND 71000;
	SELECT count(*) FROM items;
	ROLLBACK TO SAVEPOINT s;
	DELETE FROM items WHERE id BETWEEN 80001 AND 80200;
	DELETE FROM items_heap WHERE id BETWEEN 80001 AND 80200;
	COMMIT;
});

# a transaction still open while the standby is compared: its row masks and
# new row versions reach the standby, uncommitted
my $open_txn = $primary->background_psql('postgres');
$open_txn->query_safe('BEGIN');
for my $t ('small', 'small_heap')
{
	$open_txn->query_safe("DELETE FROM $t WHERE id BETWEEN 1 AND 500");
	$open_txn->query_safe("UPDATE $t SET label = 'open' WHERE id BETWEEN 1001 AND 1500");
	$open_txn->query_safe(
		"INSERT INTO $t AS t VALUES (2001, 0, 0, 'open upsert', NULL, NULL) ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label");
}
$open_txn->query_safe('SELECT count(*) FROM small');

###########################################################################
# Comparison.

my @tables = qw(items small);

# [ name, query, access-path sensitive ]: the access-path sensitive ones run
# once with index scans forced and once with sequential scans forced
my @queries = (
	[ 'items full dump', 'SELECT * FROM items ORDER BY id', 0 ],
	[ 'items aggregates', q{
		SELECT count(*), count(amount), count(label), sum(id), sum(k), sum(amount),
			   count(*) FILTER (WHERE label LIKE '%u1'), min(ts), max(j->>'tag')
		FROM items}, 0 ],
	[ 'items by primary key range', q{
		SELECT * FROM items WHERE id BETWEEN 19000 AND 31000 ORDER BY id}, 1 ],
	[ 'items by primary key lookups', q{
		SELECT * FROM items
		WHERE id = ANY ('{1, 2, 3, 7, 50001, 50002, 50250, 1000011, 1099011, 100500, 101000, 101999}')
		ORDER BY id}, 1 ],
	[ 'items by secondary index', q{
		SELECT id, k, label, amount FROM items WHERE k IN (3, 7, 103, 149) ORDER BY id}, 1 ],
	[ 'items whole table by primary key', q{
		SELECT count(*), md5(string_agg(t::text, ',' ORDER BY id)) FROM items t WHERE id > 0}, 1 ],
	[ 'small full dump', 'SELECT * FROM small ORDER BY id', 0 ],
	[ 'small by primary key', q{
		SELECT * FROM small WHERE id BETWEEN 900 AND 2100 ORDER BY id}, 1 ],
	[ 'small by secondary index', q{
		SELECT * FROM small WHERE k IN (0, 7, 8) ORDER BY id}, 1 ],
	[ 'table_stats', q{
		SELECT relation, row_count, deleted_rows, stripe_count, chunk_group_count
		FROM olap.table_stats ORDER BY relation::text}, 0 ],
	[ 'row masks', q{
		SELECT c.relname, m.stripe_num, m.group_num, m.deleted_count, md5(m.mask), md5(m.forward)
		FROM olap.row_mask m JOIN pg_class c ON olap.storage_id(c.oid) = m.storage_id
		WHERE c.relname IN ('items', 'small') ORDER BY 1, 2, 3}, 0 ],
);

sub compare_nodes
{
	my ($label) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;

	$primary->wait_for_catchup($standby);
	for my $q (@queries)
	{
		my ($name, $sql, $by_path) = @$q;
		my @variants = $by_path
		  ? ([ 'index scan', $force_index ], [ 'seq scan', $force_seqscan ])
		  : ([ '', '' ]);
		my %results;
		for my $v (@variants)
		{
			my ($how, $settings) = @$v;
			my $vsql = "$settings $sql";
			if ($how)
			{
				# the access path is the one asked for, on both nodes
				my $want = $how eq 'index scan'
				  ? qr/Index Scan using/
				  : qr/(Seq Scan|Custom Scan \(OlapScan\)) on/;
				my $avoid = $how eq 'index scan'
				  ? qr/Seq Scan|Custom Scan/
				  : qr/Index Scan/;
				my $plans = $primary->safe_psql('postgres', "$settings EXPLAIN (COSTS OFF) $sql")
				  . $standby->safe_psql('postgres', "$settings EXPLAIN (COSTS OFF) $sql");
				ok($plans =~ $want && $plans !~ $avoid, "$label: $name uses a $how");
			}
			my $on_primary = $primary->safe_psql('postgres', $vsql);
			my $on_standby = $standby->safe_psql('postgres', $vsql);
			ok(length($on_primary) > 0, "$label: $name $how returns rows");
			is($on_standby, $on_primary, "$label: $name $how is the same on the standby");
			$results{$how} = $on_standby;
		}
		is($results{'index scan'}, $results{'seq scan'},
			"$label: $name: index scan equals seq scan")
		  if $by_path;
	}
	return;
}

compare_nodes('first catch-up');
compare_twins($primary, 'primary, first catch-up', @tables);
compare_twins($standby, 'standby, first catch-up', @tables);
is( $standby->safe_psql(
		'postgres',
		q{SELECT count(*) FROM small WHERE id <= 500 OR label LIKE 'open%'}),
	'400', 'standby does not see the open transaction\'s changes');
is( $standby->safe_psql(
		'postgres',
		q{SELECT count(*) FROM items WHERE label IN ('rolled back', 'undone')}),
	'0', 'standby does not see rolled-back changes');
is( $standby->safe_psql(
		'postgres', q{SELECT count(*) FROM items WHERE id % 3 = 0 AND id <= 90000}),
	$primary->safe_psql(
		'postgres', q{SELECT count(*) FROM items_heap WHERE id % 3 = 0 AND id <= 90000}),
	'standby keeps the rows of the rolled-back DELETE');

###########################################################################
# More changes: the open transaction commits, others follow, then compare
# again.

$open_txn->query_safe('COMMIT');
$open_txn->quit;
dml_both($primary, 'items',
	q{UPDATE %T SET label = 'second round', amount = -amount WHERE id BETWEEN 40001 AND 41000},
	'DELETE FROM %T WHERE k = 5',
	'INSERT INTO %T AS t ' . rows_sql(40501, 41500)
	  . q{ ON CONFLICT (id) DO UPDATE SET label = 'upserted twice'});
dml_both($primary, 'small',
	q{UPDATE %T SET label = 'second round' WHERE id BETWEEN 1 AND 1200},
	'INSERT INTO %T ' . rows_sql(1, 600) . ' ON CONFLICT DO NOTHING');
$primary->safe_psql('postgres', 'ANALYZE');
compare_nodes('second catch-up');
compare_twins($standby, 'standby, second catch-up', @tables);
is( $standby->safe_psql(
		'postgres', q{SELECT count(*) FROM small WHERE label = 'open upsert'}),
	'1', 'standby sees the committed upsert of the formerly open transaction');

###########################################################################
# Promotion: the former standby updates, deletes and upserts.

$standby->promote;
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	'f', 'standby promoted');

dml_both($standby, 'items',
	q{UPDATE %T SET label = 'promoted', k = k + 200 WHERE id BETWEEN 10001 AND 11000},
	'DELETE FROM %T WHERE id BETWEEN 12001 AND 13000',
	'INSERT INTO %T AS t ' . rows_sql(100801, 103000)
	  . q{ ON CONFLICT (id) DO UPDATE SET label = 'promoted upsert'});
dml_both($standby, 'small', 'DELETE FROM %T WHERE id % 2 = 0',
	q{UPDATE %T SET label = 'promoted' WHERE id % 3 = 0});
compare_twins($standby, 'promoted standby', @tables);

check_row_numbers_and_stats($standby, 'promoted standby', @tables);
for my $q (grep { $_->[2] } @queries)
{
	my ($name, $sql) = @$q;
	is($standby->safe_psql('postgres', "$force_index $sql"),
		$standby->safe_psql('postgres', "$force_seqscan $sql"),
		"promoted standby: $name: index scan equals seq scan");
}
is( $standby->safe_psql(
		'postgres', q{SELECT count(*) FROM items WHERE label IN ('promoted', 'promoted upsert')}),
	$standby->safe_psql(
		'postgres', q{SELECT count(*) FROM items_heap WHERE label IN ('promoted', 'promoted upsert')}),
	'promoted standby has the rows it changed');
my ($ret, $stdout, $stderr) = $standby->psql('postgres',
	q{INSERT INTO items (id, k, label) VALUES (10002, 0, 'duplicate')});
like($stderr, qr/duplicate key value violates unique constraint "items_pkey"/,
	'promoted standby enforces the primary key');

# the old primary is unaffected
is($primary->safe_psql('postgres', q{SELECT count(*) FROM items WHERE label LIKE 'promoted%'}),
	'0', 'old primary keeps its own rows');
compare_twins($primary, 'old primary at the end', @tables);

ok(!$primary->log_contains('terminated by signal'), 'no crash on the primary');
ok(!$standby->log_contains('terminated by signal'), 'no crash on the standby');

$standby->stop;
$primary->stop;
done_testing();
