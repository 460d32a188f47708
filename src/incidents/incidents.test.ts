import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { areas, events, incidents, incidentUpdates, zones } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { waitUntil } from '../test/wait.ts';
import { zonesWithin } from './zones.ts';

const NOW = new Date('2026-12-07T16:00:00Z');
const hoursFrom = (base: Date, n: number) => new Date(base.getTime() + n * 3_600_000).toISOString();

describeEachDatabase('incidents', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let supervisor: Session;
  let soporte: Session;
  let facturacion: Session;
  let zone: Record<string, number>;
  let phone = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const db = app.atiende.ctx.db;
    const areaRows = await db.select().from(areas);
    const area = Object.fromEntries(areaRows.map((a) => [a.code, a.id]));
    supervisor = await app.sessionAs('supervisor', [area.soporte_tecnico as number]);
    soporte = await app.sessionAs('agent', [area.soporte_tecnico as number]);
    facturacion = await app.sessionAs('agent', [area.facturacion_cobranza as number]);
    const [norte] = await db.insert(zones).values({ code: 'NTE', name: 'Torre Norte' }).returning();
    const parentId = norte?.id as number;
    const [centro] = await db
      .insert(zones)
      .values({ code: 'NTE-CEN', name: 'Col. Centro', parentId })
      .returning();
    const [mitras] = await db
      .insert(zones)
      .values({ code: 'NTE-CEN-MIT', name: 'Mitras', parentId: centro?.id as number })
      .returning();
    const [sur] = await db.insert(zones).values({ code: 'SUR', name: 'Torre Sur' }).returning();
    zone = {
      norte: parentId,
      centro: centro?.id as number,
      mitras: mitras?.id as number,
      sur: sur?.id as number,
    };
  });
  afterAll(() => app?.close());

  const declare = (overrides: Record<string, unknown> = {}) =>
    supervisor.request('POST', '/api/v1/incidents', {
      zoneIds: [zone.norte],
      cause: 'energia',
      publicText: 'Sin energía en la torre Norte; la CFE ya trabaja en la zona.',
      startedAt: hoursFrom(clock.now(), -2),
      eta: hoursFrom(clock.now(), 3),
      ...overrides,
    });
  const publicStatus = (etag?: string) =>
    app.atiende.http.inject({
      method: 'GET',
      url: '/api/v1/status',
      headers: etag ? { 'if-none-match': etag } : {},
    });
  const openCase = async (session: Session) => {
    const response = await session.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'telefono',
      contact: { kind: 'phone', address: `81 2000 ${String(++phone).padStart(4, '0')}` },
      customerName: 'Marta Garza Ríos',
      description: 'Sin internet desde hace dos horas',
    });
    expect(response.statusCode).toBe(201);
    return response.json().folio as string;
  };

  it('a zone includes every zone below it, whatever the depth', async () => {
    const db = app.atiende.ctx.db;
    expect(await zonesWithin(db, [zone.norte as number])).toEqual(
      [zone.norte, zone.centro, zone.mitras].sort((a, b) => (a as number) - (b as number)),
    );
    expect(await zonesWithin(db, [zone.sur as number])).toEqual([zone.sur]);
  });

  it('declares an incident, lists it for a zone below the declared one, and records its event', async () => {
    const response = await declare();
    expect(response.statusCode).toBe(201);
    const incident = response.json();
    expect(incident).toMatchObject({
      status: 'abierto',
      cause: 'energia',
      zones: [{ id: zone.norte, code: 'NTE', name: 'Torre Norte' }],
      restoredAt: null,
      declaredBy: supervisor.agentId,
    });
    for (const [zoneId, listed] of [
      [zone.mitras, true],
      [zone.centro, true],
      [zone.norte, true],
      [zone.sur, false],
    ] as const) {
      const list = (await soporte.request('GET', `/api/v1/incidents?zoneId=${zoneId}`)).json() as Array<{
        id: string;
      }>;
      expect(list.some((i) => i.id === incident.id)).toBe(listed);
    }
    const startingNow = await declare({ startedAt: undefined, eta: undefined });
    expect(startingNow.json()).toMatchObject({ startedAt: clock.now().toISOString(), eta: null });
    const recorded = await app.atiende.ctx.db.select().from(events).where(eq(events.subjectId, incident.id));
    expect(recorded.map((e) => [e.kind, e.subjectKind, e.actorAgentId])).toEqual([
      ['incident_declared', 'incident', supervisor.agentId],
    ]);
  });

  it('refuses bad declarations with the field, writing nothing', async () => {
    const before = (await app.atiende.ctx.db.select().from(incidents)).length;
    const refusals: Array<[Record<string, unknown>, number, string | undefined, string | undefined]> = [
      [{ zoneIds: [] }, 400, undefined, undefined],
      [{ zoneIds: [999_999] }, 422, 'incident.unknown_zone', 'zoneIds'],
      // Beyond int4: PostgreSQL would answer "integer out of range", a 500.
      [{ zoneIds: [3_000_000_000] }, 400, undefined, undefined],
      [{ publicText: '   ' }, 400, undefined, undefined],
      [{ publicText: 'x'.repeat(1001) }, 400, undefined, undefined],
      [{ cause: 'aliens' }, 400, undefined, undefined],
      [{ startedAt: 'ayer' }, 400, undefined, undefined],
      [{ startedAt: hoursFrom(clock.now(), 1) }, 422, 'incident.start_in_future', 'startedAt'],
      [{ startedAt: hoursFrom(clock.now(), -24 * 31) }, 422, 'incident.start_too_old', 'startedAt'],
      [{ eta: hoursFrom(clock.now(), -3) }, 422, 'incident.eta_before_start', 'eta'],
      [{ eta: hoursFrom(clock.now(), 24 * 31) }, 422, 'incident.eta_too_far', 'eta'],
    ];
    for (const [body, status, code, field] of refusals) {
      const response = await declare(body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 80)).toBe(status);
      if (code) expect(response.json()).toMatchObject({ code, field });
    }
    expect((await soporte.request('POST', '/api/v1/incidents', {})).statusCode).toBe(403);
    expect((await supervisor.request('GET', '/api/v1/incidents?zoneId=3000000000')).statusCode).toBe(400);
    expect((await app.atiende.ctx.db.select().from(incidents)).length).toBe(before);
  });

  it('moves through its statuses with an update row and an event each, and the status page follows', async () => {
    const incident = (await declare({ zoneIds: [zone.sur], cause: 'enlace' })).json();
    const url = `/api/v1/incidents/${incident.id}/updates`;
    const first = await publicStatus();
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=15');
    const etag = first.headers.etag as string;
    expect((await publicStatus(etag)).statusCode).toBe(304);
    const sur = () =>
      publicStatus().then((r) => r.json().zones.find((z: { code: string }) => z.code === 'SUR'));
    expect((await sur()).incidents[0]).toMatchObject({ number: incident.number, status: 'abierto' });

    clock.advance(60_000);
    expect((await supervisor.request('POST', url, {})).json().code).toBe('incident.nothing_to_update');
    expect((await supervisor.request('POST', url, { status: 'cerrado' })).json()).toMatchObject({
      code: 'incident.illegal_transition',
      field: 'status',
    });
    expect(
      (
        await supervisor.request('POST', url, { status: 'en_reparacion', restoredAt: NOW.toISOString() })
      ).json().code,
    ).toBe('incident.restored_at_without_restoration');
    const repairing = await supervisor.request('POST', url, {
      status: 'en_reparacion',
      text: 'Una cuadrilla ya está en el sitio.',
      eta: hoursFrom(clock.now(), 5),
    });
    expect(repairing.statusCode).toBe(200);
    expect(repairing.json()).toMatchObject({ status: 'en_reparacion', linkedCases: 0 });
    const afterUpdate = await publicStatus(etag);
    expect(afterUpdate.statusCode).toBe(200);
    expect(afterUpdate.headers.etag).not.toBe(etag);
    expect((await sur()).incidents[0]).toMatchObject({
      status: 'en_reparacion',
      updates: [{ text: 'Una cuadrilla ya está en el sitio.' }, { status: 'abierto' }],
    });

    clock.advance(60_000);
    expect(
      (
        await supervisor.request('POST', url, {
          status: 'restablecido',
          restoredAt: hoursFrom(clock.now(), 1),
        })
      ).json().code,
    ).toBe('incident.restored_in_future');
    expect(
      (
        await supervisor.request('POST', url, {
          status: 'restablecido',
          restoredAt: hoursFrom(clock.now(), -3),
        })
      ).json().code,
    ).toBe('incident.restored_before_start');
    const restoredAt = hoursFrom(clock.now(), -0.5);
    const restored = await supervisor.request('POST', url, { status: 'restablecido', restoredAt });
    expect(restored.json()).toMatchObject({ status: 'restablecido', restoredAt });
    expect((await sur()).incidents[0]).toMatchObject({ status: 'restablecido', restoredAt });

    clock.advance(60_000);
    const fellAgain = await supervisor.request('POST', url, { status: 'en_reparacion' });
    expect(fellAgain.json()).toMatchObject({ status: 'en_reparacion', restoredAt: null });
    clock.advance(60_000);
    await supervisor.request('POST', url, { status: 'restablecido' });
    clock.advance(60_000);
    const closed = await supervisor.request('POST', url, { status: 'cerrado' });
    expect(closed.json()).toMatchObject({ status: 'cerrado', closedAt: clock.now().toISOString() });
    expect(await sur()).toBeUndefined();
    expect((await supervisor.request('POST', url, { text: 'Otra' })).json().code).toBe('incident.closed');

    const rows = await app.atiende.ctx.db
      .select()
      .from(incidentUpdates)
      .where(eq(incidentUpdates.incidentId, incident.id));
    expect(rows.map((r) => r.status).sort()).toEqual(
      ['abierto', 'en_reparacion', 'en_reparacion', 'restablecido', 'restablecido', 'cerrado'].sort(),
    );
    const recorded = await app.atiende.ctx.db.select().from(events).where(eq(events.subjectId, incident.id));
    expect(recorded.map((e) => e.kind)).toEqual(['incident_declared', ...Array(5).fill('incident_updated')]);
    const list = (await soporte.request('GET', '/api/v1/incidents')).json() as Array<{ status: string }>;
    expect(list.at(-1)?.status).toBe('cerrado');
  });

  it('serves the same bytes to a crowd and shows nobody’s personal data', async () => {
    const folio = await openCase(soporte);
    const incident = (await declare({ zoneIds: [zone.centro] })).json();
    await soporte.request('PUT', `/api/v1/cases/${folio}/incident`, { incidentId: incident.id });
    const answers = await Promise.all(Array.from({ length: 20 }, () => publicStatus()));
    expect(new Set(answers.map((a) => a.headers.etag)).size).toBe(1);
    const text = answers[0]?.body ?? '';
    for (const secret of [
      'Marta',
      'Garza',
      '81 2000',
      folio,
      supervisor.agentId,
      soporte.agentId,
      incident.id,
    ]) {
      expect(text).not.toContain(secret);
    }
    const centro = answers[0]?.json().zones.find((z: { code: string }) => z.code === 'NTE-CEN');
    expect(centro).toMatchObject({ name: 'Col. Centro', includes: ['Mitras'] });
    expect(Object.keys(centro.incidents[0]).sort()).toEqual(
      [
        'cause',
        'eta',
        'number',
        'publicText',
        'restoredAt',
        'startedAt',
        'status',
        'updatedAt',
        'updates',
      ].sort(),
    );

    const page = await app.atiende.http.inject({ method: 'GET', url: '/estado' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain(`Incidente ${incident.number}`);
    expect(page.body).toContain('Falta de energía eléctrica');
    expect(page.body).not.toContain('Marta');
    expect(
      (
        await app.atiende.http.inject({
          method: 'GET',
          url: '/estado',
          headers: { 'if-none-match': page.headers.etag as string },
        })
      ).statusCode,
    ).toBe(304);
  });

  it('escapes what supervisors write on the page', async () => {
    await declare({ zoneIds: [zone.mitras], publicText: '<script>alert(1)</script> & "todo" bien' });
    const page = await app.atiende.http.inject({ method: 'GET', url: '/estado' });
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;todo&quot; bien');
  });

  it('links and unlinks a case by an agent of its area, with events on the case and the incident', async () => {
    const folio = await openCase(soporte);
    const first = (await declare({ zoneIds: [zone.norte] })).json();
    const second = (await declare({ zoneIds: [zone.sur] })).json();
    const url = `/api/v1/cases/${folio}/incident`;

    const refused = await facturacion.request('PUT', url, { incidentId: first.id });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('case.forbidden');
    expect((await facturacion.request('DELETE', url)).statusCode).toBe(403);
    expect((await soporte.request('PUT', url, { incidentId: crypto.randomUUID() })).json().code).toBe(
      'incident.not_found',
    );
    expect((await soporte.request('PUT', url, { incidentId: 'uno' })).statusCode).toBe(400);

    const linked = await soporte.request('PUT', url, { incidentId: first.id });
    expect(linked.json()).toEqual({
      incident: { id: first.id, number: first.number, status: 'abierto', eta: first.eta },
    });
    expect((await soporte.request('PUT', url, { incidentId: first.id })).statusCode).toBe(200);
    const detail = (await soporte.request('GET', `/api/v1/cases/${folio}`)).json();
    expect(detail.incident).toEqual(linked.json().incident);
    expect((await soporte.request('GET', `/api/v1/incidents/${first.id}`)).json().linkedCases).toBe(1);

    await soporte.request('PUT', url, { incidentId: second.id });
    expect((await soporte.request('GET', `/api/v1/incidents/${first.id}`)).json().linkedCases).toBe(0);
    const unlinked = await soporte.request('DELETE', url);
    expect(unlinked.json()).toEqual({ incident: null });
    expect((await soporte.request('DELETE', url)).json()).toEqual({ incident: null });
    expect((await soporte.request('GET', `/api/v1/cases/${folio}`)).json().incident).toBeNull();

    const timeline = (await soporte.request('GET', `/api/v1/cases/${folio}`)).json().timeline as Array<{
      type: string;
      event?: { kind: string; subject: { kind: string; id: string } };
    }>;
    expect(
      timeline
        .filter((t) => t.event?.kind.startsWith('case_incident'))
        .map((t) => [t.event?.kind, t.event?.subject.id]),
    ).toEqual([
      ['case_incident_linked', first.id],
      ['case_incident_unlinked', first.id],
      ['case_incident_linked', second.id],
      ['case_incident_unlinked', second.id],
    ]);

    const closing = `/api/v1/incidents/${second.id}/updates`;
    await supervisor.request('POST', closing, { status: 'restablecido' });
    await supervisor.request('POST', closing, { status: 'cerrado' });
    const onClosed = await soporte.request('PUT', url, { incidentId: second.id });
    expect(onClosed.statusCode).toBe(409);
    expect(onClosed.json().code).toBe('incident.closed');
  });

  it('rebuilds the snapshot when another process announces an incident event', async () => {
    const incident = (await declare({ zoneIds: [zone.sur], publicText: 'Antes' })).json();
    const before = await publicStatus();
    // What another process would do: change the row and append its event, without this process's hook.
    await app.atiende.ctx.db.transaction(async (tx) => {
      await tx.update(incidents).set({ publicText: 'Después' }).where(eq(incidents.id, incident.id));
      await appendEvent(tx, {
        kind: 'incident_updated',
        actor: { kind: 'agente', agentId: supervisor.agentId },
        subject: { kind: 'incident', id: incident.id },
      });
    });
    await waitUntil(async () => (await publicStatus(before.headers.etag as string)).statusCode === 200);
    expect((await publicStatus()).body).toContain('Después');
  });

  it('applies two supervisors’ simultaneous changes one after the other', async () => {
    const incident = (await declare({ zoneIds: [zone.sur] })).json();
    const url = `/api/v1/incidents/${incident.id}/updates`;
    const other = await app.sessionAs('supervisor');
    clock.advance(60_000);
    const [a, b] = await Promise.all([
      supervisor.request('POST', url, { status: 'restablecido' }),
      other.request('POST', url, { status: 'restablecido' }),
    ]);
    // The second sees the first's restoration: the same status again is no change at all.
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 422]);
    expect([a, b].find((r) => r.statusCode === 422)?.json().code).toBe('incident.nothing_to_update');
    const updates = (await supervisor.request('GET', `/api/v1/incidents/${incident.id}`)).json().updates;
    expect(updates.map((u: { status: string }) => u.status)).toEqual(['abierto', 'restablecido']);
  });
});
