import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import {
  areas,
  cases,
  customers,
  eventNotes,
  events,
  incidentProposalReports,
  incidentProposals,
  services,
  zones,
} from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { noteFailureReport, ruleForZoneSize } from './detection.ts';
import { defaultIncidentSettings } from './incident-settings.ts';

const NOW = new Date('2026-12-07T16:00:00Z');
const MINUTE = 60_000;

interface Proposal {
  id: string;
  number: number;
  status: string;
  zone: { id: number; code: string; name: string };
  rule: { minServices: number; reports: number; windowMinutes: number };
  reports: Array<{ folio: string; createdAt: string; subject: string; channel: string }>;
  incidentId: string | null;
  mutedUntil: string | null;
}

it('takes the rule with the largest minimum of services the zone reaches', () => {
  const { rules } = defaultIncidentSettings().detection;
  expect(ruleForZoneSize(rules, 0).reports).toBe(5);
  expect(ruleForZoneSize(rules, 499).reports).toBe(5);
  expect(ruleForZoneSize(rules, 500).reports).toBe(10);
  expect(ruleForZoneSize(rules, 80_000).reports).toBe(25);
  expect(ruleForZoneSize([{ minServices: 10, reports: 3, windowMinutes: 5 }], 2).reports).toBe(3);
});

