import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../db/database.ts';

export type DatabaseKind = 'pglite' | 'postgres';

/** The PostgreSQL server data tests also run on; unset, those tests are skipped with a notice. */
export const POSTGRES_URL = process.env.DATABASE_URL;

export interface TestDatabase {
  kind: DatabaseKind;
  handle: DatabaseHandle;
  /** PostgreSQL: the URL of this test's own database, for starting more server processes on it. */
  url?: string;
  /** PGlite: the data folder, when the test asked for one on disk. */
  dataDir?: string;
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database of the given kind: an in-memory (or on-disk, when asked) PGlite, or a new
 * database on the PostgreSQL server, dropped afterwards. Each test file gets its own, so tests never
 * wipe each other's data.
 */
export async function createTestDatabase(
  kind: DatabaseKind,
  options: { onDisk?: boolean } = {},
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const dataDir = options.onDisk ? mkdtempSync(path.join(tmpdir(), 'atiende-test-')) : undefined;
    const handle = await openDatabase({ kind: 'pglite', dataDir: dataDir ?? null }, 'test');
    await handle.migrate();
    return {
      kind,
      handle,
      dataDir,
      async dispose() {
        await handle.close();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const url = await createPostgresDatabase();
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: 10 }, 'test');
  await handle.migrate();
  return {
    kind,
    handle,
    url,
    async dispose() {
      await handle.close();
      await dropPostgresDatabase(url);
    },
  };
}

/** Creates an empty database on the test server and returns its URL. */
export async function createPostgresDatabase(): Promise<string> {
  if (!POSTGRES_URL) throw new Error('DATABASE_URL is not set');
  const name = `atiende_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

/**
 * Declares the same tests once per database: always on PGlite, and on PostgreSQL when DATABASE_URL is
 * set (otherwise they show as skipped, with the reason in the suite's name).
 */
export function describeEachDatabase(name: string, body: (kind: DatabaseKind) => void) {
  describe(`${name} [pglite]`, () => body('pglite'));
  describePostgres(name, () => body('postgres'));
}

/** Declares tests that only make sense on PostgreSQL (several server processes, real races). */
export function describePostgres(name: string, body: () => void) {
  if (POSTGRES_URL) describe(`${name} [postgres]`, body);
  else if (process.env.ATIENDE_TEST_STRICT === '1')
    throw new Error(`${name}: DATABASE_URL is required under ATIENDE_TEST_STRICT=1`);
  else describe.skip(`${name} [postgres — skipped: DATABASE_URL not set]`, body);
}
