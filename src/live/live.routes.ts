import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { databaseAuthenticator } from '../auth/auth.service.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { admissionCheck, requireActor } from '../http/auth.ts';
import { eventsSince, type LiveEvent } from './live.service.ts';

/** How far before the last id a console saw its resumed stream starts: commits reorder ids this much at most. */
const REPLAY_MARGIN = 200;
const REPLAY_PAGE = 500;
/** How often an open stream makes sure its caller may still listen, when no event made it check sooner. */
export const LIVE_RECHECK_MS = 30_000;

// Every event goes out as a plain `message`, its kind in the data: a named SSE event reaches only a
// browser listening for that name, so a console would never hear a kind newer than its own list.
const write = (reply: FastifyReply, event: LiveEvent) => {
  reply.raw.write(`id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
};

/**
 * Server-sent events for the agent console: every change to a case (new case, message, status,
 * transfer, deadline flag…), of every kind, as `id: <event id>` and the event as JSON data; each screen
 * picks the kinds it cares about. A console that reconnects sends Last-Event-ID and gets
 * what it missed first, so nothing is lost across a dropped connection or a switch of server process.
 * The stream ends once its caller is no longer admitted (logged out, session expired, agent deactivated,
 * password changed or reset): checked before each batch of events goes out, and every
 * {@link LIVE_RECHECK_MS} in between, so a quiet stream does not outlive its session either.
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
      const resumeFrom = fromHeader ?? request.query.lastEventId;
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      reply.raw.write('retry: 2000\n\n');
      // Event ids are taken at insert but become visible at commit, so a lower id can commit after a
      // higher one. Instead of a high-water mark, each stream remembers the ids it sent, and a resumed
      // stream replays a margin before the last id it saw; the console folds repeats into one refresh.
      const sent = new Set<number>();
      const send = (event: LiveEvent) => {
        if (sent.has(event.id)) return;
        sent.add(event.id);
        if (sent.size > 10_000) sent.delete(sent.values().next().value as number);
        write(reply, event);
      };
      const stillAdmitted = admissionCheck(databaseAuthenticator(ctx.db), ctx.clock, request);
      let checking: Promise<boolean> | undefined;
      // A database hiccup is no reason to drop every console: the stream goes on until a check answers.
      const recheck = () => {
        checking ??= stillAdmitted()
          .catch(() => true)
          .finally(() => {
            checking = undefined;
          });
        return checking;
      };
      // Events arriving while a check is under way wait for it and go out together, in order.
      const held: LiveEvent[] = [];
      const receive = (event: LiveEvent) => {
        held.push(event);
        if (held.length > 1) return;
        void recheck().then((admitted) => {
          if (!admitted) return end();
          for (const waiting of held.splice(0)) send(waiting);
        });
      };
      const unsubscribe = ctx.live.subscribe(receive);
      const heartbeat = setInterval(() => reply.raw.write(': keep-alive\n\n'), 25_000);
      const watch = setInterval(() => {
        void recheck().then((admitted) => admitted || end());
      }, LIVE_RECHECK_MS);
      const stop = () => {
        clearInterval(heartbeat);
        clearInterval(watch);
        unsubscribe();
      };
      const end = () => {
        stop();
        reply.raw.end();
      };
      request.raw.on('close', stop);
      if (resumeFrom !== undefined) {
        let after = Math.max(-1, resumeFrom - REPLAY_MARGIN);
        for (;;) {
          const missed = await eventsSince(ctx.db, after, REPLAY_PAGE);
          for (const event of missed) send(event);
          if (missed.length < REPLAY_PAGE) break;
          after = missed.at(-1)?.id ?? after;
        }
      }
    },
  );
}