describeEachDatabase('incident detection', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let supervisor: Session;
  let tecnico: Session;
  let phone = 0;
  let zoneCount = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const areaRows = await app.atiende.ctx.db.select().from(areas);
    const soporte = areaRows.find((a) => a.code === 'soporte_tecnico')?.id as number;
    supervisor = await app.sessionAs('supervisor', [soporte]);
    tecnico = await app.sessionAs('tecnico', [soporte]);
  });
  afterAll(() => app?.close());

  const newZone = async () => {
    zoneCount += 1;
    const [row] = await app.atiende.ctx.db
      .insert(zones)
      .values({ code: `Z${zoneCount}`, name: `Zona ${zoneCount}` })
      .returning();
    return row?.id as number;
  };

  /** A customer's failure report about their service in the zone, counted as intake counts it. */
  const report = async (zoneId: number) => {
    const db = app.atiende.ctx.db;
    const opened = await supervisor.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'telefono',
      contact: { kind: 'phone', address: `81 3000 ${String(++phone).padStart(4, '0')}` },
      customerName: 'Marta Garza Ríos',
      description: 'Sin internet desde hace un rato',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const { id, folio, customer } = opened.json() as { id: string; folio: string; customer: { id: string } };
    const [service] = await db
      .insert(services)
      .values({ customerId: customer.id, zoneId, status: 'activo', cutoffDay: 10 })
      .returning();
    await db
      .update(cases)
      .set({ serviceId: service?.id as string })
      .where(eq(cases.id, id));
    await db.transaction((tx) =>
      noteFailureReport(app.atiende.ctx, tx, { caseId: id, zoneId, at: clock.now() }),
    );
    return folio;
  };

  const reportsEveryMinute = async (zoneId: number, n: number) => {
    const folios = [];
    for (let i = 0; i < n; i++) {
      clock.advance(MINUTE);
      folios.push(await report(zoneId));
    }
    return folios;
  };

  const proposalsOf = async (zoneId: number) => {
    const response = await supervisor.request('GET', '/api/v1/incident-proposals');
    expect(response.statusCode).toBe(200);
    return (response.json() as Proposal[]).filter((p) => p.zone.id === zoneId);
  };

  it('proposes once the zone’s rule is met, and the same proposal grows with later reports', async () => {
    const zoneId = await newZone();
    const folios = await reportsEveryMinute(zoneId, 4);
    expect(await proposalsOf(zoneId)).toEqual([]);

    folios.push(...(await reportsEveryMinute(zoneId, 1)));
    const [proposal, ...others] = await proposalsOf(zoneId);
    expect(others).toEqual([]);
    expect(proposal).toMatchObject({
      status: 'pendiente',
      zone: { id: zoneId, code: `Z${zoneCount}`, name: `Zona ${zoneCount}` },
      rule: { minServices: 0, reports: 5, windowMinutes: 15 },
      incidentId: null,
      mutedUntil: null,
    });
    expect(proposal?.reports.map((r) => r.folio)).toEqual(folios);
    const proposed = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(eq(events.subjectId, proposal?.id as string));
    expect(proposed.map((e) => [e.kind, e.actorKind, e.actorRule, e.after])).toEqual([
      [
        'incident_proposed',
        'sistema',
        'deteccion_de_incidente',
        {
          number: proposal?.number,
          zoneId,
          reports: 5,
          rule: { minServices: 0, reports: 5, windowMinutes: 15 },
        },
      ],
    ]);

    folios.push(...(await reportsEveryMinute(zoneId, 1)));
    const [grown, ...none] = await proposalsOf(zoneId);
    expect(none).toEqual([]);
    expect(grown?.id).toBe(proposal?.id);
    expect(grown?.reports.map((r) => r.folio)).toEqual(folios);
    const grew = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.subjectId, proposal?.id as string), eq(events.kind, 'incident_proposal_grew')));
    expect(grew.map((e) => e.after)).toEqual([{ number: proposal?.number, zoneId, reports: 6 }]);
  });

  it('counts only the reports within the window', async () => {
    const zoneId = await newZone();
    for (let i = 0; i < 5; i++) {
      clock.advance(4 * MINUTE);
      await report(zoneId);
    }
    // The first of the five came 16 minutes before the last: four within 15 minutes.
    expect(await proposalsOf(zoneId)).toEqual([]);
  });

  it('needs the bigger rule in a bigger zone', async () => {
    const zoneId = await newZone();
    const [holder] = await app.atiende.ctx.db
      .insert(customers)
      .values({ name: 'Conjunto Habitacional Las Torres' })
      .returning();
    await app.atiende.ctx.db.insert(services).values(
      Array.from({ length: 500 }, () => ({
        customerId: holder?.id as string,
        zoneId,
        status: 'activo' as const,
        cutoffDay: 10,
      })),
    );
    await reportsEveryMinute(zoneId, 9);
    expect(await proposalsOf(zoneId)).toEqual([]);
    await reportsEveryMinute(zoneId, 1);
    const [proposal] = await proposalsOf(zoneId);
    expect(proposal?.rule).toEqual({ minServices: 500, reports: 10, windowMinutes: 15 });
    expect(proposal?.reports).toHaveLength(10);
  });

  it('a dismissed proposal mutes its zone until the mute ends', async () => {
    const zoneId = await newZone();
    await reportsEveryMinute(zoneId, 5);
    const [proposal] = await proposalsOf(zoneId);
    const url = `/api/v1/incident-proposals/${proposal?.id}/dismiss`;
    expect((await supervisor.request('POST', url, { reason: '   ' })).statusCode).toBe(400);
    const dismissed = await supervisor.request('POST', url, {
      reason: 'Es un edificio con su propio enlace',
    });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    const mutedUntil = new Date(clock.now().getTime() + 120 * MINUTE);
    expect(dismissed.json()).toMatchObject({ status: 'descartada', mutedUntil: mutedUntil.toISOString() });
    const [event] = await app.atiende.ctx.db
      .select({ after: events.after, note: eventNotes.body })
      .from(events)
      .innerJoin(eventNotes, eq(eventNotes.id, events.noteId))
      .where(
        and(eq(events.subjectId, proposal?.id as string), eq(events.kind, 'incident_proposal_dismissed')),
      );
    expect(event).toEqual({
      after: { number: proposal?.number, zoneId, mutedUntil: mutedUntil.toISOString() },
      note: 'Es un edificio con su propio enlace',
    });
    expect((await supervisor.request('POST', url, { reason: 'otra vez' })).statusCode).toBe(409);

    await reportsEveryMinute(zoneId, 6);
    expect((await proposalsOf(zoneId)).map((p) => p.status)).toEqual(['descartada']);

    clock.set(mutedUntil);
    await reportsEveryMinute(zoneId, 5);
    const after = await proposalsOf(zoneId);
    expect(after.map((p) => p.status)).toEqual(['pendiente', 'descartada']);
    expect(after[0]?.reports).toHaveLength(5);
  });

  it('accepting declares the incident over the zone and links its reports, once', async () => {
    const zoneId = await newZone();
    const folios = await reportsEveryMinute(zoneId, 5);
    const db = app.atiende.ctx.db;
    // A report discarded meanwhile stays off the incident.
    await db
      .update(cases)
      .set({ status: 'descartado' })
      .where(eq(cases.folio, folios[0] as string));
    const [proposal] = await proposalsOf(zoneId);
    const url = `/api/v1/incident-proposals/${proposal?.id}/accept`;
    const body = { cause: 'energia', publicText: 'Sin energía en la zona; la CFE ya trabaja en ello.' };
    expect((await tecnico.request('GET', '/api/v1/incident-proposals')).statusCode).toBe(403);
    const soporte = await app.sessionAs('agent');
    expect((await soporte.request('POST', url, body)).statusCode).toBe(403);

    const accepted = await supervisor.request('POST', url, body);
    expect(accepted.statusCode, accepted.body).toBe(200);
    const { incident, linked, proposal: decided } = accepted.json();
    expect(linked).toBe(4);
    expect(decided).toMatchObject({ status: 'aceptada', incidentId: incident.id });
    expect(incident).toMatchObject({
      status: 'abierto',
      cause: 'energia',
      zones: [{ id: zoneId }],
      startedAt: proposal?.reports[0]?.createdAt,
      declaredBy: supervisor.agentId,
    });
    const reports = await db
      .select({ folio: cases.folio, incidentId: cases.incidentId })
      .from(cases)
      .where(inArray(cases.folio, folios));
    expect(Object.fromEntries(reports.map((r) => [r.folio, r.incidentId]))).toEqual(
      Object.fromEntries(folios.map((f, i) => [f, i === 0 ? null : incident.id])),
    );
    const links = await db
      .select({ actorAgentId: events.actorAgentId })
      .from(events)
      .where(and(eq(events.kind, 'case_incident_linked'), eq(events.subjectId, incident.id)));
    expect(links).toEqual(Array.from({ length: 4 }, () => ({ actorAgentId: supervisor.agentId })));
    const [row] = await db
      .select()
      .from(incidentProposals)
      .where(eq(incidentProposals.id, proposal?.id as string));
    expect(row).toMatchObject({ status: 'aceptada', decidedBy: supervisor.agentId, incidentId: incident.id });

    const again = await supervisor.request('POST', url, body);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'incident_proposal.decided' });
    expect(
      (
        await supervisor.request('POST', `/api/v1/incident-proposals/${proposal?.id}/dismiss`, {
          reason: 'no',
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (
        await supervisor.request(
          'POST',
          '/api/v1/incident-proposals/00000000-0000-4000-8000-000000000000/accept',
          body,
        )
      ).statusCode,
    ).toBe(404);
  });

  it('a refused declaration leaves the proposal pending and its reports unlinked', async () => {
    const zoneId = await newZone();
    await reportsEveryMinute(zoneId, 5);
    const [proposal] = await proposalsOf(zoneId);
    const refused = await supervisor.request('POST', `/api/v1/incident-proposals/${proposal?.id}/accept`, {
      cause: 'energia',
      publicText: 'Sin energía',
      eta: new Date(clock.now().getTime() - 60 * MINUTE).toISOString(),
    });
    expect(refused.statusCode).toBe(422);
    expect((await proposalsOf(zoneId))[0]?.status).toBe('pendiente');
    const linked = await app.atiende.ctx.db
      .select({ incidentId: cases.incidentId })
      .from(incidentProposalReports)
      .innerJoin(cases, eq(cases.id, incidentProposalReports.caseId))
      .where(eq(incidentProposalReports.proposalId, proposal?.id as string));
    expect(linked.every((c) => c.incidentId === null)).toBe(true);
  });
});
