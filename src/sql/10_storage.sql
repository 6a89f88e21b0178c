/*
 * src/sql/10_storage.sql: the table access method, the storage catalogs,
 * table options and the inspection views (src/storage/).
 * The first part of the install script olap_ext--0.1.sql, which the
 * Makefile builds by joining the files of src/sql in name order.
 */

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
	dead_rows integer NOT NULL DEFAULT 0,
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
	value_set bytea,
	PRIMARY KEY (storage_id, stripe_num, group_num, attr_num)
);

-- Chunk group and chunk rows never change once written, so each backend
-- caches them per stripe (olap.chunk_metadata_cache_size).  A change made
-- to them by hand, e.g. a repair, invalidates those caches.
CREATE FUNCTION olap.chunk_metadata_changed() RETURNS trigger
AS 'MODULE_PATHNAME', 'olap_chunk_metadata_changed'
LANGUAGE C;
CREATE TRIGGER chunk_group_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON olap.chunk_group
	FOR EACH STATEMENT EXECUTE FUNCTION olap.chunk_metadata_changed();
CREATE TRIGGER chunk_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON olap.chunk
	FOR EACH STATEMENT EXECUTE FUNCTION olap.chunk_metadata_changed();

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

-- Block ranges of the main fork that VACUUM compaction retired (the chunk
-- groups that were stored there were rewritten).  A range may be written
-- again, or truncated away, once no snapshot can still see the metadata
-- that pointed into it: when the row's xmin precedes every snapshot.
CREATE TABLE olap.free_range (
	storage_id bigint NOT NULL,
	first_block bigint NOT NULL,
	block_count bigint NOT NULL,
	PRIMARY KEY (storage_id, first_block)
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
	   (coalesce(d.deleted_rows, 0) - coalesce(s.dead_rows, 0))::bigint AS deleted_rows,
	   coalesce(s.stripe_count, 0)::bigint AS stripe_count,
	   coalesce(s.chunk_group_count, 0)::bigint AS chunk_group_count,
	   coalesce(s.raw_bytes, 0)::bigint AS raw_bytes,
	   coalesce(s.stored_bytes, 0)::bigint AS compressed_bytes,
	   round(coalesce(s.raw_bytes, 0)::numeric / nullif(s.stored_bytes, 0), 2)
		   AS compression_ratio,
	   pg_catalog.pg_relation_size(c.oid) AS on_disk_bytes,
	   coalesce(f.free_blocks, 0)::bigint
		   * pg_catalog.current_setting('block_size')::bigint AS free_bytes
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_am am ON am.oid = c.relam AND am.amname = 'olap'
LEFT JOIN LATERAL (
	SELECT sum(st.row_count) AS row_count,
		   count(*) AS stripe_count,
		   sum(st.chunk_group_count) AS chunk_group_count,
		   sum(st.raw_bytes) AS raw_bytes,
		   sum(st.stored_bytes) AS stored_bytes,
		   (SELECT sum(cg.dead_rows) FROM olap.chunk_group cg
			WHERE cg.storage_id = olap.storage_id(c.oid)) AS dead_rows
	FROM olap.stripe st
	WHERE st.storage_id = olap.storage_id(c.oid)
) s ON true
LEFT JOIN LATERAL (
	SELECT sum(fr.block_count) AS free_blocks
	FROM olap.free_range fr
	WHERE fr.storage_id = olap.storage_id(c.oid)
) f ON true
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
		   WHEN 4 THEN 'delta' WHEN 5 THEN 'scaled' END AS encoding,
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
