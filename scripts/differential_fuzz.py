#!/usr/bin/python3
"""scripts/differential_fuzz.py: random queries on an olap table and its heap
twin, compared row for row.

Creates (replacing earlier ones) the tables fuzz_olap (USING olap, with a
primary key and an index) and fuzz_heap holding the same 200,000 rows of
thirteen types, with NULLs, deleted rows and updated rows, then runs random
queries against both and reports every query whose results differ:

- aggregates (count, count(DISTINCT), sum, avg, min, max, bool_and/or,
  FILTER) with zero to two grouping keys (columns, expressions, time
  buckets) under random WHERE trees (comparisons, IN, BETWEEN, LIKE,
  IS NULL, AND/OR/NOT);
- top-N queries (ORDER BY a column, every direction, LIMIT, OFFSET);

each serial or with parallel workers forced.  Float results are rounded to
six digits (summation order differs); errors count as results (both sides
must fail alike).  Exits 1 when any query differs.

It is a tool for developers (a run takes minutes), not part of the test
command.  Usage, against a server with olap_ext installed:

    scripts/differential_fuzz.py --dsn 'host=/tmp port=5432 dbname=x' \\
        [--seed N] [--queries N] [--work-mem 64kB]
"""
import argparse
import math
import random
import sys

import psycopg2

SETUP = """
CREATE EXTENSION IF NOT EXISTS olap_ext;
DROP TABLE IF EXISTS fuzz_olap, fuzz_heap;
CREATE TABLE fuzz_olap (id bigint PRIMARY KEY, ts timestamptz, d date, n int,
    s smallint, f float8, r real, m numeric(12,2), t text, v varchar(20),
    b bool, iv interval) USING olap;
INSERT INTO fuzz_olap
SELECT g, '2024-01-01'::timestamptz + g * interval '37 seconds',
       '2024-01-01'::date + g % 400,
       CASE WHEN g % 13 = 0 THEN NULL ELSE g % 1000 END,
       (g % 100)::smallint, g * 0.37, (g % 77)::real, (g % 9999) / 3.0,
       CASE WHEN g % 7 = 0 THEN NULL ELSE 'txt' || (g % 300) END,
       'v' || (g % 20), g % 3 = 0, (g % 50) * interval '1 hour'
FROM generate_series(1, 200000) g;
DELETE FROM fuzz_olap WHERE id % 17 = 0;
UPDATE fuzz_olap SET n = n + 1 WHERE id % 23 = 0;
CREATE INDEX ON fuzz_olap (ts);
CREATE TABLE fuzz_heap AS SELECT * FROM fuzz_olap;
ANALYZE fuzz_olap, fuzz_heap;
"""

COLUMNS = {'id': 'int', 'ts': 'ts', 'd': 'date', 'n': 'int', 's': 'int',
           'f': 'float', 'r': 'float', 'm': 'num', 't': 'text', 'v': 'text',
           'b': 'bool', 'iv': 'interval'}
KEYS = ['s', 'n % 7', 't', 'v', 'b', 'd', "date_trunc('day', ts)",
        "date_trunc('month', ts)", 'ts::date', 'r', 'iv']


