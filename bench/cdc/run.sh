#!/bin/bash
# bench/cdc/run.sh: apply throughput of an olap_ext sync (src/cdc/).
#
# Runs against a server you already have (libpq environment: PGHOST, PGPORT,
# PGUSER, PGDATABASE), with olap_ext preloaded, wal_level = logical and the
# extension created in the database.  It creates the tables cdcb_src and
# cdcb_dst (dropping earlier ones), and measures, with the sync paused while
# the source is written and then resumed:
#   1. inserts: ROWS rows in transactions of 10,000 rows;
#   2. a mix of 80% inserts, 10% updates, 10% deletes (ROWS/3 changes);
#   3. stripes of the target after SINGLE (default ROWS/6) single-row source
#      transactions written while the sync streams (pgbench, 2 clients,
#      synchronous_commit off);
#   4. end-to-end lag under a steady source load of RATE rows/s (default
#      10000: pgbench -R, transactions of 10 rows) for LAG_SECONDS (default
#      30): a probe procedure commits a marker row every 0.1 s and polls
#      (every 2 ms) until the sync's last_applied_lsn (the end of the last
#      source commit applied, committed in the same transaction as the
#      rows) passes the WAL position of the marker's row (so the marker is
#      visible in the target); p50/p90/p99 and max of
#      commit -> visible.
#   5. stripes after a VACUUM (compaction) of the target, the sync paused.
# Each time is from resume_sync to the counters in olap.syncs reaching the
# total (polled every 50 ms), so it includes decoding and batching.  The
# target is compared with the source (EXCEPT ALL both ways) at the end.
#
# Usage: [SINGLE=n] [RATE=rows/s] [LAG_SECONDS=s] bench/cdc/run.sh [ROWS]
#        (ROWS default 300000)
set -euo pipefail

ROWS=${1:-300000}
SINGLE=${SINGLE:-$((ROWS / 6))}
RATE=${RATE:-10000}
LAG_SECONDS=${LAG_SECONDS:-30}
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)

now() { date +%s.%N; }
wait_for() {		# wait until the SQL expression is true (at most 10 min)
	local start=$SECONDS
	until [ "$("${PSQL[@]}" -c "SELECT $1")" = t ]; do
		if ((SECONDS - start > 600)); then
			echo "timed out waiting for: $1" >&2
			exit 1
		fi
		sleep 0.05
	done
}

"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
SELECT olap.drop_sync(name, true) FROM olap.syncs WHERE name = 'cdcb_dst';
DROP TABLE IF EXISTS cdcb_src;
CREATE TABLE cdcb_src (id bigint PRIMARY KEY, a int, b text, c numeric, t timestamptz);
SELECT olap.create_sync('cdcb_src', 'cdcb_dst');
SQL
wait_for "state = 'streaming' FROM olap.syncs WHERE name = 'cdcb_dst'"

# 1. inserts
"${PSQL[@]}" -c "SELECT olap.pause_sync('cdcb_dst')" >/dev/null
for ((i = 0; i < ROWS; i += 10000)); do
	echo "INSERT INTO cdcb_src SELECT g, g % 1000, 'row ' || g, g * 0.5, now()
	      FROM generate_series($i + 1, least($i + 10000, $ROWS)) g;"
done | "${PSQL[@]}"
t0=$(now)
"${PSQL[@]}" -c "SELECT olap.resume_sync('cdcb_dst')" >/dev/null
wait_for "rows_inserted = $ROWS FROM olap.syncs WHERE name = 'cdcb_dst'"
t1=$(now)
echo "inserts: $ROWS rows in $(echo "$t1 - $t0" | bc) s: $(echo "$ROWS / ($t1 - $t0)" | bc) rows/s"

# 2. 80% inserts, 10% updates, 10% deletes
N=$((ROWS / 3)); INS=$((N * 8 / 10)); UPD=$((N / 10)); DEL=$((N / 10))
"${PSQL[@]}" -c "SELECT olap.pause_sync('cdcb_dst')" >/dev/null
"${PSQL[@]}" <<SQL
BEGIN;
INSERT INTO cdcb_src SELECT g, g % 1000, 'row ' || g, g * 0.5, now()
FROM generate_series($ROWS + 1, $ROWS + $INS) g;
UPDATE cdcb_src SET a = a + 1 WHERE id <= $UPD;
DELETE FROM cdcb_src WHERE id > $UPD AND id <= $UPD + $DEL;
COMMIT;
SQL
before=$("${PSQL[@]}" -c "SELECT rows_inserted + rows_updated + rows_deleted FROM olap.syncs WHERE name = 'cdcb_dst'")
t0=$(now)
"${PSQL[@]}" -c "SELECT olap.resume_sync('cdcb_dst')" >/dev/null
wait_for "rows_inserted + rows_updated + rows_deleted = $before + $N FROM olap.syncs WHERE name = 'cdcb_dst'"
t1=$(now)
echo "mix 80/10/10: $N changes in $(echo "$t1 - $t0" | bc) s: $(echo "$N / ($t1 - $t0)" | bc) changes/s"

