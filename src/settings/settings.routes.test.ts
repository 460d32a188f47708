import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/database.ts';
import { startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';

describeEachDatabase('changing one section of the settings', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
  });
  afterAll(() => app?.close());

  const admin = () => app.login(TEST_ADMIN.email, TEST_ADMIN.password);

  it('replaces the section, keeps the others, answers the whole profile and records the difference', async () => {
    const session = await admin();
    const before = (await session.request('GET', '/api/v1/settings')).json();
    const rules = [{ requestType: 'queja', phrases: ['ya me cansé'] }, ...before.classification.rules];
    const response = await session.request('PATCH', '/api/v1/settings/classification', { rules });
    expect(response.statusCode).toBe(200);
    const profile = response.json();
    expect(profile.classification.rules[0]).toEqual({ requestType: 'queja', phrases: ['ya me cansé'] });
    expect({ ...profile, classification: before.classification }).toEqual(before);
    expect((await session.request('GET', '/api/v1/settings')).json()).toEqual(profile);
    const [change] = await queryRows<{ source: string; actor_agent_id: string; diff: unknown }>(
      app.atiende.ctx.db,
      sql`select source, actor_agent_id, diff from settings_changes order by id desc limit 1`,
    );
    expect(change).toMatchObject({ source: 'api', actor_agent_id: session.agentId });
    expect(change?.diff).toContainEqual({
      path: 'classification.rules[0].requestType',
      before: before.classification.rules[0].requestType,
      after: 'queja',
    });
  });

  it('fills the defaults of the section it is given', async () => {
    const session = await admin();
    const response = await session.request('PATCH', '/api/v1/settings/cases', {});
    expect(response.statusCode).toBe(200);
    expect(response.json().cases).toEqual({ reopenWindowDays: 7 });
  });

  it('refuses a result that is not a valid profile with 422 naming the full path, changing nothing', async () => {
    const session = await admin();
    const before = (await session.request('GET', '/api/v1/settings')).json();
    const rules = structuredClone(before.routingRules);
    rules[2].area = 'desaparecida';
    const response = await session.request('PATCH', '/api/v1/settings/routingRules', rules);
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'profile.invalid', field: 'routingRules.2.area' });

    const deeper = await session.request('PATCH', '/api/v1/settings/classification', {
      rules: [{ requestType: 'falla', phrases: ['sin internet', 'a*'] }],
    });
    expect(deeper.statusCode).toBe(422);
    expect(deeper.json().field).toBe('classification.rules.0.phrases.1');
    expect((await session.request('GET', '/api/v1/settings')).json()).toEqual(before);
  });

  it('refuses a template naming a value no notice fills, and takes the notices section', async () => {
    const session = await admin();
    const before = (await session.request('GET', '/api/v1/settings')).json();
    const templates = {
      ...before.templates,
      estado_resuelto: { 'es-MX': 'Tu folio {folio} quedó resuelto; tu saldo es {saldo}.' },
    };
    const refused = await session.request('PATCH', '/api/v1/settings/templates', templates);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: 'profile.invalid',
      field: 'templates.estado_resuelto.es-MX',
    });

    const notices = { fallbackOrder: ['email'], whatsappTemplates: { estado_resuelto: 'seguimiento_folio' } };
    const response = await session.request('PATCH', '/api/v1/settings/notices', notices);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().notices).toEqual(notices);
  });

  it('answers 400 for a section the profile does not have, and 403 to non-admins', async () => {
    const session = await admin();
    const unknown = await session.request('PATCH', '/api/v1/settings/colores', {});
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().field).toBe('params.section');
    const supervisor = await app.sessionAs('supervisor');
    expect((await supervisor.request('PATCH', '/api/v1/settings/cases', {})).statusCode).toBe(403);
  });

  it('keeps replacing the whole profile with PUT', async () => {
    const session = await admin();
    const before = (await session.request('GET', '/api/v1/settings')).json();
    const response = await session.request('PUT', '/api/v1/settings', {
      ...before,
      cases: { reopenWindowDays: 10 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().changes).toEqual([{ path: 'cases.reopenWindowDays', before: 7, after: 10 }]);
  });
});
