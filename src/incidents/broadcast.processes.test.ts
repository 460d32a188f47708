import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waMessagesPayload, waText } from '../channels/testing/wa-payloads.ts';
import { signMetaPayload } from '../channels/whatsapp/signature.ts';
import { createPostgresDatabase, describePostgres, dropPostgresDatabase } from '../test/databases.ts';
import { type FakeGraph, startFakeGraph } from '../test/fake-graph.ts';
import { loginOverHttp, type ServerProcess, startServerProcess } from '../test/processes.ts';
import { waitUntil } from '../test/wait.ts';

const SECRET = 'app-secret-for-tests';
const CUSTOMERS = 120;
/** Slow enough that the broadcast is still running when the process is killed. */
const PER_SECOND = 10;

describePostgres('an incident broadcast killed halfway', () => {
  let url: string;
  let graph: FakeGraph;
  const running: ServerProcess[] = [];
  const start = async () => {
    const server = await startServerProcess({
      DATABASE_URL: url,
      GRAPH_BASE_URL: graph.url,
      WHATSAPP_VERIFY_TOKEN: 'verify-token-for-tests',
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_ACCESS_TOKEN: 'access-token-for-tests',
      WHATSAPP_PHONE_NUMBER_ID: '200000000000001',
    });
    running.push(server);
    return server;
  };
  const query = async <T>(text: string, values: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const count = async (text: string, values: unknown[] = []) =>
    Number((await query<{ n: string }>(text, values))[0]?.n ?? 0);

  beforeAll(async () => {
    graph = await startFakeGraph();
    url = await createPostgresDatabase();
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop().catch(() => {})));
    await graph?.close();
    await dropPostgresDatabase(url);
  });

  it('resumes after a SIGKILL and tells every customer exactly once', async () => {
    const first = await start();
    const headers = await loginOverHttp(first.url);
    const api = async <T>(server: ServerProcess, method: string, route: string, body?: unknown) => {
      const response = await fetch(`${server.url}/api/v1${route}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      expect(response.ok, `${method} ${route}: ${text}`).toBe(true);
      return JSON.parse(text) as T;
    };
    const settings = await api<{ incidents: { broadcastPerSecond: Record<string, number> } }>(
      first,
      'GET',
      '/settings',
    );
    await api(first, 'PATCH', '/settings/incidents', {
      ...settings.incidents,
      broadcastPerSecond: { whatsapp: PER_SECOND, messenger: PER_SECOND, email: PER_SECOND },
    });
    const zone = await api<{ id: number }>(first, 'POST', '/zones', { code: 'TP', name: 'Torre Poniente' });
    await query(
      `with c as (
         insert into customers (name, account_number)
         select 'Cliente ' || g, 'TP-' || g from generate_series(1, $1) g returning id, account_number)
       , p as (insert into contact_points (customer_id, kind, address)
         select id, 'whatsapp', '+52813300' || lpad(substr(account_number, 4), 4, '0') from c returning 1)
       insert into services (customer_id, external_ref, zone_id, status, cutoff_day)
       select id, account_number, $2, 'activo', 15 from c`,
      [CUSTOMERS, zone.id],
    );
    const incident = await api<{ id: string }>(first, 'POST', '/incidents', {
      zoneIds: [zone.id],
      cause: 'enlace',
      publicText: 'Se cayó el enlace de la Torre Poniente.',
    });
    for (let i = 1; i <= CUSTOMERS; i++) {
      const raw = JSON.stringify(
        waMessagesPayload(`521813300${String(i).padStart(4, '0')}`, `Cliente ${i}`, [waText('Sin internet')]),
      );
      const response = await fetch(`${first.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signMetaPayload(Buffer.from(raw), SECRET),
        },
        body: raw,
      });
      expect(response.status).toBe(200);
    }
    await waitUntil(
      async () =>
        (await count('select count(*) as n from cases where incident_id = $1', [incident.id])) === CUSTOMERS,
      120_000,
    );

    await api(first, 'POST', `/incidents/${incident.id}/updates`, { text: 'La cuadrilla va en camino.' });
    const [update] = await query<{ id: string }>(
      `select id from incident_updates where incident_id = $1 order by created_at desc, id limit 1`,
      [incident.id],
    );
    const told = () => count('select count(*) as n from incident_notices where update_id = $1', [update?.id]);
    await waitUntil(async () => (await told()) >= CUSTOMERS / 4, 60_000);
    await first.kill();
    const atKill = await told();
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(CUSTOMERS);

    await start();
    await waitUntil(async () => (await told()) === CUSTOMERS, 180_000);
    const perCustomer = await query<{ customer_id: string; notices: string; messages: string }>(
      `select n.customer_id, count(distinct n.update_id) as notices,
              (select count(*) from messages m join cases c on c.id = m.case_id
                where c.customer_id = n.customer_id and m.kind = 'saliente'
                  and m.body like '%La cuadrilla va en camino.%') as messages
         from incident_notices n where n.update_id = $1 group by n.customer_id`,
      [update?.id],
    );
    expect(perCustomer).toHaveLength(CUSTOMERS);
    expect(perCustomer.filter((r) => Number(r.notices) !== 1 || Number(r.messages) !== 1)).toEqual([]);
  }, 420_000);
});
