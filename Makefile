# Makefile for olap_ext (PGXS)

MODULE_big = olap_ext
PGFILEDESC = "olap_ext - columnar storage and analytics for PostgreSQL"

OBJS = \
	src/olap_ext.o \
	src/guc.o \
	src/numeric_scaled.o \
	src/agg/agg_advance.o \
	src/agg/agg_distinct.o \
	src/agg/agg_exec.o \
	src/agg/agg_group.o \
	src/agg/agg_input.o \
	src/agg/agg_jit.o \
	src/agg/agg_memo.o \
	src/agg/agg_planner.o \
	src/agg/agg_numeric.o \
	src/agg/agg_partition.o \
	src/agg/agg_percentile.o \
	src/agg/agg_spill.o \
	src/cdc/cdc_api.o \
	src/cdc/cdc_apply.o \
	src/cdc/cdc_decode.o \
	src/cdc/cdc_drop.o \
	src/cdc/cdc_schema.o \
	src/cdc/cdc_worker.o \
	src/rollup/rollup_query.o \
	src/rollup/rollup_storage.o \
	src/rollup/scheduler.o \
	src/scan/chunk_skip.o \
	src/scan/join_filter.o \
	src/scan/scan_cost.o \
	src/scan/scan_exec.o \
	src/scan/scan_planner.o \
	src/scan/scan_topn.o \
	src/scan/skip_estimate.o \
	src/scan/vector_quals.o \
	src/storage/am_handler.o \
	src/storage/chunk_encoding.o \
	src/storage/chunk_scaled.o \
	src/storage/chunk_format.o \
	src/storage/chunk_meta_cache.o \
	src/storage/compaction.o \
	src/storage/compression.o \
	src/storage/data_pages.o \
	src/storage/delete_state.o \
	src/storage/free_space.o \
	src/storage/index_access.o \
	src/storage/index_vacuum.o \
	src/storage/metapage.o \
	src/storage/minmax.o \
	src/storage/relation_hooks.o \
	src/storage/row_locking.o \
	src/storage/row_mask.o \
	src/storage/stripe_catalog.o \
	src/storage/read_memory.o \
	src/storage/stripe_reader.o \
	src/storage/stripe_writer.o \
	src/storage/table_options.o \
	src/storage/table_stats.o \
	src/storage/write_state.o \
	src/worker/db_worker.o \
	src/worker/launcher.o \
	src/worker/worker_shmem.o

EXTENSION = olap_ext
# The install script is built from its parts in src/sql/, joined in name order.
DATA_built = olap_ext--0.1.sql
SQL_PARTS = $(sort $(wildcard $(srcdir)/src/sql/*.sql))

REGRESS = am_basic am_types am_write_paths am_transactions am_stripe_options \
	am_alter_table am_table_stats am_large_values am_dml am_vacuum am_damaged_metadata am_metadata_cache \
	olap_scan olap_scan_cost olap_scan_topn olap_scan_skip olap_vector_quals olap_join_filter olap_agg olap_agg_expr \
	olap_agg_spill olap_agg_group olap_agg_intkey olap_agg_numeric olap_numeric_scaled olap_agg_distinct \
	olap_agg_percentile olap_agg_partitioned rollup rollup_storage \
	rollup_ddl cdc_api
# UTF-8 and the C locale whatever the environment's: plans (min/max(text)
# under C run vectorized) and sort orders must not depend on the machine
REGRESS_OPTS = --temp-config=$(srcdir)/olap_ext_regress.conf --temp-instance=./tmp_check_regress \
	--encoding=UTF8 --no-locale
ISOLATION = copy_vs_copy_vs_read olap_update_vs_update olap_delete_vs_select_for_update \
	olap_unique_concurrent olap_vacuum_concurrent olap_scan_recheck rollup_refresh_vs_insert \
	olap_metadata_cache
ISOLATION_OPTS = --temp-config=$(srcdir)/olap_ext_regress.conf --temp-instance=./tmp_check_iso \
	--encoding=UTF8 --no-locale
TAP_TESTS = 1

PG_CPPFLAGS = -I$(srcdir)/src -Wall -Wmissing-prototypes -Wpointer-arith \
	-Wendif-labels -Wformat-security
SHLIB_LINK += -lzstd -llz4

EXTRA_CLEAN = tmp_check tmp_check_regress tmp_check_iso output_iso results regression.diffs regression.out log

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

olap_ext--0.1.sql: $(SQL_PARTS)
	cat $(SQL_PARTS) > $@
