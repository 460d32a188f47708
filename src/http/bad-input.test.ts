import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/database.ts';
import { DEFAULT_PORTAL_ATTACHMENTS, portalBodyLimit } from '../portal/portal.limits.ts';
import { startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { badRequestsFor, hostileRequestsFor } from '../test/openapi-inputs.ts';
import { responseValidator } from '../test/openapi-responses.ts';

/** The body limit each route declares: the portal's request and reply take files, the rest 1 MiB. */
const bodyLimitOf = (_method: string, template: string) =>
  /^\/api\/v1\/portal\/(requests|replies)$/.test(template)
    ? portalBodyLimit(DEFAULT_PORTAL_ATTACHMENTS)
    : 1024 * 1024;

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
   * Row counts of every table of Atiende's schema in one statement, to prove a refused request wrote
   * nothing. Request limits count refused requests too (that is their job), so their counters are left out.
   */
  let countQuery: ReturnType<typeof sql.raw> | undefined;
  const rowCounts = async () => {
    if (!countQuery) {
      const tables = await queryRows<{ name: string }>(
        app.atiende.ctx.db,
        sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like '__drizzle%' and table_name <> 'throttles' order by 1`,
      );
      countQuery = sql.raw(
        `select ${tables.map(({ name }) => `(select count(*) from "${name}")::int as "${name}"`).join(', ')}`,
      );
    }
    const [row] = await queryRows<Record<string, number>>(app.atiende.ctx.db, countQuery);
    return JSON.stringify(row);
  };

  it('answers 4xx problem+json, never 5xx, writes nothing when it refuses, and answers 2xx as documented', async () => {
    const spec = (await app.atiende.http.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const requests = [...badRequestsFor(spec.paths), ...hostileRequestsFor(spec.paths, bodyLimitOf)];
    expect(requests.length).toBeGreaterThan(300);
    const matchesSchema = responseValidator(spec);
    const failures: string[] = [];
    let accepted = 0;
    for (const [i, request] of requests.entries()) {
      const before = await rowCounts();
      const response = await app.atiende.http.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: { authorization: `Bearer ${bearer}`, ...request.headers },
        // Each from its own address, so the per-address limits do not refuse them before the checks under test.
        remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        ...(request.payload === undefined ? {} : { payload: request.payload }),
      });
      const status = response.statusCode;
      if (status >= 500) failures.push(`${request.label}: ${status} ${response.body.slice(0, 200)}`);
      else if (status >= 400) {
        if (!String(response.headers['content-type']).includes('application/problem+json')) {
          failures.push(`${request.label}: ${status} without problem+json`);
        }
        if ((await rowCounts()) !== before) failures.push(`${request.label}: ${status} but wrote rows`);
      } else {
        accepted++;
        if (request.mayBeAccepted === false) failures.push(`${request.label}: accepted with ${status}`);
        const problem = matchesSchema(request.method, request.url, status, response);
        if (problem) failures.push(`${request.label}: ${status} ${problem}`);
      }
    }
    expect(failures).toEqual([]);
    // Cleaned hostile text is accepted on many operations, so the 2xx check above is not vacuous.
    expect(accepted).toBeGreaterThan(10);
  }, 600_000);
});
