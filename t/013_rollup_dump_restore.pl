# t/013_rollup_dump_restore.pl: rollups, their pending invalidations and
# their scheduler jobs survive pg_dump and pg_restore (custom and plain
# formats) into a fresh database: the catalog rows come back, the restored
# triggers, real-time views and rollup tables line up with them, refreshes
# work (heap sources through their triggers, olap sources through their
# storage), new rollups get new ids, and the source is still protected
# against DROP TABLE.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('rollup_dump');
$node->init;
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'olap_ext'");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', q{
	CREATE EXTENSION olap_ext;
	-- rows of every rollup (table, or real-time view) that differ from its
	-- query run now, both ways
	CREATE FUNCTION rollup_diffs(realtime boolean) RETURNS text LANGUAGE plpgsql AS $$
	DECLARE
		r olap.rollup;
		n bigint;
		res text := '';
		rel text;
	BEGIN
		FOR r IN SELECT * FROM olap.rollup ORDER BY name LOOP
			rel := CASE WHEN realtime THEN r.realtime_view::text ELSE r.rollup_table::text END;
			CONTINUE WHEN rel IS NULL;
			EXECUTE format('SELECT (SELECT count(*) FROM (%1$s EXCEPT ALL SELECT * FROM %2$s) a)'
						   ' + (SELECT count(*) FROM (SELECT * FROM %2$s EXCEPT ALL %1$s) b)', r.query, rel)
				INTO n;
			res := res || r.name || '=' || n || ' ';
		END LOOP;
		RETURN res;
	END $$;
	CREATE TABLE orders_heap (at timestamptz, cat int, amount numeric(10,2));
	CREATE TABLE orders_olap (LIKE orders_heap) USING olap;
	SELECT olap.alter_table_set('orders_olap', chunk_group_row_limit => 500);
	INSERT INTO orders_heap SELECT '2025-01-01'::timestamptz + g * interval '7 minutes', g % 5, g % 1000
	FROM generate_series(1, 20000) g;
	INSERT INTO orders_olap SELECT * FROM orders_heap;
	SELECT olap.create_rollup('daily_heap', $$SELECT date_trunc('day', at) AS d, cat, count(*) AS n,
		sum(amount) AS total FROM orders_heap GROUP BY 1, 2$$, refresh_interval => '1 day');
	SELECT olap.create_rollup('bins_olap', $$SELECT date_bin('6 hours', at, '2025-01-01') AS b,
		count(DISTINCT cat) AS cats, max(amount) AS top FROM orders_olap GROUP BY 1$$, access_method => 'olap');
	SELECT olap.create_rollup('weekly_olap', $$SELECT date_trunc('week', at) AS w, sum(amount) AS total
		FROM orders_olap GROUP BY 1$$, realtime => false, refresh_interval => '12 hours', max_retries => 7);
	-- changes not refreshed yet when the dump is taken
	INSERT INTO orders_heap VALUES ('2025-01-03 10:00', 1, 5), ('2025-03-01', 2, 7);
	INSERT INTO orders_olap VALUES ('2025-01-03 10:00', 1, 5), ('2025-03-01', 2, 7);
	DELETE FROM orders_heap WHERE cat = 3 AND at < '2025-01-10';
	DELETE FROM orders_olap WHERE cat = 3 AND at < '2025-01-10';
});

my $catalog_sql = q{
	SELECT string_agg(x, E'\n' ORDER BY x) FROM (
		SELECT 'rollup ' || concat_ws(' ', rollup_id, name, rollup_table, realtime_view, source, query,
			time_column, bucket_column, bucket_step, batch_buckets, storage_tracked) AS x FROM olap.rollup
		UNION ALL SELECT 'job ' || concat_ws(' ', job_id, job_name, command, owner, schedule_interval,
			max_retries, enabled) FROM olap.jobs
		UNION ALL SELECT 'pending ' || concat_ws(' ', rollup_id, lo, hi) FROM olap.rollup_invalidation
		UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = 'orders_heap'::regclass
	) s
};
my $before = $node->safe_psql('src', $catalog_sql);
like($before, qr/rollup 3 weekly_olap/, 'three rollups in the source database');
like($before, qr/job \d+ refresh weekly_olap .* 7 t/, 'their jobs');
like($before, qr/pending 1 2025-01-03/, 'and a pending invalidation of the heap source');
my $rt_before = $node->safe_psql('src', 'SELECT rollup_diffs(true)');
is($rt_before, 'bins_olap=0 daily_heap=0 ', 'real-time views are right before the dump');

