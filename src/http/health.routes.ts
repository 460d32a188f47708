import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { channelHealth } from '../channels/health.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from './app.ts';

const ComponentHealth = z.object({ status: z.enum(['ok', 'error', 'off']), detail: z.string().optional() });
export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  database: ComponentHealth.extend({ kind: z.enum(['pglite', 'postgres']) }),
  jobs: ComponentHealth,
  channels: z.record(z.string(), ComponentHealth),
});

export function healthRoutes(app: HttpApp, ctx: AppContext) {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Health of the database, the job queue and each channel',
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (_request, reply) => {
      let database: z.infer<typeof ComponentHealth>;
      try {
        await ctx.db.execute(sql`select 1`);
        database = { status: 'ok' };
      } catch (error) {
        database = { status: 'error', detail: (error as Error).message };
      }
      const jobs = await ctx.jobs.health();
      const channels = await channelHealth(ctx);
      const healthy = database.status === 'ok' && jobs.status === 'ok';
      return reply.status(healthy ? 200 : 503).send({
        status: healthy ? 'ok' : 'degraded',
        database: { ...database, kind: ctx.database.kind },
        jobs,
        channels,
      });
    },
  );
}
