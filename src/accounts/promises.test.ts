import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import { areas, cases, events, messages, paymentPromises, services } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { postLedgerEntries } from './ledger.service.ts';
import {
  PROMISE_DUE_JOB,
  PROMISE_REMINDER_JOB,
  remindPromise,
  settleDuePromise,
  suspensionHeldUntil,
} from './promises.service.ts';

// Wednesday 25 November 2026, 10:00 in Monterrey (UTC−6).
const NOW = new Date('2026-11-25T16:00:00Z');

describeEachDatabase('payment promises', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let cobranza: Session;
  let areaId: number;
  let sequence = 0;
  /** Moves the clock, with a fresh session: one opened days earlier has expired by then. */
  const at = async (instant: string) => {
    clock.set(new Date(instant));
    cobranza = await app.sessionAs('agent', [areaId]);
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const [area] = await app.atiende.ctx.db
      .select()
      .from(areas)
      .where(eq(areas.code, 'facturacion_cobranza'));
    areaId = area?.id as number;
    cobranza = await app.sessionAs('agent', [areaId]);
  });
  afterAll(() => app?.close());

  async function caseWithService() {
    sequence += 1;
    const opened = await cobranza.request('POST', '/api/v1/cases', {
      requestType: 'saldo',
      channel: 'email',
      contact: { kind: 'email', address: `promesa${sequence}.${kind}@example.test` },
      customerName: 'Jorge Núñez',
      description: 'Pago el viernes, no me corten',
    });
    const { folio, customer } = opened.json() as { folio: string; customer: { id: string } };
    const [service] = await app.atiende.ctx.db
      .insert(services)
      .values({ customerId: customer.id, status: 'activo', cutoffDay: 10 })
      .returning();
    const serviceId = service?.id as string;
    await postLedgerEntries(
      app.atiende.ctx.db,
      [{ serviceId, kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-11-10' }],
      systemActor('datos_de_demostracion'),
    );
    return { folio, serviceId };
  }

  const promise = (folio: string, body: Record<string, unknown>) =>
    cobranza.request('POST', `/api/v1/cases/${folio}/promises`, { amountCentavos: 35_000, ...body });
  const jobsOf = async (name: string, promiseId: string) =>
    (await app.atiende.ctx.jobs.findJobs(name)).filter(
      (job) => (job.data as { promiseId?: string }).promiseId === promiseId,
    );
  const statusOf = async (id: string) =>
    (await app.atiende.ctx.db.select().from(paymentPromises).where(eq(paymentPromises.id, id)))[0]?.status;
  const eventKinds = async (id: string) =>
    (await app.atiende.ctx.db.select().from(events).where(eq(events.subjectId, id))).map((e) => [
      e.kind,
      e.actorKind,
    ]);

  it('records a promise within the limits, holds suspension until the day after, and queues the reminder for the day before', async () => {
    clock.set(NOW);
    const { folio, serviceId } = await caseWithService();
    expect((await promise(folio, { serviceId, promisedFor: '2026-11-24' })).json()).toMatchObject({
      status: 422,
      code: 'promise.date_past',
      field: 'promisedFor',
    });
    expect((await promise(folio, { serviceId, promisedFor: '2026-12-06' })).json()).toMatchObject({
      code: 'promise.date_too_far',
      field: 'promisedFor',
    });
    expect(
      (await promise(folio, { serviceId, amountCentavos: 0, promisedFor: '2026-11-27' })).statusCode,
    ).toBe(400);

    const response = await promise(folio, { serviceId, promisedFor: '2026-11-27' });
    expect(response.statusCode).toBe(201);
    const made = response.json();
    expect(made).toMatchObject({
      status: 'vigente',
      promisedFor: '2026-11-27',
      suspensionHeldUntil: '2026-11-28',
    });
    expect(await suspensionHeldUntil(app.atiende.ctx.db, serviceId)).toBe('2026-11-28');

    // Thursday 26 at 10:00 in Monterrey, and Saturday 28 at midnight there.
    expect((await jobsOf(PROMISE_REMINDER_JOB, made.id)).map((j) => j.startAfter)).toEqual([
      new Date('2026-11-26T16:00:00Z'),
    ]);
    expect((await jobsOf(PROMISE_DUE_JOB, made.id)).map((j) => j.startAfter)).toEqual([
      new Date('2026-11-28T06:00:00Z'),
    ]);

    expect((await promise(folio, { serviceId, promisedFor: '2026-11-30' })).json()).toMatchObject({
      status: 409,
      code: 'promise.already_standing',
    });

    // The reminder goes once, on the case, with the amount and the date.
    clock.set(new Date('2026-11-26T16:00:00Z'));
    await remindPromise(app.atiende.ctx, { promiseId: made.id });
    await remindPromise(app.atiende.ctx, { promiseId: made.id });
    const [kase] = await app.atiende.ctx.db.select().from(cases).where(eq(cases.folio, folio));
    const reminders = (
      await app.atiende.ctx.db
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, kase?.id as string), eq(messages.kind, 'saliente')))
    ).filter((m) => m.body.includes('promesa de pago'));
    expect(reminders.map((m) => m.body)).toEqual([
      expect.stringContaining('$350.00 MXN para el 27 de noviembre de 2026'),
    ]);

    // Paid (and confirmed) by the date: kept at once.
    await at('2026-11-27T18:00:00Z');
    const paid = await cobranza.request('POST', `/api/v1/cases/${folio}/payments`, {
      serviceId,
      amountCentavos: 35_000,
      paidOn: '2026-11-27',
      method: 'spei',
    });
    expect(paid.statusCode).toBe(201);
    expect(await statusOf(made.id)).toBe('cumplida');
    expect(await suspensionHeldUntil(app.atiende.ctx.db, serviceId)).toBeNull();
    // The settlement job finds nothing left to do.
    clock.set(new Date('2026-11-28T06:00:00Z'));
    await settleDuePromise(app.atiende.ctx, { promiseId: made.id });
    expect(await eventKinds(made.id)).toEqual([
      ['promise_made', 'agente'],
      ['promise_reminded', 'sistema'],
      ['promise_kept', 'agente'],
    ]);
  });

  it('marks a promise broken the day after its date when payments fell short, and allows one per billing period', async () => {
    clock.set(NOW);
    const { folio, serviceId } = await caseWithService();
    const made = (await promise(folio, { serviceId, promisedFor: '2026-11-26' })).json();
    await cobranza.request('POST', `/api/v1/cases/${folio}/payments`, {
      serviceId,
      amountCentavos: 10_000,
      paidOn: '2026-11-25',
      method: 'efectivo',
    });
    expect(await statusOf(made.id)).toBe('vigente');

    // Run early (the date has not passed in Monterrey): nothing changes.
    clock.set(new Date('2026-11-27T05:59:00Z'));
    await settleDuePromise(app.atiende.ctx, { promiseId: made.id });
    expect(await statusOf(made.id)).toBe('vigente');
    clock.set(new Date('2026-11-27T06:00:00Z'));
    await settleDuePromise(app.atiende.ctx, { promiseId: made.id });
    await settleDuePromise(app.atiende.ctx, { promiseId: made.id });
    expect(await statusOf(made.id)).toBe('incumplida');
    const broken = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.kind, 'promise_broken'), eq(events.subjectId, made.id)));
    expect(broken.map((e) => [e.actorRule, (e.after as { paidCentavos: number }).paidCentavos])).toEqual([
      ['recordatorio_de_promesa', 10_000],
    ]);

    // Same billing period (11 November to 10 December): no second promise.
    expect((await promise(folio, { serviceId, promisedFor: '2026-11-30' })).json()).toMatchObject({
      status: 409,
      code: 'promise.limit_reached',
    });
    // The next period allows one again.
    await at('2026-12-11T16:00:00Z');
    expect((await promise(folio, { serviceId, promisedFor: '2026-12-15' })).statusCode).toBe(201);
  });
});