# 3. single-row source transactions while streaming
S=$SINGLE
stripes0=$("${PSQL[@]}" -c "SELECT stripe_count FROM olap.table_stats WHERE relation = 'cdcb_dst'::regclass")
before=$("${PSQL[@]}" -c "SELECT rows_inserted FROM olap.syncs WHERE name = 'cdcb_dst'")
echo "INSERT INTO cdcb_src VALUES (nextval('cdcb_seq'), 1, 'single', 1, now());" > /tmp/cdcb_single.sql
"${PSQL[@]}" -c "DROP SEQUENCE IF EXISTS cdcb_seq; CREATE SEQUENCE cdcb_seq START 100000000"
PGOPTIONS='-c synchronous_commit=off' pgbench -n -c 2 -t $((S / 2)) -f /tmp/cdcb_single.sql >/dev/null
wait_for "rows_inserted = $before + $S FROM olap.syncs WHERE name = 'cdcb_dst'"
stripes1=$("${PSQL[@]}" -c "SELECT stripe_count FROM olap.table_stats WHERE relation = 'cdcb_dst'::regclass")
echo "single-row transactions: $S rows made $((stripes1 - stripes0)) stripes (olap.sync_max_latency bounds a batch)"

# 4. end-to-end lag at a steady source load
"${PSQL[@]}" <<'SQL'
DROP TABLE IF EXISTS cdcb_lag;
CREATE TABLE cdcb_lag (probe int, lag_ms float8);
CREATE OR REPLACE PROCEDURE cdcb_probe(seconds float8) LANGUAGE plpgsql AS $$
DECLARE
	k bigint;
	lsn pg_lsn;
	t0 timestamptz;
	stop timestamptz := clock_timestamp() + seconds * interval '1 s';
	i int := 0;
BEGIN
	WHILE clock_timestamp() < stop LOOP
		i := i + 1;
		k := nextval('cdcb_seq');
		INSERT INTO cdcb_src VALUES (k, -1, 'probe', 0, now());
		lsn := pg_current_wal_insert_lsn();	-- its commit record comes after
		COMMIT;
		t0 := clock_timestamp();
		-- the batch that applies it commits with its last_applied_lsn
		WHILE NOT (SELECT last_applied_lsn >= lsn FROM olap.sync
				   WHERE sync_name = 'cdcb_dst')
			  AND clock_timestamp() < t0 + interval '60 s' LOOP
			PERFORM pg_sleep(0.002);
		END LOOP;
		INSERT INTO cdcb_lag VALUES (i, extract(epoch FROM clock_timestamp() - t0) * 1000);
		COMMIT;
		PERFORM pg_sleep(0.1);
	END LOOP;
END
$$;
SQL
echo "INSERT INTO cdcb_src SELECT nextval('cdcb_seq'), 1, 'load', 1, now() FROM generate_series(1, 10);" > /tmp/cdcb_load.sql
pgbench -n -c 2 -R $((RATE / 10)) -T "$LAG_SECONDS" -f /tmp/cdcb_load.sql > /tmp/cdcb_load.out 2>&1 &
load_pid=$!
"${PSQL[@]}" -c "CALL cdcb_probe($LAG_SECONDS - 1)"
wait $load_pid
echo "lag at $(awk '/^tps/ {printf "%d", $3 * 10}' /tmp/cdcb_load.out) rows/s of source load (target $RATE): $("${PSQL[@]}" -c "
	SELECT format('%s probes, p50 %s ms, p90 %s ms, p99 %s ms, max %s ms', count(*),
		round(percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms)::numeric),
		round(percentile_cont(0.9) WITHIN GROUP (ORDER BY lag_ms)::numeric),
		round(percentile_cont(0.99) WITHIN GROUP (ORDER BY lag_ms)::numeric),
		round(max(lag_ms)::numeric)) FROM cdcb_lag")"
wait_for "pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) < 100000 FROM pg_replication_slots WHERE slot_name = (SELECT slot FROM olap.syncs WHERE name = 'cdcb_dst')"

"${PSQL[@]}" -c "SELECT CASE WHEN NOT EXISTS (SELECT * FROM cdcb_src EXCEPT ALL SELECT * FROM cdcb_dst)
                             AND NOT EXISTS (SELECT * FROM cdcb_dst EXCEPT ALL SELECT * FROM cdcb_src)
                        THEN 'target equals source' ELSE 'TARGET DIFFERS' END"

# 5. compaction of the stripes the stream made
"${PSQL[@]}" -c "SELECT olap.pause_sync('cdcb_dst')" >/dev/null
"${PSQL[@]}" -c "VACUUM cdcb_dst"
stripes2=$("${PSQL[@]}" -c "SELECT stripe_count FROM olap.table_stats WHERE relation = 'cdcb_dst'::regclass")
echo "after VACUUM of the target: $stripes2 stripes for $("${PSQL[@]}" -c "SELECT count(*) FROM cdcb_dst") rows"
"${PSQL[@]}" -c "SELECT olap.drop_sync('cdcb_dst', true)" >/dev/null
"${PSQL[@]}" -c "DROP TABLE cdcb_src, cdcb_lag; DROP SEQUENCE cdcb_seq; DROP PROCEDURE cdcb_probe(float8)"
rm -f /tmp/cdcb_single.sql /tmp/cdcb_load.sql /tmp/cdcb_load.out
