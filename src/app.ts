import type { Logger } from 'pino';
import { ensureInitialAdmin } from './agents/agents.service.ts';
import { createChannelAdapters } from './channels/registry.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config/env.ts';
import type { AppContext } from './context.ts';
import { type DatabaseHandle, databaseTarget, openDatabase } from './db/database.ts';
import { buildHttpApp, type HttpApp } from './http/app.ts';
import { JobQueue } from './jobs/queue.ts';
import { jobDefinitions } from './jobs/registry.ts';
import { LiveFeed } from './live/live.service.ts';
import { createLogger } from './logging/logger.ts';
import { httpParts } from './routes.ts';
import { SettingsCache } from './settings/settings.cache.ts';
import { migrateSettings, seedSettingsIfEmpty } from './settings/settings.service.ts';

export interface Atiende {
  ctx: AppContext;
  http: HttpApp;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Run job workers in this process (default true). */
  work?: boolean;
  /** An already opened database, e.g. an in-memory PGlite in tests. */
  database?: DatabaseHandle;
  /** Called once with the generated first admin's credentials, so they can be shown to a newcomer. */
  onInitialAdmin?: (admin: { email: string; generatedPassword?: string }) => void;
  /** Named in the embedded database's lock, so a second process is told who holds it. */
  purpose?: string;
}

/**
 * Brings a database up to date — migrations, the provider's settings on first start (or, seeded before,
 * the defaults of settings added since), a first admin — with other processes doing the same kept
 * waiting, so two servers starting together do it once.
 */
export async function prepareDatabase(database: DatabaseHandle, config: Config) {
  return database.exclusive(async () => {
    await database.migrate();
    const seeded = await seedSettingsIfEmpty(database.db, config.profilePath);
    const settings = seeded ? { changes: [] } : await migrateSettings(database.db);
    const initialAdmin = await ensureInitialAdmin(database.db, config.initialAdmin);
    return { seeded, settings, initialAdmin };
  });
}

/** Opens and migrates the database, seeds a fresh one, starts the job queue and builds the HTTP app. */
export async function startAtiende(config: Config, options: StartOptions = {}): Promise<Atiende> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const database =
    options.database ?? (await openDatabase(databaseTarget(config), options.purpose ?? 'atiende serve'));
  let jobs: JobQueue | undefined;
  let live: LiveFeed | undefined;
  try {
    if (database.tightenedFiles)
      logger.warn(
        { dataDir: database.dataDir, entries: database.tightenedFiles },
        'data folder entries readable by others were made owner-only',
      );
    const admin = await prepareDatabase(database, config);
    if (admin.seeded)
      logger.info({ profile: config.profilePath }, 'settings seeded from the provider profile');
    if (admin.settings.changes.length > 0)
      logger.info(
        { changes: admin.settings.changes.map((c) => c.path) },
        'settings given the defaults of new settings',
      );
    if (admin.settings.invalid)
      logger.warn(
        { problems: admin.settings.invalid },
        'stored settings fail the current schema; left unchanged',
      );
    if (admin.initialAdmin) options.onInitialAdmin?.(admin.initialAdmin);
    jobs = await JobQueue.start(database);
    live = await LiveFeed.start(database);
    const settings = new SettingsCache();
    const current = (await settings.current(database.db)).settings;
    const ctx: AppContext = {
      config,
      database,
      db: database.db,
      jobs,
      clock: options.clock ?? systemClock,
      settings,
      logger,
      channels: createChannelAdapters(config, current),
      live,
    };
    // Daily crons run at the provider's hours; a new zone in the settings applies from the next start.
    await jobs.register(jobDefinitions(ctx), {
      work: options.work ?? config.workers,
      timeZone: current.provider.timeZone,
    });
    const http = await buildHttpApp(ctx, httpParts(ctx));
    return {
      ctx,
      http,
      async close() {
        await http.close();
        await live?.close();
        await jobs?.stop();
        await database.close();
      },
    };
  } catch (error) {
    await live?.close().catch(() => {});
    await jobs?.stop().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}
