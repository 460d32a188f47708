import { eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { agents } from '../db/schema.ts';
import { startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { LOGIN_DELAY } from './auth.service.ts';

const FIRST = 'a long enough password';

describeEachDatabase('passwords: own change, admin reset, forced change', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(new Date('2026-11-25T16:00:00Z'));

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
  });
  afterAll(() => app?.close());

  const inject = (options: InjectOptions) => app.atiende.http.inject(options);
  const emailOf = async (session: Awaited<ReturnType<TestApp['sessionAs']>>) =>
    (await session.request('GET', '/api/v1/auth/session')).json().agent.email as string;
  const agentRow = async (id: string) => {
    const [row] = await app.atiende.ctx.db.select().from(agents).where(eq(agents.id, id));
    return row;
  };

  it('changes one’s own password, ends the other sessions and keeps this one', async () => {
    const here = await app.sessionAs('agent');
    const email = await emailOf(here);
    const elsewhere = await app.login(email, FIRST);
    const changed = await here.request('POST', '/api/v1/auth/password', {
      currentPassword: FIRST,
      newPassword: 'una frase nueva y larga',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ sessionsEnded: 1 });
    expect((await here.request('GET', '/api/v1/agents/me')).statusCode).toBe(200);
    expect((await elsewhere.request('GET', '/api/v1/agents/me')).statusCode).toBe(401);
    await expect(app.login(email, FIRST)).rejects.toThrow(/401/);
    await app.login(email, 'una frase nueva y larga');
    const row = await agentRow(here.agentId);
    expect(row?.passwordChangedAt?.toISOString()).toBe(clock.now().toISOString());
    expect(row?.mustChangePassword).toBe(false);
  });

  it('refuses a weak new password as 422 naming the field and the reason, and a wrong current one', async () => {
    const session = await app.sessionAs('agent');
    const email = await emailOf(session);
    const tries: Array<[string, string]> = [
      ['corta', 'too_short'],
      ['Contraseña123', 'common'],
      ['mexico123456', 'common'],
      [email, 'same_as_email'],
      [FIRST, 'unchanged'],
      ['x'.repeat(201), 'too_long'],
    ];
    for (const [newPassword, reason] of tries) {
      const weak = await session.request('POST', '/api/v1/auth/password', {
        currentPassword: FIRST,
        newPassword,
      });
      expect(weak.statusCode).toBe(422);
      expect(weak.headers['content-type']).toContain('application/problem+json');
      expect(weak.json()).toMatchObject({ code: 'auth.weak_password', field: 'newPassword', reason });
    }
    const wrong = await session.request('POST', '/api/v1/auth/password', {
      currentPassword: 'not my password at all',
      newPassword: 'una frase nueva y larga',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'auth.wrong_password', field: 'currentPassword' });
    await app.login(email, FIRST);
  });

  it('slows down guessing the current password like logins, per session', async () => {
    const session = await app.sessionAs('agent');
    const attempt = (currentPassword: string) =>
      session.request('POST', '/api/v1/auth/password', {
        currentPassword,
        newPassword: 'una frase nueva y larga',
      });
    for (let i = 0; i <= LOGIN_DELAY.free; i++) expect((await attempt(`wrong ${i}`)).statusCode).toBe(422);
    const slowed = await attempt(FIRST);
    expect(slowed.statusCode).toBe(429);
    expect(slowed.json().code).toBe('auth.throttled');
    clock.advance(LOGIN_DELAY.baseMs);
    expect((await attempt(FIRST)).statusCode).toBe(200);
  });

  it('a password is changed from a session, not with an API token', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const { token } = (await admin.request('POST', '/api/v1/tokens', { name: 'integración' })).json();
    const response = await inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { authorization: `Bearer ${token}` },
      payload: { currentPassword: TEST_ADMIN.password, newPassword: 'una frase nueva y larga' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('auth.session_required');
  });

  it('an admin resets a password: a temporary one shown once, sessions ended, a change forced before anything else', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const agent = await app.sessionAs('agent');
    const email = await emailOf(agent);
    const { token } = (
      await admin.request('POST', '/api/v1/tokens', { name: 'CRM', agentId: agent.agentId })
    ).json();

    const reset = await admin.request('POST', `/api/v1/agents/${agent.agentId}/password-reset`);
    expect(reset.statusCode).toBe(200);
    const { temporaryPassword, sessionsEnded, mustChangePassword } = reset.json();
    expect(temporaryPassword).toMatch(/^\S{20}$/);
    expect({ sessionsEnded, mustChangePassword }).toEqual({ sessionsEnded: 1, mustChangePassword: true });
    expect((await agent.request('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    await expect(app.login(email, FIRST)).rejects.toThrow(/401/);

    const login = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: temporaryPassword },
    });
    expect(login.json().mustChangePassword).toBe(true);
    const forced = await app.login(email, temporaryPassword);
    const session = await forced.request('GET', '/api/v1/auth/session');
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ mustChangePassword: true, agent: { email } });
    for (const [method, url] of [
      ['GET', '/api/v1/agents'],
      ['GET', '/api/v1/cases'],
      ['GET', '/api/v1/live'],
      ['POST', '/api/v1/agents/me/heartbeat'],
    ] as const) {
      const refused = await forced.request(method, url);
      expect(refused.statusCode, `${method} ${url}`).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json().code).toBe('auth.password_change_required');
    }
    const bearer = await inject({
      method: 'GET',
      url: '/api/v1/agents',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bearer.statusCode).toBe(403);
    expect(bearer.json().code).toBe('auth.password_change_required');
    // Public routes treat them as anyone.
    expect((await forced.request('GET', '/api/v1/health')).statusCode).not.toBe(403);

    const changed = await forced.request('POST', '/api/v1/auth/password', {
      currentPassword: temporaryPassword,
      newPassword: 'mi propia frase secreta',
    });
    expect(changed.statusCode).toBe(200);
    expect((await forced.request('GET', '/api/v1/auth/session')).json().mustChangePassword).toBe(false);
    expect((await forced.request('GET', '/api/v1/agents')).statusCode).toBe(200);
    expect((await forced.request('POST', '/api/v1/auth/logout')).statusCode).toBe(204);
  });

  it('an admin may choose the temporary password, within the policy; only admins reset', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const agent = await app.sessionAs('agent');
    const weak = await admin.request('POST', `/api/v1/agents/${agent.agentId}/password-reset`, {
      password: 'mexico123456',
    });
    expect(weak.statusCode).toBe(422);
    expect(weak.json()).toMatchObject({ code: 'auth.weak_password', field: 'password', reason: 'common' });
    const chosen = await admin.request('POST', `/api/v1/agents/${agent.agentId}/password-reset`, {
      password: 'temporal de la semana',
    });
    expect(chosen.statusCode).toBe(200);
    expect(chosen.json().temporaryPassword).toBeUndefined();
    expect((await agentRow(agent.agentId))?.mustChangePassword).toBe(true);
    await app.login(await agentRow(agent.agentId).then((r) => r?.email ?? ''), 'temporal de la semana');

    const missing = await admin.request(
      'POST',
      '/api/v1/agents/00000000-0000-4000-8000-000000000000/password-reset',
    );
    expect(missing.statusCode).toBe(404);
    for (const role of ['agent', 'supervisor'] as const) {
      const other = await app.sessionAs(role);
      const refused = await other.request('POST', `/api/v1/agents/${agent.agentId}/password-reset`);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('auth.forbidden');
    }
  });

  it('agent creation follows the same policy', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const body = { email: 'nuevo.debil@example.test', name: 'Débil', role: 'agent' };
    for (const [password, reason] of [
      ['corta', 'too_short'],
      ['contraseña123', 'common'],
      ['nuevo.debil@example.test', 'same_as_email'],
    ]) {
      const refused = await admin.request('POST', '/api/v1/agents', { ...body, password });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ code: 'auth.weak_password', field: 'password', reason });
    }
  });
});
