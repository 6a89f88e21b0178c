# t/015_cdc_sync.pl: syncs of a heap table into an olap table (src/cdc/)
# under load and crashes.  After each phase the target must hold exactly the
# source's rows (EXCEPT ALL both ways, so a duplicate fails too):
#  (c) the initial copy runs while pgbench keeps writing the source;
#  (a) pgbench runs a mix of INSERT (and upsert), UPDATE and DELETE;
#  (b) the server is stopped in immediate mode several times while the
#      worker applies, and comes back: the sync resumes from its origin
#      (the maintenance worker's duty restarts it), nothing lost or doubled;
#  (e) TRUNCATE of the source, then new rows;
#  (f) drop_sync leaves no replication slot and no origin.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use OlapTest qw(cdc_node background_errors);
use IPC::Run;

my $node = cdc_node('cdc');

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION olap_ext;
CREATE TABLE src (id bigint PRIMARY KEY, v text, n numeric, at timestamptz);
INSERT INTO src SELECT g, md5(g::text), g, now() FROM generate_series(1, 50000) g;
});

# pgbench: each transaction updates, upserts and deletes a random row.
my $script = $node->basedir . '/mix.sql';
open(my $fh, '>', $script) or die $!;
print $fh q{
\set u random(1, 60000)
UPDATE src SET n = n + 1, v = md5(v) WHERE id = :u;
\set i random(50001, 5000000)
INSERT INTO src VALUES (:i, 'ins', :i, now()) ON CONFLICT (id) DO UPDATE SET v = 'upsert', n = src.n - 1;
\set d random(1, 60000)
DELETE FROM src WHERE id = :d;
};
close $fh;

# Starts pgbench for $seconds in the background.
sub start_pgbench
{
	my ($seconds) = @_;
	my ($out, $err) = ('', '');
	return IPC::Run::start(
		[
			'pgbench', '-n', '-c', '2', '-T', $seconds, '-f', $script,
			'-h', $node->host, '-p', $node->port, 'postgres'
		],
		'>', \$out, '2>', \$err);
}

# Waits until target equals source both ways, and checks it.
sub check_identical
{
	my ($what) = @_;
	my $same = q{SELECT NOT EXISTS (SELECT * FROM src EXCEPT ALL SELECT * FROM dst)
				   AND NOT EXISTS (SELECT * FROM dst EXCEPT ALL SELECT * FROM src)};
	ok($node->poll_query_until('postgres', $same), "$what: target equals source");
	is( $node->safe_psql('postgres',
			'SELECT count(*) = count(DISTINCT id) FROM dst'),
		't', "$what: no duplicate key in the target");
}

# (c) initial copy while pgbench writes
my $bench = start_pgbench(4);
sleep 1;
$node->safe_psql('postgres', q{SELECT olap.create_sync('src', 'dst')});
$bench->finish;
check_identical('initial copy under load');
is( $node->safe_psql('postgres',
		q{SELECT state || ' ' || (rows_copied > 0) FROM olap.syncs}),
	'streaming true',
	'sync streams after its copy');

# (a) mixed load while the sync streams
$bench = start_pgbench(4);
$bench->finish;
check_identical('mixed pgbench load');
is( $node->safe_psql('postgres',
		q{SELECT rows_inserted > 0 AND rows_updated > 0 AND rows_deleted > 0
		  FROM olap.syncs}),
	't', 'counters count every kind of change');

# (b) immediate stops while the worker applies
for my $round (1 .. 3)
{
	$bench = start_pgbench(3);
	# let the worker apply a few batches, then crash in the middle
	$node->poll_query_until('postgres',
		q{SELECT count(*) > 0 FROM pg_stat_activity
		  WHERE backend_type = 'olap_ext cdc'});
	sleep 1.5;
	$node->stop('immediate');
	eval { $bench->finish; };
	$node->start;
}
$bench = start_pgbench(2);
$bench->finish;
check_identical('after three immediate stops');
is($node->safe_psql('postgres', q{SELECT state FROM olap.syncs}),
	'streaming', 'sync streams again after the crashes');

# the slot does not pin WAL while the source is idle
my $before = $node->safe_psql('postgres',
	q{SELECT confirmed_flush_lsn FROM pg_replication_slots});
$node->safe_psql('postgres', q{CREATE TABLE other (a int); INSERT INTO other VALUES (1);});
ok( $node->poll_query_until(
		'postgres',
		qq{SELECT confirmed_flush_lsn > '$before' FROM pg_replication_slots}),
	'an idle sync confirms its slot');

# (e) TRUNCATE, then new rows
$node->safe_psql('postgres',
	q{TRUNCATE src; INSERT INTO src SELECT g, 'new', g, now() FROM generate_series(1, 1000) g;});
check_identical('truncate');

# (f) drop_sync leaves nothing behind
$node->safe_psql('postgres', q{SELECT olap.drop_sync('dst')});
is( $node->safe_psql('postgres',
		q{SELECT (SELECT count(*) FROM pg_replication_slots) || ' ' ||
				 (SELECT count(*) FROM pg_replication_origin) || ' ' ||
				 (SELECT count(*) FROM olap.sync)}),
	'0 0 0', 'drop_sync leaves no slot, origin or definition');
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'olap_ext cdc'}),
	'no sync worker remains');

my @errors = background_errors($node);
is(scalar(@errors), 0, 'no sync worker error in the server log')
  or diag(join("\n", @errors[0 .. ($#errors < 4 ? $#errors : 4)]));
$node->stop;
done_testing();
