import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { createTestDatabase, describeEachDatabase } from '../test/databases.ts';
import { ensureInitialAdmin } from './agents.service.ts';

describeEachDatabase('agents: deactivation, presence by others, the first admin', (kind) => {
  let app: TestApp;
  let areaIds: number[];
  const clock = new ManualClock(new Date('2026-11-25T16:00:00Z'));

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    areaIds = ((await admin.request('GET', '/api/v1/areas')).json() as Array<{ id: number }>).map(
      (a) => a.id,
    );
  });
  afterAll(() => app?.close());

  const bearerGet = (token: string, url: string) =>
    app.atiende.http.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('deactivating an agent revokes their API tokens for good: reactivation does not revive them', async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const agent = await app.sessionAs('agent');
    const created = await admin.request('POST', '/api/v1/tokens', { name: 'CRM', agentId: agent.agentId });
    const { id, token } = created.json() as { id: string; token: string };
    expect((await bearerGet(token, '/api/v1/agents/me')).statusCode).toBe(200);

    expect(
      (await admin.request('PATCH', `/api/v1/agents/${agent.agentId}`, { active: false })).statusCode,
    ).toBe(200);
    expect((await bearerGet(token, '/api/v1/agents/me')).statusCode).toBe(401);
    expect(
      (await admin.request('PATCH', `/api/v1/agents/${agent.agentId}`, { active: true })).statusCode,
    ).toBe(200);

    const refused = await bearerGet(token, '/api/v1/agents/me');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('auth.invalid_token');
    const listed = (await admin.request('GET', '/api/v1/tokens')).json() as Array<{
      id: string;
      revokedAt: string;
    }>;
    expect(listed.find((t) => t.id === id)?.revokedAt).toBe(clock.now().toISOString());
  });

  it('a supervisor sets the presence only of agents who share one of their areas; admins of anyone', async () => {
    const [first, second] = areaIds;
    if (first === undefined || second === undefined) throw new Error('the profile has fewer than two areas');
    const supervisor = await app.sessionAs('supervisor', [first]);
    const colleague = await app.sessionAs('agent', [first, second]);
    const stranger = await app.sessionAs('agent', [second]);
    const loner = await app.sessionAs('agent');
    const set = (session: typeof supervisor, agentId: string) =>
      session.request('PUT', `/api/v1/agents/${agentId}/presence`, { presence: 'ausente' });

    const allowed = await set(supervisor, colleague.agentId);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().presence).toBe('ausente');
    expect((await set(supervisor, supervisor.agentId)).statusCode).toBe(200);
    for (const target of [stranger, loner]) {
      const refused = await set(supervisor, target.agentId);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('auth.forbidden');
    }
    const missing = await set(supervisor, '00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);

    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    expect((await set(admin, stranger.agentId)).statusCode).toBe(200);
    expect((await set(admin, loner.agentId)).statusCode).toBe(200);
    expect((await set(colleague, stranger.agentId)).statusCode).toBe(403);
  });

  it('refuses a weak ATIENDE_ADMIN_PASSWORD, naming the variable', async () => {
    const database = await createTestDatabase(kind);
    try {
      await expect(
        ensureInitialAdmin(database.handle.db, { email: 'jefa@monet.mx', password: 'contraseña123' }),
      ).rejects.toMatchObject({ code: 'auth.weak_password', field: 'ATIENDE_ADMIN_PASSWORD' });
      expect(
        await ensureInitialAdmin(database.handle.db, {
          email: 'jefa@monet.mx',
          password: 'una frase larga de jefa',
        }),
      ).toEqual({
        email: 'jefa@monet.mx',
      });
    } finally {
      await database.dispose();
    }
  });
});
