-- am_write_paths: every way rows get into an olap table.
SET olap.stripe_row_limit = 1000;
SET olap.chunk_group_row_limit = 100;

CREATE TABLE src (id int, label text, score float8);
INSERT INTO src SELECT g, 'label ' || (g % 37), g * 0.5 FROM generate_series(1, 3500) g;

-- single-row INSERTs in one transaction fill one stripe
CREATE TABLE w_single (id int, label text, score float8) USING olap;
BEGIN;
INSERT INTO w_single VALUES (1, 'label 1', 0.5);
INSERT INTO w_single VALUES (2, 'label 2', 1.0);
INSERT INTO w_single VALUES (3, NULL, NULL);
COMMIT;
SELECT * FROM w_single ORDER BY id;
SELECT olap_test_helpers.stripe_count('w_single');

-- multi-row VALUES
CREATE TABLE w_multi (id int, label text, score float8) USING olap;
INSERT INTO w_multi VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', NULL), (4, NULL, 4);
SELECT * FROM w_multi ORDER BY id;

-- INSERT ... SELECT
CREATE TABLE w_select (id int, label text, score float8) USING olap;
INSERT INTO w_select SELECT * FROM src;
SELECT olap_test_helpers.diff_count('w_select', 'src');
SELECT olap_test_helpers.stripe_count('w_select');

-- COPY FROM (text and csv) and COPY TO
CREATE TABLE w_copy (id int, label text, score float8) USING olap;
COPY w_copy FROM stdin;
1	one	1.5
2	\N	2.5
3	three	\N
\.
COPY w_copy FROM stdin WITH (FORMAT csv);
4,four,4.5
5,"five, quoted",5.5
\.
COPY w_copy TO stdout;
COPY (SELECT * FROM w_copy WHERE id > 3) TO stdout WITH (FORMAT csv);

-- COPY of many rows through a server-side file round trip is covered by
-- COPY ... FROM PROGRAM-free means: copy out and back in with psql variables
CREATE TABLE w_copy_big (id int, label text, score float8) USING olap;
INSERT INTO w_copy_big SELECT * FROM src;
CREATE TEMP TABLE w_copy_back (id int, label text, score float8);
\copy w_copy_big TO 'results/w_copy_big.data'
\copy w_copy_back FROM 'results/w_copy_big.data'
SELECT olap_test_helpers.diff_count('w_copy_back', 'src');

-- CREATE TABLE AS and SELECT INTO with the default access method
CREATE TABLE w_ctas USING olap AS SELECT * FROM src WHERE id % 2 = 0;
SELECT count(*), sum(id) FROM w_ctas;
SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE relname = 'w_ctas';
SET default_table_access_method = olap;
CREATE TABLE w_default (id int);
SELECT * INTO w_into FROM src WHERE id <= 10;
RESET default_table_access_method;
SELECT c.relname, a.amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam
WHERE relname IN ('w_default', 'w_into') ORDER BY 1;
SELECT count(*) FROM w_into;

-- views over olap tables
CREATE VIEW w_view AS SELECT label, count(*) AS n FROM w_select GROUP BY label;
SELECT * FROM w_view ORDER BY label LIMIT 3;

-- partitions: olap partitions of a heap-partitioned parent, routing, COPY
CREATE TABLE w_parted (day date, amount int) PARTITION BY RANGE (day);
CREATE TABLE w_parted_2024 PARTITION OF w_parted
	FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') USING olap;
CREATE TABLE w_parted_2025 PARTITION OF w_parted
	FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO w_parted SELECT '2024-06-01'::date + (g % 365), g FROM generate_series(1, 2000) g;
COPY w_parted FROM stdin;
2024-02-02	7
2025-02-02	8
\.
SELECT tableoid::regclass, count(*), sum(amount) FROM w_parted GROUP BY 1 ORDER BY 1;
SELECT count(*) FROM w_parted WHERE day < '2025-01-01';

-- temporary olap tables
CREATE TEMP TABLE w_temp (id int, label text) USING olap;
INSERT INTO w_temp SELECT id, label FROM src WHERE id <= 500;
SELECT count(*), count(DISTINCT label) FROM w_temp;

-- a table with no columns still counts its rows
CREATE TABLE w_nocols () USING olap;
INSERT INTO w_nocols DEFAULT VALUES;
INSERT INTO w_nocols SELECT FROM generate_series(1, 10);
SELECT count(*) FROM w_nocols;

-- DEFAULT values and generated columns
CREATE TABLE w_defaults (id int, created date DEFAULT '2024-05-05',
	twice int GENERATED ALWAYS AS (id * 2) STORED) USING olap;
INSERT INTO w_defaults (id) VALUES (1), (2);
SELECT * FROM w_defaults ORDER BY id;

-- RETURNING and statement triggers
CREATE FUNCTION w_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE NOTICE 'statement trigger on %', TG_TABLE_NAME; RETURN NULL; END $$;
CREATE TRIGGER w_note_trg AFTER INSERT ON w_multi FOR EACH STATEMENT EXECUTE FUNCTION w_note();
INSERT INTO w_multi VALUES (5, 'e', 5) RETURNING id, label;
SELECT count(*) FROM w_multi;
