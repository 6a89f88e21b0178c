# t/011_rollup_scheduler.pl: the job scheduler of src/rollup/ in the
# maintenance worker.
# - a rollup with refresh_interval is refreshed on its own and then equals
#   its query run from scratch;
# - a refresh that fails (division by zero for some rows) is retried with
#   exponential backoff, each failure recorded in olap.job_runs and sent as
#   NOTIFY olap_job_failed, then the job waits for its interval; once the
#   data is fixed it succeeds;
# - a server crash in the middle of a refresh (some batches committed, the
#   next one blocked in the job worker while the maintenance worker goes
#   on): the run is marked 'crashed' at restart and the next run leaves the
#   rollup equal to its query;
# - a refresh running past max_runtime is stopped and recorded as failed;
# - a job worker terminated mid-run leaves a 'crashed' run, and the job
#   runs again;
# - DROP EXTENSION during a run waits for it rather than deadlocking with
#   the workers on olap_ext's tables.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('scheduler');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'olap_ext'
olap.worker_naptime = '500ms'
max_worker_processes = 16
});
$node->start;

# rows of rollup $name that differ from its query run now, both ways
sub diff_count
{
	my ($name) = @_;
	return $node->safe_psql('postgres', qq{SELECT rollup_diff('$name')});
}

$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION olap_ext;
	CREATE FUNCTION rollup_diff(rollup_name text) RETURNS bigint LANGUAGE plpgsql AS $f$
	DECLARE r olap.rollup; a bigint; b bigint;
	BEGIN
		SELECT * INTO r FROM olap.rollup WHERE name = rollup_name;
		EXECUTE format('SELECT count(*) FROM (%s EXCEPT ALL SELECT * FROM %s) x', r.query, r.rollup_table) INTO a;
		EXECUTE format('SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL %s) x', r.rollup_table, r.query) INTO b;
		RETURN a + b;
	END $f$;
	CREATE TABLE orders (id int, at timestamptz, cat int, amount numeric) USING olap;
	INSERT INTO orders SELECT g, '2025-01-01 00:00+00'::timestamptz + g * interval '13 minutes',
		g % 4, g % 100 FROM generate_series(1, 5000) g;
	SELECT olap.create_rollup('daily', $$SELECT date_trunc('day', at) AS day, cat,
		count(*) AS n, sum(amount) AS total, count(DISTINCT amount) AS amounts
		FROM orders GROUP BY 1, 2$$, refresh_interval => '1 second', with_data => false);
});

# 1. the scheduler refreshes on its own
ok( $node->poll_query_until(
		'postgres',
		q{SELECT pending_ranges = 0 AND rows > 0 FROM olap.rollups WHERE name = 'daily'}),
	'scheduler refreshed the rollup');
is(diff_count('daily'), '0', 'rollup equals its query after the scheduled refresh');
$node->safe_psql('postgres',
	q{INSERT INTO orders VALUES (0, '2024-12-31 12:00+00', 1, 5), (-1, '2025-01-05 10:00+00', 2, 7)});
ok( $node->poll_query_until(
		'postgres', q{SELECT pending_ranges = 0 FROM olap.rollups WHERE name = 'daily'}),
	'late rows refreshed on schedule');
is(diff_count('daily'), '0', 'rollup equals its query after late rows');
ok( $node->safe_psql('postgres',
		q{SELECT count(*) > 0 FROM olap.job_runs WHERE status = 'succeeded' AND rows > 0}) eq 't',
	'successful runs recorded with their rows');
$node->safe_psql('postgres', q{SELECT olap.alter_rollup('daily', enabled => false)});

# 2. a failing refresh: retries with backoff, history, NOTIFY
$node->safe_psql(
	'postgres', q{
	CREATE TABLE readings (at date, v int);
	INSERT INTO readings SELECT '2025-01-01'::date + g % 30, g % 7 FROM generate_series(1, 300) g;
	SELECT olap.create_rollup('ratios', $$SELECT at, sum(100 / v) AS s FROM readings GROUP BY at$$,
		with_data => false, refresh_interval => '1 hour', max_retries => 2,
		retry_backoff => '1 second');
});
my $listener = $node->background_psql('postgres');
$listener->query_safe('LISTEN olap_job_failed');
$node->safe_psql('postgres',
	q{UPDATE olap.jobs SET next_run = now() WHERE job_name = 'refresh ratios'; SELECT olap.worker_wake();});
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) = 3 FROM olap.job_runs r JOIN olap.jobs j USING (job_id)
		WHERE j.job_name = 'refresh ratios' AND r.status = 'failed'}),
	'failing refresh tried 1 + max_retries times');
