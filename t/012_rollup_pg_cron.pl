# t/012_rollup_pg_cron.pl: pg_cron (Debian package postgresql-15-cron) runs
# CALL olap.refresh_rollup(...) on its schedule, and the rollup then equals
# its query.  pg_cron 1.4 schedules by the minute, so this test waits up to
# about a minute and a half.  Skipped when pg_cron is not installed.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('cron');
$node->init;
my $libdir = $node->config_data('--pkglibdir');
plan skip_all => 'pg_cron is not installed' unless -f "$libdir/pg_cron.so";

my $host = $node->host;
$node->append_conf(
	'postgresql.conf', qq{
shared_preload_libraries = 'olap_ext,pg_cron'
cron.database_name = 'postgres'
cron.host = '$host'
max_worker_processes = 16
});
$node->start;

$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION olap_ext;
	CREATE EXTENSION pg_cron;
	CREATE TABLE sales (at timestamptz, amount numeric) USING olap;
	INSERT INTO sales SELECT '2025-01-01 00:00+00'::timestamptz + g * interval '7 minutes', g % 50
	FROM generate_series(1, 3000) g;
	SELECT olap.create_rollup('daily_sales', $$SELECT date_trunc('day', at) AS day,
		count(*) AS n, sum(amount) AS total FROM sales GROUP BY 1$$, with_data => false);
	SELECT cron.schedule('rollup', '* * * * *', $$CALL olap.refresh_rollup('daily_sales')$$);
});

my $timer = IPC::Run::timer(150);
$timer->start;
my $done = '';
while (!$timer->is_expired)
{
	$done = $node->safe_psql('postgres',
		q{SELECT pending_ranges = 0 FROM olap.rollups WHERE name = 'daily_sales'});
	last if $done eq 't';
	sleep 1;
}
is($done, 't', 'pg_cron ran the refresh');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM (SELECT date_trunc('day', at) AS day, count(*) AS n, sum(amount) AS total
		  FROM sales GROUP BY 1 EXCEPT ALL SELECT * FROM daily_sales) a}),
	'0', 'rollup has every row of its query');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM (SELECT * FROM daily_sales EXCEPT ALL SELECT date_trunc('day', at) AS day,
		  count(*) AS n, sum(amount) AS total FROM sales GROUP BY 1) a}),
	'0', 'rollup has no other row');
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) > 0 FROM cron.job_run_details WHERE status = 'succeeded'}),
	'pg_cron recorded the run as succeeded');

$node->stop;
done_testing();
