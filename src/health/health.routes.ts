import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { channelHealth } from '../channels/health.ts';
import { openQuarantineCount } from '../channels/quarantine.service.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';

const ComponentHealth = z.object({ status: z.enum(['ok', 'error', 'off']), detail: z.string().optional() });
type Component = z.infer<typeof ComponentHealth>;
export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  database: ComponentHealth.extend({ kind: z.enum(['pglite', 'postgres']) }),
  jobs: ComponentHealth,
  channels: z.record(z.string(), ComponentHealth),
  /** Inbound messages that could not be taken in and wait for an admin (null when it could not be read). */
  quarantined: z.number().int().nullable(),
});

/** Each check gets this long, so the whole answer comes within 2 s even while the database hangs. */
const CHECK_TIMEOUT_MS = 1_500;

async function within<T>(check: () => Promise<T>, fallback: (reason: string) => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback('no answer within 1.5 s')), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().catch((error: Error) => fallback(error.message)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: HttpApp, ctx: AppContext) {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Health of the database, the job queue and each channel; answers within 2 s',
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_request, reply) => {
      const failed = (detail: string): Component => ({ status: 'error', detail });
      const [database, jobs, channels, quarantined] = await Promise.all([
        within(async (): Promise<Component> => {
          await ctx.db.execute(sql`select 1`);
          return { status: 'ok' };
        }, failed),
        within(() => ctx.jobs.health(), failed),
        within(
          () => channelHealth(ctx),
          // Without the database, each channel is what its own process knows.
          () => Object.fromEntries([...ctx.channels].map(([name, adapter]) => [name, adapter.health()])),
        ),
        within(
          () => openQuarantineCount(ctx.db),
          () => null,
        ),
      ]);
      const healthy = database.status === 'ok' && jobs.status === 'ok';
      return reply.status(healthy ? 200 : 503).send({
        status: healthy ? 'ok' : 'degraded',
        database: { ...database, kind: ctx.database.kind },
        jobs,
        channels,
        quarantined,
      });
    },
  );
}
