/* olap_ext--0.1.sql: objects of olap_ext 0.1 (columnar table access method) */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION olap_ext" to load this file. \quit

-- The table access method ------------------------------------------------

CREATE FUNCTION olap.olap_tableam_handler(internal)
RETURNS table_am_handler
AS 'MODULE_PATHNAME', 'olap_tableam_handler'
LANGUAGE C;

CREATE ACCESS METHOD olap TYPE TABLE HANDLER olap.olap_tableam_handler;
COMMENT ON ACCESS METHOD olap IS 'column-oriented, compressed table storage of olap_ext';

-- Storage catalogs --------------------------------------------------------
-- Metadata of the stripes stored in olap tables.  Keyed by storage_id, a
-- number kept in each table's metapage (block 0) and drawn from
-- olap.storage_id_seq, so that it follows the relation's file through
-- TRUNCATE and table rewrites.  Rows are written only by the extension's C
-- code; MVCC on these rows is what makes a stripe visible exactly when the
-- transaction that wrote it commits.

CREATE SEQUENCE olap.storage_id_seq MINVALUE 1 NO CYCLE;

CREATE TABLE olap.stripe (
	storage_id bigint NOT NULL,
	stripe_num bigint NOT NULL,
	row_count bigint NOT NULL,
	chunk_group_count integer NOT NULL,
	column_count integer NOT NULL,
	stored_bytes bigint NOT NULL,
	raw_bytes bigint NOT NULL,
	PRIMARY KEY (storage_id, stripe_num)
);

CREATE TABLE olap.chunk_group (
	storage_id bigint NOT NULL,
	stripe_num bigint NOT NULL,
	group_num integer NOT NULL,
	first_row_number bigint NOT NULL,
	row_count integer NOT NULL,
	first_block bigint NOT NULL,
	byte_length bigint NOT NULL,
	PRIMARY KEY (storage_id, stripe_num, group_num)
);
CREATE UNIQUE INDEX chunk_group_row_idx ON olap.chunk_group (storage_id, first_row_number);

CREATE TABLE olap.chunk (
	storage_id bigint NOT NULL,
	stripe_num bigint NOT NULL,
	group_num integer NOT NULL,
	attr_num integer NOT NULL,
	byte_offset bigint NOT NULL,
	byte_length bigint NOT NULL,
	raw_bytes bigint NOT NULL,
	null_count integer NOT NULL,
	encoding smallint NOT NULL,
	compression smallint NOT NULL,
	min_value bytea,
	max_value bytea,
	minmax_type oid NOT NULL,
	minmax_collation oid NOT NULL,
	PRIMARY KEY (storage_id, stripe_num, group_num, attr_num)
);

-- Deleted rows: one row per chunk group that has deletions.  Each DELETE or
-- UPDATE writes a new version of its groups' rows (MVCC), so which rows a
-- snapshot sees as deleted is the mask version that snapshot sees.
CREATE TABLE olap.row_mask (
	storage_id bigint NOT NULL,
	stripe_num bigint NOT NULL,
	group_num integer NOT NULL,
	deleted_count integer NOT NULL,
	mask bytea NOT NULL,
	forward bytea,
	PRIMARY KEY (storage_id, stripe_num, group_num)
);

-- Row numbers handed out to rows that are still buffered by the inserting
-- transaction (tables with indexes only), so that a unique check of another
-- transaction can find the inserting transaction and wait for it.
CREATE TABLE olap.row_reservation (
	storage_id bigint NOT NULL,
	first_row_number bigint NOT NULL,
	row_count bigint NOT NULL,
	PRIMARY KEY (storage_id, first_row_number)
);

-- Per-table options; NULL means "use the olap.* setting".
CREATE TABLE olap.options (
	relation regclass PRIMARY KEY,
	compression text,
	compression_level integer,
	stripe_row_limit integer,
	chunk_group_row_limit integer
);
SELECT pg_catalog.pg_extension_config_dump('olap.options', '');

-- Options API ---------------------------------------------------------------

