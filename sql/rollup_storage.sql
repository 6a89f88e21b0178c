-- Rollups over olap sources find changes in the source's storage metadata
-- (new chunk groups, changed row masks, compaction, TRUNCATE), not through
-- triggers.  After every kind of change, with VACUUM compaction between the
-- changes and the refresh, and with aborted transactions' stripes, every
-- rollup must equal its query run from scratch (EXCEPT ALL both ways), and
-- its real-time view must too before the refresh.
SET client_min_messages = warning;
\set SHOW_CONTEXT never
CREATE EXTENSION IF NOT EXISTS olap_ext;

CREATE FUNCTION rdiff(rollup_name text, realtime boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r olap.rollup;
	rel text;
	missing bigint;
	extra bigint;
BEGIN
	SELECT * INTO r FROM olap.rollup WHERE name = rollup_name;
	rel := CASE WHEN realtime THEN r.realtime_view::text ELSE r.rollup_table::text END;
	EXECUTE format('SELECT count(*) FROM (%s EXCEPT ALL SELECT * FROM %s) x', r.query, rel) INTO missing;
	EXECUTE format('SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL %s) x', rel, r.query) INTO extra;
	RETURN format('%s: %s missing, %s extra', rollup_name, missing, extra);
END $$;
CREATE FUNCTION rcheck(realtime boolean DEFAULT false)
RETURNS SETOF text LANGUAGE sql AS $$
	SELECT rdiff(name, realtime) FROM olap.rollup WHERE name LIKE 'ev\_%' ORDER BY name
$$;
CREATE PROCEDURE refresh_all() LANGUAGE plpgsql AS $$
DECLARE
	n text;
BEGIN
	FOR n IN SELECT name FROM olap.rollup WHERE name LIKE 'ev\_%' ORDER BY name LOOP
		COMMIT;
		CALL olap.refresh_rollup(n);
	END LOOP;
END $$;

SELECT setseed(0.17);
CREATE TABLE ev (id bigint, at timestamptz, day date, cat int, cust int, amount numeric(10,2))
	USING olap;
SELECT olap.alter_table_set('ev', stripe_row_limit => 500, chunk_group_row_limit => 100);
CREATE SEQUENCE ev_id;

-- n random rows over days days from start
CREATE FUNCTION add_ev(n int, start timestamptz, days int)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO ev
	SELECT nextval('ev_id'), t, (t AT TIME ZONE 'UTC')::date, (random() * 4)::int,
		   (random() * 30)::int, round((random() * 500)::numeric, 2)
	FROM generate_series(1, n) g,
		 LATERAL (SELECT start + random() * (days * interval '1 day') + g * interval '0' AS t) s
$$;
SELECT add_ev(2000, '2025-01-01', 40);
-- n single-row transactions: n small stripes
CREATE PROCEDURE add_ev_each(n int, start timestamptz) LANGUAGE plpgsql AS $$
BEGIN
	FOR i IN 1 .. n LOOP
		PERFORM add_ev(1, start, 1);
		COMMIT;
	END LOOP;
END $$;

SELECT olap.create_rollup('ev_daily', $$
	SELECT date_trunc('day', at) AS d, cat, count(*) AS n, sum(amount) AS total,
		   count(DISTINCT cust) AS customers,
		   percentile_disc(0.5) WITHIN GROUP (ORDER BY amount) AS median
	FROM ev GROUP BY 1, 2$$, batch_buckets => 5);
SELECT olap.create_rollup('ev_bins', $$
	SELECT date_bin('8 hours', at, '2025-01-01 00:00+00') AS b, count(*) AS n, max(amount) AS top
	FROM ev WHERE cat <> 3 GROUP BY 1$$, access_method => 'olap');
SELECT olap.create_rollup('ev_days', $$
	SELECT day, count(*) AS n, sum(amount) AS total FROM ev GROUP BY day$$,
	with_data => false);
-- olap sources get no triggers; the seen state describes every chunk group
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'ev'::regclass;
SELECT name, (SELECT count(*) FROM olap.rollup_seen_group s WHERE s.rollup_id = r.rollup_id)
	= (SELECT chunk_group_count FROM olap.table_stats WHERE relation = 'ev'::regclass) AS seen_all
FROM olap.rollup r WHERE name LIKE 'ev\_%' ORDER BY name;
SELECT * FROM rcheck(realtime => true);
CALL refresh_all();
SELECT * FROM rcheck();

-- nothing changed: nothing pending, a refresh recomputes nothing
SELECT name, pending_ranges FROM olap.rollups WHERE name LIKE 'ev\_%' ORDER BY name;
CALL olap.refresh_rollup('ev_daily');
SELECT last_refresh_rows FROM olap.rollup WHERE name = 'ev_daily';

-- round 1: appended and late rows, updates (also of the time), deletes
SELECT add_ev(300, '2025-02-10', 3);
SELECT add_ev(20, '2024-12-20', 60);
UPDATE ev SET amount = amount + 1 WHERE id % 13 = 0;
UPDATE ev SET at = at + interval '9 days', day = day + 9 WHERE id % 31 = 0;
DELETE FROM ev WHERE id % 17 = 0;
SELECT name, pending_ranges > 0 AS pending FROM olap.rollups WHERE name LIKE 'ev\_%' ORDER BY name;
SELECT * FROM rcheck(realtime => true);
CALL refresh_all();
SELECT * FROM rcheck();
SELECT name, pending_ranges FROM olap.rollups WHERE name LIKE 'ev\_%' ORDER BY name;

-- round 2: aborted transactions (their stripes stay invisible) and a
-- rolled-back savepoint, then committed changes
BEGIN;
SELECT add_ev(400, '2025-01-05', 2);
DELETE FROM ev WHERE id % 7 = 0;
ROLLBACK;
BEGIN;
SELECT add_ev(10, '2025-01-20', 1);
SAVEPOINT s;
SELECT add_ev(300, '2025-01-21', 1);
UPDATE ev SET amount = 0 WHERE id % 5 = 0;
ROLLBACK TO SAVEPOINT s;
DELETE FROM ev WHERE id % 41 = 0;
COMMIT;
SELECT * FROM rcheck(realtime => true);
CALL refresh_all();
SELECT * FROM rcheck();

-- round 3: deletes, then VACUUM compaction before the refresh (the deleted
-- rows' values are dropped by compaction), many small stripes merged
SELECT stripe_count AS stripes_before FROM olap.table_stats WHERE relation = 'ev'::regclass \gset
-- (whole days deleted: only the compacted-away values stood for them)
DELETE FROM ev WHERE cat = 2 AND id % 3 = 0;
DELETE FROM ev WHERE at >= '2025-01-10' AND at < '2025-01-22';
UPDATE ev SET at = at - interval '30 days', day = day - 30 WHERE id % 37 = 0;
CALL add_ev_each(30, '2025-01-03');
VACUUM ev;
SELECT stripe_count < :stripes_before AS compacted FROM olap.table_stats WHERE relation = 'ev'::regclass;
SELECT * FROM rcheck(realtime => true);
CALL refresh_all();
SELECT * FROM rcheck();

-- round 4: refresh only some rollups, change, VACUUM, change, VACUUM again
CALL olap.refresh_rollup('ev_bins');
DELETE FROM ev WHERE id % 11 = 0;
VACUUM ev;
SELECT add_ev(200, '2025-02-01', 20);
DELETE FROM ev WHERE id % 9 = 0 AND at < '2025-01-15';
VACUUM ev;
SELECT * FROM rcheck(realtime => true);
CALL refresh_all();
SELECT * FROM rcheck();

-- round 5: a VACUUM that merges small stripes, seen by every rollup, over
-- row numbers an aborted transaction left unused, changes nothing: nothing
-- pending.  Then NULL times in and out.
CALL add_ev_each(20, '2025-01-07');
BEGIN;
SELECT add_ev(50, '2025-01-08', 1);
ROLLBACK;
CALL add_ev_each(20, '2025-01-09');
CALL refresh_all();
SELECT stripe_count AS stripes_before FROM olap.table_stats WHERE relation = 'ev'::regclass \gset
VACUUM ev;
SELECT stripe_count < :stripes_before AS compacted FROM olap.table_stats WHERE relation = 'ev'::regclass;
SELECT name, pending_ranges FROM olap.rollups WHERE name LIKE 'ev\_%' ORDER BY name;
SELECT * FROM rcheck(realtime => true);
UPDATE ev SET at = NULL, day = NULL WHERE id % 43 = 0;
INSERT INTO ev VALUES (-1, NULL, NULL, 1, 1, 5);
SELECT * FROM rcheck(realtime => true);
CALL refresh_all();
SELECT * FROM rcheck();
DELETE FROM ev WHERE at IS NULL AND id % 2 = 0;
VACUUM ev;
SELECT * FROM rcheck(realtime => true);
CALL refresh_all();
SELECT * FROM rcheck();

-- round 6: TRUNCATE (new storage), reload, and a rewrite (VACUUM FULL)
TRUNCATE ev;
SELECT * FROM rcheck(realtime => true);
CALL refresh_all();
SELECT name, rows FROM olap.rollups WHERE name LIKE 'ev\_%' ORDER BY name;
SELECT add_ev(1500, '2025-03-01', 20);
CALL olap.refresh_rollup('ev_daily');
DELETE FROM ev WHERE id % 6 = 0;
VACUUM FULL ev;
SELECT * FROM rcheck(realtime => true);
CALL refresh_all();
SELECT * FROM rcheck();
CALL olap.refresh_rollup('ev_days', full => true);
SELECT * FROM rcheck();

-- a role allowed to read a real-time view only (not the source, nor the
-- storage catalogs) reads it, pending changes included
CREATE ROLE rollup_reader;
GRANT SELECT ON ev_daily_realtime TO rollup_reader;
SELECT add_ev(50, '2025-03-05', 2);
SET ROLE rollup_reader;
SELECT count(*) > 0 AS readable FROM ev_daily_realtime;
SELECT count(*) FROM ev;
SELECT * FROM olap.rollup_group_values('ev', 2::int2, '{1}', NULL::timestamptz);
RESET ROLE;
SELECT * FROM rcheck(realtime => true);
REVOKE ALL ON ev_daily_realtime FROM rollup_reader;
DROP ROLE rollup_reader;

SELECT olap.drop_rollup(name) FROM olap.rollup WHERE name LIKE 'ev\_%' ORDER BY name;
SELECT count(*) AS seen_left FROM olap.rollup_seen_group s
WHERE NOT EXISTS (SELECT 1 FROM olap.rollup r WHERE r.rollup_id = s.rollup_id);
DROP TABLE ev;
