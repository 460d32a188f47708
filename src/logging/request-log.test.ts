import Fastify, { type FastifyBaseLogger } from 'fastify';
import { expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { RequestLog } from './request-log.ts';

async function served(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger(level, {
    human: false,
    out: { write: (text: string) => lines.push(JSON.parse(text) as Record<string, unknown>) },
  });
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: new RequestLog() });
  app.get('/ok', async () => ({ ok: true }));
  app.get('/down', async (_request, reply) => reply.status(503).send({ down: true }));
  await app.inject({ method: 'GET', url: '/ok?phone=8112345678&limit=5' });
  await app.inject({ method: 'GET', url: '/down' });
  await app.close();
  return lines.filter((line) => line.req);
}

it('logs requests at debug only, one line each, the query values hidden', async () => {
  const lines = await served('debug');
  expect(lines.map((l) => [l.level, l.msg, (l.req as { url: string }).url, l.status])).toEqual([
    [20, 'request completed', '/ok?phone=…&limit=5', 200],
    [50, 'request failed', '/down', 503],
  ]);
});

it('keeps server failures at the default level, and nothing else', async () => {
  const lines = await served('info');
  expect(lines.map((l) => [l.level, l.status])).toEqual([[50, 503]]);
});
