import type { Logger } from 'pino';
import type { ChannelAdapter } from './channels/adapter.ts';
import type { Channel } from './channels/channel.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config/env.ts';
import type { DatabaseHandle, Db } from './db/database.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { LiveFeed } from './live/live.service.ts';
import type { SettingsCache } from './settings/settings.cache.ts';

/** Everything a request handler or job needs, built once per process. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Db;
  jobs: JobQueue;
  clock: Clock;
  /** The provider's settings and areas, cached between requests. */
  settings: SettingsCache;
  logger: Logger;
  /** The channel adapters, by channel name: the rest of the system never knows which door was used. */
  channels: Map<Channel, ChannelAdapter>;
  /** Announcements of every change, for agents' consoles. */
  live: LiveFeed;
}
