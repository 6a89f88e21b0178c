/*
 * src/sql/30_rollup.sql: rollups and the job scheduler (src/rollup/).
 * One part of the install script olap_ext--0.1.sql, which the Makefile
 * builds by joining the files of src/sql in name order.
 */

-- Rollups (src/rollup/README) ------------------------------------------------
-- A rollup is a table holding the result of an aggregate query over one
-- source table, grouped by a time bucket.  Statement triggers on the source
-- log the range of the time column that each statement touched
-- (olap.rollup_invalidation, raw column values as text); a refresh
-- recomputes the buckets those ranges cover, from raw data, in batches.

CREATE TABLE olap.rollup (
	rollup_id serial PRIMARY KEY,
	name text NOT NULL UNIQUE,
	rollup_table regclass NOT NULL,
	realtime_view regclass,
	source regclass NOT NULL,
	query text NOT NULL,			-- the defining query, names qualified
	time_column name NOT NULL,		-- column of the source under the bucket
	time_type regtype NOT NULL,
	bucket_column name NOT NULL,	-- output column holding the bucket
	bucket_expr text NOT NULL,		-- bucket over time_column
	bucket_type regtype NOT NULL,
	bucket_step interval,			-- from one bucket to the next, if known
	batch_buckets integer NOT NULL CHECK (batch_buckets > 0),
	timezone text NOT NULL,			-- TimeZone the buckets are computed in
	job_id bigint,
	created_at timestamptz NOT NULL DEFAULT now(),
	last_refresh timestamptz,
	last_refresh_rows bigint,
	-- olap sources: changes are found in the source's storage metadata
	-- (olap.rollup_seen_group), not logged by triggers
	storage_tracked boolean NOT NULL DEFAULT false,
	seen_storage bigint				-- storage id of the source when last seen
);

-- Pending invalidations: a range [lo, hi] of the time column whose buckets
-- must be recomputed; lo and hi NULL: the bucket of NULL times.  A row is
-- written in the same transaction as the change it stands for, and deleted
-- in the same transaction as the recomputed buckets are written.
CREATE TABLE olap.rollup_invalidation (
	inval_id bigserial PRIMARY KEY,
	rollup_id integer NOT NULL REFERENCES olap.rollup ON DELETE CASCADE,
	lo text,
	hi text,
	logged_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rollup_invalidation_rollup_idx ON olap.rollup_invalidation (rollup_id);

-- The chunk groups of an olap source as the rollup last saw them (the
-- rollup table reflects exactly these rows, minus the deleted ones): the
-- group's place, its deleted-row count, and the min/max of the time column
-- over its stored values (text; NULL when none) and whether it has NULL
-- times.  A refresh compares the source's current groups with these.
CREATE TABLE olap.rollup_seen_group (
	rollup_id integer NOT NULL REFERENCES olap.rollup ON DELETE CASCADE,
	stripe_num bigint NOT NULL,
	group_num integer NOT NULL,
	first_row bigint NOT NULL,
	row_count integer NOT NULL,
	deleted integer NOT NULL,
	lo text,
	hi text,
	has_nulls boolean NOT NULL,
	PRIMARY KEY (rollup_id, first_row, stripe_num)
);

-- Jobs of the scheduler (src/rollup/scheduler.c) and their runs.
CREATE TABLE olap.jobs (
	job_id bigserial PRIMARY KEY,
	job_name text NOT NULL UNIQUE,
	command text NOT NULL,
	owner regrole NOT NULL,
	rollup_id integer REFERENCES olap.rollup ON DELETE CASCADE,
	schedule_interval interval NOT NULL CHECK (schedule_interval > '0'),
	max_runtime interval CHECK (max_runtime > '0'),
	max_retries integer NOT NULL DEFAULT 3 CHECK (max_retries >= 0),
	retry_backoff interval NOT NULL DEFAULT '10 seconds' CHECK (retry_backoff >= '0'),
	enabled boolean NOT NULL DEFAULT true,
	next_run timestamptz NOT NULL DEFAULT now(),
	attempt integer NOT NULL DEFAULT 0	-- failed attempts in a row
);

CREATE TABLE olap.job_runs (
	run_id bigserial PRIMARY KEY,
	job_id bigint NOT NULL REFERENCES olap.jobs ON DELETE CASCADE,
	attempt integer NOT NULL,
	status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'crashed')),
	start_time timestamptz NOT NULL DEFAULT clock_timestamp(),
	end_time timestamptz,
	rows bigint,
	error text,
	pid integer				-- of the job worker running it
);
CREATE INDEX job_runs_job_idx ON olap.job_runs (job_id, run_id);

CREATE FUNCTION olap.rollup_analyze(query text,
	OUT source regclass, OUT time_column name, OUT bucket_column name,
	OUT bucket_expr text, OUT bucket_type regtype, OUT bucket_step interval,
	OUT canonical_query text, OUT result_types regtype[])
AS 'MODULE_PATHNAME', 'olap_rollup_analyze'
LANGUAGE C STRICT;
COMMENT ON FUNCTION olap.rollup_analyze(text)
	IS 'checks that a query can define a rollup and finds its time bucket';

CREATE FUNCTION olap.rollup_bounded_query(query text, time_column name, lower text, upper text)
RETURNS text
AS 'MODULE_PATHNAME', 'olap_rollup_bounded_query'
LANGUAGE C;
COMMENT ON FUNCTION olap.rollup_bounded_query(text, name, text, text)
	IS 'the query restricted to time_column >= lower (and < upper when not NULL), or to time_column IS NULL when lower is NULL';

-- SQL text computing the bucket of a time value given as text expression x
-- (infinities map to themselves).
CREATE FUNCTION olap.rollup_bucket_sql(r olap.rollup, x text)
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT format('(CASE WHEN (%1$s) IN (''infinity'', ''-infinity'') THEN (%1$s)::%2$s'
			  ' ELSE (SELECT %3$s FROM (SELECT (%1$s)::%4$s AS %5$I) s) END)',
			  x, r.bucket_type, r.bucket_expr, r.time_type, r.time_column)
$$;


-- Storage-based invalidation of olap sources (src/rollup/README) -----------

CREATE FUNCTION olap.rollup_minmax_text(value bytea, typ regtype)
RETURNS text
AS 'MODULE_PATHNAME', 'olap_rollup_minmax_text'
LANGUAGE C STRICT STABLE;