my $dump = $node->basedir . '/src.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('src') ],
	'pg_dump custom format');
my $plain = $node->basedir . '/src.sql';
$node->command_ok([ 'pg_dump', '-f', $plain, '-d', $node->connstr('src') ],
	'pg_dump plain format');

$node->safe_psql('postgres', 'CREATE DATABASE dst');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'), $dump ],
	'pg_restore into a new database');
$node->safe_psql('postgres', 'CREATE DATABASE dst_plain');
$node->command_ok([ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', $plain, '-d', $node->connstr('dst_plain') ],
	'plain dump replays without errors');

foreach my $db ('dst', 'dst_plain')
{
	is($node->safe_psql($db, $catalog_sql), $before,
		"$db: rollups, jobs, pending invalidations and triggers restored");
	is($node->safe_psql($db, 'SELECT rollup_diffs(true)'), $rt_before,
		"$db: restored real-time views equal their queries");
	$node->safe_psql($db, q{
		CALL olap.refresh_rollup('daily_heap');
		CALL olap.refresh_rollup('bins_olap');
		CALL olap.refresh_rollup('weekly_olap');
	});
	is($node->safe_psql($db, 'SELECT rollup_diffs(false)'),
		'bins_olap=0 daily_heap=0 weekly_olap=0 ', "$db: refreshes after the restore are right");

	# changes after the restore are found: triggers (heap), storage (olap)
	$node->safe_psql($db, q{
		INSERT INTO orders_heap VALUES ('2025-01-05 01:00', 4, 100), ('2025-04-01', 1, 1);
		INSERT INTO orders_olap VALUES ('2025-01-05 01:00', 4, 100), ('2025-04-01', 1, 1);
		UPDATE orders_heap SET amount = amount * 2 WHERE cat = 1 AND at < '2025-01-20';
		UPDATE orders_olap SET amount = amount * 2 WHERE cat = 1 AND at < '2025-01-20';
	});
	is($node->safe_psql($db, 'SELECT rollup_diffs(true)'), 'bins_olap=0 daily_heap=0 ',
		"$db: real-time views see changes made after the restore");
	is($node->safe_psql($db, q{SELECT count(*) FROM olap.rollups WHERE pending_ranges > 0}), '3',
		"$db: changes made after the restore are pending for every rollup");
	$node->safe_psql($db, q{
		CALL olap.refresh_rollup('daily_heap');
		CALL olap.refresh_rollup('bins_olap');
		CALL olap.refresh_rollup('weekly_olap');
	});
	is($node->safe_psql($db, 'SELECT rollup_diffs(false)'),
		'bins_olap=0 daily_heap=0 weekly_olap=0 ', "$db: incremental refreshes after the restore are right");

	# new rollups and jobs get new ids; the sources stay protected
	is($node->safe_psql($db, q{
		SELECT olap.create_rollup('monthly_heap', $$SELECT date_trunc('month', at) AS m, count(*) AS n
			FROM orders_heap GROUP BY 1$$, refresh_interval => '1 day');
		SELECT rollup_id || ' ' || job_id FROM olap.rollup WHERE name = 'monthly_heap'}),
		'monthly_heap' . "\n" . '4 3', "$db: a new rollup and job after the restore get fresh ids");
	my ($ret, $out, $err) = $node->psql($db, 'DROP TABLE orders_olap');
	like($err, qr/table weekly_olap depends on table orders_olap/,
		"$db: DROP TABLE of a restored rollup's source is refused");
}

$node->stop;
done_testing();
