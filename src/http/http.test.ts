import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { installProblemHandlers } from './problem.ts';

describe('unexpected errors', () => {
  it('become a 500 problem with a correlation id and no internals', async () => {
    const app = Fastify({ logger: false });
    installProblemHandlers(app);
    app.get('/boom', async () => {
      throw new Error('secret internals: password=hunter2');
    });
    const response = await app.inject({ method: 'GET', url: '/boom', headers: { 'request-id': 'x' } });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).not.toContain('hunter2');
    expect(response.json()).toMatchObject({ code: 'internal', correlationId: expect.any(String) });
  });
});

describeEachDatabase('HTTP conventions', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
  });
  afterAll(() => app?.close());

  const expectProblem = (
    response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
    status: number,
    code: string,
  ) => {
    expect(response.statusCode).toBe(status);
    expect(String(response.headers['content-type'])).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      status,
      code,
      type: `https://atiende.dev/problems/${code}`,
      title: expect.any(String),
    });
  };

  it('reports health of the database and the job queue', async () => {
    const response = await app.atiende.http.inject({ method: 'GET', url: '/api/v1/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      database: { status: 'ok', kind },
      jobs: { status: 'ok' },
    });
  });

  it('serves the OpenAPI document and the browsable docs', async () => {
    const doc = await app.atiende.http.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(doc.statusCode).toBe(200);
    const spec = doc.json() as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/health', '/api/v1/agents']),
    );
    const docs = await app.atiende.http.inject({ method: 'GET', url: '/api/v1/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('answers unknown routes, malformed JSON and invalid fields with problem+json naming the field', async () => {
    expectProblem(
      await app.atiende.http.inject({ method: 'GET', url: '/api/v1/nope' }),
      404,
      'route.not_found',
    );
    expectProblem(
      await app.atiende.http.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"email":',
      }),
      400,
      'request.malformed_json',
    );
    const invalid = await app.atiende.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 42 },
    });
    expectProblem(invalid, 400, 'request.invalid');
    expect(invalid.json().field).toBe('body.email');
  });

  it('refuses oversize bodies with 413', async () => {
    const response = await app.atiende.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) },
    });
    expectProblem(response, 413, 'request.too_large');
  });

  it('lets admins read and change settings, recording the difference', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const settings = (await admin.request('GET', '/api/v1/settings')).json();
    expect(settings.provider.folioPrefix).toBe('MON');
    const changed = { ...settings, provider: { ...settings.provider, name: 'Monet Móvil Norte' } };
    const response = await admin.request('PUT', '/api/v1/settings', changed);
    expect(response.statusCode).toBe(200);
    expect(response.json().changes).toEqual([
      { path: 'provider.name', before: 'Monet Móvil', after: 'Monet Móvil Norte' },
    ]);
    const bad = await admin.request('PUT', '/api/v1/settings', {
      ...settings,
      routingRules: [{ area: 'nope' }],
    });
    expect(bad.statusCode).toBe(400);
    expect((await admin.request('GET', '/api/v1/settings')).json().provider.name).toBe('Monet Móvil Norte');
  });
});
