# t/017_cdc_drop.pl: what syncs hold outside the catalogs (replication
# slots, origins, workers) goes away with them (src/cdc/cdc_drop.c):
#  - olap.drop_sync inside a transaction block is refused, and the sync
#    keeps streaming after the rollback;
#  - DROP EXTENSION olap_ext inside a transaction block is refused; on its
#    own it stops the workers and drops the slots and origins;
#  - DROP DATABASE of a database with a streaming sync succeeds and leaves
#    no slot, origin or worker;
# and afterwards nothing pins WAL: no slot is left at all.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use OlapTest qw(cdc_node);

my $node = cdc_node('cdcdrop');

# Creates a streaming sync src -> dst in database $db.
sub streaming_sync
{
	my ($db) = @_;
	$node->safe_psql(
		$db, q{
CREATE EXTENSION olap_ext;
CREATE TABLE src (id int PRIMARY KEY, v text);
INSERT INTO src SELECT g, 'v' || g FROM generate_series(1, 1000) g;
SELECT olap.create_sync('src', 'dst');
});
	ok( $node->poll_query_until(
			$db, q{SELECT state = 'streaming' FROM olap.syncs}),
		"$db: the sync streams");
}

# Whether dst equals src in $db.
sub identical_sql
{
	return q{SELECT NOT EXISTS (SELECT * FROM src EXCEPT ALL SELECT * FROM dst)
			   AND NOT EXISTS (SELECT * FROM dst EXCEPT ALL SELECT * FROM src)};
}

# "slots origins workers" of the whole server.
sub leftovers
{
	return $node->safe_psql(
		'postgres', q{
SELECT (SELECT count(*) FROM pg_replication_slots) || ' ' ||
	   (SELECT count(*) FROM pg_replication_origin) || ' ' ||
	   (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'olap_ext cdc')});
}

$node->safe_psql('postgres', 'CREATE DATABASE d1');
streaming_sync('d1');

# drop_sync in a transaction block: refused, nothing lost
my ($ret, $out, $err) = $node->psql('d1',
	q{BEGIN; SELECT olap.drop_sync('dst'); COMMIT;});
like($err, qr/olap.drop_sync\(\) cannot run inside a transaction block/,
	'drop_sync is refused inside a transaction block');
$node->safe_psql('d1', q{INSERT INTO src VALUES (1001, 'after the refusal')});
ok($node->poll_query_until('d1', identical_sql()),
	'the sync streams on after the refused drop_sync');
is($node->safe_psql('d1', q{SELECT count(*) FROM pg_replication_slots}),
	'1', 'its slot is still there');

# DROP EXTENSION: refused in a block, complete on its own
($ret, $out, $err) = $node->psql('d1',
	q{BEGIN; DROP EXTENSION olap_ext CASCADE; ROLLBACK;});
like(
	$err,
	qr/DROP EXTENSION olap_ext with syncs cannot run inside a transaction block/,
	'DROP EXTENSION with syncs is refused inside a transaction block');
$node->safe_psql('d1', q{INSERT INTO src VALUES (1002, 'after the refused drop')});
ok($node->poll_query_until('d1', identical_sql()),
	'the sync streams on after the refused DROP EXTENSION');
$node->safe_psql('d1', 'DROP EXTENSION olap_ext CASCADE');
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'olap_ext cdc'}),
	'DROP EXTENSION stops the sync worker');
is(leftovers(), '0 0 0', 'DROP EXTENSION leaves no slot, origin or worker');

# DROP DATABASE with a streaming sync (and the worker attached to its slot)
$node->safe_psql('postgres', 'CREATE DATABASE d2');
streaming_sync('d2');
$node->safe_psql('d2', q{INSERT INTO src VALUES (1001, 'streamed')});
ok($node->poll_query_until('d2', identical_sql()), 'd2: rows stream');
is( $node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_replication_slots WHERE active}),
	'1', 'the worker is attached to its slot');
$node->safe_psql('postgres', 'DROP DATABASE d2');
is(leftovers(), '0 0 0', 'DROP DATABASE leaves no slot, origin or worker');

# nothing pins WAL: with no slot left, a checkpoint may recycle everything
is($node->safe_psql('postgres',
		q{SELECT count(*) FROM pg_replication_slots WHERE restart_lsn IS NOT NULL}),
	'0', 'no slot reserves WAL');

# the server keeps working; a new sync in a fresh database works too
$node->safe_psql('postgres', 'CREATE DATABASE d3');
streaming_sync('d3');
$node->safe_psql('d3', q{SELECT olap.drop_sync('dst', true)});
is(leftovers(), '0 0 0', 'drop_sync on its own leaves nothing');

$node->stop;
done_testing();
