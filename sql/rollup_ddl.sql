-- DDL on a rollup's source and tables: changes that would break the
-- rollup's query are refused with a clear error; DROP TABLE of the source
-- needs CASCADE, which drops the rollup; dropping a rollup table drops the
-- rollup; harmless changes keep it working.
SET client_min_messages = warning;
\set SHOW_CONTEXT never
CREATE EXTENSION IF NOT EXISTS olap_ext;

CREATE TABLE src_heap (at timestamptz, cat int, amount numeric, note text);
CREATE TABLE src_olap (at timestamptz, cat int, amount numeric, note text) USING olap;
INSERT INTO src_heap SELECT '2025-01-01'::timestamptz + g * interval '1 hour', g % 3, g, 'n'
FROM generate_series(1, 300) g;
INSERT INTO src_olap SELECT * FROM src_heap;
SELECT olap.create_rollup('ddl_heap', $$SELECT date_trunc('day', at) AS d, cat, sum(amount) AS total
	FROM src_heap GROUP BY 1, 2$$, realtime => false, refresh_interval => '1 hour');
SELECT olap.create_rollup('ddl_olap', $$SELECT date_trunc('day', at) AS d, sum(amount) AS total
	FROM src_olap GROUP BY 1$$, realtime => false);
SELECT olap.create_rollup('ddl_olap_rt', $$SELECT date_trunc('week', at) AS w, count(*) AS n
	FROM src_olap GROUP BY 1$$);

-- refused: columns the query uses dropped, renamed or retyped; the table
-- renamed or moved; the access method changed
ALTER TABLE src_heap DROP COLUMN amount;
ALTER TABLE src_heap RENAME COLUMN cat TO category;
ALTER TABLE src_heap ALTER COLUMN amount TYPE float8;
ALTER TABLE src_heap ALTER COLUMN at TYPE timestamp;
ALTER TABLE src_heap RENAME TO src_heap2;
CREATE SCHEMA elsewhere;
ALTER TABLE src_heap SET SCHEMA elsewhere;
ALTER TABLE src_olap DROP COLUMN amount;
ALTER TABLE src_olap RENAME COLUMN at TO happened;
ALTER TABLE src_olap SET ACCESS METHOD heap;
ALTER TABLE src_olap DROP COLUMN at CASCADE;
SELECT count(*) AS rollups FROM olap.rollup WHERE name LIKE 'ddl\_%';

-- allowed: columns the query does not use, and other changes
ALTER TABLE src_heap RENAME COLUMN note TO remark;
ALTER TABLE src_heap ADD COLUMN extra int DEFAULT 7;
ALTER TABLE src_olap DROP COLUMN note;
ALTER TABLE src_olap ADD COLUMN extra int;
ALTER TABLE src_heap ALTER COLUMN cat SET NOT NULL;
INSERT INTO src_heap (at, cat, amount) VALUES ('2025-01-02 05:00', 1, 1000);
INSERT INTO src_olap (at, cat, amount) VALUES ('2025-01-02 05:00', 1, 1000);
CALL olap.refresh_rollup('ddl_heap');
CALL olap.refresh_rollup('ddl_olap');
SELECT count(*) AS differences FROM (
	(SELECT * FROM ddl_heap EXCEPT ALL SELECT date_trunc('day', at), cat, sum(amount) FROM src_heap GROUP BY 1, 2)
	UNION ALL
	(SELECT date_trunc('day', at), cat, sum(amount) FROM src_heap GROUP BY 1, 2 EXCEPT ALL SELECT * FROM ddl_heap)
	UNION ALL
	(SELECT d, NULL::int, total FROM ddl_olap EXCEPT ALL SELECT date_trunc('day', at), NULL::int, sum(amount) FROM src_olap GROUP BY 1)
	UNION ALL
	(SELECT date_trunc('day', at), NULL::int, sum(amount) FROM src_olap GROUP BY 1 EXCEPT ALL SELECT d, NULL::int, total FROM ddl_olap)) x;

-- DROP TABLE of a source needs CASCADE, which drops its rollups
DROP TABLE src_olap;
DROP TABLE src_heap;
DROP TABLE src_olap CASCADE;
SELECT name FROM olap.rollup WHERE name LIKE 'ddl\_%' ORDER BY name;
SELECT to_regclass('ddl_olap') AS ddl_olap, to_regclass('ddl_olap_rt_realtime') AS view;

-- dropping a rollup table drops the rollup: catalog rows, job, triggers
DROP TABLE ddl_heap;
SELECT count(*) AS rollups FROM olap.rollup WHERE name LIKE 'ddl\_%';
SELECT count(*) AS jobs FROM olap.jobs WHERE job_name LIKE 'refresh ddl\_%';
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'src_heap'::regclass;
ALTER TABLE src_heap DROP COLUMN amount;
DROP TABLE src_heap;
DROP SCHEMA elsewhere;

-- the event triggers need nothing from users who alter and drop other tables
CREATE ROLE rollup_ddl_user;
CREATE SCHEMA rollup_ddl_user AUTHORIZATION rollup_ddl_user;
SET ROLE rollup_ddl_user;
CREATE TABLE rollup_ddl_user.t (a int, b text);
CREATE VIEW rollup_ddl_user.v AS SELECT a FROM rollup_ddl_user.t;
ALTER TABLE rollup_ddl_user.t RENAME COLUMN b TO c;
DROP VIEW rollup_ddl_user.v;
DROP TABLE rollup_ddl_user.t;
RESET ROLE;
DROP SCHEMA rollup_ddl_user;
DROP ROLE rollup_ddl_user;