CREATE FUNCTION olap.alter_table_set(
	table_name regclass,
	compression text DEFAULT NULL,
	compression_level integer DEFAULT NULL,
	stripe_row_limit integer DEFAULT NULL,
	chunk_group_row_limit integer DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'olap_alter_table_set'
LANGUAGE C CALLED ON NULL INPUT;
COMMENT ON FUNCTION olap.alter_table_set(regclass, text, integer, integer, integer)
	IS 'set storage options of an olap table; NULL arguments are left unchanged';

CREATE FUNCTION olap.alter_table_reset(
	table_name regclass,
	compression boolean DEFAULT false,
	compression_level boolean DEFAULT false,
	stripe_row_limit boolean DEFAULT false,
	chunk_group_row_limit boolean DEFAULT false)
RETURNS void
AS 'MODULE_PATHNAME', 'olap_alter_table_reset'
LANGUAGE C STRICT;
COMMENT ON FUNCTION olap.alter_table_reset(regclass, boolean, boolean, boolean, boolean)
	IS 'reset storage options of an olap table to the olap.* settings';

-- Inspection -----------------------------------------------------------------

CREATE FUNCTION olap.storage_id(table_name regclass)
RETURNS bigint
AS 'MODULE_PATHNAME', 'olap_storage_id'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION olap.storage_id(regclass)
	IS 'storage id of an olap table (from its metapage); NULL for other tables';

CREATE VIEW olap.table_stats AS
SELECT c.oid::regclass AS relation,
	   (coalesce(s.row_count, 0) - coalesce(d.deleted_rows, 0))::bigint AS row_count,
	   coalesce(d.deleted_rows, 0)::bigint AS deleted_rows,
	   coalesce(s.stripe_count, 0)::bigint AS stripe_count,
	   coalesce(s.chunk_group_count, 0)::bigint AS chunk_group_count,
	   coalesce(s.raw_bytes, 0)::bigint AS raw_bytes,
	   coalesce(s.stored_bytes, 0)::bigint AS compressed_bytes,
	   round(coalesce(s.raw_bytes, 0)::numeric / nullif(s.stored_bytes, 0), 2)
		   AS compression_ratio,
	   pg_catalog.pg_relation_size(c.oid) AS on_disk_bytes
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_am am ON am.oid = c.relam AND am.amname = 'olap'
LEFT JOIN LATERAL (
	SELECT sum(st.row_count) AS row_count,
		   count(*) AS stripe_count,
		   sum(st.chunk_group_count) AS chunk_group_count,
		   sum(st.raw_bytes) AS raw_bytes,
		   sum(st.stored_bytes) AS stored_bytes
	FROM olap.stripe st
	WHERE st.storage_id = olap.storage_id(c.oid)
) s ON true
LEFT JOIN LATERAL (
	SELECT sum(m.deleted_count) AS deleted_rows
	FROM olap.row_mask m
	WHERE m.storage_id = olap.storage_id(c.oid)
) d ON true
WHERE c.relkind = 'r';
COMMENT ON VIEW olap.table_stats IS 'live and deleted rows, stripes and compression of each olap table';

CREATE VIEW olap.stripes AS
SELECT c.oid::regclass AS relation, st.stripe_num, st.row_count,
	   st.chunk_group_count, st.column_count, st.stored_bytes, st.raw_bytes
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_am am ON am.oid = c.relam AND am.amname = 'olap'
JOIN olap.stripe st ON st.storage_id = olap.storage_id(c.oid)
WHERE c.relkind = 'r';
COMMENT ON VIEW olap.stripes IS 'one row per stripe of each olap table';

CREATE VIEW olap.chunks AS
SELECT c.oid::regclass AS relation, ch.stripe_num, ch.group_num,
	   ch.attr_num, a.attname AS column_name, cg.row_count,
	   ch.null_count, ch.raw_bytes, ch.byte_length AS stored_bytes,
	   CASE ch.encoding WHEN 0 THEN 'plain' WHEN 1 THEN 'dictionary'
		   WHEN 2 THEN 'run-length' WHEN 3 THEN 'frame-of-reference'
		   WHEN 4 THEN 'delta' END AS encoding,
	   CASE ch.compression WHEN 0 THEN 'none' WHEN 1 THEN 'zstd'
		   WHEN 2 THEN 'lz4' END AS compression,
	   cg.first_block, ch.byte_offset
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_am am ON am.oid = c.relam AND am.amname = 'olap'
JOIN olap.chunk ch ON ch.storage_id = olap.storage_id(c.oid)
JOIN olap.chunk_group cg ON cg.storage_id = ch.storage_id
	AND cg.stripe_num = ch.stripe_num AND cg.group_num = ch.group_num
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = ch.attr_num
WHERE c.relkind = 'r';
COMMENT ON VIEW olap.chunks IS 'one row per stored column chunk of each olap table';

GRANT USAGE ON SCHEMA olap TO PUBLIC;
GRANT SELECT ON olap.table_stats, olap.stripes, olap.chunks TO PUBLIC;

-- ===========================================================================
-- Background workers, rollups and the job scheduler (src/worker/, src/rollup/)
-- ===========================================================================

CREATE FUNCTION olap.worker_wake()
RETURNS boolean
AS 'MODULE_PATHNAME', 'olap_worker_wake'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION olap.worker_wake()
	IS 'at commit, wake this database''s olap_ext maintenance worker (or have it started); false when workers are disabled';

CREATE FUNCTION olap.worker_pid()
RETURNS integer
AS 'MODULE_PATHNAME', 'olap_worker_pid'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION olap.worker_pid()
	IS 'process id of this database''s olap_ext maintenance worker, NULL when none runs';

-- start the maintenance worker of this database once CREATE EXTENSION commits
SELECT olap.worker_wake();
-- ---------------------------------------------------------------------------
-- CDC: syncs that stream a heap table's changes into an olap table
-- (src/cdc/README).  A sync owns a logical replication slot and a
-- replication origin, both named olap_sync_<database oid>_<sync id>; its
-- worker copies the source once, then applies decoded changes in batches.
-- ---------------------------------------------------------------------------

CREATE TABLE olap.sync (
	sync_id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
	sync_name text NOT NULL UNIQUE,
	source_rel oid NOT NULL,
	target_rel oid NOT NULL,
	slot_name name NOT NULL,
	origin_name text NOT NULL,
	state text NOT NULL DEFAULT 'active'
		CHECK (state IN ('active', 'paused', 'error')),
	copy_done boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL DEFAULT now(),
	rows_copied bigint NOT NULL DEFAULT 0,
	rows_inserted bigint NOT NULL DEFAULT 0,
	rows_updated bigint NOT NULL DEFAULT 0,
	rows_deleted bigint NOT NULL DEFAULT 0,
	truncates bigint NOT NULL DEFAULT 0,
	batches bigint NOT NULL DEFAULT 0,
	last_applied_lsn pg_lsn,
	last_source_commit timestamptz,
	last_applied_at timestamptz,
	last_error text,
	last_error_at timestamptz
);
COMMENT ON TABLE olap.sync IS 'definitions, progress and counters of the syncs of heap tables into olap tables';

CREATE FUNCTION olap._sync_launch(sync_id integer) RETURNS boolean
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'olap_sync_launch';
CREATE FUNCTION olap._sync_stop(sync_id integer) RETURNS boolean
	LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'olap_sync_stop';
REVOKE ALL ON FUNCTION olap._sync_launch(integer), olap._sync_stop(integer) FROM PUBLIC;

-- The columns of the index that identifies source rows (primary key or
-- replica identity index), or NULL when there is none.
CREATE FUNCTION olap._sync_key_columns(rel regclass) RETURNS text[]
	LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
	SELECT array_agg(a.attname::text ORDER BY k.ord)
	FROM pg_catalog.pg_class c
	JOIN pg_catalog.pg_index i ON i.indrelid = c.oid
		AND CASE c.relreplident WHEN 'i' THEN i.indisreplident
			WHEN 'n' THEN false ELSE i.indisprimary END
	CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
	JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
	WHERE c.oid = rel
$$;

-- olap.create_sync resolves the target's name with the caller's search_path
-- (an unqualified new table goes to the first schema of the path), then
-- hands over to olap._create_sync, which runs with a locked search_path.
CREATE FUNCTION olap._create_sync(source regclass, tgt regclass,
								  target_name text, sync_name text)
RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	src pg_catalog.pg_class;
	key text[];
	tgt_key text[];
	id integer;
	nm text;
	missing text;
	nonempty boolean;
BEGIN
	IF current_setting('wal_level') <> 'logical' THEN
		RAISE EXCEPTION 'olap syncs need wal_level = logical'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Set wal_level = logical in postgresql.conf and restart the server.';
	END IF;
	-- servers that restrict output plugins to a list must name ours
	IF current_setting('output_plugin_libraries', true) IS NOT NULL
	   AND NOT 'olap_ext' = ANY (string_to_array(replace(
			current_setting('output_plugin_libraries', true), ' ', ''), ',')) THEN
		RAISE EXCEPTION 'olap syncs need olap_ext in output_plugin_libraries'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'The sync worker decodes the WAL with the olap_ext output plugin, which this server does not allow yet.',
				  HINT = 'Add olap_ext to output_plugin_libraries in postgresql.conf and reload the configuration.';
	END IF;
	SELECT * INTO src FROM pg_catalog.pg_class WHERE oid = source;
	IF src.relkind <> 'r' OR src.relpersistence <> 'p'
	   OR (SELECT amname FROM pg_catalog.pg_am WHERE oid = src.relam) <> 'heap' THEN
		RAISE EXCEPTION 'sync source "%" is not a permanent heap table', source
			USING ERRCODE = 'wrong_object_type',
				  DETAIL = 'Only the changes of ordinary heap tables are decoded from the WAL.',
				  HINT = 'Sync each partition of a partitioned table on its own.';
	END IF;
	key := olap._sync_key_columns(source);
	IF key IS NULL THEN
		RAISE EXCEPTION 'sync source "%" has no primary key or replica identity index', source
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Updated and deleted rows are found in the target by their key.',
				  HINT = format('Add one with ALTER TABLE %s ADD PRIMARY KEY (...), or ALTER TABLE %s REPLICA IDENTITY USING INDEX on a unique index of NOT NULL columns.', source, source);
	END IF;

	IF tgt IS NULL THEN
		EXECUTE format('CREATE TABLE %s (LIKE %s) USING olap', target_name, source);
		tgt := pg_catalog.to_regclass(target_name);
		EXECUTE format('ALTER TABLE %s ADD PRIMARY KEY (%s)', tgt::regclass,
					   (SELECT string_agg(quote_ident(k), ', ') FROM unnest(key) k));
	ELSE
		IF (SELECT a.amname FROM pg_catalog.pg_class c
			JOIN pg_catalog.pg_am a ON a.oid = c.relam WHERE c.oid = tgt) IS DISTINCT FROM 'olap' THEN
			RAISE EXCEPTION 'sync target "%" is not an olap table', tgt::regclass
				USING ERRCODE = 'wrong_object_type',
					  HINT = 'Name a table that does not exist yet to have it created, or convert it with ALTER TABLE ... SET ACCESS METHOD olap.';
		END IF;
		IF EXISTS (SELECT 1 FROM olap.sync s WHERE s.target_rel = tgt) THEN
			RAISE EXCEPTION 'table "%" is already the target of a sync', tgt::regclass
				USING ERRCODE = 'duplicate_object';
		END IF;
		tgt_key := olap._sync_key_columns(tgt);
		IF tgt_key IS NULL OR NOT (tgt_key @> key AND key @> tgt_key) THEN
			RAISE EXCEPTION 'sync target "%" has no primary key on the key columns of the source', tgt::regclass
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  HINT = format('Add a primary key on (%s) to the target.', array_to_string(key, ', '));
		END IF;
		SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ')
		INTO missing
		FROM pg_catalog.pg_attribute a
		WHERE a.attrelid = source AND a.attnum > 0 AND NOT a.attisdropped
		  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute t
						  WHERE t.attrelid = tgt AND t.attname = a.attname
							AND t.atttypid = a.atttypid AND t.atttypmod = a.atttypmod
							AND NOT t.attisdropped);
		IF missing IS NOT NULL THEN
			RAISE EXCEPTION 'sync target "%" lacks columns of the source', tgt::regclass
				USING ERRCODE = 'datatype_mismatch',
					  DETAIL = format('Missing or of another type: %s.', missing);
		END IF;
		EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', tgt::regclass) INTO nonempty;
		IF nonempty THEN
			RAISE EXCEPTION 'sync target "%" is not empty', tgt::regclass
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'The sync copies every row of the source into the target first.',
					  HINT = 'Truncate the target, or name a table that does not exist yet.';
		END IF;
	END IF;

	nm := coalesce(sync_name, (SELECT relname FROM pg_catalog.pg_class WHERE oid = tgt));
	INSERT INTO olap.sync (sync_name, source_rel, target_rel, slot_name, origin_name)
	VALUES (nm, source, tgt, '', '')
	RETURNING olap.sync.sync_id INTO id;
	UPDATE olap.sync s
	SET slot_name = format('olap_sync_%s_%s', (SELECT oid FROM pg_catalog.pg_database
											 WHERE datname = current_database()), id),
		origin_name = format('olap_sync_%s_%s', (SELECT oid FROM pg_catalog.pg_database
											   WHERE datname = current_database()), id)
	WHERE s.sync_id = id;
	PERFORM pg_catalog.pg_replication_origin_create(s.origin_name)
	FROM olap.sync s WHERE s.sync_id = id;
	PERFORM olap._sync_launch(id);
	RETURN nm;
