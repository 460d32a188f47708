import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveMessages } from '../channels/intake.service.ts';
import { formatDateEs } from '../channels/templates.ts';
import { whatsappText } from '../channels/testing/incoming.ts';
import { ManualClock } from '../clock.ts';
import {
  areas,
  cases,
  contactPoints,
  customers,
  deadlines,
  events,
  incidentProposalReports,
  incidentProposals,
  messages,
  services,
  zones,
} from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { zoneNamedIn } from './outage-intake.ts';

const NOW = new Date('2026-12-07T16:00:00Z');
const hoursFrom = (base: Date, n: number) => new Date(base.getTime() + n * 3_600_000);
const PUBLIC_URL = 'https://soporte.example.test';

describe('zoneNamedIn', () => {
  const ZONES = [
    { code: 'NTE', name: 'Torre Norte' },
    { code: 'NTE-CEN', name: 'Col. Centro' },
    { code: 'CEN-NTE', name: 'Centro Norte' },
    { code: 'MIT', name: 'Mitras' },
    { code: 'SJ', name: 'San José' },
  ];
  const TABLE: Array<[string, string | undefined]> = [
    ['No tengo internet en la col. centro', 'Col. Centro'],
    ['NO HAY SEÑAL EN COL CENTRO', 'Col. Centro'],
    ['vivo en mitras', 'Mitras'],
    ['Mitras, desde ayer', 'Mitras'],
    ['en san jose no hay servicio', 'San José'],
    ['SAN JOSÉ', 'San José'],
    ['sector nte-cen sin señal', 'Col. Centro'],
    ['sector NTE sin señal', 'Torre Norte'],
    ['en centro norte se fue la luz', 'Centro Norte'],
    // Whole words only: a name inside another word is no mention of it.
    ['vivo en Mitrasol', undefined],
    ['la antena no transmite', undefined],
    ['no hay internet', undefined],
    ['', undefined],
  ];
  it.each(TABLE)('%j names %j', (text, expected) => {
    expect(zoneNamedIn(text, ZONES)?.name).toBe(expected);
  });
});

