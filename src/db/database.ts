import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import type { DatabaseTimeouts } from '../config/env.ts';
import { secureDataFolder } from './data-folder.ts';
import { acquireDataDirLock, type DataDirLock } from './lock.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** The one database handle type the domain uses, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction, or the database itself when the caller needs no transaction of its own. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

/** Searches fold accents (unaccent) and find names by parts (pg_trgm's trigram indexes). */
const EXTENSIONS = 'create extension if not exists unaccent; create extension if not exists pg_trgm;';

const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | null /* null: in memory, for tests */ }
  | { kind: 'postgres'; url: string; poolSize?: number; timeouts?: DatabaseTimeouts };

/**
 * Defaults for a server nobody configured: a request waits at most this long for a connection (the wait
 * for a free one in the pool included), a statement or a lock, and then fails as "unavailable, retry"
 * instead of hanging. Generous enough that a burst on a busy machine queues rather than fails.
 */
const DEFAULT_TIMEOUTS: DatabaseTimeouts = { connectMs: 10_000, statementMs: 30_000, lockMs: 10_000 };

export interface DatabaseHandle {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Present on the embedded database: its only connection. */
  pglite?: PGlite;
  /** Present on PostgreSQL. */
  pool?: pg.Pool;
  /** The data folder of the embedded database. */
  dataDir?: string;
  /** Entries of the data folder found with modes looser than owner-only, and tightened, at opening. */
  tightenedFiles?: number;
  migrate(): Promise<void>;
  /** Runs fn while no other process holds the same lock (start-up work: migrations, seeding). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// Closing twice (the app on shutdown, then a test's clean-up) must not fail.
const once = (close: () => Promise<void>) => {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= close();
    return closing;
  };
};

/** The folder PGlite keeps its files in, under Atiende's data folder. */
export const pgliteDir = (dataDir: string) => path.join(dataDir, 'pglite');

/**
 * Opens the database. On the embedded database the data folder is locked for this process, because
 * PGlite serves one process: a second one gets an error naming the holder instead of corrupting files.
 */
export async function openDatabase(target: DatabaseTarget, purpose = 'atiende'): Promise<DatabaseHandle> {
  if (target.kind === 'postgres') {
    const timeouts = target.timeouts ?? DEFAULT_TIMEOUTS;
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 20,
      connectionTimeoutMillis: timeouts.connectMs,
      statement_timeout: timeouts.statementMs,
      lock_timeout: timeouts.lockMs,
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const db = drizzleNodePg(pool, { schema }) as unknown as Db;
    return {
      kind: 'postgres',
      db,
      pool,
      async migrate() {
        // Migrations may rewrite big tables: their own connection, without the request timeouts.
        const migrator = new pg.Pool({ connectionString: target.url, max: 1 });
        try {
          await migrator.query(EXTENSIONS);
          await migrateNodePg(drizzleNodePg(migrator), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await migrator.end();
        }
      },
      async exclusive(fn) {
        // Several servers starting together take turns migrating and seeding.
        const client = await pool.connect();
        try {
          await client.query('select pg_advisory_lock(4242001)');
          return await fn();
        } finally {
          await client.query('select pg_advisory_unlock(4242001)').catch(() => {});
          client.release();
        }
      },
      close: once(() => pool.end()),
    };
  }

  let lock: DataDirLock | undefined;
  let dir: string | undefined;
  let tightenedFiles = 0;
  if (target.dataDir) {
    tightenedFiles = secureDataFolder(target.dataDir);
    lock = acquireDataDirLock(target.dataDir, purpose);
    dir = pgliteDir(target.dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dir, { extensions: { unaccent, pg_trgm } });
    // PGlite makes its files 0666: tightened again once it has made them.
    if (target.dataDir) secureDataFolder(target.dataDir);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    pglite,
    dataDir: target.dataDir ?? undefined,
    tightenedFiles,
    async migrate() {
      await pglite.exec(EXTENSIONS);
      await migratePglite(drizzlePglite(pglite), { migrationsFolder: MIGRATIONS_FOLDER });
      if (target.dataDir) secureDataFolder(target.dataDir);
    },
    // The data-folder lock already makes this process the only one.
    exclusive: (fn) => fn(),
    close: once(async () => {
      try {
        await pglite.close();
        if (target.dataDir) secureDataFolder(target.dataDir);
      } finally {
        lock?.release();
      }
    }),
  };
}

/** The database target the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite. */
export function databaseTarget(config: {
  databaseUrl: string | undefined;
  dataDir: string;
  databaseTimeouts: DatabaseTimeouts;
}): DatabaseTarget {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl, timeouts: config.databaseTimeouts }
    : { kind: 'pglite', dataDir: config.dataDir };
}

/** Rows of a raw `db.execute`, whose result shape differs between the two drivers' typings. */
export async function queryRows<T>(db: Tx, query: Parameters<Db['execute']>[0]): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
