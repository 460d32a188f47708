import net from 'node:net';
import type { InjectOptions } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Atiende, startAtiende } from '../app.ts';
import { openDatabase } from '../db/database.ts';
import { TEST_ADMIN, testConfig } from '../test/app.ts';
import { createPostgresDatabase, describePostgres, dropPostgresDatabase } from '../test/databases.ts';

/** A TCP relay to the PostgreSQL server that the test can cut and restore, as a network outage would. */
async function relay(target: URL) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      const listening = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server = listening;
      listening.listen(port, '127.0.0.1', () => {
        port = (listening.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    url: () => Object.assign(new URL(target), { hostname: '127.0.0.1', port: String(port) }).toString(),
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server?.close(() => resolve());
      }),
    restore: listen,
  };
}

describePostgres('the database down or slow', () => {
  let url: string;
  let link: Awaited<ReturnType<typeof relay>>;
  let atiende: Atiende;
  let bearer: string;

  beforeAll(async () => {
    url = await createPostgresDatabase();
    link = await relay(new URL(url));
    const handle = await openDatabase({
      kind: 'postgres',
      url: link.url(),
      poolSize: 5,
      timeouts: { connectMs: 1_000, statementMs: 3_000, lockMs: 500 },
    });
    atiende = await startAtiende(testConfig(), {
      database: handle,
      work: false,
      logger: pino({ level: 'silent' }),
    });
    const login = await atiende.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: TEST_ADMIN.email, password: TEST_ADMIN.password },
    });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    bearer = (
      await atiende.http.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { cookie, 'x-csrf-token': login.json().csrfToken },
        payload: { name: 'outage' },
      })
    ).json().token;
  }, 60_000);

  afterAll(async () => {
    await atiende?.close();
    if (url) await dropPostgresDatabase(url);
  });

  const timed = async (request: InjectOptions) => {
    const started = performance.now();
    const response = await atiende.http.inject(request);
    return { response, ms: performance.now() - started };
  };

  it('a held lock ends in 503 problem+json with Retry-After, not an endless wait; health still answers', async () => {
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table cases in access exclusive mode');
      const { response } = await timed({
        method: 'GET',
        url: '/api/v1/cases',
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({ code: 'service.unavailable', status: 503 });
      const health = await timed({ method: 'GET', url: '/api/v1/health' });
      expect(health.ms).toBeLessThan(2_000);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
  });

  it('a database outage is 503 everywhere, /health included, and health answers within 2 s', async () => {
    await link.cut();
    try {
      const { response } = await timed({
        method: 'GET',
        url: '/api/v1/cases',
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(response.statusCode).toBe(503);
      expect(response.json().code).toBe('service.unavailable');
      expect(response.headers['retry-after']).toBe('5');
      const login = await atiende.http.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: TEST_ADMIN.email, password: 'whatever it is' },
      });
      expect(login.statusCode).toBe(503);
      const health = await timed({ method: 'GET', url: '/api/v1/health' });
      expect(health.ms).toBeLessThan(2_000);
      expect(health.response.statusCode).toBe(503);
      expect(health.response.json()).toMatchObject({ status: 'degraded', database: { status: 'error' } });
    } finally {
      await link.restore();
    }
    const back = await atiende.http.inject({
      method: 'GET',
      url: '/api/v1/cases',
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(back.statusCode).toBe(200);
  }, 30_000);
});
