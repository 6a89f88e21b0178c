// bench/duckdb/bench.mjs - the DuckDB side of the benchmark (optional).
//
// Owns loading the benchmark's CSV files into a DuckDB database file and
// running the benchmark queries there, with the same runs and the same
// cold/warm definitions as the PostgreSQL side. Driven by
// bench/benchlib/duck.py, which writes the job as JSON:
//   { module, database, ddl, tables: [{name, csv}],
//     modes: [{name, threads}], runs, queries: [{id, sql}] }
// and reads the answer this script writes as JSON to its second argument:
//   { version, load_seconds: {table: s}, size_bytes,
//     modes: {mode: {id: {times_ms, kinds, rows} | {error}}} }
// kinds tells Python how to compare each column with PostgreSQL's value:
// num, bool, date, timestamp or text. rows are the first run's rows.
//
// Usage: node bench/duckdb/bench.mjs JOB.json RESULT.json

import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const NUMERIC_TYPES = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 19, 32]);
const TIMESTAMP_TYPES = new Set([12, 20, 21, 22, 31]);

function columnKinds(reader) {
  return reader.columnNamesAndTypesJson().columnTypes.map((t) => {
    if (NUMERIC_TYPES.has(t.typeId)) return 'num';
    if (t.typeId === 1) return 'bool';
    if (t.typeId === 13) return 'date';
    if (TIMESTAMP_TYPES.has(t.typeId)) return 'timestamp';
    return 'text';
  });
}

function removeDatabase(path) {
  for (const f of [path, `${path}.wal`]) {
    fs.rmSync(f, { force: true });
  }
}

// Load every CSV file (same options as PostgreSQL's COPY ... (FORMAT csv):
// no header, an unquoted empty field is NULL, a quoted one an empty string).
async function load(conn, job) {
  const seconds = {};
  await conn.run(job.ddl);
  for (const t of job.tables) {
    const start = performance.now();
    const csv = t.csv.replaceAll("'", "''");
    await conn.run(`COPY ${t.name} FROM '${csv}' (FORMAT csv, HEADER false, allow_quoted_nulls false)`);
    seconds[t.name] = (performance.now() - start) / 1000;
  }
  await conn.run('CHECKPOINT');
  return seconds;
}

async function timed(conn, sql) {
  const start = performance.now();
  const reader = await conn.runAndReadAll(sql);
  return { ms: performance.now() - start, reader };
}

async function runQuery(conn, sql, runs) {
  const result = { times_ms: [] };
  try {
    for (let run = 0; run < runs; run++) {
      const { ms, reader } = await timed(conn, sql);
      result.times_ms.push(ms);
      if (run === 0) {
        result.kinds = columnKinds(reader);
        result.rows = reader.getRowsJson();
      }
    }
  } catch (e) {
    return { error: String(e.message || e).split('\n')[0] };
  }
  return result;
}

async function main() {
  const [jobPath, resultPath] = process.argv.slice(2);
  const job = JSON.parse(fs.readFileSync(jobPath, 'utf8'));
  const { DuckDBInstance } = await import(pathToFileURL(job.module).href);

  removeDatabase(job.database);
  const instance = await DuckDBInstance.create(job.database);
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  const version = (await conn.runAndReadAll('SELECT version()')).getRowsJson()[0][0];

  const out = { version, load_seconds: await load(conn, job), modes: {} };
  out.size_bytes = fs.statSync(job.database).size;
  for (const mode of job.modes) {
    await conn.run(`SET threads = ${Number(mode.threads)}`);
    const results = {};
    for (const q of job.queries) {
      results[q.id] = await runQuery(conn, q.sql, job.runs);
      if (results[q.id].error) {
        process.stderr.write(`  duckdb ${mode.name} ${q.id}: ${results[q.id].error}\n`);
      }
    }
    out.modes[mode.name] = results;
  }
  fs.writeFileSync(resultPath, JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`bench.mjs: ${e.stack || e}\n`);
  process.exit(1);
});
