-- am_types: every common type, with several NULL patterns, round-trips
-- exactly: an olap table and a heap twin loaded from the same rows are
-- compared row by row.  Small stripes put values on every kind of boundary.
SET olap.stripe_row_limit = 1000;
SET olap.chunk_group_row_limit = 150;

CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (x int, y text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);

CREATE TABLE types_heap (
	i int,
	c_int2 int2, c_int4 int4, c_int8 int8,
	c_float4 float4, c_float8 float8, c_numeric numeric, c_money money,
	c_bool bool, c_char char(5), c_varchar varchar(20), c_text text,
	c_name name, c_qchar "char", c_bytea bytea,
	c_date date, c_time time, c_timetz timetz, c_ts timestamp,
	c_tstz timestamptz, c_interval interval,
	c_uuid uuid, c_json json, c_jsonb jsonb,
	c_inet inet, c_cidr cidr, c_macaddr macaddr,
	c_point point, c_box box,
	c_int4_arr int4[], c_text_arr text[],
	c_mood mood, c_pair pair, c_posint posint,
	c_bit bit(8), c_varbit varbit, c_tsvector tsvector,
	c_range int4range, c_oid oid
);
CREATE TABLE types_olap (LIKE types_heap) USING olap;

-- null_mode: 0 no NULLs, 1 all NULL, 2 every other row, 3 sparse
CREATE FUNCTION gen_rows(n int, null_mode int)
RETURNS SETOF types_heap LANGUAGE sql AS $$
	SELECT g,
		   (g % 30000 - 15000)::int2,
		   (g * 7919 % 100000 - 50000)::int4,
		   (g::int8 * 2654435761 % 10000000000) - 5000000000,
		   (g / 7.0)::float4,
		   CASE g % 50 WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN 'Infinity' WHEN 2 THEN '-Infinity' WHEN 3 THEN -0.0::float8 ELSE g / 3.0 END,
		   CASE g % 40 WHEN 0 THEN 'NaN'::numeric ELSE (g * 12345.6789) / 7 END,
		   (g * 1.25)::money,
		   g % 3 = 0,
		   (g % 100)::text,
		   'v' || (g % 17),
		   CASE g % 4 WHEN 0 THEN '' WHEN 1 THEN repeat('long text ', g % 50) WHEN 2 THEN 'ünïcødé ' || g ELSE 'plain' END,
		   ('name_' || (g % 9))::name,
		   chr(65 + g % 26)::"char",
		   decode(md5(g::text), 'hex'),
		   '2024-01-01'::date + (g % 800),
		   '00:00'::time + g * interval '13 seconds',
		   ('12:00+0' || (g % 9))::timetz,
		   '2024-01-01'::timestamp + g * interval '1 minute',
		   CASE g % 100 WHEN 0 THEN 'infinity'::timestamptz WHEN 1 THEN '-infinity' ELSE '2024-01-01 00:00+00'::timestamptz + g * interval '61 seconds' END,
		   make_interval(0, g % 12, 0, g % 28, g % 24, 0, g % 60),
		   md5(g::text)::uuid,
		   json_build_object('k', g, 'v', 'x' || g),
		   jsonb_build_object('k', g, 'tags', jsonb_build_array(g % 3, g % 5)),
		   ('10.' || (g % 256) || '.' || (g / 256 % 256) || '.1')::inet,
		   ('10.' || (g % 256) || '.0.0/16')::cidr,
		   ('08:00:2b:01:02:' || lpad(to_hex(g % 256), 2, '0'))::macaddr,
		   point(g, -g),
		   box(point(0, 0), point(g, g)),
		   ARRAY[g, g + 1, NULL, g * 2],
		   ARRAY['a' || g, NULL, ''],
		   (ARRAY['sad', 'ok', 'happy']::mood[])[g % 3 + 1],
		   ROW(g, 'p' || g)::pair,
		   (g % 1000 + 1)::posint,
		   (g % 256)::bit(8),
		   (g % 1024)::bit(10)::varbit,
		   to_tsvector('simple', 'word' || (g % 13) || ' other' || (g % 7)),
		   int4range(g, g + g % 10 + 1),
		   (g % 5000)::oid
	FROM generate_series(1, n) g
	WHERE null_mode <> 1
	UNION ALL
	SELECT g, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		   NULL, NULL, NULL, NULL, NULL
	FROM generate_series(1, n) g
	WHERE null_mode = 1
$$;

