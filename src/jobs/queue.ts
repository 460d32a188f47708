import { sql } from 'drizzle-orm';
import {
  fromDrizzle,
  fromPglite,
  type JobInsert,
  PgBoss,
  type QueueOptions,
  type SendOptions,
} from 'pg-boss';
import type { DatabaseHandle, Tx } from '../db/database.ts';

/** A kind of background job: its queue, retry policy and handler. */
export interface JobDefinition<T extends object> {
  name: string;
  queue?: Omit<QueueOptions, 'name'>;
  /**
   * Run on this cron schedule (pg-boss makes sure one process runs each tick), read in the time zone
   * `register` is given: the provider's, so "08:00" is the desk's morning, daylight saving or not.
   */
  cron?: string;
  /** Jobs fetched and run together per poll, for queues that see bursts (outbound sends). */
  batchSize?: number;
  /**
   * Run a batch's jobs one after another, in the order they were queued, instead of side by side: for
   * work whose order matters (one customer's messages), fetched in batches only to skip the polling wait.
   */
  inOrder?: boolean;
  handler: (data: T, meta: { id: string; retryCount: number }) => Promise<void>;
}

// A job kind's handler has access to the whole application, so definitions are built from a context.
// biome-ignore lint/suspicious/noExplicitAny: definitions of every data shape live in one registry
export type AnyJobDefinition = JobDefinition<any>;

/** The one job queue: pg-boss on the same database as the data, so jobs commit with it. */
export class JobQueue {
  private constructor(private readonly boss: PgBoss) {}

  static async start(handle: DatabaseHandle): Promise<JobQueue> {
    const boss =
      handle.kind === 'pglite' && handle.pglite
        ? new PgBoss({ db: fromPglite(handle.pglite), backend: 'pglite' })
        : new PgBoss({
            connectionString: connectionStringOf(handle),
            max: 4,
            application_name: 'atiende-jobs',
          });
    // pg-boss reports maintenance hiccups as events; without a listener an EventEmitter error would crash.
    boss.on('error', (error) => {
      process.emitWarning(`job queue: ${(error as Error).message}`);
    });
    await boss.start();
    return new JobQueue(boss);
  }

  /**
   * Creates the queues of the given definitions (idempotent), schedules their crons in `timeZone` (UTC when
   * none is given) and, when `work` is true, starts their workers. pg-boss keeps one schedule per job and
   * this rewrites it, so a change of the provider's zone reaches the crons at the next start.
   */
  async register(
    definitions: AnyJobDefinition[],
    options: { work: boolean; pollingIntervalSeconds?: number; timeZone?: string },
  ) {
    for (const definition of definitions) {
      const existing = await this.boss.getQueue(definition.name);
      if (!existing) await this.boss.createQueue(definition.name, { notify: true, ...definition.queue });
      if (definition.cron)
        await this.boss.schedule(definition.name, definition.cron, null, { tz: options.timeZone ?? 'UTC' });
    }
    if (!options.work) return;
    for (const definition of definitions) {
      await this.boss.work(
        definition.name,
        {
          pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
          includeMetadata: true,
          perJobResults: true,
          batchSize: definition.batchSize ?? 1,
          burstWhenBatchFull: (definition.batchSize ?? 1) > 1,
        },
        // Jobs of a batch run side by side and settle one by one: a failure retries only its own job.
        async (jobs) => {
          const run = (job: (typeof jobs)[number]) =>
            definition.handler(job.data as object, { id: job.id, retryCount: job.retryCount });
          const outcomes: PromiseSettledResult<void>[] = [];
          if (definition.inOrder) {
            // A batch comes back in no particular order (an UPDATE … RETURNING): sorted by when queued.
            const queued = [...jobs].sort((a, b) => +new Date(a.createdOn) - +new Date(b.createdOn));
            const settled = new Map<string, PromiseSettledResult<void>>();
            for (const job of queued)
              settled.set(job.id, (await Promise.allSettled([run(job)]))[0] as PromiseSettledResult<void>);
            outcomes.push(...jobs.map((job) => settled.get(job.id) as PromiseSettledResult<void>));
          } else {
            outcomes.push(...(await Promise.allSettled(jobs.map(run))));
          }
          return jobs.map((job, i) => {
            const outcome = outcomes[i];
            return outcome?.status === 'fulfilled'
              ? { id: job.id, status: 'completed' as const }
              : {
                  id: job.id,
                  status: 'failed' as const,
                  output: { message: String((outcome?.reason as Error)?.message ?? outcome?.reason) },
                };
          });
        },
      );
    }
  }

  /**
   * Enqueues a job inside the caller's transaction: it becomes visible to workers only if that
   * transaction commits, and vanishes with it on rollback.
   */
  async enqueue(tx: Tx, name: string, data: object, options: SendOptions = {}): Promise<string | null> {
    return this.boss.send(name, data, { ...options, db: fromDrizzle(tx as never, sql) });
  }

  /** Several jobs of one kind in one statement, inside the caller's transaction (same guarantee as enqueue). */
  async enqueueMany(tx: Tx, name: string, jobs: JobInsert[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.boss.insert(name, jobs, { db: fromDrizzle(tx as never, sql) });
  }

  async findJobs(name: string) {
    return this.boss.findJobs(name);
  }

  async health(): Promise<{ status: 'ok' | 'error'; detail?: string }> {
    try {
      return (await this.boss.isInstalled())
        ? { status: 'ok' }
        : { status: 'error', detail: 'not installed' };
    } catch (error) {
      return { status: 'error', detail: (error as Error).message };
    }
  }

  async stop() {
    await this.boss.stop({ graceful: true, timeout: 5000 });
  }
}

function connectionStringOf(handle: DatabaseHandle): string {
  const options = handle.pool?.options as { connectionString?: string } | undefined;
  if (!options?.connectionString) throw new Error('PostgreSQL handle without a connection string');
  return options.connectionString;
}
