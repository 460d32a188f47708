// The customers import over a generated file, timed: `npx tsx bench/import/run.ts [rows=100000]`.
// On an embedded database (PGlite, in a temporary folder) and, when DATABASE_URL is set, on a new database
// of that PostgreSQL server (dropped afterwards): a dry run, the real run and a re-run of the same file,
// each with rows/s, wall time and peak RSS above the idle RSS of a process holding the file with the
// database open. Each database in a process of its own, so one's memory does not blur the other's.
// Fails unless every run reports exactly the file's planted bad rows, and the re-run changes nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type ImportSummary, importCustomers } from '../../src/accounts/import/import.service.ts';
import { systemActor } from '../../src/auth/system-rules.ts';
import { systemClock } from '../../src/clock.ts';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.ts';
import { generateCustomersFile } from './customers-file.ts';

const rows = Number(process.argv[2] ?? 100_000);
const only = process.env.BENCH_IMPORT_DATABASE;
if (only === undefined) {
  let failures = 0;
  for (const database of ['pglite', 'postgres']) {
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', ...process.execArgv, process.argv[1] as string, String(rows)],
      { stdio: 'inherit', env: { ...process.env, BENCH_IMPORT_DATABASE: database } },
    );
    if (child.status !== 0) failures++;
  }
  process.exit(failures > 0 ? 1 : 0);
}
const file = generateCustomersFile({
  rows,
  encoding: 'windows-1252',
  seed: 1,
  delimiter: ',',
  eol: '\r\n',
  bom: false,
});
const expected = JSON.stringify(file.badRows);
if (only === 'pglite')
  console.log(
    `${rows.toLocaleString('en-US')} rows, ${(file.bytes.length / 1e6).toFixed(1)} MB Windows-1252, ` +
      `${file.badRows.length} bad`,
  );

const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

/** Peak RSS while `work` runs, sampled often enough to catch a batch's high point. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; peakRss: number }> {
  let peakRss = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  try {
    const result = await work();
    return { result, ms: performance.now() - started, peakRss: Math.max(peakRss, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

let failed = false;

async function bench(label: string, handle: DatabaseHandle) {
  await handle.migrate();
  const deps = { db: handle.db, clock: systemClock, timeZone: 'America/Monterrey' };
  (globalThis as { gc?: () => void }).gc?.();
  const idleRss = process.memoryUsage.rss();
  for (const [phase, dryRun] of [
    ['dry run', true],
    ['real run', false],
    ['re-run', false],
  ] as const) {
    const { result, ms, peakRss } = await measured<ImportSummary>(() =>
      importCustomers(deps, {
        bytes: file.bytes,
        filename: 'bench.csv',
        dryRun,
        actor: systemActor('linea_de_comandos'),
      }),
    );
    const c = result.counts;
    console.log(
      `${label.padEnd(10)} ${phase.padEnd(8)} ${(ms / 1000).toFixed(1).padStart(6)} s ` +
        `${Math.round((rows / ms) * 1000)
          .toLocaleString('en-US')
          .padStart(7)} rows/s  peak RSS +${mb(peakRss - idleRss)} (idle ${mb(idleRss)})  ` +
        `creado ${c.creado}, actualizado ${c.actualizado}, sin_cambios ${c.sin_cambios}, rechazado ${c.rechazado}`,
    );
    const problems = JSON.stringify(result.problems.map((p) => ({ line: p.line, code: p.code })));
    if (problems !== expected) {
      console.error(`${label} ${phase}: the problems are not exactly the planted bad rows`);
      failed = true;
    }
    if (phase === 're-run' && c.sin_cambios !== rows - file.badRows.length) {
      console.error(`${label} re-run changed rows`);
      failed = true;
    }
  }
}

const serverUrl = process.env.DATABASE_URL;
if (only === 'pglite') {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atiende-bench-import-'));
  const embedded = await openDatabase({ kind: 'pglite', dataDir }, 'bench');
  try {
    await bench('PGlite', embedded);
  } finally {
    await embedded.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
} else if (serverUrl) {
  const name = `atiende_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const server = await openDatabase({ kind: 'postgres', url: url.toString() }, 'bench');
  try {
    await bench('PostgreSQL', server);
  } finally {
    await server.close();
    await admin.query(`drop database ${name}`);
    await admin.end();
  }
} else {
  console.log('PostgreSQL skipped: set DATABASE_URL');
}
if (failed) process.exit(1);