END
$$;

CREATE FUNCTION olap.create_sync(source regclass, target text,
								 sync_name text DEFAULT NULL)
RETURNS text
LANGUAGE sql AS $$
	SELECT olap._create_sync(source, pg_catalog.to_regclass(target),
		CASE WHEN pg_catalog.array_length(pg_catalog.parse_ident(target), 1) = 1
			 THEN pg_catalog.quote_ident(pg_catalog.current_schema()) OPERATOR(pg_catalog.||) '.'
				  OPERATOR(pg_catalog.||) pg_catalog.quote_ident((pg_catalog.parse_ident(target))[1])
			 ELSE (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(p), '.')
				   FROM pg_catalog.unnest(pg_catalog.parse_ident(target)) p) END,
		sync_name)
$$;
COMMENT ON FUNCTION olap.create_sync(regclass, text, text) IS 'copies a heap table into an olap table and keeps it in sync';

-- The sync named name, locked for a change of its definition.
CREATE FUNCTION olap._sync_get(name text) RETURNS olap.sync
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	s olap.sync;
BEGIN
	SELECT * INTO s FROM olap.sync WHERE sync_name = name FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'sync "%" does not exist', name
			USING ERRCODE = 'undefined_object',
				  HINT = 'The syncs are listed in olap.syncs.';
	END IF;
	RETURN s;
