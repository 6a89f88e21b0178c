-- scan_counters(query, workers, keys): the EXPLAIN ANALYZE properties named
-- in keys of the query's OlapScan node, run with the given
-- max_parallel_workers_per_gather.  Included by the tests that compare
-- the counters of serial and parallel scans.
CREATE FUNCTION scan_counters(query text, workers int, keys text[]) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	plan json;
	node jsonb;
BEGIN
	EXECUTE format('SET LOCAL max_parallel_workers_per_gather = %s', workers);
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) ' || query INTO plan;
	node := jsonb_path_query_first(plan::jsonb,
		'strict $.**?(@."Custom Plan Provider" == "OlapScan")');
	RETURN (SELECT jsonb_object_agg(k, node->k) FROM unnest(keys) k);
END $$;
