import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres } from '../test/databases.ts';
import { loginOverHttp, type ServerProcess, startServers } from '../test/processes.ts';

describePostgres('deadline escalation with two server processes', () => {
  let servers: ServerProcess[] = [];
  let url: string | undefined;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ processes: servers, databaseUrl: url, stop } = await startServers(2));
  });
  afterAll(() => stop?.());

  it('warns and escalates each deadline exactly once, whichever process runs the checks', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const headers = await loginOverHttp(a.url);
    // Deadlines of seconds, so the real job queue fires them during the test.
    const settings = await (await fetch(`${a.url}/api/v1/settings`, { headers })).json();
    settings.deadlines.policies = settings.deadlines.policies.map((p: { requestType: string }) =>
      p.requestType === 'sugerencia'
        ? {
            ...p,
            firstResponse: { amount: 0.03, unit: 'minutes', clock: 'calendar' },
            resolution: { amount: 0.06, unit: 'minutes', clock: 'calendar' },
          }
        : p,
    );
    expect(
      (await fetch(`${b.url}/api/v1/settings`, { method: 'PUT', headers, body: JSON.stringify(settings) }))
        .status,
    ).toBe(200);

    const folios: string[] = [];
    for (const server of [a, b, a, b]) {
      const response = await fetch(`${server.url}/api/v1/cases`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          requestType: 'sugerencia',
          channel: 'telefono',
          contact: { kind: 'phone', address: `81 4000 ${String(folios.length).padStart(4, '0')}` },
          description: 'Sugiero abrir una sucursal en Apodaca',
        }),
      });
      expect(response.status).toBe(201);
      folios.push(((await response.json()) as { folio: string }).folio);
    }

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const counts = async () =>
        (
          await client.query<{ folio: string; kind: string; n: number }>(
            `select c.folio, e.kind, count(*)::int as n from events e join cases c on c.id = e.case_id
             where e.kind in ('deadline_warning', 'deadline_breached') group by c.folio, e.kind`,
          )
        ).rows;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (await counts()).reduce((sum, r) => sum + r.n, 0) < folios.length * 4) {
        await new Promise((r) => setTimeout(r, 500));
      }
      // Let any duplicate delivery of a check job land before counting.
      await new Promise((r) => setTimeout(r, 3000));
      const rows = await counts();
      for (const folio of folios) {
        // Two deadlines per case (first response and resolution), each warned once and breached once.
        expect(
          rows
            .filter((r) => r.folio === folio)
            .map((r) => [r.kind, r.n])
            .sort(),
        ).toEqual([
          ['deadline_breached', 2],
          ['deadline_warning', 2],
        ]);
      }
      const flags = await client.query<{ n: number }>(`select count(*)::int as n from deadline_alerts`);
      // One alert per deadline, at its last state.
      expect(flags.rows[0]?.n).toBe(folios.length * 2);
    } finally {
      await client.end();
    }
  }, 120_000);
});