END
$$;

CREATE FUNCTION olap.pause_sync(sync_name text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	s olap.sync := olap._sync_get(sync_name);
BEGIN
	PERFORM olap._sync_stop(s.sync_id);
	UPDATE olap.sync SET state = 'paused' WHERE sync_id = s.sync_id;
END
$$;
COMMENT ON FUNCTION olap.pause_sync(text) IS 'stops applying changes; the slot keeps them until olap.resume_sync';

CREATE FUNCTION olap.resume_sync(sync_name text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	s olap.sync := olap._sync_get(sync_name);
BEGIN
	UPDATE olap.sync SET state = 'active' WHERE sync_id = s.sync_id;
	PERFORM olap._sync_launch(s.sync_id);
END
$$;
COMMENT ON FUNCTION olap.resume_sync(text) IS 'restarts a paused or failed sync, or its worker if it is not running';

CREATE FUNCTION olap.drop_sync(sync_name text, drop_target boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	s olap.sync := olap._sync_get(sync_name);
BEGIN
	PERFORM olap._sync_stop(s.sync_id);
	PERFORM pg_catalog.pg_drop_replication_slot(s.slot_name)
	FROM pg_catalog.pg_replication_slots WHERE slot_name = s.slot_name;
	PERFORM pg_catalog.pg_replication_origin_drop(s.origin_name)
	FROM pg_catalog.pg_replication_origin WHERE roname = s.origin_name;
	DELETE FROM olap.sync WHERE sync_id = s.sync_id;
	IF drop_target AND pg_catalog.to_regclass(s.target_rel::regclass::text) IS NOT NULL THEN
		EXECUTE format('DROP TABLE %s', s.target_rel::regclass);
	END IF;
END
$$;
COMMENT ON FUNCTION olap.drop_sync(text, boolean) IS 'stops a sync and drops its slot and origin (and the target if asked)';

CREATE VIEW olap.syncs AS
SELECT s.sync_name AS name,
	   s.source_rel::regclass AS source,
	   s.target_rel::regclass AS target,
	   CASE WHEN s.state <> 'active' THEN s.state
			WHEN NOT s.copy_done THEN 'copying'
			ELSE 'streaming' END AS state,
	   s.slot_name AS slot,
	   w.pid AS worker_pid,
	   s.last_applied_lsn,
	   CASE WHEN s.copy_done THEN greatest(0, pg_catalog.pg_wal_lsn_diff(
			pg_catalog.pg_current_wal_lsn(),
			greatest(s.last_applied_lsn, r.confirmed_flush_lsn)))::bigint
	   END AS lag_bytes,
	   CASE WHEN NOT s.copy_done THEN NULL
			WHEN r.confirmed_flush_lsn IS NOT NULL
				 AND pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(),
					 greatest(s.last_applied_lsn, r.confirmed_flush_lsn)) <= 0 THEN 0
			ELSE extract(epoch FROM now() - coalesce(s.last_source_commit, s.last_applied_at))
	   END::double precision AS lag_seconds,
	   s.rows_copied, s.rows_inserted, s.rows_updated, s.rows_deleted,
	   s.truncates, s.batches, s.last_source_commit, s.last_applied_at,
	   s.last_error, s.last_error_at
FROM olap.sync s
LEFT JOIN pg_catalog.pg_replication_slots r ON r.slot_name = s.slot_name
LEFT JOIN pg_catalog.pg_stat_activity w
	ON w.backend_type = 'olap_ext cdc' AND w.application_name = 'olap sync ' || s.sync_id
	AND w.datname = current_database();
COMMENT ON VIEW olap.syncs IS 'state, progress, lag and errors of each sync';