is( $node->safe_psql(
		'postgres', q{SELECT string_agg(r.attempt || ':' || r.error, ',' ORDER BY r.run_id)
		FROM olap.job_runs r JOIN olap.jobs j USING (job_id) WHERE j.job_name = 'refresh ratios'}),
	'1:division by zero,2:division by zero,3:division by zero',
	'each attempt recorded with its error');
my $gaps = $node->safe_psql(
	'postgres', q{
	SELECT string_agg((start_time - lag_end >= backoff)::text, ',' ORDER BY run_id)
	FROM (SELECT r.run_id, r.start_time, lag(r.end_time) OVER (ORDER BY r.run_id) AS lag_end,
				 interval '1 second' * power(2, r.attempt - 2) AS backoff
		  FROM olap.job_runs r JOIN olap.jobs j USING (job_id)
		  WHERE j.job_name = 'refresh ratios') s WHERE lag_end IS NOT NULL});
is($gaps, 'true,true', 'retries waited 1 s then 2 s (exponential backoff)');
is( $node->safe_psql(
		'postgres', q{SELECT attempt = 0 AND next_run > now() + interval '50 minutes'
		FROM olap.jobs WHERE job_name = 'refresh ratios'}),
	't', 'after the last retry the job waits for its interval');
my $notes = $listener->query_safe('SELECT 1');
my @payloads = ($notes =~ /Asynchronous notification "olap_job_failed" with payload "([^\n]*)" received/g);
is(scalar(@payloads), 3, 'one NOTIFY olap_job_failed per failure');
like($payloads[2], qr/"will_retry" : false/, 'last payload says no retry');
like($payloads[0], qr/"error" : "division by zero"/, 'payload carries the error');
$listener->quit;
$node->safe_psql('postgres',
	q{UPDATE readings SET v = 1 WHERE v = 0;
	  UPDATE olap.jobs SET next_run = now() WHERE job_name = 'refresh ratios'; SELECT olap.worker_wake();});
ok( $node->poll_query_until(
		'postgres', q{SELECT status = 'succeeded' FROM olap.job_runs r JOIN olap.jobs j USING (job_id)
		WHERE j.job_name = 'refresh ratios' ORDER BY run_id DESC LIMIT 1}),
	'refresh succeeds once the data is fixed');
is(diff_count('ratios'), '0', 'fixed rollup equals its query');

# 3. crash in the middle of a refresh
$node->safe_psql(
	'postgres', q{
	SELECT olap.alter_rollup('daily', batch_buckets => 1);
	UPDATE orders SET amount = amount + 1;
});
# hold a row of a late bucket so that the refresh commits earlier batches
# and then waits
my $blocker = $node->background_psql('postgres');
$blocker->query_safe(
	q{BEGIN; SELECT day FROM daily WHERE day = (SELECT max(day) - interval '3 days' FROM daily) LIMIT 1 FOR UPDATE;});
$node->safe_psql('postgres',
	q{SELECT olap.alter_rollup('daily', enabled => true);
	  UPDATE olap.jobs SET next_run = now() WHERE job_name = 'refresh daily'; SELECT olap.worker_wake();});
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) = 1 FROM pg_stat_activity
		WHERE backend_type = 'olap_ext job' AND wait_event_type = 'Lock'}),
	'refresh blocked in a late batch');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM pg_stat_activity
		WHERE backend_type = 'olap_ext maintenance' AND wait_event_type IS DISTINCT FROM 'Lock'}),
	'1', 'the maintenance worker goes on while the job worker waits');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM olap.job_runs WHERE status = 'running'}),
	'1', 'the run is recorded as running');
ok(diff_count('daily') > 0, 'rollup is not fully refreshed before the crash');
is( $node->safe_psql(
		'postgres', q{SELECT watermark::timestamptz > (SELECT min(day) FROM daily)
		FROM olap.rollups WHERE name = 'daily'}),
	't', 'earlier batches are committed before the crash');
$node->stop('immediate');
$blocker->{run}->kill_kill;
$node->start;
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) = 1 FROM olap.job_runs WHERE status = 'crashed'}),
	'the interrupted run is marked crashed at restart');
ok( $node->poll_query_until(
		'postgres', q{SELECT pending_ranges = 0 FROM olap.rollups WHERE name = 'daily'}),
	'next run finished the refresh');
is(diff_count('daily'), '0', 'rollup equals its query after crash and next run');

