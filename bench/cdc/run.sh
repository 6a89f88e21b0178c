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
#   3. stripes of the target after ROWS/6 single-row source transactions
#      written while the sync streams.
# Each time is from resume_sync to the counters in olap.syncs reaching the
# total (polled every 50 ms), so it includes decoding and batching.  The
# target is compared with the source (EXCEPT ALL both ways) at the end.
#
# Usage: bench/cdc/run.sh [ROWS]   (default 300000)
set -euo pipefail

ROWS=${1:-300000}
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
S=$((ROWS / 6))
stripes0=$("${PSQL[@]}" -c "SELECT stripe_count FROM olap.table_stats WHERE relation = 'cdcb_dst'::regclass")
before=$("${PSQL[@]}" -c "SELECT rows_inserted FROM olap.syncs WHERE name = 'cdcb_dst'")
echo "INSERT INTO cdcb_src VALUES (nextval('cdcb_seq'), 1, 'single', 1, now());" > /tmp/cdcb_single.sql
"${PSQL[@]}" -c "DROP SEQUENCE IF EXISTS cdcb_seq; CREATE SEQUENCE cdcb_seq START 100000000"
PGOPTIONS='-c synchronous_commit=off' pgbench -n -c 2 -t $((S / 2)) -f /tmp/cdcb_single.sql >/dev/null
wait_for "rows_inserted = $before + $S FROM olap.syncs WHERE name = 'cdcb_dst'"
stripes1=$("${PSQL[@]}" -c "SELECT stripe_count FROM olap.table_stats WHERE relation = 'cdcb_dst'::regclass")
echo "single-row transactions: $S rows made $((stripes1 - stripes0)) stripes (olap.sync_max_latency bounds a batch)"

"${PSQL[@]}" -c "SELECT CASE WHEN NOT EXISTS (SELECT * FROM cdcb_src EXCEPT ALL SELECT * FROM cdcb_dst)
                             AND NOT EXISTS (SELECT * FROM cdcb_dst EXCEPT ALL SELECT * FROM cdcb_src)
                        THEN 'target equals source' ELSE 'TARGET DIFFERS' END"
"${PSQL[@]}" -c "SELECT olap.drop_sync('cdcb_dst', true)" >/dev/null
"${PSQL[@]}" -c "DROP TABLE cdcb_src; DROP SEQUENCE cdcb_seq"
rm -f /tmp/cdcb_single.sql
