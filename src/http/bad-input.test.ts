import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/database.ts';
import { startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { badRequestsFor } from '../test/openapi-inputs.ts';

describeEachDatabase('bad input on every endpoint of the OpenAPI document', (kind) => {
  let app: TestApp;
  let bearer: string;

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    bearer = (await admin.request('POST', '/api/v1/tokens', { name: 'fuzz' })).json().token;
  });
  afterAll(() => app?.close());

  /**
   * Row counts of every table of Atiende's schema, to prove a refused request wrote nothing. Request
   * limits count refused requests too (that is their job), so their counters are left out.
   */
  const rowCounts = async () => {
    const tables = await queryRows<{ name: string }>(
      app.atiende.ctx.db,
      sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like '__drizzle%' and table_name <> 'throttles' order by 1`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = await queryRows<{ n: number }>(
        app.atiende.ctx.db,
        sql.raw(`select count(*)::int as n from "${name}"`),
      );
      counts[name] = row?.n ?? 0;
    }
    return counts;
  };

  it('answers 4xx problem+json, never 500, and writes nothing', async () => {
    const spec = (await app.atiende.http.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const requests = badRequestsFor(spec.paths);
    expect(requests.length).toBeGreaterThan(30);
    const failures: string[] = [];
    for (const request of requests) {
      const before = await rowCounts();
      const response = await app.atiende.http.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: { authorization: `Bearer ${bearer}`, ...request.headers },
        ...(request.payload === undefined ? {} : { payload: request.payload }),
      });
      const status = response.statusCode;
      if (status >= 500) failures.push(`${request.label}: ${status} ${response.body.slice(0, 200)}`);
      else if (status >= 400) {
        if (!String(response.headers['content-type']).includes('application/problem+json')) {
          failures.push(`${request.label}: ${status} without problem+json`);
        }
        const after = await rowCounts();
        if (JSON.stringify(after) !== JSON.stringify(before))
          failures.push(`${request.label}: ${status} but wrote rows`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
