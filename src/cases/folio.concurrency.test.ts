import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres } from '../test/databases.ts';
import { loginOverHttp, type ServerProcess, startServers } from '../test/processes.ts';

describePostgres('folios under concurrency across two server processes', () => {
  let servers: ServerProcess[] = [];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    // Both start together: migrations and seeding must serialise themselves.
    ({ processes: servers, stop } = await startServers(2));
  });
  afterAll(() => stop?.());

  it('gives 200 cases created in parallel across both processes 200 distinct folios', async () => {
    // A session lives in the shared database, so one login works on both processes.
    const headers = await loginOverHttp(servers[0]?.url as string);
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${servers[i % 2]?.url}/api/v1/cases`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            requestType: i % 3 === 0 ? 'falla' : 'consulta',
            channel: 'telefono',
            contact: { kind: 'phone', address: `+52 81 2000 ${String(i % 50).padStart(4, '0')}` },
            description: `Solicitud concurrente ${i}`,
          }),
        }),
      ),
    );
    const bodies = await Promise.all(
      responses.map(async (r) => ({ status: r.status, body: (await r.json()) as { folio: string } })),
    );
    expect(bodies.filter((b) => b.status !== 201)).toEqual([]);
    const folios = new Set(bodies.map((b) => b.body.folio));
    expect(folios.size).toBe(200);
  });
});