# 4. max_runtime: a refresh blocked past it fails with the reason
$node->safe_psql('postgres',
	q{SELECT olap.alter_rollup('ratios', max_runtime => '1 second', max_retries => 0);
	  UPDATE readings SET v = v + 1 WHERE v = 3;});
$blocker = $node->background_psql('postgres');
$blocker->query_safe(q{BEGIN; LOCK TABLE ratios IN ACCESS EXCLUSIVE MODE;});
$node->safe_psql('postgres',
	q{UPDATE olap.jobs SET next_run = now() WHERE job_name = 'refresh ratios'; SELECT olap.worker_wake();});
ok( $node->poll_query_until(
		'postgres', q{SELECT status = 'failed' AND error LIKE '%statement timeout%max_runtime%'
		AND end_time - start_time >= interval '1 second'
		FROM olap.job_runs r JOIN olap.jobs j USING (job_id)
		WHERE j.job_name = 'refresh ratios' ORDER BY run_id DESC LIMIT 1}),
	'refresh stopped at max_runtime and recorded');

# 5. a job worker terminated in the middle of a run: marked crashed at once
$node->safe_psql('postgres',
	q{UPDATE readings SET v = v + 1 WHERE v = 4;
	  SELECT olap.alter_rollup('ratios', max_runtime => '1 hour');
	  UPDATE olap.jobs SET next_run = now() WHERE job_name = 'refresh ratios'; SELECT olap.worker_wake();});
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) = 1 FROM pg_stat_activity
		WHERE backend_type = 'olap_ext job' AND wait_event_type = 'Lock'}),
	'job worker blocked');
$node->safe_psql('postgres',
	q{SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'olap_ext job'});
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) = 1 FROM olap.job_runs r JOIN olap.jobs j USING (job_id)
		WHERE j.job_name = 'refresh ratios' AND r.status = 'crashed'}),
	'run of a terminated job worker marked crashed');
$blocker->query_safe('ROLLBACK');
$blocker->quit;
ok( $node->poll_query_until(
		'postgres', q{SELECT pending_ranges = 0 FROM olap.rollups WHERE name = 'ratios'}),
	'the job ran again and finished');
is(diff_count('ratios'), '0', 'rollup equals its query');

# 6. DROP EXTENSION while a job runs: the drop waits for the run's
# transaction (the lock on the extension) instead of deadlocking with it
# on olap_ext's tables, and the job worker then leaves quietly
$node->safe_psql('postgres', q{UPDATE readings SET v = v + 1 WHERE v = 5});
$blocker = $node->background_psql('postgres');
$blocker->query_safe(q{BEGIN; LOCK TABLE ratios IN ACCESS EXCLUSIVE MODE;});
$node->safe_psql('postgres',
	q{UPDATE olap.jobs SET next_run = now() WHERE job_name = 'refresh ratios'; SELECT olap.worker_wake();});
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) = 1 FROM pg_stat_activity
		WHERE backend_type = 'olap_ext job' AND wait_event_type = 'Lock'}),
	'job worker blocked before the drop');
my $dropper = $node->background_psql('postgres');
$dropper->query_safe(q{SET client_min_messages = warning});
$dropper->query_until(qr/dropping/, qq{\\echo dropping\nDROP EXTENSION olap_ext CASCADE;\n});
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) = 1 FROM pg_locks
		WHERE locktype = 'object' AND classid = 'pg_extension'::regclass
		  AND mode = 'AccessExclusiveLock' AND NOT granted}),
	'DROP EXTENSION waits for the running job');
$blocker->query_safe('ROLLBACK');
$blocker->quit;
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) = 0 FROM pg_extension WHERE extname = 'olap_ext'}),
	'DROP EXTENSION went through once the job ended');
is($dropper->query_safe(q{SELECT 'no error'}), 'no error', 'the drop reported no error');
$dropper->quit;
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) = 0 FROM pg_stat_activity
		WHERE backend_type IN ('olap_ext job', 'olap_ext maintenance')}),
	'job and maintenance workers left');
unlike(slurp_file($node->logfile), qr/deadlock detected/, 'no deadlock in the server log');
$node->safe_psql('postgres', q{CREATE EXTENSION olap_ext});
ok( $node->poll_query_until(
		'postgres', q{SELECT count(*) = 1 FROM pg_stat_activity
		WHERE backend_type = 'olap_ext maintenance'}),
	'a maintenance worker is back after CREATE EXTENSION');

$node->stop;
done_testing();