-- mode 2 and 3 null out values row-wise after generation
CREATE FUNCTION load_both(n int, null_mode int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	CREATE TEMP TABLE staging AS SELECT * FROM gen_rows(n, null_mode);
	IF null_mode = 2 THEN
		-- every other row NULL in every column, rotating which row
		UPDATE staging SET c_int2 = NULL, c_int8 = NULL, c_float8 = NULL,
			c_text = NULL, c_date = NULL, c_tstz = NULL, c_uuid = NULL,
			c_jsonb = NULL, c_int4_arr = NULL, c_pair = NULL, c_bool = NULL,
			c_numeric = NULL, c_bytea = NULL, c_interval = NULL
		WHERE i % 2 = 0;
		UPDATE staging SET c_int4 = NULL, c_float4 = NULL, c_varchar = NULL,
			c_time = NULL, c_ts = NULL, c_json = NULL, c_inet = NULL,
			c_point = NULL, c_text_arr = NULL, c_mood = NULL, c_char = NULL,
			c_name = NULL, c_qchar = NULL, c_money = NULL, c_timetz = NULL,
			c_cidr = NULL, c_macaddr = NULL, c_box = NULL, c_posint = NULL,
			c_bit = NULL, c_varbit = NULL, c_tsvector = NULL, c_range = NULL,
			c_oid = NULL
		WHERE i % 2 = 1;
	ELSIF null_mode = 3 THEN
		UPDATE staging SET c_int8 = NULL, c_text = NULL, c_tstz = NULL,
			c_numeric = NULL, c_jsonb = NULL
		WHERE i % 97 = 0;
	END IF;
	INSERT INTO types_heap SELECT * FROM staging ORDER BY i;
	INSERT INTO types_olap SELECT * FROM staging ORDER BY i;
	DROP TABLE staging;
END $$;

SELECT load_both(2500, 0);
SELECT load_both(1300, 1);
SELECT load_both(2100, 2);
SELECT load_both(3000, 3);
SELECT load_both(1, 0);
SELECT load_both(1, 1);

SELECT count(*) FROM types_olap;
SELECT olap_test_helpers.diff_count('types_olap', 'types_heap');

-- column by column, so a failure names the type
DO $$
DECLARE
	col text;
	n bigint;
BEGIN
	FOR col IN SELECT attname FROM pg_attribute
			   WHERE attrelid = 'types_heap'::regclass AND attnum > 0 ORDER BY attnum
	LOOP
		EXECUTE format('SELECT count(*) FROM ((SELECT %1$I::text FROM types_olap EXCEPT ALL SELECT %1$I::text FROM types_heap) '
					   'UNION ALL (SELECT %1$I::text FROM types_heap EXCEPT ALL SELECT %1$I::text FROM types_olap)) d', col)
			INTO n;
		IF n <> 0 THEN
			RAISE WARNING 'column % differs in % rows', col, n;
		END IF;
	END LOOP;
END $$;

-- NULL counts per column agree
SELECT count(c_int8) = (SELECT count(c_int8) FROM types_heap) AS int8_nulls_agree,
	   count(c_text) = (SELECT count(c_text) FROM types_heap) AS text_nulls_agree,
	   count(c_point) = (SELECT count(c_point) FROM types_heap) AS point_nulls_agree
FROM types_olap;

-- aggregates and sorts over the olap table equal the heap twin's
SELECT (SELECT array_agg(x ORDER BY x) FROM (SELECT sum(c_int8) x FROM types_olap GROUP BY c_mood) s)
	 = (SELECT array_agg(x ORDER BY x) FROM (SELECT sum(c_int8) x FROM types_heap GROUP BY c_mood) s) AS group_sums_agree;
SELECT (SELECT string_agg(c_text, ',' ORDER BY c_text COLLATE "C", i) FROM types_olap)
	 = (SELECT string_agg(c_text, ',' ORDER BY c_text COLLATE "C", i) FROM types_heap) AS sorted_text_agrees;

-- every encoding was exercised
SELECT encoding, count(*) > 0 AS used
FROM olap.chunks WHERE relation = 'types_olap'::regclass
GROUP BY encoding ORDER BY encoding;

-- min/max metadata is kept for ordered types and not for point
SELECT column_name, bool_and(null_count = row_count) AS all_null
FROM olap.chunks WHERE relation = 'types_olap'::regclass AND column_name IN ('c_int8', 'c_point')
GROUP BY column_name ORDER BY column_name;
SELECT count(*) > 0 AS has_minmax FROM olap.chunk ch
WHERE storage_id = olap.storage_id('types_olap') AND attr_num = 4 AND min_value IS NOT NULL;
SELECT count(*) AS point_minmax FROM olap.chunk ch
WHERE storage_id = olap.storage_id('types_olap') AND attr_num = 29 AND min_value IS NOT NULL;