class QueryMaker:
    def __init__(self, seed):
        self.rnd = random.Random(seed)

    def const(self, kind):
        rnd = self.rnd
        if kind == 'int':
            return str(rnd.choice([0, 1, -1, 5, 13, 99, 500, 999, 1000,
                                   100000, 150000, 2**31 - 1]))
        if kind == 'float':
            return rnd.choice(['0', '1.5', '100.37', '-3', "'NaN'::float8", '1e10'])
        if kind == 'num':
            return rnd.choice(['0', '12.5', '3333.33', '-1', '1000'])
        if kind == 'ts':
            return "'2024-0%d-%02d %02d:00'::timestamptz" % (
                rnd.randint(1, 4), rnd.randint(1, 28), rnd.randint(0, 23))
        if kind == 'date':
            return "'2024-%02d-%02d'::date" % (rnd.randint(1, 12), rnd.randint(1, 28))
        if kind == 'text':
            return rnd.choice(["'txt1'", "'txt150'", "'v3'", "'zzz'", "''", "'txt'"])
        if kind == 'bool':
            return rnd.choice(['true', 'false'])
        return "'%d hours'::interval" % rnd.randint(0, 60)

    def pred(self, depth=0):
        rnd = self.rnd
        r = rnd.random()
        if depth < 2 and r < 0.2:
            return '(%s %s %s)' % (self.pred(depth + 1), rnd.choice(['AND', 'OR']),
                                   self.pred(depth + 1))
        if depth < 2 and r < 0.25:
            return 'NOT (%s)' % self.pred(depth + 1)
        col = rnd.choice(list(COLUMNS))
        kind = COLUMNS[col]
        r = rnd.random()
        if r < 0.1:
            return '%s IS %sNULL' % (col, rnd.choice(['', 'NOT ']))
        if kind == 'text' and r < 0.4:
            return "%s %sLIKE '%s'" % (col, rnd.choice(['', 'NOT ']),
                                      rnd.choice(['txt1%', '%5', '%xt2%', 'v_', '%', 'txt%0']))
        if r < 0.3 and kind != 'bool':
            return '%s IN (%s, %s, %s)' % (col, self.const(kind), self.const(kind),
                                           self.const(kind))
        if r < 0.4 and kind not in ('bool', 'text'):
            return '%s BETWEEN %s AND %s' % (col, self.const(kind), self.const(kind))
        if kind == 'bool' and r < 0.6:
            return col if rnd.random() < 0.5 else 'NOT ' + col
        return '%s %s %s' % (col, rnd.choice(['=', '<>', '<', '<=', '>', '>=']),
                             self.const(kind))

    def aggregate(self):
        col = self.rnd.choice(list(COLUMNS))
        kind = COLUMNS[col]
        options = ['count(*)', 'count(%s)' % col,
                   'count(*) FILTER (WHERE %s)' % self.pred(1)]
        if kind in ('int', 'num', 'interval'):
            options += ['sum(%s)' % col, 'avg(%s)' % col]
        if kind == 'float':
            options += ['round(sum(%s)::numeric, 3)' % col]
        if kind == 'bool':
            options += ['bool_and(%s)' % col, 'bool_or(%s)' % col]
        else:
            options += ['min(%s)' % col, 'max(%s)' % col]
        if kind in ('int', 'text'):
            options += ['count(DISTINCT %s)' % col]
        return self.rnd.choice(options)

    def query(self):
        """A query text with {t} for the table."""
        rnd = self.rnd
        where = ' WHERE ' + self.pred() if rnd.random() < 0.8 else ''
        if rnd.random() < 0.25:
            col = rnd.choice(list(COLUMNS))
            order = rnd.choice(['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST'])
            return ('SELECT id, ts, n, t, m FROM {t}%s ORDER BY %s%s, id LIMIT %d%s'
                    % (where, col, order, rnd.choice([1, 5, 10, 100, 1000]),
                       rnd.choice(['', ' OFFSET 3'])))
        keys = [rnd.choice(KEYS) for _ in range(rnd.randint(0, 2))]
        aggs = [self.aggregate() for _ in range(rnd.randint(1, 3))]
        group = (' GROUP BY ' + ', '.join(keys)) if keys else ''
        return 'SELECT %s FROM {t}%s%s' % (', '.join(keys + aggs), where, group)


def normalize(value):
    if isinstance(value, float):
        return 'NaN' if math.isnan(value) else round(value, 6)
    return value


def run(cur, sql, parallel):
    cur.execute('SET max_parallel_workers_per_gather = %d' % (2 if parallel else 0))
    for name in ('parallel_setup_cost', 'parallel_tuple_cost',
                 'min_parallel_table_scan_size'):
        cur.execute('SET %s = 0' % name if parallel else 'RESET %s' % name)
    try:
        cur.execute(sql)
        rows = [tuple(normalize(v) for v in row) for row in cur.fetchall()]
        if 'ORDER BY' in sql:
            return rows
        return sorted(rows, key=repr)
    except psycopg2.Error as e:
        return 'ERROR ' + e.pgerror.split('\n')[0] if e.pgerror else str(e)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dsn', required=True)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--queries', type=int, default=1000)
    ap.add_argument('--work-mem', help='work_mem for the queries (e.g. 64kB)')
    args = ap.parse_args()

    conn = psycopg2.connect(args.dsn)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(SETUP)
    if args.work_mem:
        cur.execute('SET work_mem = %s', (args.work_mem,))
    maker = QueryMaker(args.seed)
    differences = 0
    for _ in range(args.queries):
        template = maker.query()
        parallel = maker.rnd.random() < 0.5
        olap = run(cur, template.format(t='fuzz_olap'), parallel)
        heap = run(cur, template.format(t='fuzz_heap'), parallel)
        if olap != heap:
            differences += 1
            print('DIFFERENT (%s): %s' % ('parallel' if parallel else 'serial',
                                          template.format(t='fuzz_olap')))
            print('  olap:', str(olap)[:300])
            print('  heap:', str(heap)[:300])
    print('%d queries (seed %d), %d with different results'
          % (args.queries, args.seed, differences))
    return 1 if differences else 0


if __name__ == '__main__':
    sys.exit(main())
