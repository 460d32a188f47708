import { eq } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { cases } from '../db/schema.ts';
import type { HttpApp } from '../http/app.ts';
import { requireActor } from '../http/auth.ts';
import { eventsSince, type LiveEvent } from './live.service.ts';

const write = (reply: FastifyReply, event: LiveEvent) => {
  reply.raw.write(`id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`);
};

/**
 * Server-sent events for the agent console: every change to a case (new case, message, status,
 * transfer, deadline flag…) as `id: <event id>`. A console that reconnects sends Last-Event-ID and gets
 * what it missed first, so nothing is lost across a dropped connection or a switch of server process.
 */
export function liveRoutes(app: HttpApp, ctx: AppContext) {
  app.get(
    '/live',
    {
      onRequest: requireActor(),
      schema: {
        tags: ['live'],
        summary: 'Server-sent events of every change to cases (text/event-stream)',
        querystring: z.object({ lastEventId: z.coerce.number().int().min(0).optional() }),
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      const fromHeader = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : undefined;
      let lastSent = fromHeader ?? request.query.lastEventId ?? -1;
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      reply.raw.write('retry: 2000\n\n');
      const pending: Array<{ id: number; kind: string; caseId: string | null }> = [];
      let replaying = true;
      const send = async (event: { id: number; kind: string; caseId: string | null }) => {
        if (event.id <= lastSent) return;
        const [row] = event.caseId
          ? await ctx.db.select({ folio: cases.folio }).from(cases).where(eq(cases.id, event.caseId))
          : [];
        lastSent = event.id;
        write(reply, { ...event, folio: row?.folio ?? null });
      };
      const unsubscribe = ctx.live.subscribe((event) => {
        if (replaying) pending.push(event);
        else void send(event).catch(() => {});
      });
      const heartbeat = setInterval(() => reply.raw.write(': keep-alive\n\n'), 25_000);
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
      });
      if (lastSent >= 0) {
        for (const event of await eventsSince(ctx.db, lastSent)) {
          lastSent = event.id;
          write(reply, event);
        }
      }
      replaying = false;
      for (const event of pending.splice(0)) await send(event);
    },
  );
}
