# t/008_vacuum_compaction.pl: VACUUM compaction of olap tables is crash
# safe, runs from autovacuum, and replays on a standby.
#
# (a) an immediate shutdown while VACUUM rewrites half-deleted stripes, and
#     again once its first pass has committed (later passes reuse the freed
#     pages), loses nothing: after each restart the olap table matches its
#     heap twin, index scans return what sequential scans return, and a
#     VACUUM that is let finish leaves about half of the original size;
# (b) autovacuum, triggered by the inserts of 1,500 single-row
#     transactions, merges their 1,500 stripes on its own;
# (c) a standby replays a compaction (new stripes, reused pages, truncated
#     end) and reads the same rows as its primary.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use OlapTest;

# Index scans (primary key and secondary index) against the heap twin.
sub check_index_scans
{
	my ($node, $table, $label) = @_;
	my $q = q{SELECT count(*) || ' ' || coalesce(sum(k), 0) FROM %T WHERE id BETWEEN 1000 AND 250000 AND k < 500};
	(my $olap_q = $q) =~ s/%T/$table/;
	(my $heap_q = $q) =~ s/%T/${table}_heap/;
	is( $node->safe_psql('postgres', "$force_index $olap_q"),
		$node->safe_psql('postgres', $heap_q),
		"$label: index scans of $table match the heap twin");
	return;
}

###########################################################################
# (a) crashes during compaction

my $node = crash_node('vac_crash');
$node->safe_psql('postgres', 'CREATE EXTENSION olap_ext');
create_indexed_twins($node, 'items', rows_columns(1), 20000, 2000);
dml_both($node, 'items', 'INSERT INTO %T ' . rows_sql(1, 300000));
dml_both($node, 'items', 'DELETE FROM %T WHERE id % 2 = 0');
$node->safe_psql('postgres', 'CHECKPOINT');
my $size_full = $node->safe_psql('postgres', "SELECT pg_relation_size('items')");
my $stored_sql = q{SELECT sum(stored_bytes) FROM olap.chunks WHERE relation = 'items'::regclass};
my $stored_full = $node->safe_psql('postgres', $stored_sql);

my $vacuum = $node->background_psql('postgres', on_error_stop => 0);
$vacuum->query_until(qr/vacuum started/, q{
	\echo vacuum started
	VACUUM items;
});
$node->poll_query_until('postgres',
	"SELECT pg_relation_size('items') > $size_full + 64 * 1024")
  or die 'the compaction does not write pages';
ok( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM pg_stat_activity
		  WHERE query LIKE '%VACUUM items%' AND state = 'active' AND pid <> pg_backend_pid()}
	) >= 1,
	'VACUUM is still compacting when the server is stopped');
$node->stop('immediate');
end_session($vacuum);
$node->start;

compare_twins($node, 'after a crash during compaction', 'items');
check_index_scans($node, 'items', 'after a crash during compaction');
check_row_numbers_unique($node, 'items', 'after a crash during compaction');

# crash once the first pass has committed (it freed the old stripes' pages;
# the later passes that reuse them may or may not have finished)
my $last_stripe = $node->safe_psql('postgres',
	q{SELECT max(stripe_num) FROM olap.stripes WHERE relation = 'items'::regclass});
$vacuum = $node->background_psql('postgres', on_error_stop => 0);
$vacuum->query_until(qr/vacuum started/, q{
	\echo vacuum started
	VACUUM items;
});
$node->poll_query_until('postgres',
	qq{SELECT count(*) > 0 FROM olap.stripes
	   WHERE relation = 'items'::regclass AND stripe_num > $last_stripe})
  or die 'the first compaction pass does not commit';
$node->stop('immediate');
end_session($vacuum);
$node->start;

compare_twins($node, 'after a crash after the first compaction pass', 'items');
check_index_scans($node, 'items', 'after a crash after the first compaction pass');

# the table still takes changes, and a VACUUM let finish halves it
dml_both($node, 'items', q{UPDATE %T SET label = 'after' WHERE id % 7 = 1},
	'DELETE FROM %T WHERE id % 9 = 1', 'INSERT INTO %T ' . rows_sql(300001, 301000));
