-- am_large_values: values of many megabytes, and chunk groups that close
-- early once their values reach the byte limit.
CREATE TABLE big_heap (id int, payload text, blob bytea);
CREATE TABLE big_olap (id int, payload text, blob bytea) USING olap;

-- compressible text of 4 to 19 MB, and incompressible bytea of 2 MB
INSERT INTO big_heap
SELECT g, repeat(md5(g::text), 32768 * (1 + 3 * g)),
	   (SELECT string_agg(decode(md5(g::text || ':' || k), 'hex'), ''::bytea)
		FROM generate_series(1, 131072) k)
FROM generate_series(1, 6) g;
INSERT INTO big_olap SELECT * FROM big_heap;

SELECT id, length(payload) AS payload_bytes, length(blob) AS blob_bytes
FROM big_olap ORDER BY id;
SELECT (SELECT array_agg(md5(payload) || md5(blob) ORDER BY id) FROM big_olap)
	 = (SELECT array_agg(md5(payload) || md5(blob) ORDER BY id) FROM big_heap) AS same_values;

-- incompressible chunks are stored uncompressed, compressible ones not
SELECT column_name, compression FROM olap.chunks
WHERE relation = 'big_olap'::regclass AND column_name IN ('payload', 'blob')
GROUP BY column_name, compression ORDER BY column_name, compression;

-- 70 rows of 2 MB: chunk groups close at 64 MB of values
CREATE TABLE wide_olap (id int, payload text) USING olap;
INSERT INTO wide_olap
SELECT g, repeat(chr(65 + g % 26), 2 * 1024 * 1024) FROM generate_series(1, 70) g;
SELECT chunk_group_count > 1 AS split_by_size, row_count
FROM olap.stripes WHERE relation = 'wide_olap'::regclass;
SELECT count(*), sum(length(payload)), count(DISTINCT payload) FROM wide_olap;

-- a TOASTed value from a heap table is detoasted on the way in
CREATE TABLE toasted (id int, t text);
ALTER TABLE toasted ALTER COLUMN t SET STORAGE EXTERNAL;
INSERT INTO toasted VALUES (1, repeat('toast', 100000));
INSERT INTO big_olap (id, payload) SELECT id, t FROM toasted;
SELECT length(payload), md5(payload) = (SELECT md5(t) FROM toasted) AS same
FROM big_olap WHERE id = 1 AND blob IS NULL;
