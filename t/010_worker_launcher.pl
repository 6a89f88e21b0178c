# t/010_worker_launcher.pl: the background-worker layer (src/worker/).
# The launcher starts one maintenance worker in each database that has
# olap_ext (at CREATE EXTENSION, without waiting for a naptime), none in the
# others; a worker that dies is restarted; DROP EXTENSION stops it; DROP
# DATABASE and ALTER DATABASE RENAME succeed although a worker was connected;
# a server restart brings the workers back.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('workers');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'olap_ext'
olap.worker_naptime = '1h'
max_worker_processes = 16
});
$node->start;

# pids of the maintenance workers, by database name
sub workers
{
	return $node->safe_psql('postgres',
		q{SELECT coalesce(string_agg(datname, ',' ORDER BY datname), '')
		  FROM pg_stat_activity WHERE backend_type = 'olap_ext maintenance'});
}

ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'olap_ext launcher'}),
	'launcher runs');

$node->safe_psql('postgres', 'CREATE DATABASE a; CREATE DATABASE b;');
is(workers(), '', 'no worker without the extension');

# The naptime is an hour: only the wake at CREATE EXTENSION can start it.
$node->safe_psql('a', 'CREATE EXTENSION olap_ext');
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) = 1 FROM pg_stat_activity
		  WHERE backend_type = 'olap_ext maintenance' AND datname = 'a'}),
	'worker started at CREATE EXTENSION');
is($node->safe_psql('a', 'SELECT olap.worker_pid() IS NOT NULL'), 't', 'worker_pid reports it');

my $pid = $node->safe_psql('a', 'SELECT olap.worker_pid()');
$node->safe_psql('a', "SELECT pg_terminate_backend($pid)");
ok( $node->poll_query_until(
		'a', "SELECT olap.worker_pid() IS NOT NULL AND olap.worker_pid() <> $pid"),
	'killed worker restarted');

$node->safe_psql('b', 'CREATE EXTENSION olap_ext');
ok($node->poll_query_until('postgres', q{SELECT count(*) = 2 FROM pg_stat_activity
	WHERE backend_type = 'olap_ext maintenance'}), 'one worker per database');

$node->safe_psql('b', 'DROP EXTENSION olap_ext');
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) = 0 FROM pg_stat_activity
		  WHERE backend_type = 'olap_ext maintenance' AND datname = 'b'}),
	'DROP EXTENSION stops the worker');

$node->safe_psql('postgres', 'ALTER DATABASE a RENAME TO a2');
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) = 1 FROM pg_stat_activity
		  WHERE backend_type = 'olap_ext maintenance' AND datname = 'a2'}),
	'worker back after ALTER DATABASE RENAME');
$node->safe_psql('postgres', 'DROP DATABASE a2');
is(workers(), '', 'DROP DATABASE succeeded and left no worker');

$node->safe_psql('b', 'CREATE EXTENSION olap_ext');
$node->restart;
ok( $node->poll_query_until(
		'postgres',
		q{SELECT count(*) = 1 FROM pg_stat_activity
		  WHERE backend_type = 'olap_ext maintenance' AND datname = 'b'}),
	'worker back after a restart');

$node->stop;
done_testing();
