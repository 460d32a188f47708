import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createPostgresDatabase,
  describePostgres,
  dropPostgresDatabase,
  POSTGRES_URL,
} from '../test/databases.ts';
import { type FakeGraph, startFakeGraph } from '../test/fake-graph.ts';
import { type ServerProcess, startServerProcess } from '../test/processes.ts';
import { waitUntil } from '../test/wait.ts';
import { waId, waMessagesPayload, waText } from './testing/wa-payloads.ts';
import { signMetaPayload } from './whatsapp/signature.ts';

const SECRET = 'app-secret-for-tests';

describePostgres('WhatsApp webhooks across server processes', () => {
  let url: string;
  let graph: FakeGraph;
  const running: ServerProcess[] = [];
  const env = () => ({
    DATABASE_URL: url,
    GRAPH_BASE_URL: graph.url,
    WHATSAPP_VERIFY_TOKEN: 'verify-token-for-tests',
    WHATSAPP_APP_SECRET: SECRET,
    WHATSAPP_ACCESS_TOKEN: 'access-token-for-tests',
    WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
  });
  const start = async (extra: Record<string, string> = {}) => {
    const server = await startServerProcess({ ...env(), ...extra });
    running.push(server);
    return server;
  };
  const deliver = (server: ServerProcess, raw: string) =>
    fetch(`${server.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signMetaPayload(Buffer.from(raw), SECRET),
      },
      body: raw,
    });
  const query = async <T>(text: string, values: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const sendsTo = (wa: string) =>
    graph.sent.filter((s) => (s.body as { to?: string } | undefined)?.to === `52${wa.slice(-10)}`);
  const until = (predicate: () => boolean | Promise<boolean>, ms = 30_000) => waitUntil(predicate, ms);

  beforeAll(async () => {
    graph = await startFakeGraph();
    url = await createPostgresDatabase();
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop().catch(() => {})));
    await graph?.close();
    await dropPostgresDatabase(url);
  });

  it('stores a payload redelivered concurrently to two processes once, and acknowledges it once', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const wa = waId(7001);
    const raw = JSON.stringify(waMessagesPayload(wa, 'Carmen', [waText('Se fue el internet')]));
    const answers = await Promise.all([
      deliver(a as ServerProcess, raw),
      deliver(b as ServerProcess, raw),
      deliver(a as ServerProcess, raw),
      deliver(b as ServerProcess, raw),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const deliveries = await query<{ n: number }>('select count(*)::int as n from inbound_deliveries');
    expect(deliveries[0]?.n).toBe(1);
    const stored = async () =>
      (
        await query<{ n: number }>(
          "select count(*)::int as n from messages m join inbound_receipts r on r.message_id = m.id where m.kind = 'entrante' and m.channel = 'whatsapp'",
        )
      )[0]?.n;
    await until(async () => (await stored()) === 1);
    await until(() => sendsTo(wa).length >= 1);
    await new Promise((r) => setTimeout(r, 3000));
    expect(sendsTo(wa)).toHaveLength(1);
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('answers non-200 when the database is down, storing nothing; a later redelivery is stored once', async () => {
    const server = await start();
    const wa = waId(7002);
    const raw = JSON.stringify(waMessagesPayload(wa, 'Jorge', [waText('Hola, no tengo internet')]));
    const name = new URL(url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`alter database ${name} with allow_connections false`);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      const down = await deliver(server, raw);
      expect(down.status).toBeGreaterThanOrEqual(500);
    } finally {
      await admin.query(`alter database ${name} with allow_connections true`);
      await admin.end();
    }
    const before = await query<{ n: number }>(
      'select count(*)::int as n from contact_points where address = $1',
      [`+52${wa.slice(-10)}`],
    );
    expect(before[0]?.n).toBe(0);
    // Meta keeps retrying until it gets a 200; a connection dropped while the database came back is
    // one more failed attempt (fetch reports it as a TypeError), anything else fails the test.
    const attempt = () =>
      deliver(server, raw).catch((error: unknown) => {
        if (error instanceof TypeError) return undefined;
        throw error;
      });
    await until(async () => (await attempt())?.status === 200);
    const after = async () =>
      (
        await query<{ n: number }>(
          "select count(*)::int as n from messages m join cases c on c.id = m.case_id join contact_points cp on cp.customer_id = c.customer_id where cp.address = $1 and m.kind = 'entrante'",
          [`+52${wa.slice(-10)}`],
        )
      )[0]?.n;
    await until(async () => (await after()) === 1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await after()).toBe(1);
    await server.stop();
  });

  it('sends an acknowledgement queued by a process killed with SIGKILL once, after a restart', async () => {
    const webOnly = await start({ ATIENDE_WORKERS: 'false' });
    const wa = waId(7003);
    const raw = JSON.stringify(waMessagesPayload(wa, 'Lupita', [waText('Necesito aclarar un cobro')]));
    expect((await deliver(webOnly, raw)).status).toBe(200);
    await webOnly.kill();
    expect(sendsTo(wa)).toHaveLength(0);
    const worker = await start();
    await until(() => sendsTo(wa).length >= 1);
    await new Promise((r) => setTimeout(r, 3000));
    expect(sendsTo(wa)).toHaveLength(1);
    await worker.stop();
  });
});