$node->safe_psql('postgres', 'VACUUM items');
compare_twins($node, 'after a complete VACUUM', 'items');
check_index_scans($node, 'items', 'after a complete VACUUM');
check_row_numbers_and_stats($node, 'after a complete VACUUM', 'items');
# What compaction reclaims is the stored values of the deleted half of the
# rows (dead rows keep a NULL bit); the file itself may not shrink, since
# every chunk group takes at least one page (its numeric column is stored
# as scaled integers, and a group of this table fits one page even before
# the deletion).
my $stored_after = $node->safe_psql('postgres', $stored_sql);
cmp_ok($stored_after, '<', 0.75 * $stored_full,
	"compaction leaves less than 75% of the stored chunk bytes ($stored_after of $stored_full)");
is( $node->safe_psql(
		'postgres', q{
		SELECT count(*) FROM olap.stripe s
		LEFT JOIN (SELECT stripe_num, sum(deleted_count) AS deleted FROM olap.row_mask
				   WHERE storage_id = olap.storage_id('items') GROUP BY stripe_num) m
			USING (stripe_num)
		LEFT JOIN (SELECT stripe_num, sum(dead_rows) AS dead FROM olap.chunk_group
				   WHERE storage_id = olap.storage_id('items') GROUP BY stripe_num) g
			USING (stripe_num)
		WHERE s.storage_id = olap.storage_id('items')
		  AND coalesce(m.deleted, 0) - coalesce(g.dead, 0) >= 0.2 * s.row_count}),
	'0', 'no stripe keeps 20% or more of its rows deleted but stored');
$node->stop;

###########################################################################
# (b) autovacuum compacts on its own

my $auto = PostgreSQL::Test::Cluster->new('vac_auto');
$auto->init;
$auto->append_conf('postgresql.conf', q{
shared_preload_libraries = 'olap_ext'
autovacuum = on
autovacuum_naptime = 1s
});
$auto->start;
$auto->safe_psql('postgres', q{
	CREATE EXTENSION olap_ext;
	CREATE TABLE ticks (id int PRIMARY KEY, v text) USING olap;
	CREATE TABLE ticks_heap (id int PRIMARY KEY, v text);
	DO $$
	BEGIN
		FOR i IN 1 .. 1500 LOOP
			INSERT INTO ticks VALUES (i, 'v' || i);
			INSERT INTO ticks_heap VALUES (i, 'v' || i);
			COMMIT;
		END LOOP;
	END $$;
});
ok( $auto->poll_query_until('postgres',
		q{SELECT stripe_count <= 2 FROM olap.table_stats WHERE relation = 'ticks'::regclass}),
	'autovacuum merged the 1,500 single-row stripes');
compare_twins($auto, 'after autovacuum', 'ticks');
$auto->stop;

###########################################################################
# (c) a standby replays compaction

my $primary = streaming_primary('vac_primary');
$primary->safe_psql('postgres', 'CREATE EXTENSION olap_ext');
create_indexed_twins($primary, 'items', rows_columns(1), 10000, 1000);
dml_both($primary, 'items', 'INSERT INTO %T ' . rows_sql(1, 100000));
my $standby = start_standby($primary, 'vac_standby');
dml_both($primary, 'items', 'DELETE FROM %T WHERE id % 3 <> 0',
	q{UPDATE %T SET label = 'moved' WHERE id % 10 = 0});
$primary->safe_psql('postgres', 'VACUUM items');
$primary->wait_for_catchup($standby);

compare_twins($standby, 'standby after compaction', 'items');
check_index_scans($standby, 'items', 'standby after compaction');
is( $standby->safe_psql('postgres', "SELECT pg_relation_size('items')"),
	$primary->safe_psql('postgres', "SELECT pg_relation_size('items')"),
	'the standby has the same (truncated) file size as the primary');
$standby->stop;
$primary->stop;

done_testing();