describeEachDatabase('outage-aware intake', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let supervisor: Session;
  let zone: Record<'norte' | 'centro' | 'mitras' | 'sur', number>;
  let sequence = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false, config: { PUBLIC_URL } });
    const db = app.atiende.ctx.db;
    const area = Object.fromEntries((await db.select().from(areas)).map((a) => [a.code, a.id]));
    supervisor = await app.sessionAs('supervisor', [area.soporte_tecnico as number]);
    const [norte] = await db
      .insert(zones)
      .values({ code: `NTE${kind}`, name: 'Torre Norte' })
      .returning();
    const [centro] = await db
      .insert(zones)
      .values({ code: `NTE-CEN${kind}`, name: 'Col. Centro', parentId: norte?.id as number })
      .returning();
    const [mitras] = await db
      .insert(zones)
      .values({ code: `NTE-CEN-MIT${kind}`, name: 'Mitras', parentId: centro?.id as number })
      .returning();
    const [sur] = await db
      .insert(zones)
      .values({ code: `SUR${kind}`, name: 'Torre Sur' })
      .returning();
    zone = {
      norte: norte?.id as number,
      centro: centro?.id as number,
      mitras: mitras?.id as number,
      sur: sur?.id as number,
    };
  });
  afterAll(() => app?.close());

  const db = () => app.atiende.ctx.db;
  const declare = async (zoneIds: number[], eta: Date | null) => {
    const response = await supervisor.request('POST', '/api/v1/incidents', {
      zoneIds,
      cause: 'energia',
      publicText: 'Sin energía en la zona; la CFE ya trabaja.',
      startedAt: hoursFrom(NOW, -2).toISOString(),
      eta: eta?.toISOString() ?? null,
    });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; number: number };
  };
  /** A customer with an account, a service in the zone, and a WhatsApp number and an e-mail on file. */
  const customerIn = async (zoneId: number) => {
    sequence += 1;
    const [customer] = await db()
      .insert(customers)
      .values({ accountNumber: `OUT-${kind}-${sequence}`, name: 'Marta Garza' })
      .returning();
    const customerId = customer?.id as string;
    const [service] = await db()
      .insert(services)
      .values({ customerId, zoneId, status: 'activo', cutoffDay: 10 })
      .returning();
    const wa = `+5281${kind === 'pglite' ? '1' : '2'}${String(sequence).padStart(7, '0')}`;
    const email = `marta${sequence}.${kind}@example.test`;
    await db()
      .insert(contactPoints)
      .values([
        { customerId, kind: 'whatsapp', address: wa },
        { customerId, kind: 'email', address: email },
      ]);
    return { customerId, serviceId: service?.id as string, wa, email };
  };
  const whatsapp = (from: string, text: string, externalId = `wamid.${kind}.${++sequence}`) =>
    receiveMessages(app.atiende.ctx, [whatsappText(from, text, externalId, clock.now())]).then((r) => r[0]);
  const caseRow = async (id: string) => (await db().select().from(cases).where(eq(cases.id, id)))[0];
  const outbound = (caseId: string) =>
    db()
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, caseId), eq(messages.kind, 'saliente')))
      .orderBy(asc(messages.createdAt));
  const resolutionDue = async (caseId: string) =>
    (
      await db()
        .select()
        .from(deadlines)
        .where(and(eq(deadlines.subjectId, caseId), eq(deadlines.kind, 'resolucion')))
    )[0]?.dueAt as Date;
  const timeZone = async () => (await app.atiende.ctx.settings.current(db())).settings.provider.timeZone;

  it('links a failure from a service below an incident zone and answers with its status and ETA, once per delivery', async () => {
    const eta = hoursFrom(NOW, 3);
    const incident = await declare([zone.norte], eta);
    const ana = await customerIn(zone.mitras);
    const externalId = `wamid.${kind}.ana`;
    const received = await whatsapp(ana.wa, 'No tengo internet desde hace rato', externalId);
    expect(received).toMatchObject({ newCase: true, duplicate: false });
    const kase = await caseRow(received?.caseId as string);
    expect(kase).toMatchObject({
      requestType: 'falla',
      incidentId: incident.id,
      serviceId: ana.serviceId,
      failureStartedAt: hoursFrom(NOW, -2),
    });

    const sent = await outbound(kase?.id as string);
    expect(sent).toHaveLength(1);
    const body = sent[0]?.body ?? '';
    const tz = await timeZone();
    expect(body).toContain(kase?.folio as string);
    expect(body).toContain(formatDateEs(eta, tz));
    expect(body).toContain(formatDateEs(await resolutionDue(kase?.id as string), tz));
    expect(body).toContain('Mitras');
    expect(body).toContain('falla reportada');
    expect(body).toContain(`${PUBLIC_URL}/estado`);

    const [linked] = await db()
      .select()
      .from(events)
      .where(and(eq(events.caseId, kase?.id as string), eq(events.kind, 'case_incident_linked')));
    expect(linked).toMatchObject({
      actorKind: 'sistema',
      actorRule: 'vinculo_por_incidente',
      subjectKind: 'incident',
      subjectId: incident.id,
      after: { incidentId: incident.id, number: incident.number },
    });
    // The agent sees the link on the case page.
    const page = await supervisor.request('GET', `/api/v1/cases/${kase?.folio}`);
    expect(page.json().incident).toMatchObject({ id: incident.id, number: incident.number });

    // The same webhook delivered again: nothing new.
    expect(await whatsapp(ana.wa, 'No tengo internet desde hace rato', externalId)).toMatchObject({
      duplicate: true,
    });
    expect(await outbound(kase?.id as string)).toHaveLength(1);
    expect(await db().select().from(cases).where(eq(cases.customerId, ana.customerId))).toHaveLength(1);

    // Writing again on another channel joins the same case; another explicit request does not.
    const [byEmail] = await receiveMessages(app.atiende.ctx, [
      {
        channel: 'email',
        externalId: `<again.${kind}@example.test>`,
        sender: { kind: 'email', address: ana.email },
        sentAt: clock.now(),
        subject: 'Sigo sin servicio',
        text: '¿Para cuándo regresa?',
        contentType: 'text',
        thread: { references: [] },
      },
    ]);
    expect(byEmail).toMatchObject({ newCase: false, caseId: kase?.id, folio: kase?.folio });
    const [other] = await receiveMessages(app.atiende.ctx, [
      {
        channel: 'email',
        externalId: `<saldo.${kind}@example.test>`,
        sender: { kind: 'email', address: ana.email },
        sentAt: clock.now(),
        text: 'Quiero saber mi saldo',
        contentType: 'text',
        requestType: 'saldo',
        thread: { references: [] },
      },
    ]);
    expect(other).toMatchObject({ newCase: true });
    expect((await caseRow(other?.caseId as string))?.incidentId).toBeNull();
  });

  it('gives the generic acknowledgement outside the incident, and counts the report toward detection in its zone', async () => {
    const beto = await customerIn(zone.sur);
    const received = await whatsapp(beto.wa, 'no hay señal');
    const kase = await caseRow(received?.caseId as string);
    expect(kase).toMatchObject({ requestType: 'falla', incidentId: null, failureStartedAt: null });
    const [ack] = await outbound(kase?.id as string);
    expect(ack?.body).toContain(kase?.folio as string);
    expect(ack?.body).not.toContain('/estado');
    // The report names the customer's one service, so the zone's reports count it: with four more
    // (the default rule, 5 in 15 minutes) the zone proposes an incident that lists it.
    expect(kase?.serviceId).not.toBeNull();
    for (let i = 0; i < 4; i++) await whatsapp((await customerIn(zone.sur)).wa, 'no hay señal');
    const listed = await app.atiende.ctx.db
      .select({ caseId: incidentProposalReports.caseId })
      .from(incidentProposalReports)
      .innerJoin(incidentProposals, eq(incidentProposals.id, incidentProposalReports.proposalId))
      .where(and(eq(incidentProposals.zoneId, zone.sur), eq(incidentProposals.status, 'pendiente')));
    expect(listed.map((r) => r.caseId)).toContain(kase?.id);
  });

  it('does not link to a restored incident', async () => {
    const incident = await declare([zone.sur], null);
    const restored = await supervisor.request('POST', `/api/v1/incidents/${incident.id}/updates`, {
      status: 'restablecido',
    });
    expect(restored.statusCode).toBe(200);
    const carla = await customerIn(zone.sur);
    const received = await whatsapp(carla.wa, 'se fue el internet');
    expect((await caseRow(received?.caseId as string))?.incidentId).toBeNull();
  });

  it('links a prospect who names an affected zone, with the public status', async () => {
    const [incident] = (await supervisor.request('GET', `/api/v1/incidents?zoneId=${zone.centro}`)).json();
    const received = await whatsapp(
      `+5281${kind === 'pglite' ? '3' : '4'}0000001`,
      'Hola, ¿hay algún problema en la col. centro? Quiero contratar',
    );
    const kase = await caseRow(received?.caseId as string);
    expect(kase).toMatchObject({ incidentId: incident.id, serviceId: null });
    const [ack] = await outbound(kase?.id as string);
    expect(ack?.body).toContain('Col. Centro');
    expect(ack?.body).toContain('falla reportada');
    expect(ack?.body).toContain(`${PUBLIC_URL}/estado`);

    const elsewhere = await whatsapp(
      `+5281${kind === 'pglite' ? '3' : '4'}0000002`,
      // A request of its own: a plain greeting naming no affected zone gets the self-service menu.
      'Quiero contratar, vivo en otro lado',
    );
    expect((await caseRow(elsewhere?.caseId as string))?.incidentId).toBeNull();
  });

  it('tells a portal request naming an affected zone of the outage', async () => {
    const response = await app.atiende.http.inject({
      method: 'POST',
      url: '/api/v1/portal/requests',
      payload: {
        requestType: 'falla',
        description: 'No hay internet en Mitras desde la mañana',
        email: `portal.${kind}@example.test`,
        idempotencyKey: `outage-${kind}-portal`,
      },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().incident).toEqual({
      status: 'abierto',
      eta: hoursFrom(NOW, 3).toISOString(),
      zone: 'Mitras',
    });
  });

  it('links a portal request naming an account holder in the zone, telling the sender nothing of it', async () => {
    const elena = await customerIn(zone.centro);
    const response = await app.atiende.http.inject({
      method: 'POST',
      url: '/api/v1/portal/requests',
      remoteAddress: '198.51.100.77',
      payload: {
        requestType: 'falla',
        description: 'No tengo internet desde temprano',
        email: elena.email,
        idempotencyKey: `outage-${kind}-claim`,
      },
    });
    expect(response.statusCode).toBe(201);
    // Whoever typed the address: the answer would otherwise say where its holder lives.
    expect(response.json().incident).toBeNull();
    const [kase] = await db().select().from(cases).where(eq(cases.folio, response.json().folio));
    expect(kase).toMatchObject({ proposedCustomerId: elena.customerId, serviceId: elena.serviceId });
    expect(kase?.incidentId).not.toBeNull();
  });

  it('links a failure an agent files for a customer in the zone', async () => {
    const dora = await customerIn(zone.centro);
    const response = await supervisor.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'telefono',
      customerId: dora.customerId,
      description: 'Llama: sin servicio',
    });
    expect(response.statusCode).toBe(201);
    const page = await supervisor.request('GET', `/api/v1/cases/${response.json().folio}`);
    expect(page.json()).toMatchObject({ serviceId: dora.serviceId, incident: { status: 'abierto' } });
  });
});
