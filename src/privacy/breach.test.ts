import { and, count, eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  breachNoticeRecipients,
  breachNotices,
  cases,
  consents,
  contactPoints,
  customers,
  events,
  messages,
  plans,
  services,
  zones,
} from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { waitUntil } from '../test/wait.ts';
import { sendBreachNotice } from './breach.service.ts';
import { startMailSink } from './breach.testing.ts';

const TITLE = 'Acceso indebido a datos de clientes';
const BODY = 'El 3 de diciembre detectamos un acceso no autorizado a nombres y teléfonos. Cambie su PIN.';

describeEachDatabase('a notice of a data breach to the customers of a zone', (kind) => {
  let app: TestApp;
  let sink: Awaited<ReturnType<typeof startMailSink>>;
  let admin: Session;
  let agent: Session;

  beforeAll(async () => {
    sink = await startMailSink();
    app = await startTestApp(kind, { config: sink.config });
    admin = await app.sessionAs('admin');
    agent = await app.sessionAs('agent');
  });
  afterAll(async () => {
    await app?.close();
    await sink?.close();
  });

  it('tells each affected person once, on their open case or a new consulta, ignoring opt-outs, and records each', async () => {
    const { db } = app.atiende.ctx;
    const [torre] = await db.insert(zones).values({ code: 'TV', name: 'Torre Valle' }).returning();
    const [colonia] = await db
      .insert(zones)
      .values({ code: 'TV-COL', name: 'Col. Valle', parentId: torre?.id as number })
      .returning();
    const [otra] = await db.insert(zones).values({ code: 'TO', name: 'Torre Oeste' }).returning();
    const [plan] = await db
      .insert(plans)
      .values({ code: `inal-${kind}`, name: 'Inalámbrico 10', monthlyPriceCentavos: 29_900 })
      .returning();
    const person = async (
      name: string,
      zoneId: number,
      contact: { kind: 'email' | 'phone'; address: string },
    ) => {
      const [row] = await db.insert(customers).values({ name }).returning();
      const customerId = row?.id as string;
      await db.insert(contactPoints).values({ customerId, ...contact });
      await db
        .insert(services)
        .values({ customerId, planId: plan?.id as number, zoneId, status: 'activo', cutoffDay: 10 });
      return customerId;
    };
    const withCase = `pablo.${kind}@example.test`;
    const withoutCase = `queta.${kind}@example.test`;
    const elsewhere = `raul.${kind}@example.test`;
    const pablo = await person('Pablo Ortiz', colonia?.id as number, { kind: 'email', address: withCase });
    const queta = await person('Enriqueta Sáenz', torre?.id as number, {
      kind: 'email',
      address: withoutCase,
    });
    const sara = await person('Sara Luna', colonia?.id as number, {
      kind: 'phone',
      address: '+528112345678',
    });
    const raul = await person('Raúl Díaz', otra?.id as number, { kind: 'email', address: elsewhere });
    // Enriqueta opposed every use of her data: a breach notice is a legal duty, not a use.
    await db.insert(consents).values({
      customerId: queta,
      purpose: 'promocionales',
      granted: false,
      channel: 'telefono',
      textVersion: '2026-12-01',
      recordedAt: new Date('2026-11-01T12:00:00Z'),
    });
    const opened = await agent.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'email',
      contact: { kind: 'email', address: withCase },
      description: 'Intermitencia en las noches',
    });
    expect(opened.statusCode).toBe(201);
    const pabloCase = opened.json() as { id: string; customer: { id: string } };
    expect(pabloCase.customer.id).toBe(pablo);

    const declared = await admin.request('POST', '/api/v1/breach-notices', {
      title: { 'es-MX': TITLE, en: 'Unauthorised access to customer data' },
      body: { 'es-MX': BODY, en: 'On December 3 we detected unauthorised access. Change your PIN.' },
      affected: { kind: 'zonas', zoneIds: [torre?.id] },
    });
    expect(declared.statusCode).toBe(201);
    const notice = declared.json() as { id: string; affectedCount: number };
    expect(notice.affectedCount).toBe(3);

    await waitUntil(async () => {
      const detail = await admin.request('GET', `/api/v1/breach-notices/${notice.id}`);
      return detail.json().processed === 3;
    }, 30_000);
    await waitUntil(
      () => sink.to(withCase, TITLE).length > 0 && sink.to(withoutCase, TITLE).length > 0,
      30_000,
    );

    const recipients = await db
      .select()
      .from(breachNoticeRecipients)
      .where(eq(breachNoticeRecipients.breachNoticeId, notice.id));
    const of = (customerId: string) => recipients.find((r) => r.customerId === customerId);
    expect(recipients.map((r) => r.customerId).sort()).toEqual([pablo, queta, sara].sort());
    expect(of(raul)).toBeUndefined();
    // Pablo is told on the case he has open; Enriqueta on a consulta opened for it, on her e-mail.
    expect(of(pablo)).toMatchObject({
      caseId: pabloCase.id,
      channel: 'email',
      messageId: expect.any(String),
    });
    const [quetaCase] = await db
      .select()
      .from(cases)
      .where(eq(cases.id, of(queta)?.caseId as string));
    expect(quetaCase).toMatchObject({ customerId: queta, requestType: 'consulta', channel: 'email' });
    expect(sink.to(withoutCase, TITLE)[0]?.text).toContain(quetaCase?.folio as string);
    expect(sink.to(withoutCase, TITLE)[0]?.text).toContain(BODY);
    // Sara has only a phone: her case says she could not be told in writing, so an agent calls her.
    expect(of(sara)).toMatchObject({ caseId: expect.any(String), messageId: null, channel: null });
    const [saraCase] = await db
      .select()
      .from(cases)
      .where(eq(cases.id, of(sara)?.caseId as string));
    expect(saraCase?.channel).toBe('telefono');

    const detail = (await admin.request('GET', `/api/v1/breach-notices/${notice.id}`)).json();
    expect(detail).toMatchObject({ affectedCount: 3, processed: 3, queued: 2, unreached: 1 });

    // Runs after the job (a retry, two workers at once) find everybody told.
    await Promise.all([
      sendBreachNotice(app.atiende.ctx, { breachNoticeId: notice.id }),
      sendBreachNotice(app.atiende.ctx, { breachNoticeId: notice.id }),
    ]);
    const breachMessages = await db
      .select({ n: count() })
      .from(messages)
      .where(and(eq(messages.kind, 'saliente'), like(messages.body, `%${TITLE}%`)));
    expect(breachMessages[0]?.n).toBe(2);
    const sent = await db
      .select({ n: count() })
      .from(events)
      .where(
        and(eq(events.kind, 'breach_notice_sent'), inArray(events.customerId, [pablo, queta, sara, raul])),
      );
    expect(sent[0]?.n).toBe(3);
    expect(sink.to(withCase, TITLE)).toHaveLength(1);
    expect(sink.to(withoutCase, TITLE)).toHaveLength(1);
    expect(sink.received.filter((m) => m.to === elsewhere)).toEqual([]);
  });

  it('is for admins only, and refuses an affected group that is malformed, unknown or empty, writing nothing', async () => {
    const { db } = app.atiende.ctx;
    const [empty] = await db
      .insert(zones)
      .values({ code: `VACIA-${kind}`, name: 'Zona sin clientes' })
      .returning();
    const [{ n: before } = { n: 0 }] = await db.select({ n: count() }).from(breachNotices);
    const declare = (who: Session, affected: unknown) =>
      who.request('POST', '/api/v1/breach-notices', {
        title: { 'es-MX': 'Prueba' },
        body: { 'es-MX': 'Prueba' },
        affected,
      });

    expect((await declare(agent, { kind: 'todos' })).statusCode).toBe(403);
    expect((await agent.request('GET', '/api/v1/breach-notices')).statusCode).toBe(403);
    const supervisor = await app.sessionAs('supervisor');
    expect((await declare(supervisor, { kind: 'todos' })).statusCode).toBe(403);

    const noZones = await declare(admin, { kind: 'zonas', zoneIds: [] });
    expect(noZones.statusCode).toBe(400);
    expect(noZones.json().field).toBe('body.affected.zoneIds');
    const unknownZone = await declare(admin, { kind: 'zonas', zoneIds: [empty?.id, 987_654] });
    expect(unknownZone.statusCode).toBe(422);
    expect(unknownZone.json()).toMatchObject({ code: 'breach.unknown_zone', field: 'affected.zoneIds.1' });
    const unknownCustomer = await declare(admin, {
      kind: 'clientes',
      customerIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(unknownCustomer.statusCode).toBe(422);
    expect(unknownCustomer.json()).toMatchObject({
      code: 'breach.unknown_customer',
      field: 'affected.customerIds.0',
    });
    const nobody = await declare(admin, { kind: 'zonas', zoneIds: [empty?.id] });
    expect(nobody.statusCode).toBe(422);
    expect(nobody.json()).toMatchObject({ code: 'breach.nobody_affected', field: 'affected' });
    const noText = await admin.request('POST', '/api/v1/breach-notices', {
      title: { 'es-MX': ' ' },
      body: { 'es-MX': 'Prueba' },
      affected: { kind: 'todos' },
    });
    expect(noText.statusCode).toBe(400);

    const [{ n: after } = { n: 0 }] = await db.select({ n: count() }).from(breachNotices);
    expect(after).toBe(before);
    expect(
      (await admin.request('GET', '/api/v1/breach-notices/00000000-0000-4000-8000-000000000000')).statusCode,
    ).toBe(404);
  });
});