CREATE FUNCTION olap.rollup_group_values(source regclass, attnum int2, first_rows bigint[], typ anyelement)
RETURNS SETOF anyelement
AS 'MODULE_PATHNAME', 'olap_rollup_group_values'
LANGUAGE C STABLE;
-- (it reads the table without checking privileges: only for
-- olap.rollup_storage_scan)
REVOKE ALL ON FUNCTION olap.rollup_group_values(regclass, int2, bigint[], anyelement) FROM PUBLIC;
COMMENT ON FUNCTION olap.rollup_group_values(regclass, int2, bigint[], anyelement)
	IS 'stored values (deleted rows included) of a column in the chunk groups of an olap table starting at first_rows, and one NULL if they hold NULLs';

-- The chunk groups of storage sid visible now, with the time column's
-- (attnum att, type typ) min/max and NULLs.
CREATE FUNCTION olap.rollup_current_groups(sid bigint, att int2, typ regtype)
RETURNS TABLE (stripe_num bigint, group_num integer, first_row bigint, row_count integer,
			   deleted integer, lo text, hi text, has_nulls boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT cg.stripe_num, cg.group_num, cg.first_row_number, cg.row_count,
	   coalesce(m.deleted_count, 0),
	   CASE WHEN ch.min_value IS NOT NULL THEN olap.rollup_minmax_text(ch.min_value, typ)
			WHEN ch.null_count >= cg.row_count THEN NULL ELSE '-infinity' END,
	   CASE WHEN ch.max_value IS NOT NULL THEN olap.rollup_minmax_text(ch.max_value, typ)
			WHEN ch.null_count >= cg.row_count THEN NULL ELSE 'infinity' END,
	   ch.storage_id IS NULL OR ch.null_count > cg.dead_rows
FROM olap.chunk_group cg
-- one primary-key lookup per group, whatever the catalogs' statistics say
LEFT JOIN LATERAL (SELECT * FROM olap.chunk c
				   WHERE c.storage_id = cg.storage_id AND c.stripe_num = cg.stripe_num
					 AND c.group_num = cg.group_num AND c.attr_num = att OFFSET 0) ch ON true
LEFT JOIN LATERAL (SELECT * FROM olap.row_mask r
				   WHERE r.storage_id = cg.storage_id AND r.stripe_num = cg.stripe_num
					 AND r.group_num = cg.group_num OFFSET 0) m ON true
WHERE cg.storage_id = sid
$$;

-- What changed in an olap source since the rollup last saw it, under one
-- snapshot (the function is STABLE): rows with is_range true are ranges
-- [lo, hi] of the time column to invalidate (lo NULL: NULL times); rows
-- with is_range false are the source's chunk groups now, the new seen
-- state.  The caller holds a lock on the source, so its storage id is
-- stable.  For each current group g:
--   - seen as it is (same stripe, group, first row, deleted count): nothing;
--   - same group, more deleted rows: its stored values (deleted rows are
--     still stored) are read and their buckets invalidated;
--   - a group never seen, none of whose row numbers were seen: new rows;
--     read as above;
--   - a group written by compaction over row numbers that were seen:
--     nothing changed if its deleted rows are those of the seen groups it
--     covers plus every row number it covers that was not seen (unused
--     numbers, rows inserted and deleted since); otherwise its values are
--     read and the seen ranges of the groups it covers are invalidated too
--     (the values of rows deleted since were dropped by the compaction).
-- Seen groups that no current group covers (wholly deleted groups dropped by
-- compaction) invalidate their seen range if they still had live rows.  A
-- new storage id (TRUNCATE, table rewrite) invalidates everything.
-- SECURITY DEFINER: readers of a real-time view need its pending ranges
-- (as olap.rollup_invalidation, readable by all), not access to the
-- storage catalogs or the source.
CREATE FUNCTION olap.rollup_storage_scan(rid integer)
RETURNS TABLE (is_range boolean, lo text, hi text, stripe_num bigint, group_num integer,
			   first_row bigint, row_count integer, deleted integer, has_nulls boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET DateStyle = 'ISO, YMD'
AS $$
DECLARE
	r olap.rollup;
	sid bigint;
	att int2;
	groups olap.rollup_seen_group[];
	reread bigint[];
	covers int8range[];
BEGIN
	SELECT * INTO r FROM olap.rollup x WHERE x.rollup_id = rid;
	sid := olap.storage_id(r.source);
	SELECT a.attnum INTO att FROM pg_catalog.pg_attribute a
	WHERE a.attrelid = r.source AND a.attname = r.time_column AND NOT a.attisdropped;
	IF att IS NULL THEN
		RAISE EXCEPTION 'column "%" of the source of rollup "%" does not exist', r.time_column, r.name
			USING ERRCODE = 'undefined_column';
	END IF;

	-- the current groups: the new seen state (lo, hi: the group's time range)
	SELECT array_agg(ROW(rid, g.stripe_num, g.group_num, g.first_row, g.row_count, g.deleted,
						 g.lo, g.hi, g.has_nulls)::olap.rollup_seen_group)
	INTO groups
	FROM olap.rollup_current_groups(sid, att, r.time_type) g;
	RETURN QUERY SELECT false, g.lo, g.hi, g.stripe_num, g.group_num, g.first_row, g.row_count,
						g.deleted, g.has_nulls
				 FROM unnest(groups) g;

	IF r.seen_storage IS NOT NULL AND sid IS DISTINCT FROM r.seen_storage THEN
		RETURN QUERY VALUES (true, '-infinity'::text, 'infinity'::text, NULL::bigint, NULL::integer,
							 NULL::bigint, NULL::integer, NULL::integer, NULL::boolean),
							(true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		RETURN;
	END IF;

	-- classify the current groups against the seen ones (see above); the
	-- overlap lookups start at the lowest first row a seen group
	-- overlapping the group can have
	WITH cur AS MATERIALIZED (SELECT * FROM unnest(groups)),
	seen AS MATERIALIZED (
		SELECT * FROM olap.rollup_seen_group s WHERE s.rollup_id = rid),
	unmatched AS MATERIALIZED (	-- current groups not seen as they are now
		SELECT c.*, EXISTS (SELECT 1 FROM seen s WHERE s.stripe_num = c.stripe_num
							AND s.group_num = c.group_num AND s.first_row = c.first_row) AS same
		FROM cur c
		WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE s.stripe_num = c.stripe_num
						  AND s.group_num = c.group_num AND s.first_row = c.first_row
						  AND s.deleted = c.deleted)),
	cls AS (
		SELECT u.first_row, u.row_count,
			   CASE WHEN u.same OR coalesce(cov.nrows, 0) = 0 THEN 'reread'
					WHEN cov.nrows = u.row_count AND cov.ndeleted = u.deleted THEN 'none'
					-- unseen row numbers folded in: if every one of them is
					-- deleted (dead) and the other deletions add up to the
					-- seen ones, nothing changed
					WHEN u.deleted = cov.ndeleted + (u.row_count - cov.nrows)
						 AND NOT EXISTS (
							SELECT 1 FROM olap.row_mask m, generate_series(0, u.row_count - 1) i
							WHERE m.storage_id = sid AND m.stripe_num = u.stripe_num
							  AND m.group_num = u.group_num
							  AND NOT cov.consumed @> (u.first_row + i)
							  AND get_bit(m.mask, i) = 0) THEN 'none'
					ELSE 'reread+seen' END AS action
		FROM unmatched u
		LEFT JOIN LATERAL (
			SELECT sum(least(s.first_row + s.row_count, u.first_row + u.row_count)
					   - greatest(s.first_row, u.first_row)) AS nrows,
				   sum(s.deleted) AS ndeleted,
				   range_agg(int8range(s.first_row, s.first_row + s.row_count)) AS consumed
			FROM seen s
			WHERE s.first_row >= u.first_row - (SELECT coalesce(max(x.row_count), 0) FROM seen x)
			  AND s.first_row < u.first_row + u.row_count
			  AND s.first_row + s.row_count > u.first_row) cov ON NOT u.same)
	SELECT array_agg(c.first_row) FILTER (WHERE c.action <> 'none'),
		   array_agg(int8range(c.first_row, c.first_row + c.row_count)) FILTER (WHERE c.action = 'reread+seen')
	INTO reread, covers
	FROM cls c;

	-- seen groups whose deleted rows' values may be gone: covered by a
	-- compacted group that changed, or covered by no group any more
	RETURN QUERY
	WITH now_rows AS (	-- the row numbers of the current groups
		SELECT coalesce(range_agg(int8range(c.first_row, c.first_row + c.row_count)),
						'{}'::int8multirange) AS mr
		FROM unnest(groups) c),
	lost AS MATERIALIZED (
		SELECT s.* FROM olap.rollup_seen_group s, now_rows n
		WHERE s.rollup_id = rid AND s.deleted < s.row_count
		  AND (int8range(s.first_row, s.first_row + s.row_count) && ANY (coalesce(covers, '{}'))
			   OR NOT n.mr && int8range(s.first_row, s.first_row + s.row_count)))
	SELECT true, l.lo, l.hi, NULL::bigint, NULL::integer, NULL::bigint, NULL::integer,
		   NULL::integer, NULL::boolean
	FROM lost l WHERE l.lo IS NOT NULL
	UNION ALL
	SELECT true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
	WHERE EXISTS (SELECT 1 FROM lost l WHERE l.has_nulls);

	-- the buckets of the values stored in the groups to read (the trigger's
	-- per-bucket logging, on stored values)
	IF reread IS NOT NULL THEN
		RETURN QUERY EXECUTE format(
			'SELECT true, min(%1$I)::text, max(%1$I)::text, NULL::bigint, NULL::integer, NULL::bigint,'
			' NULL::integer, NULL::integer, NULL::boolean'
			' FROM olap.rollup_group_values($1, $2, $3, NULL::%2$s) AS v(%1$I) GROUP BY %3$s',
			r.time_column, r.time_type, r.bucket_expr)
			USING r.source, att, reread;
	END IF;
END
$$;

-- Records what changed in an olap source since the rollup last saw it:
-- logs the ranges (when log) and replaces the seen state, from one
-- snapshot, under a lock that keeps the source's storage id stable for the
-- rest of the transaction.  The DELETE runs before the INSERT (the InitPlan
-- over its RETURNING) and neither sees the other's rows.
CREATE FUNCTION olap.rollup_collect(rid integer, log boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r olap.rollup;
BEGIN
	SELECT * INTO r FROM olap.rollup x WHERE x.rollup_id = rid;
	EXECUTE format('LOCK TABLE %s IN ACCESS SHARE MODE', r.source);
	WITH c AS MATERIALIZED (SELECT * FROM olap.rollup_storage_scan(rid)),
	ins AS (INSERT INTO olap.rollup_invalidation (rollup_id, lo, hi)
			SELECT rid, c.lo, c.hi FROM c WHERE c.is_range AND log),
	del AS (DELETE FROM olap.rollup_seen_group s WHERE s.rollup_id = rid RETURNING 1)
	INSERT INTO olap.rollup_seen_group
	SELECT rid, c.stripe_num, c.group_num, c.first_row, c.row_count, c.deleted, c.lo, c.hi, c.has_nulls
	FROM c WHERE NOT c.is_range AND (SELECT count(*) FROM del) >= 0;
	UPDATE olap.rollup x SET seen_storage = olap.storage_id(r.source) WHERE x.rollup_id = rid;
END
$$;

-- Pending invalidations of a rollup: its log, plus, for an olap source,
-- the changes in its storage not collected yet.
CREATE FUNCTION olap.rollup_pending(rid integer)
RETURNS TABLE (lo text, hi text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT i.lo, i.hi FROM olap.rollup_invalidation i WHERE i.rollup_id = rid
UNION ALL
SELECT c.lo, c.hi FROM olap.rollup r, LATERAL olap.rollup_storage_scan(r.rollup_id) c
WHERE r.rollup_id = rid AND r.storage_tracked AND c.is_range
$$;

-- Number of buckets from bucket blo to bucket bhi (rollups with a known
-- step).
CREATE FUNCTION olap.rollup_bucket_count(r olap.rollup, blo text, bhi text)
RETURNS bigint
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	n bigint;
BEGIN
	EXECUTE format('SELECT count(*) FROM pg_catalog.generate_series($1::%1$s::timestamptz, $2::%1$s::timestamptz, $3)',
				   r.bucket_type)
		INTO n USING blo, bhi, r.bucket_step;
	RETURN n;
END
$$;

-- Statement trigger on a rollup's source: logs the touched range of the
-- time column.  TG_ARGV[0] is the rollup id.
CREATE FUNCTION olap.rollup_invalidate()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET DateStyle = 'ISO, YMD'
AS $$
DECLARE
	r olap.rollup;
	tab text;
BEGIN
	SELECT * INTO r FROM olap.rollup WHERE rollup_id = TG_ARGV[0]::integer;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'TRUNCATE' THEN
		INSERT INTO olap.rollup_invalidation (rollup_id, lo, hi)
		VALUES (r.rollup_id, '-infinity', 'infinity'), (r.rollup_id, NULL, NULL);
		RETURN NULL;
	END IF;
	-- one range per bucket touched (computed in this session's TimeZone; a
	-- range stays a valid cover of its rows in any zone), one NULL entry for
	-- NULL times
	FOREACH tab IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['olap_new_rows']
		WHEN 'DELETE' THEN ARRAY['olap_old_rows']
		ELSE ARRAY['olap_old_rows', 'olap_new_rows'] END
	LOOP
		EXECUTE format('INSERT INTO olap.rollup_invalidation (rollup_id, lo, hi)'
					   ' SELECT $1, min(%1$I)::text, max(%1$I)::text FROM %2$I GROUP BY %3$s',
					   r.time_column, tab, r.bucket_expr)
			USING r.rollup_id;
	END LOOP;
	RETURN NULL;
END
$$;

-- (Re)creates the real-time view of a rollup: materialized rows of buckets
-- without pending invalidation, plus the pending buckets computed from raw
-- data.  Consistent with any snapshot, since a refresh changes the rollup
-- table and the invalidations in one transaction.
CREATE FUNCTION olap.rollup_create_view(rid integer, view_name text)
RETURNS regclass
LANGUAGE plpgsql
SET DateStyle = 'ISO, YMD'
AS $$
DECLARE
	r olap.rollup;
	pending_range text;
	null_pending text;
	lower_sql text;
BEGIN
	SELECT * INTO r FROM olap.rollup WHERE rollup_id = rid;
	-- the pending ranges are computed once per query (CTE p); the lower
	-- bound, inside the query that is analyzed on its own, calls
	-- olap.rollup_pending again
	pending_range := format(
		'EXISTS (SELECT 1 FROM p i WHERE i.lo IS NOT NULL AND %%1$s >= %s AND %%1$s <= %s)',
		olap.rollup_bucket_sql(r, 'i.lo'), olap.rollup_bucket_sql(r, 'i.hi'));
	null_pending := 'EXISTS (SELECT 1 FROM p i WHERE i.lo IS NULL)';
	lower_sql := format('(%s)::%s', olap.rollup_bucket_sql(r,
		format('(SELECT min(i.lo::%s)::text FROM olap.rollup_pending(%s) i)',
			   r.time_type, rid)), r.time_type);
	EXECUTE format(
		'CREATE VIEW %I AS '
		'WITH p AS MATERIALIZED (SELECT lo, hi FROM olap.rollup_pending(%s)) '
		'SELECT r.* FROM %s r WHERE NOT (%s OR (r.%I IS NULL AND %s)) '
		'UNION ALL '
		'SELECT q.* FROM (%s) q WHERE %s '
		'UNION ALL '
		'SELECT q.* FROM (%s) q WHERE q.%I IS NULL AND (SELECT %s)',
		view_name, rid, r.rollup_table,
		format(pending_range, 'r.' || quote_ident(r.bucket_column)), r.bucket_column, null_pending,
		olap.rollup_bounded_query(r.query, r.time_column, lower_sql, NULL),
		format(pending_range, 'q.' || quote_ident(r.bucket_column)),
		olap.rollup_bounded_query(r.query, r.time_column, NULL, NULL), r.bucket_column, null_pending);
	RETURN to_regclass(quote_ident(view_name));
END
$$;

CREATE FUNCTION olap.create_rollup(
	name text,
	query text,
	refresh_interval interval DEFAULT NULL,
	realtime boolean DEFAULT true,
	access_method name DEFAULT 'heap',
	with_data boolean DEFAULT true,
	batch_buckets integer DEFAULT 100,
	max_runtime interval DEFAULT NULL,
	max_retries integer DEFAULT 3,
	retry_backoff interval DEFAULT '10 seconds')
RETURNS regclass
LANGUAGE plpgsql
AS $$
DECLARE
	a record;
	rid integer;
	tbl regclass;
	src regclass;
	trig text;
	n bigint;
BEGIN
	IF name IS NULL OR query IS NULL THEN
		RAISE EXCEPTION 'rollup name and query must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF EXISTS (SELECT 1 FROM olap.rollup r WHERE r.name = create_rollup.name) THEN
		RAISE EXCEPTION 'rollup "%" already exists', name USING ERRCODE = 'duplicate_object';
	END IF;
	IF access_method IS NULL OR access_method NOT IN ('heap', 'olap') THEN
		RAISE EXCEPTION 'invalid access method for a rollup table: %', coalesce(access_method::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Valid values are "heap" and "olap".';
	END IF;
	IF batch_buckets IS NULL OR batch_buckets < 1 THEN
		RAISE EXCEPTION 'batch_buckets must be at least 1' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF refresh_interval IS NOT NULL AND refresh_interval <= '0' THEN
		RAISE EXCEPTION 'refresh_interval must be positive' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	a := olap.rollup_analyze(query);
	src := a.source;
	EXECUTE format('CREATE TABLE %I USING %I AS %s WITH NO DATA', name, access_method, a.canonical_query);
	tbl := to_regclass(quote_ident(name));
	EXECUTE format('CREATE INDEX ON %s (%I)', tbl, a.bucket_column);

	INSERT INTO olap.rollup (name, rollup_table, source, query, time_column, time_type,
							 bucket_column, bucket_expr, bucket_type, bucket_step,
							 batch_buckets, timezone)
	SELECT create_rollup.name, tbl, src, a.canonical_query, a.time_column, att.atttypid,
		   a.bucket_column, a.bucket_expr, a.bucket_type, a.bucket_step,
		   create_rollup.batch_buckets, current_setting('TimeZone')
	FROM pg_catalog.pg_attribute att
	WHERE att.attrelid = src AND att.attname = a.time_column
	RETURNING rollup_id INTO rid;

	IF (SELECT am.amname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_am am ON am.oid = c.relam
		WHERE c.oid = src) = 'olap' THEN
		-- changes are found in the source's storage metadata: what is there
		-- now is seen (before the rows are read below, so a change that
		-- commits in between is found again by the next refresh)
		UPDATE olap.rollup SET storage_tracked = true WHERE rollup_id = rid;
		PERFORM olap.rollup_collect(rid, false);
	ELSE
		trig := 'olap_rollup_' || rid;
		EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS olap_new_rows'
					   ' FOR EACH STATEMENT EXECUTE FUNCTION olap.rollup_invalidate(%L)', trig || '_insert', src, rid);
		EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS olap_old_rows'
					   ' NEW TABLE AS olap_new_rows FOR EACH STATEMENT EXECUTE FUNCTION olap.rollup_invalidate(%L)',
					   trig || '_update', src, rid);
		EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS olap_old_rows'
					   ' FOR EACH STATEMENT EXECUTE FUNCTION olap.rollup_invalidate(%L)', trig || '_delete', src, rid);
		EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %s'
					   ' FOR EACH STATEMENT EXECUTE FUNCTION olap.rollup_invalidate(%L)', trig || '_truncate', src, rid);
	END IF;

	IF with_data THEN
		EXECUTE format('INSERT INTO %s %s', tbl, a.canonical_query);
		GET DIAGNOSTICS n = ROW_COUNT;
		UPDATE olap.rollup SET last_refresh = now(), last_refresh_rows = n WHERE rollup_id = rid;
	ELSE
		INSERT INTO olap.rollup_invalidation (rollup_id, lo, hi)
		VALUES (rid, '-infinity', 'infinity'), (rid, NULL, NULL);
	END IF;

	IF realtime THEN
		UPDATE olap.rollup SET realtime_view = olap.rollup_create_view(rid, create_rollup.name || '_realtime')
		WHERE rollup_id = rid;
	END IF;

	IF refresh_interval IS NOT NULL THEN
		PERFORM olap.rollup_schedule(rid, refresh_interval, max_runtime, max_retries, retry_backoff);
	END IF;
	RETURN tbl;
END
$$;
COMMENT ON FUNCTION olap.create_rollup(text, text, interval, boolean, name, boolean, integer, interval, integer, interval)
	IS 'create a rollup table (and real-time view) maintained by incremental refresh';

-- Creates or changes the scheduler job refreshing a rollup.
CREATE FUNCTION olap.rollup_schedule(rid integer, refresh_interval interval,
	max_runtime interval, max_retries integer, retry_backoff interval)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
	r olap.rollup;
	jid bigint;
BEGIN
	SELECT * INTO r FROM olap.rollup WHERE rollup_id = rid;
	IF r.job_id IS NULL THEN
		INSERT INTO olap.jobs (job_name, command, owner, rollup_id, schedule_interval,
							   max_runtime, max_retries, retry_backoff, next_run)
		VALUES ('refresh ' || r.name, format('CALL olap.refresh_rollup(%L)', r.name),
				current_user::regrole, rid, refresh_interval, max_runtime,
				coalesce(max_retries, 3), coalesce(retry_backoff, '10 seconds'),
				now() + refresh_interval)
		RETURNING job_id INTO jid;
		UPDATE olap.rollup SET job_id = jid WHERE rollup_id = rid;
	ELSE
		jid := r.job_id;
		UPDATE olap.jobs j SET
			schedule_interval = coalesce(refresh_interval, j.schedule_interval),
			next_run = CASE WHEN refresh_interval IS NULL THEN j.next_run ELSE now() + refresh_interval END,
			max_runtime = coalesce(rollup_schedule.max_runtime, j.max_runtime),
			max_retries = coalesce(rollup_schedule.max_retries, j.max_retries),
			retry_backoff = coalesce(rollup_schedule.retry_backoff, j.retry_backoff)
		WHERE j.job_id = jid;
	END IF;
	PERFORM olap.worker_wake();
	RETURN jid;
END
$$;

CREATE FUNCTION olap.alter_rollup(
	name text,
	refresh_interval interval DEFAULT NULL,
	enabled boolean DEFAULT NULL,
	max_runtime interval DEFAULT NULL,
	max_retries integer DEFAULT NULL,
	retry_backoff interval DEFAULT NULL,
	batch_buckets integer DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	r olap.rollup;
BEGIN
	SELECT * INTO r FROM olap.rollup x WHERE x.name = alter_rollup.name;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'rollup "%" does not exist', name USING ERRCODE = 'undefined_object';
	END IF;
	IF batch_buckets IS NOT NULL THEN
		IF batch_buckets < 1 THEN
			RAISE EXCEPTION 'batch_buckets must be at least 1' USING ERRCODE = 'invalid_parameter_value';
		END IF;
		UPDATE olap.rollup x SET batch_buckets = alter_rollup.batch_buckets WHERE x.rollup_id = r.rollup_id;
	END IF;
	IF refresh_interval IS NOT NULL OR max_runtime IS NOT NULL OR max_retries IS NOT NULL
		OR retry_backoff IS NOT NULL THEN
		IF r.job_id IS NULL AND refresh_interval IS NULL THEN
			RAISE EXCEPTION 'rollup "%" has no refresh schedule', name
				USING ERRCODE = 'invalid_parameter_value',
					  HINT = 'Pass refresh_interval to schedule refreshes.';
		END IF;
		PERFORM olap.rollup_schedule(r.rollup_id, refresh_interval, max_runtime, max_retries, retry_backoff);
	END IF;
	IF enabled IS NOT NULL THEN
		UPDATE olap.jobs j SET enabled = alter_rollup.enabled
		WHERE j.job_id = (SELECT x.job_id FROM olap.rollup x WHERE x.rollup_id = r.rollup_id);
		PERFORM olap.worker_wake();
	END IF;
END
$$;
COMMENT ON FUNCTION olap.alter_rollup(text, interval, boolean, interval, integer, interval, integer)
	IS 'change the refresh schedule or batch size of a rollup; NULL arguments are left unchanged';

CREATE FUNCTION olap.drop_rollup(name text, drop_table boolean DEFAULT true)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
	r olap.rollup;
	trig text;
BEGIN
	SELECT * INTO r FROM olap.rollup x WHERE x.name = drop_rollup.name FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'rollup "%" does not exist', name USING ERRCODE = 'undefined_object';
	END IF;
	FOREACH trig IN ARRAY ARRAY['insert', 'update', 'delete', 'truncate'] LOOP
		EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', 'olap_rollup_' || r.rollup_id || '_' || trig, r.source);
	END LOOP;
	IF r.realtime_view IS NOT NULL THEN
		EXECUTE format('DROP VIEW IF EXISTS %s', r.realtime_view);
	END IF;
	IF drop_table THEN
		EXECUTE format('DROP TABLE IF EXISTS %s', r.rollup_table);
	END IF;
	DELETE FROM olap.jobs WHERE rollup_id = r.rollup_id;
	DELETE FROM olap.rollup WHERE rollup_id = r.rollup_id;
END
$$;
COMMENT ON FUNCTION olap.drop_rollup(text, boolean)
	IS 'drop a rollup: its triggers, real-time view, schedule and (by default) its table';

-- Recomputes the invalidated buckets of a rollup (all buckets with full),
-- committing after each batch of at most batch_buckets buckets.  Each batch
-- locks the rollup's catalog row, so two refreshes of one rollup never run
-- a batch at once; with wait => false a refresh that finds the row locked
-- returns at once.  Must be called outside an explicit transaction block.
CREATE PROCEDURE olap.refresh_rollup(name text, "full" boolean DEFAULT false, wait boolean DEFAULT true)
LANGUAGE plpgsql
AS $$
DECLARE
	r olap.rollup;
	first boolean := true;
	total bigint := 0;
	n bigint;
	ids bigint[];
	lo_t text;
	hi_t text;
	blo text;
	bhi text;
	bend text;
	upper_excl text;
	bq text;
	more boolean;
	cmin text;
	cmax text;
	islands text;
	isl record;
	isl_upper text;
	del_cond text;
	nb bigint;
	nisl bigint;
BEGIN
	LOOP
		PERFORM pg_catalog.set_config('DateStyle', 'ISO, YMD', true);
		IF first AND NOT wait THEN
			SELECT * INTO r FROM olap.rollup x WHERE x.name = refresh_rollup.name FOR NO KEY UPDATE SKIP LOCKED;
			IF NOT FOUND AND EXISTS (SELECT 1 FROM olap.rollup x WHERE x.name = refresh_rollup.name) THEN
				RAISE NOTICE 'rollup "%" is being refreshed by another session, skipped', name;
				RETURN;
			END IF;
		ELSE
			SELECT * INTO r FROM olap.rollup x WHERE x.name = refresh_rollup.name FOR NO KEY UPDATE;
		END IF;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'rollup "%" does not exist', name USING ERRCODE = 'undefined_object';
		END IF;
		PERFORM pg_catalog.set_config('TimeZone', r.timezone, true);
		IF first AND "full" THEN
			DELETE FROM olap.rollup_invalidation WHERE rollup_id = r.rollup_id;
			INSERT INTO olap.rollup_invalidation (rollup_id, lo, hi)
			VALUES (r.rollup_id, '-infinity', 'infinity'), (r.rollup_id, NULL, NULL);
		END IF;
		IF first AND r.storage_tracked THEN
			-- the olap source's changes since the last refresh join the log
			PERFORM olap.rollup_collect(r.rollup_id, NOT "full");
		END IF;
		first := false;

		-- the bucket of NULL times
		SELECT array_agg(inval_id) INTO ids FROM olap.rollup_invalidation
		WHERE rollup_id = r.rollup_id AND lo IS NULL;
		IF ids IS NOT NULL THEN
			EXECUTE format('DELETE FROM %s WHERE %I IS NULL', r.rollup_table, r.bucket_column);
			EXECUTE format('INSERT INTO %s SELECT * FROM (%s) q WHERE q.%I IS NULL', r.rollup_table,
						   olap.rollup_bounded_query(r.query, r.time_column, NULL, NULL), r.bucket_column);
			GET DIAGNOSTICS n = ROW_COUNT;
			total := total + n;
			DELETE FROM olap.rollup_invalidation WHERE inval_id = ANY (ids);
			COMMIT;
			CONTINUE;
		END IF;

		-- the groups of pending ranges whose buckets overlap or touch
		-- (islands), lowest first; this batch starts with the first
		islands := format(
			'WITH inv AS (SELECT inval_id, lo, hi, %2$s AS blo, %3$s AS bhi'
			'             FROM olap.rollup_invalidation i WHERE rollup_id = $1 AND lo IS NOT NULL),'
			' o AS (SELECT *, max(bhi) OVER (ORDER BY blo, inval_id ROWS BETWEEN UNBOUNDED PRECEDING'
			'                                AND 1 PRECEDING) AS prev_hi FROM inv),'
			' g AS (SELECT *, count(*) FILTER (WHERE prev_hi IS NULL OR blo > prev_hi + coalesce($2, ''0'')) '
			'                 OVER (ORDER BY blo, inval_id) AS island FROM o)'
			' SELECT min(lo::%1$s)::text AS lo, max(hi::%1$s)::text AS hi, min(blo)::text AS blo,'
			'        max(bhi)::text AS bhi, array_agg(inval_id) AS ids FROM g GROUP BY island ORDER BY island',
			r.time_type, olap.rollup_bucket_sql(r, 'i.lo'), olap.rollup_bucket_sql(r, 'i.hi'));
		EXECUTE islands || ' LIMIT 1' INTO lo_t, hi_t, blo, bhi, ids USING r.rollup_id, r.bucket_step;
		EXIT WHEN ids IS NULL;

		-- infinite ends clamped to the data in the source and the rollup
		-- (one scan of the source for both ends)
		IF lo_t = '-infinity' OR hi_t = 'infinity' THEN
			EXECUTE format('SELECT least((SELECT %1$s FROM (SELECT s.mn AS %2$I) x), (SELECT min(%3$I) FROM %5$s))::text,'
						   ' greatest((SELECT %1$s FROM (SELECT s.mx AS %2$I) x), (SELECT max(%3$I) FROM %5$s))::text'
						   ' FROM (SELECT min(%2$I) AS mn, max(%2$I) AS mx FROM %4$s) s',
						   r.bucket_expr, r.time_column, r.bucket_column, r.source, r.rollup_table)
				INTO cmin, cmax;
			IF lo_t = '-infinity' THEN
				blo := cmin;
			END IF;
			IF hi_t = 'infinity' THEN
				bhi := cmax;
				-- the remainder logged below ends at the last bucket, not at infinity
				IF bhi IS NOT NULL THEN
					EXECUTE format('SELECT (($1::%s)::%s)::text', r.bucket_type, r.time_type) INTO hi_t USING bhi;
				END IF;
			END IF;
		END IF;
		IF blo IS NULL OR bhi IS NULL THEN
			-- nothing in the source nor in the rollup
			DELETE FROM olap.rollup_invalidation WHERE inval_id = ANY (ids);
			COMMIT;
			CONTINUE;
		END IF;

		-- this batch: buckets [blo, bend), or [blo, bhi] when that is the rest
		bend := NULL;
		upper_excl := NULL;
		IF r.bucket_step IS NOT NULL THEN
			EXECUTE format('SELECT ($1::%1$s + $3 * $4)::text, ($1::%1$s + $3 * $4 <= $2::%1$s),'
						   ' ($2::%1$s + $4)::text', r.bucket_type)
				INTO bend, more, upper_excl USING blo, bhi, r.batch_buckets, r.bucket_step;
			IF NOT more THEN
				bend := NULL;
			ELSE
				upper_excl := bend;
			END IF;
		END IF;

		-- bounds go in as typed literals (not text parameters cast at run
		-- time, which would be parsed again for every row)
		del_cond := format('(%I >= %L::%s AND %I %s %L::%s)',
						   r.bucket_column, blo, r.bucket_type, r.bucket_column,
						   CASE WHEN bend IS NULL THEN '<=' ELSE '<' END, coalesce(bend, bhi), r.bucket_type);
		bq := olap.rollup_bounded_query(r.query, r.time_column, format('%L::%s', blo, r.bucket_type),
										CASE WHEN upper_excl IS NULL THEN NULL
										ELSE format('%L::%s', upper_excl, r.bucket_type) END);

		-- with a known step, when the first island fits in this batch, the
		-- next islands join it as long as the batch stays within
		-- batch_buckets buckets: one DELETE and one INSERT (a UNION ALL of
		-- one range-restricted query per island; their buckets are
		-- disjoint) instead of a transaction each
		IF r.bucket_step IS NOT NULL AND bend IS NULL THEN
			nb := olap.rollup_bucket_count(r, blo, bhi);
			bq := '(' || bq || ')';
			FOR isl IN EXECUTE islands || ' OFFSET 1 LIMIT $3' USING r.rollup_id, r.bucket_step, r.batch_buckets LOOP
				EXIT WHEN isl.hi = 'infinity';
				nisl := olap.rollup_bucket_count(r, isl.blo, isl.bhi);
				EXIT WHEN nb + nisl > r.batch_buckets;
				nb := nb + nisl;
				EXECUTE format('SELECT ($1::%1$s + $2)::text', r.bucket_type)
					INTO isl_upper USING isl.bhi, r.bucket_step;
				del_cond := del_cond || format(' OR (%I >= %L::%s AND %I <= %L::%s)',
											   r.bucket_column, isl.blo, r.bucket_type,
											   r.bucket_column, isl.bhi, r.bucket_type);
				bq := bq || ' UNION ALL (' ||
					olap.rollup_bounded_query(r.query, r.time_column, format('%L::%s', isl.blo, r.bucket_type),
											  format('%L::%s', isl_upper, r.bucket_type)) || ')';
				ids := ids || isl.ids;
				-- the planner costs the UNION ALL as a whole and would JIT
				-- compile every island's expressions (about 60 ms each) for
				-- the few days each one reads
				PERFORM pg_catalog.set_config('jit', 'off', true);
			END LOOP;
		END IF;

		EXECUTE format('DELETE FROM %s WHERE %s', r.rollup_table, del_cond);
		-- with a known step the bounds on t are bucket boundaries, so they
		-- select exactly the batch's buckets; otherwise filter on the bucket
		IF r.bucket_step IS NOT NULL THEN
			EXECUTE format('INSERT INTO %s %s', r.rollup_table, bq);
		ELSE
			EXECUTE format('INSERT INTO %s SELECT * FROM (%s) q WHERE q.%I >= %L::%s AND q.%I <= %L::%s',
						   r.rollup_table, bq, r.bucket_column, blo, r.bucket_type, r.bucket_column,
						   bhi, r.bucket_type);
		END IF;
		GET DIAGNOSTICS n = ROW_COUNT;
		total := total + n;

		DELETE FROM olap.rollup_invalidation WHERE inval_id = ANY (ids);
		IF bend IS NOT NULL THEN
			-- rows of buckets >= bend have times >= bend
			EXECUTE format('INSERT INTO olap.rollup_invalidation (rollup_id, lo, hi) VALUES ($1, ($2::%s)::%s::text, $3)',
						   r.bucket_type, r.time_type)
				USING r.rollup_id, bend, hi_t;
		END IF;
		UPDATE olap.rollup SET last_refresh = now(), last_refresh_rows = total WHERE rollup_id = r.rollup_id;
		COMMIT;
	END LOOP;
	UPDATE olap.rollup SET last_refresh = now(), last_refresh_rows = total WHERE rollup_id = r.rollup_id;
	COMMIT;
END
$$;
COMMENT ON PROCEDURE olap.refresh_rollup(text, boolean, boolean)
	IS 'recompute the invalidated buckets of a rollup (all with full => true), in committed batches';

-- Records the end of a job run (called by the scheduler): status, rows,
-- next run (retry with exponential backoff and up to 25% jitter, or the
-- interval), NOTIFY olap_job_failed on failure.
CREATE FUNCTION olap.job_finished(run bigint, error text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	jr olap.job_runs;
	j olap.jobs;
	will_retry boolean;
BEGIN
	SELECT * INTO jr FROM olap.job_runs WHERE run_id = run;
	SELECT * INTO j FROM olap.jobs WHERE job_id = jr.job_id FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	IF error IS NULL THEN
		UPDATE olap.job_runs SET status = 'succeeded', end_time = clock_timestamp(),
			rows = (SELECT last_refresh_rows FROM olap.rollup WHERE rollup_id = j.rollup_id)
		WHERE run_id = run;
		UPDATE olap.jobs SET attempt = 0, next_run = clock_timestamp() + j.schedule_interval
		WHERE job_id = j.job_id;
	ELSE
		will_retry := jr.attempt <= j.max_retries;
		UPDATE olap.job_runs SET status = 'failed', end_time = clock_timestamp(),
			error = job_finished.error
		WHERE run_id = run;
		UPDATE olap.jobs SET
			attempt = CASE WHEN will_retry THEN jr.attempt ELSE 0 END,
			next_run = clock_timestamp() + CASE WHEN will_retry
				THEN j.retry_backoff * power(2, jr.attempt - 1) * (1 + random() * 0.25)
				ELSE j.schedule_interval END
		WHERE job_id = j.job_id;
		PERFORM pg_notify('olap_job_failed', json_build_object(
			'job_id', j.job_id, 'job_name', j.job_name, 'run_id', run,
			'attempt', jr.attempt, 'will_retry', will_retry, 'error', error)::text);
	END IF;
END
$$;

-- Monitoring -----------------------------------------------------------------

CREATE FUNCTION olap.rollup_counts(r olap.rollup, OUT buckets bigint, OUT row_count bigint)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
	EXECUTE format('SELECT count(DISTINCT %I), count(*) FROM %s', r.bucket_column, r.rollup_table)
		INTO buckets, row_count;
END
$$;

CREATE FUNCTION olap.rollup_watermark(r olap.rollup)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
DECLARE
	w text;
BEGIN
	EXECUTE format('SELECT (%s)::text', olap.rollup_bucket_sql(r,
		format('(SELECT min(i.lo::%s)::text FROM olap.rollup_pending(%s) i)',
			   r.time_type, r.rollup_id)))
		INTO w;
	RETURN w;
END
$$;

CREATE VIEW olap.rollups AS
SELECT r.name, r.rollup_table, r.realtime_view, r.source, r.bucket_column,
	   r.bucket_expr, r.bucket_step,
	   c.buckets, c.row_count AS rows,
	   olap.rollup_watermark(r) AS watermark,
	   r.last_refresh, r.last_refresh_rows,
	   (SELECT count(*) FROM olap.rollup_pending(r.rollup_id)) AS pending_ranges,
	   pg_catalog.pg_total_relation_size(r.rollup_table) AS size_bytes,
	   j.schedule_interval AS refresh_interval, j.enabled AS refresh_enabled, j.next_run
FROM olap.rollup r
CROSS JOIN LATERAL olap.rollup_counts(r) c
LEFT JOIN olap.jobs j ON j.job_id = r.job_id;
COMMENT ON VIEW olap.rollups IS 'one row per rollup: source, buckets, watermark, last refresh, pending invalidations, rows, size';


-- Dependencies and DDL on a rollup's tables ---------------------------------

CREATE FUNCTION olap.rollup_depend(rollup_table regclass, source regclass)
RETURNS boolean
AS 'MODULE_PATHNAME', 'olap_rollup_depend'
LANGUAGE C STRICT;
REVOKE ALL ON FUNCTION olap.rollup_depend(regclass, regclass) FROM PUBLIC;

-- Each new olap.rollup row (create_rollup, or a restore of a dump loading
-- the catalog) records that the rollup table depends on the source, so
-- DROP TABLE of the source is refused unless CASCADE drops the rollup too.
CREATE FUNCTION olap.rollup_added()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
				   WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = NEW.rollup_table
					 AND d.objsubid = 0 AND d.refclassid = 'pg_catalog.pg_class'::regclass
					 AND d.refobjid = NEW.source AND d.refobjsubid = 0) THEN
		PERFORM olap.rollup_depend(NEW.rollup_table, NEW.source);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER rollup_added AFTER INSERT ON olap.rollup
	FOR EACH ROW EXECUTE FUNCTION olap.rollup_added();

-- sql_drop: a dropped rollup table (DROP TABLE, or DROP TABLE of the source
-- ... CASCADE) takes its rollup with it: catalog rows, schedule, and the
-- invalidation triggers on the source; a dropped real-time view is
-- forgotten.
CREATE FUNCTION olap.rollup_on_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r olap.rollup;
	trig text;
BEGIN
	FOR r IN SELECT x.* FROM olap.rollup x
			 WHERE x.rollup_table IN (SELECT d.objid FROM pg_catalog.pg_event_trigger_dropped_objects() d
									  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0)
	LOOP
		IF EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = r.source) THEN
			FOREACH trig IN ARRAY ARRAY['insert', 'update', 'delete', 'truncate'] LOOP
				EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', 'olap_rollup_' || r.rollup_id || '_' || trig, r.source);
			END LOOP;
		END IF;
		DELETE FROM olap.jobs WHERE rollup_id = r.rollup_id;
		DELETE FROM olap.rollup WHERE rollup_id = r.rollup_id;
	END LOOP;
	-- (only when there is one: users who drop other tables need no write
	-- access to olap.rollup)
	IF EXISTS (SELECT 1 FROM olap.rollup x
			   WHERE x.realtime_view IN (SELECT d.objid FROM pg_catalog.pg_event_trigger_dropped_objects() d
										 WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0)) THEN
		UPDATE olap.rollup x SET realtime_view = NULL
		WHERE x.realtime_view IN (SELECT d.objid FROM pg_catalog.pg_event_trigger_dropped_objects() d
								  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0);
	END IF;
END
$$;
CREATE EVENT TRIGGER olap_rollup_sql_drop ON sql_drop
	EXECUTE FUNCTION olap.rollup_on_sql_drop();

-- ALTER TABLE of a rollup's source: refused when the rollup's query no
-- longer means what it did (a column it uses dropped, renamed or retyped;
-- the table renamed or moved: the stored query names it), or when the
-- source changed between heap and olap (the way changes are found).
CREATE FUNCTION olap.rollup_on_alter_table()
RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r olap.rollup;
	a record;
	problem text;
BEGIN
	FOR r IN SELECT x.* FROM olap.rollup x
			 WHERE x.source IN (SELECT c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c
								WHERE c.classid = 'pg_catalog.pg_class'::regclass)
			 ORDER BY x.name
	LOOP
		problem := NULL;
		BEGIN
			a := olap.rollup_analyze(r.query);
			IF a.source <> r.source OR a.time_column <> r.time_column
			   OR a.bucket_type <> r.bucket_type OR a.canonical_query <> r.query
			   OR (SELECT t.atttypid FROM pg_catalog.pg_attribute t
				   WHERE t.attrelid = r.source AND t.attname = r.time_column) <> r.time_type
			   OR a.result_types IS DISTINCT FROM
				  (SELECT array_agg(t.atttypid::regtype ORDER BY t.attnum) FROM pg_catalog.pg_attribute t
				   WHERE t.attrelid = r.rollup_table AND t.attnum > 0 AND NOT t.attisdropped) THEN
				problem := 'The query of the rollup would mean something else after this change.';
			ELSIF ((SELECT am.amname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_am am ON am.oid = c.relam
					WHERE c.oid = r.source) = 'olap') <> r.storage_tracked THEN
				problem := 'The rollup finds changes of heap and olap sources in different ways.';
			END IF;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS problem = MESSAGE_TEXT;
			problem := format('The query of the rollup would fail: %s.', problem);
		END;
		IF problem IS NOT NULL THEN
			RAISE EXCEPTION 'cannot alter table "%" because rollup "%" depends on it', r.source, r.name
				USING ERRCODE = 'dependent_objects_still_exist', DETAIL = problem,
					  HINT = 'Drop the rollup with olap.drop_rollup first, then create it again after the change.';
		END IF;
	END LOOP;
END
$$;
CREATE EVENT TRIGGER olap_rollup_alter_table ON ddl_command_end
	WHEN TAG IN ('ALTER TABLE')
	EXECUTE FUNCTION olap.rollup_on_alter_table();

-- pg_dump: rollups, their pending invalidations and the scheduler's jobs
-- are user configuration (their tables, views and triggers are ordinary
-- objects and dumped as such).  olap.rollup_seen_group is not: it describes
-- the source's storage, which a restore writes anew; a restored olap-source
-- rollup sees a new storage id and recomputes everything at its first
-- refresh.
SELECT pg_catalog.pg_extension_config_dump('olap.rollup', '');
SELECT pg_catalog.pg_extension_config_dump('olap.rollup_rollup_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('olap.rollup_invalidation', '');
SELECT pg_catalog.pg_extension_config_dump('olap.rollup_invalidation_inval_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('olap.jobs', '');
SELECT pg_catalog.pg_extension_config_dump('olap.jobs_job_id_seq', '');

GRANT SELECT ON olap.rollup, olap.rollup_invalidation, olap.rollup_seen_group, olap.jobs,
	olap.job_runs, olap.rollups TO PUBLIC;

-- start the maintenance worker of this database once CREATE EXTENSION commits
SELECT olap.worker_wake();
