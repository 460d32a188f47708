import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { LOGIN_DELAY } from './auth.service.ts';

describeEachDatabase('authentication and authorization', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(new Date('2026-11-25T16:00:00Z'));

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
  });
  afterAll(() => app?.close());

  const inject = (options: InjectOptions) => app.atiende.http.inject(options);
  const loginAttempt = (email: string, password: string, remoteAddress = '127.0.0.1') =>
    inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

  it('logs the configured first admin in with an httpOnly, SameSite=Lax session cookie', async () => {
    const response = await loginAttempt(TEST_ADMIN.email, TEST_ADMIN.password);
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'atiende_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(response.json()).toMatchObject({ agent: { email: TEST_ADMIN.email, role: 'admin' } });
  });

  it('refuses a wrong password and an unknown e-mail alike, as problem+json', async () => {
    const wrong = await loginAttempt(TEST_ADMIN.email, 'not the password');
    const unknown = await loginAttempt('nobody@example.test', 'not the password');
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'auth.invalid_credentials', status: 401 });
    }
  });

  it('slows down guessing per account and address, tells nobody who exists, and never locks the agent out', async () => {
    const agent = await app.sessionAs('agent');
    const email = (await agent.request('GET', '/api/v1/auth/session')).json().agent.email as string;
    const guesser = '198.51.100.9';
    for (const target of [email, 'nobody@example.test']) {
      // The attempt past the free ones is still checked; it is the next one that waits.
      for (let i = 0; i <= LOGIN_DELAY.free; i++) {
        expect((await loginAttempt(target, `wrong ${i}`, guesser)).statusCode).toBe(401);
      }
      const slowed = await loginAttempt(target, 'a long enough password', guesser);
      expect(slowed.statusCode).toBe(429);
      expect(slowed.json().code).toBe('auth.throttled');
      expect(Number(slowed.headers['retry-after'])).toBe(LOGIN_DELAY.baseMs / 1000);
    }
    // The agent, from their own address, is not held by the stranger's guesses.
    expect((await loginAttempt(email, 'a long enough password')).statusCode).toBe(200);
    // The guesser waits, then gets one more try, and each miss doubles the wait.
    clock.advance(LOGIN_DELAY.baseMs);
    expect((await loginAttempt(email, 'still wrong', guesser)).statusCode).toBe(401);
    const doubled = await loginAttempt(email, 'still wrong', guesser);
    expect(Number(doubled.headers['retry-after'])).toBe((2 * LOGIN_DELAY.baseMs) / 1000);
  });

  it('counts parallel guesses before checking any of them', async () => {
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => loginAttempt(TEST_ADMIN.email, `parallel ${i}`, '198.51.100.10')),
    );
    const checked = guesses.filter((r) => r.statusCode === 401).length;
    expect(checked).toBe(LOGIN_DELAY.free + 1);
    expect(guesses.filter((r) => r.statusCode === 429)).toHaveLength(20 - checked);
  });

  it('refuses a cookie-authenticated write without the CSRF token, and accepts it with the token', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const payload = { name: 'sin csrf' };
    const without = await inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: admin.cookie },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('auth.csrf');
    const wrong = await inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: admin.cookie, 'x-csrf-token': 'forged' },
      payload,
    });
    expect(wrong.statusCode).toBe(403);
    const withToken = await admin.request('POST', '/api/v1/tokens', { name: 'con csrf' });
    expect(withToken.statusCode).toBe(201);
  });

  it('reads with a session need no CSRF token; logout ends the session', async () => {
    const agent = await app.sessionAs('agent');
    const read = await inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: agent.cookie },
    });
    expect(read.statusCode).toBe(200);
    expect((await agent.request('POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    const after = await inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: agent.cookie },
    });
    expect(after.statusCode).toBe(401);
  });

  it('expires sessions', async () => {
    const agent = await app.sessionAs('agent');
    clock.advance(13 * 3_600_000);
    expect((await agent.request('GET', '/api/v1/auth/session')).statusCode).toBe(401);
  });

  it('API tokens: shown once, work as bearer, stored hashed, and stop working when revoked', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const created = await admin.request('POST', '/api/v1/tokens', { name: 'CRM' });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json() as { id: string; token: string };
    expect(token).toMatch(/^atd_/);
    const listed = await admin.request('GET', '/api/v1/tokens');
    expect(JSON.stringify(listed.json())).not.toContain(token);

    const bearer = { authorization: `Bearer ${token}` };
    // A bearer write needs no CSRF token: browsers never attach it on their own.
    const write = await inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer,
      payload: { name: 'x' },
    });
    expect(write.statusCode).toBe(201);

    expect((await admin.request('DELETE', `/api/v1/tokens/${id}`)).json().revokedAt).not.toBeNull();
    const refused = await inject({ method: 'GET', url: '/api/v1/agents', headers: bearer });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('auth.invalid_token');
  });

  it('checks roles: agents and supervisors cannot administer, anonymous callers are asked to log in', async () => {
    for (const role of ['agent', 'supervisor'] as const) {
      const session = await app.sessionAs(role);
      const response = await session.request('POST', '/api/v1/agents', {
        email: `x-${role}@example.test`,
        name: 'X',
        password: 'a long enough password',
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('auth.forbidden');
    }
    const anonymous = await inject({ method: 'GET', url: '/api/v1/agents' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe('auth.required');
  });

  it('admins create agents; a taken e-mail is a 409 naming the field', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const body = {
      email: 'Nueva@Example.test',
      name: 'Nueva',
      password: 'a long enough password',
      role: 'supervisor',
    };
    const created = await admin.request('POST', '/api/v1/agents', body);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'nueva@example.test', role: 'supervisor' });
    const again = await admin.request('POST', '/api/v1/agents', body);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'agent.email_taken', field: 'email' });
  });
});
