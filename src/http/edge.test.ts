import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../db/database.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { trustProxyOption } from './app.ts';

describe('TRUST_PROXY', () => {
  const ipThrough = async (trust: boolean | number | string, forwardedFor: string) => {
    const app = Fastify({ trustProxy: trustProxyOption(trust) });
    app.get('/ip', async (request) => request.ip);
    const response = await app.inject({
      method: 'GET',
      url: '/ip',
      remoteAddress: '10.0.0.2',
      headers: { 'x-forwarded-for': forwardedFor },
    });
    await app.close();
    return response.body;
  };

  it('true trusts exactly the nearest proxy: a client cannot choose its address with its own header', async () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it saw, 203.0.113.5.
    expect(await ipThrough(true, '6.6.6.6, 203.0.113.5')).toBe('203.0.113.5');
    expect(await ipThrough(2, '6.6.6.6, 203.0.113.5, 10.0.0.9')).toBe('203.0.113.5');
    expect(await ipThrough(false, '6.6.6.6')).toBe('10.0.0.2');
  });
});

describeEachDatabase('the edge: hostile text and security headers', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { work: false, config: { TRUST_PROXY: 'true' } });
  });
  afterAll(() => app?.close());

  it('a NUL byte or a lone surrogate in JSON is cleaned, not a 500, on login and on the portal', async () => {
    const login = await app.atiende.http.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":"admin\\u0000@example.test","password":"x\\ud800y"}',
    });
    expect(login.statusCode).toBe(401);

    const filed = await app.atiende.http.inject({
      method: 'POST',
      url: '/api/v1/portal/requests',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        requestType: 'falla',
        description: 'Sin internet\u0000 desde ayer \ud83d y sin señal',
        name: 'Ana\u0000 Treviño',
        phone: '81 5555 0101',
        idempotencyKey: 'edge-nul-0001',
      }),
    });
    expect(filed.statusCode).toBe(201);
    const [stored] = await queryRows<{ body: string }>(
      app.atiende.ctx.db,
      sql`select m.body from messages m join cases c on c.id = m.case_id where c.folio = ${filed.json().folio}`,
    );
    expect(stored?.body).toContain('Sin internet desde ayer \uFFFD y sin señal');
    expect(stored?.body).not.toContain('\u0000');
  });

  it('every answer carries the security headers; HSTS only over HTTPS through the trusted proxy', async () => {
    const plain = await app.atiende.http.inject({ method: 'GET', url: '/api/v1/health' });
    const csp = String(plain.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    expect(plain.headers['referrer-policy']).toBe('same-origin');
    expect(plain.headers['strict-transport-security']).toBeUndefined();

    const secure = await app.atiende.http.inject({
      method: 'GET',
      url: '/api/v1/health',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(secure.headers['strict-transport-security']).toContain('max-age=');

    const problem = await app.atiende.http.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(problem.headers['x-content-type-options']).toBe('nosniff');
  });
});
