import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { openDatabase } from '../db/database.ts';
import {
  createPostgresDatabase,
  type DatabaseKind,
  dropPostgresDatabase,
  type TestDatabase,
} from './databases.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MIGRATIONS = path.resolve(HERE, '../../drizzle');

/**
 * Data written by `seed-demo` (40 customers, 60 cases, then 45 s of the server's jobs: alerts raised) with
 * the code of commit bd00bfb, whose last migration was 0013: a database as a provider upgrading from that
 * version has it. Dumped with `pg_dump --data-only --inserts --schema=public`.
 */
const SEED_DEMO_0013 = path.join(HERE, 'fixtures/seed-demo-0013.sql.gz');

/** A copy of the migrations folder whose journal stops at `lastTag`, for migrating only that far. */
function migrationsUpTo(lastTag: string): { folder: string; dispose(): void } {
  const folder = mkdtempSync(path.join(tmpdir(), 'atiende-migrations-'));
  cpSync(MIGRATIONS, folder, { recursive: true });
  const journalPath = path.join(folder, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  const end = journal.entries.findIndex((e) => e.tag === lastTag);
  if (end < 0) throw new Error(`no migration ${lastTag}`);
  journal.entries = journal.entries.slice(0, end + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  return { folder, dispose: () => rmSync(folder, { recursive: true, force: true }) };
}

const EXTENSIONS = 'create extension if not exists unaccent; create extension if not exists pg_trgm;';

/**
 * A database migrated only up to 0013 and holding that version's seed-demo data, on PGlite or PostgreSQL.
 * `handle.migrate()` then upgrades it as a provider's start would.
 */
export async function seedDemoDatabaseAt0013(kind: DatabaseKind): Promise<TestDatabase> {
  const migrations = migrationsUpTo('0013_one_alert_per_deadline');
  const data = gunzipSync(readFileSync(SEED_DEMO_0013)).toString('utf8');
  try {
    if (kind === 'pglite') {
      const handle = await openDatabase({ kind: 'pglite', dataDir: null }, 'test');
      const pglite = handle.pglite;
      if (!pglite) throw new Error('no PGlite');
      await pglite.exec(EXTENSIONS);
      await migratePglite(drizzlePglite(pglite), { migrationsFolder: migrations.folder });
      await pglite.exec(data);
      return { kind, handle, dispose: () => handle.close() };
    }
    const url = await createPostgresDatabase();
    const handle = await openDatabase({ kind: 'postgres', url, poolSize: 4 }, 'test');
    const pool = handle.pool;
    if (!pool) throw new Error('no pool');
    await pool.query(EXTENSIONS);
    await migrateNodePg(drizzleNodePg(pool), { migrationsFolder: migrations.folder });
    await pool.query(data);
    return {
      kind,
      handle,
      url,
      async dispose() {
        await handle.close();
        await dropPostgresDatabase(url);
      },
    };
  } finally {
    migrations.dispose();
  }
}
