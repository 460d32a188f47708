import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { queryRows } from '../db/database.ts';
import { startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';

describeEachDatabase('administering the settings', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
  });
  afterAll(() => app?.close());

  const admin = () => app.login(TEST_ADMIN.email, TEST_ADMIN.password);
  const changeCount = async () =>
    (
      await queryRows<{ n: number }>(app.atiende.ctx.db, sql`select count(*)::int as n from settings_changes`)
    )[0]?.n;

  it('lists who changed what, newest first, with each value before and after, a page at a time', async () => {
    const session = await admin();
    await session.request('PATCH', '/api/v1/settings/cases', { reopenWindowDays: 9 });
    const area = await session.request('POST', '/api/v1/areas', {
      code: 'instalaciones',
      name: 'Instalaciones',
    });
    expect(area.statusCode).toBe(201);

    const first = await session.request('GET', '/api/v1/settings/changes?limit=2');
    expect(first.statusCode, first.body).toBe(200);
    const page = first.json();
    expect(page.entries).toHaveLength(2);
    const [areaChange, casesChange] = page.entries;
    expect(areaChange.source).toBe('api');
    expect(areaChange.actor).toEqual({ id: session.agentId, name: expect.any(String) });
    expect(areaChange.changes).toEqual([
      { path: 'areas', after: { instalaciones: expect.objectContaining({ name: 'Instalaciones' }) } },
    ]);
    expect(casesChange.changes).toEqual([{ path: 'cases.reopenWindowDays', before: 7, after: 9 }]);
    expect(new Date(casesChange.at).getTime()).toBeLessThanOrEqual(new Date(areaChange.at).getTime());

    const rest = (await session.request('GET', `/api/v1/settings/changes?before=${page.nextBefore}`)).json();
    expect(rest.entries.at(-1)).toMatchObject({ source: 'seed', actor: null });
    expect(rest.nextBefore).toBeNull();

    const supervisor = await app.sessionAs('supervisor');
    expect((await supervisor.request('GET', '/api/v1/settings/changes')).statusCode).toBe(200);
    const agent = await app.sessionAs('agent');
    expect((await agent.request('GET', '/api/v1/settings/changes')).statusCode).toBe(403);
    expect((await session.request('GET', '/api/v1/settings/changes?limit=1000')).statusCode).toBe(400);
  });

  it('exports the settings as YAML that previews as no change, and previews an edit without applying it', async () => {
    const session = await admin();
    const exported = await session.request('GET', '/api/v1/settings/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('application/yaml');
    expect(exported.headers['content-disposition']).toMatch(/attachment; filename="perfil-\w+\.yaml"/);
    const before = (await session.request('GET', '/api/v1/settings')).json();
    expect(parseYaml(exported.body)).toEqual(before);

    const same = await session.request('POST', '/api/v1/settings/preview', { yaml: exported.body });
    expect(same.statusCode, same.body).toBe(200);
    expect(same.json().changes).toEqual([]);

    const edited = parseYaml(exported.body);
    edited.cases.reopenWindowDays = 12;
    const count = await changeCount();
    const preview = await session.request('POST', '/api/v1/settings/preview', {
      yaml: stringifyYaml(edited),
    });
    expect(preview.json().changes).toEqual([
      { path: 'cases.reopenWindowDays', before: before.cases.reopenWindowDays, after: 12 },
    ]);
    const asJson = await session.request('POST', '/api/v1/settings/preview', { profile: edited });
    expect(asJson.json().changes).toEqual(preview.json().changes);
    expect(await changeCount()).toBe(count);
    expect((await session.request('GET', '/api/v1/settings')).json()).toEqual(before);

    const applied = await session.request('PUT', '/api/v1/settings', preview.json().profile);
    expect(applied.json().changes).toEqual(preview.json().changes);
  });

  it('refuses a profile it cannot read or that is invalid with 422 naming the place', async () => {
    const session = await admin();
    const broken = await session.request('POST', '/api/v1/settings/preview', { yaml: 'provider: [unclosed' });
    expect(broken.statusCode).toBe(422);
    expect(broken.json()).toMatchObject({ code: 'profile.unreadable', field: 'yaml' });

    const profile = (await session.request('GET', '/api/v1/settings')).json();
    profile.routingRules[1].area = 'no_existe';
    const invalid = await session.request('POST', '/api/v1/settings/preview', { profile });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({ code: 'profile.invalid', field: 'routingRules.1.area' });

    const neither = await session.request('POST', '/api/v1/settings/preview', {});
    expect(neither.statusCode).toBe(400);
    const supervisor = await app.sessionAs('supervisor');
    expect((await supervisor.request('POST', '/api/v1/settings/preview', { profile })).statusCode).toBe(403);
    expect((await supervisor.request('GET', '/api/v1/settings/export')).statusCode).toBe(403);
  });

  it('tries a message under the saved rules or an unsaved draft, naming the rules that decided', async () => {
    const session = await admin();
    const saved = await session.request('POST', '/api/v1/settings/try-message', {
      text: 'Llevo dos días sin internet',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const profile = (await session.request('GET', '/api/v1/settings')).json();
    const rule = profile.classification.rules.findIndex((r: { phrases: string[] }) =>
      r.phrases.includes('sin internet'),
    );
    expect(saved.json()).toMatchObject({
      requestType: 'falla',
      subtype: 'sin_servicio',
      classification: { index: rule, phrase: 'sin internet' },
      area: { code: 'soporte_tecnico' },
    });

    const draft = [
      { requestTypes: [], keywords: ['antena'], area: 'cancelaciones' },
      ...profile.routingRules,
    ];
    const tried = await session.request('POST', '/api/v1/settings/try-message', {
      text: 'Quiero mover la antena de lugar',
      routingRules: draft,
    });
    expect(tried.json()).toMatchObject({
      requestType: 'consulta',
      subtype: null,
      classification: null,
      routingRule: 0,
      area: { code: 'cancelaciones' },
    });
    const given = await session.request('POST', '/api/v1/settings/try-message', {
      text: 'sin internet',
      requestType: 'saldo',
    });
    expect(given.json()).toMatchObject({ requestType: 'saldo', classification: null });

    const bad = await session.request('POST', '/api/v1/settings/try-message', {
      text: 'hola',
      routingRules: [...profile.routingRules, { keywords: ['x'], area: 'fantasma' }],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().field).toBe(`routingRules.${profile.routingRules.length}.area`);
    expect((await session.request('POST', '/api/v1/settings/try-message', { text: '   ' })).statusCode).toBe(
      400,
    );
    const agent = await app.sessionAs('agent');
    expect((await agent.request('POST', '/api/v1/settings/try-message', { text: 'hola' })).statusCode).toBe(
      403,
    );
  });

  it('offers canned replies from the profile: an agent gets their areas’ and everyone’s', async () => {
    const session = await admin();
    const areas = (await session.request('GET', '/api/v1/areas')).json() as Array<{
      id: number;
      code: string;
    }>;
    const support = areas.find((a) => a.code === 'soporte_tecnico');
    const agent = await app.sessionAs('agent', [support?.id ?? 0]);

    const mine = (await agent.request('GET', '/api/v1/canned-replies')).json();
    expect(mine.map((r: { id: string }) => r.id)).toEqual([
      'reinicio',
      'visita',
      'recibido',
      'datos',
      'resuelto',
    ]);
    expect(mine[0]).toMatchObject({ area: 'soporte_tecnico', title: { es: 'Reiniciar el equipo' } });
    const other = (await agent.request('GET', '/api/v1/canned-replies?area=cancelaciones')).json();
    expect(other.every((r: { area: string | null }) => r.area === null)).toBe(true);
    const asAdmin = (await session.request('GET', '/api/v1/canned-replies?area=cancelaciones')).json();
    expect(asAdmin[0]).toMatchObject({ id: 'baja', area: 'cancelaciones' });

    const replies = [
      {
        id: 'antena',
        area: 'soporte_tecnico',
        title: { es: 'Revisar la antena', en: 'Check the antenna' },
        tu: { es: 'Hola{nombre}, revisa tu antena; folio {folio}.' },
        usted: { es: 'Estimado(a) cliente{nombre}: revise su antena; folio {folio}.' },
      },
    ];
    const saved = await session.request('PATCH', '/api/v1/settings/cannedReplies', replies);
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await agent.request('GET', '/api/v1/canned-replies')).json()).toEqual(replies);

    const unknown = await session.request('PATCH', '/api/v1/settings/cannedReplies', [
      { ...replies[0], tu: { es: 'Tu saldo es {saldo}' } },
    ]);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().field).toBe('cannedReplies.0.tu.es');
    const twice = await session.request('PATCH', '/api/v1/settings/cannedReplies', [replies[0], replies[0]]);
    expect(twice.json().field).toBe('cannedReplies.1.id');
    expect((await agent.request('PATCH', '/api/v1/settings/cannedReplies', replies)).statusCode).toBe(403);
  });
});
