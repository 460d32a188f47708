import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';

describeEachDatabase('the rest days a business calendar observes', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
  });
  afterAll(() => app?.close());

  it('lists the mandatory rest days of the year asked for', async () => {
    const session = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const response = await session.request('GET', '/api/v1/settings/holidays?year=2030');
    expect(response.statusCode).toBe(200);
    const { year, days } = response.json();
    expect(year).toBe(2030);
    expect(days).toContain('2030-01-01');
    expect(days).toContain('2030-10-01');
    expect(days).not.toContain('2030-12-01');
  });

  it('refuses an absurd or missing year with the field named', async () => {
    const session = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    for (const query of ['?year=99999', '?year=2026.5', '?year=abc', '']) {
      const response = await session.request('GET', `/api/v1/settings/holidays${query}`);
      expect(response.statusCode, query).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, query).toBeLessThan(500);
      expect(response.json().field, query).toBe('querystring.year');
    }
  });

  it('is for agents who run the desk, not the public', async () => {
    const response = await app.atiende.http.inject({
      method: 'GET',
      url: '/api/v1/settings/holidays?year=2030',
    });
    expect(response.statusCode).toBe(401);
  });

  it('lists the default deadline policies with their sources', async () => {
    const session = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const response = await session.request('GET', '/api/v1/settings/deadline-defaults');
    expect(response.statusCode).toBe(200);
    const policies: Array<{ requestType: string; subtype?: string; source: string }> = response.json();
    expect(policies.find((p) => p.requestType === 'falla' && !p.subtype)?.source).toContain('24 h');
    expect(policies.every((p) => p.source.length > 0)).toBe(true);
  });
});
