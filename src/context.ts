import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { Config } from './config/env.ts';
import type { DatabaseHandle, Db } from './db/database.ts';
import type { JobQueue } from './jobs/queue.ts';

/** Everything a request handler or job needs, built once per process. */
export interface AppContext {
  config: Config;
  database: DatabaseHandle;
  db: Db;
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
}
