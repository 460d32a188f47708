import { eq } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import { mergeCustomers } from '../customers/merge-customers.ts';
import {
  customers,
  events,
  paymentPromises,
  serviceSuspensions,
  services,
  suspensionNotices,
} from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { proposeSuspensions } from './suspension.service.ts';

const FIRST_DAY = '2026-11-05';
// 10:00 in Monterrey (UTC−6) on a date.
const morningOf = (date: string) => new Date(`${date}T16:00:00Z`);
const dayOf = (n: number) => Temporal.PlainDate.from(FIRST_DAY).add({ days: n }).toString();
const between = (date: string, from: string, to: string) => date >= from && date <= to;

describeEachDatabase('non-payment suspension proposals', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(morningOf(FIRST_DAY));
  let agent: Session;
  /** Moves the clock, with a fresh session: one opened days earlier has expired by then. */
  const on = async (date: string) => {
    clock.set(morningOf(date));
    agent = await app.sessionAs('agent');
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
  });
  afterAll(() => app?.close());

  async function customerWithService(cutoffDay: number) {
    const db = app.atiende.ctx.db;
    const [customer] = await db.insert(customers).values({ name: 'Rosa Garza' }).returning();
    const customerId = customer?.id as string;
    const [service] = await db
      .insert(services)
      .values({ customerId, status: 'activo', cutoffDay })
      .returning();
    return { customerId, serviceId: service?.id as string };
  }

  it('records and closes a PROFECO conciliation, with its checks and events', async () => {
    await on('2026-11-20');
    const { customerId, serviceId } = await customerWithService(10);
    const other = await customerWithService(10);
    const url = `/api/v1/customers/${customerId}/conciliations`;
    const refusals: Array<[Record<string, unknown>, number, string | undefined]> = [
      [{ expediente: 'PFC/MTY/123/2026', openedOn: '2026-11-21' }, 422, 'conciliation.date_future'],
      [
        { expediente: 'PFC/MTY/123/2026', openedOn: '2026-11-19', serviceId: other.serviceId },
        422,
        'conciliation.service_not_of_customer',
      ],
      [{ expediente: '  ', openedOn: '2026-11-19' }, 400, undefined],
    ];
    for (const [body, code, problem] of refusals) {
      const response = await agent.request('POST', url, body);
      expect(response.statusCode).toBe(code);
      if (problem) expect(response.json().code).toBe(problem);
    }
    const opened = await agent.request('POST', url, {
      expediente: 'PFC/MTY/123/2026',
      openedOn: '2026-11-18',
      serviceId,
    });
    expect(opened.statusCode).toBe(201);
    const id = opened.json().id as string;
    expect(opened.json()).toMatchObject({ customerId, serviceId, openedOn: '2026-11-18', closedOn: null });

    expect((await agent.request('PATCH', `${url}/${id}`, { closedOn: '2026-11-17' })).json().code).toBe(
      'conciliation.closed_before_opened',
    );
    expect((await agent.request('PATCH', `${url}/${id}`, { closedOn: '2026-11-21' })).json().code).toBe(
      'conciliation.date_future',
    );
    const closed = await agent.request('PATCH', `${url}/${id}`, { closedOn: '2026-11-20' });
    expect(closed.json()).toMatchObject({ closedOn: '2026-11-20' });
    expect((await agent.request('PATCH', `${url}/${id}`, { closedOn: '2026-11-20' })).statusCode).toBe(409);
    expect(
      (
        await agent.request('PATCH', `/api/v1/customers/${other.customerId}/conciliations/${id}`, {
          closedOn: '2026-11-20',
        })
      ).statusCode,
    ).toBe(404);

    const listed = (await agent.request('GET', url)).json();
    expect(listed).toEqual([closed.json()]);
    const recorded = await app.atiende.ctx.db.select().from(events).where(eq(events.subjectId, id));
    expect(recorded.map((e) => [e.kind, e.subjectKind, e.customerId, e.after])).toEqual([
      [
        'conciliation_opened',
        'conciliation',
        customerId,
        { expediente: 'PFC/MTY/123/2026', openedOn: '2026-11-18', serviceId },
      ],
      [
        'conciliation_closed',
        'conciliation',
        customerId,
        { expediente: 'PFC/MTY/123/2026', openedOn: '2026-11-18', closedOn: '2026-11-20' },
      ],
    ]);
  });

  it('never proposes a service while a conciliation is open or a promise is in force, day by day over 40 days', async () => {
    const db = app.atiende.ctx.db;
    const { customerId, serviceId } = await customerWithService(10);
    const demo = systemActor('datos_de_demostracion');
    // November's charge is due by the 10 November cut-off, December's by 10 December; paid on 5 December.
    await postLedgerEntries(
      db,
      [
        { serviceId, kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-11-01' },
        { serviceId, kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-12-01' },
        { serviceId, kind: 'pago', amountCentavos: -35_000, effectiveDate: '2026-12-05' },
      ],
      demo,
    );
    await db.insert(suspensionNotices).values({ serviceId, outcome: 'entregado', noticedOn: '2026-11-11' });
    // The whole account goes to conciliation from 17 to 21 November.
    const conciliation = { opened: '2026-11-17', closed: '2026-11-21' };
    const promise = { made: '2026-11-24', until: '2026-11-28' };
    let conciliationId = '';

    const proposedDays: string[] = [];
    for (let n = 0; n < 40; n++) {
      const today = dayOf(n);
      clock.set(morningOf(today));
      if (today === conciliation.opened) {
        await on(today);
        const opened = await agent.request('POST', `/api/v1/customers/${customerId}/conciliations`, {
          expediente: 'PFC/MTY/456/2026',
          openedOn: today,
        });
        conciliationId = opened.json().id;
      }
      if (today === conciliation.closed) {
        await on(today);
        await agent.request('PATCH', `/api/v1/customers/${customerId}/conciliations/${conciliationId}`, {
          closedOn: today,
        });
      }
      if (today === promise.made) {
        await db.insert(paymentPromises).values({
          serviceId,
          amountCentavos: 35_000,
          promisedFor: promise.until,
          status: 'vigente',
          createdAt: clock.now(),
        });
      }

      const { proposed, withheld } = await proposeSuspensions(app.atiende.ctx, today);
      const mine = proposed.find((p) => p.serviceId === serviceId);
      const held = withheld.find((p) => p.serviceId === serviceId);
      const conciliationOpen = between(today, conciliation.opened, conciliation.closed);
      const promiseInForce = between(today, promise.made, promise.until);
      if (conciliationOpen || promiseInForce) expect(mine, today).toBeUndefined();
      if (conciliationOpen) expect(held?.decision.rules, today).toContain('conciliacion_abierta');
      if (promiseInForce) expect(held?.decision.rules, today).toContain('promesa_vigente');
      if (mine) {
        proposedDays.push(today);
        expect(mine.decision.rules).toEqual([
          'adeudo_vencido',
          'dias_vencidos_cumplidos',
          'aviso_previo_entregado',
          'sin_conciliacion_abierta',
          'sin_promesa_vigente',
        ]);
      }
      if (today === '2026-12-11') {
        // December's charge is a new debt: the November notice does not cover it.
        expect(held).toMatchObject({ dueDate: '2026-12-10', amountOwedCentavos: 35_000 });
        expect(held?.decision.rules).toEqual(['dias_vencidos_insuficientes', 'sin_aviso_previo']);
      }
    }

    // Five days after the due date with three days of notice; the conciliation and the promise hold it;
    // the payment of 5 December clears November, and December's debt is not yet five days late.
    expect(proposedDays).toEqual([
      '2026-11-15',
      '2026-11-16',
      '2026-11-22',
      '2026-11-23',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
    ]);
  });

  it('lets a supervisor confirm proposals in bulk, deciding each again and recording its rules', async () => {
    const db = app.atiende.ctx.db;
    await on('2027-01-20');
    const supervisor = await app.sessionAs('supervisor');
    const owing = await customerWithService(5);
    const promised = await customerWithService(5);
    const paid = await customerWithService(5);
    const demo = systemActor('datos_de_demostracion');
    for (const { serviceId } of [owing, promised, paid]) {
      await postLedgerEntries(
        db,
        [{ serviceId, kind: 'cargo', amountCentavos: 40_000, effectiveDate: '2027-01-01' }],
        demo,
      );
      await db
        .insert(suspensionNotices)
        .values({ serviceId, outcome: 'no_entregable', noticedOn: '2027-01-06' });
    }
    const listed = (await supervisor.request('GET', '/api/v1/suspensions/proposals')).json();
    const proposedIds = listed.proposed.map((p: { serviceId: string }) => p.serviceId);
    expect(proposedIds).toEqual(
      expect.arrayContaining([owing.serviceId, promised.serviceId, paid.serviceId]),
    );
    expect((await agent.request('GET', '/api/v1/suspensions/proposals')).statusCode).toBe(403);

    // Between the list and the confirmation, one customer promises and another pays.
    await db.insert(paymentPromises).values({
      serviceId: promised.serviceId,
      amountCentavos: 40_000,
      promisedFor: '2027-01-25',
      status: 'vigente',
      createdAt: clock.now(),
    });
    await postLedgerEntries(
      db,
      [{ serviceId: paid.serviceId, kind: 'pago', amountCentavos: -40_000, effectiveDate: '2027-01-20' }],
      demo,
    );
    const confirmed = await supervisor.request('POST', '/api/v1/suspensions/confirm', {
      serviceIds: [owing.serviceId, promised.serviceId, paid.serviceId],
    });
    expect(confirmed.json()).toEqual({
      suspended: [
        {
          serviceId: owing.serviceId,
          rules: [
            'adeudo_vencido',
            'dias_vencidos_cumplidos',
            'aviso_previo_no_entregable',
            'sin_conciliacion_abierta',
            'sin_promesa_vigente',
          ],
        },
      ],
      refused: expect.arrayContaining([
        { serviceId: promised.serviceId, rules: ['promesa_vigente'] },
        { serviceId: paid.serviceId, rules: ['no_propuesto'] },
      ]),
    });
    const [row] = await db.select().from(services).where(eq(services.id, owing.serviceId));
    expect(row).toMatchObject({ status: 'suspendido', suspensionReason: 'falta_de_pago' });
    const [event] = await db.select().from(events).where(eq(events.subjectId, owing.serviceId));
    expect(event).toMatchObject({
      kind: 'service_suspended',
      actorKind: 'agente',
      reason: 'suspension_por_falta_de_pago',
      after: { status: 'suspendido', dueDate: '2027-01-05', amountOwedCentavos: 40_000 },
    });
    const [record] = await db
      .select()
      .from(serviceSuspensions)
      .where(eq(serviceSuspensions.serviceId, owing.serviceId));
    expect(record).toMatchObject({
      reason: 'falta_de_pago',
      actorKind: 'agente',
      endedAt: null,
      rules: confirmed.json().suspended[0].rules,
    });
    const again = await supervisor.request('POST', '/api/v1/suspensions/confirm', {
      serviceIds: [owing.serviceId],
    });
    expect(again.json()).toEqual({
      suspended: [],
      refused: [{ serviceId: owing.serviceId, rules: ['no_propuesto'] }],
    });
  });

  it('keeps a conciliation with the services it covers when their customer is merged into another', async () => {
    await on('2027-02-10');
    const from = await customerWithService(5);
    const into = await customerWithService(5);
    await postLedgerEntries(
      app.atiende.ctx.db,
      [{ serviceId: from.serviceId, kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2027-01-01' }],
      systemActor('datos_de_demostracion'),
    );
    await agent.request('POST', `/api/v1/customers/${from.customerId}/conciliations`, {
      expediente: 'PFC/MTY/789/2027',
      openedOn: '2027-02-01',
    });
    await mergeCustomers(app.atiende.ctx.db, {
      intoId: into.customerId,
      fromId: from.customerId,
      actor: systemActor('datos_de_demostracion'),
      now: clock.now(),
    });
    const listed = (await agent.request('GET', `/api/v1/customers/${into.customerId}/conciliations`)).json();
    expect(listed.map((c: { expediente: string }) => c.expediente)).toEqual(['PFC/MTY/789/2027']);
    const { withheld } = await proposeSuspensions(app.atiende.ctx, '2027-02-10', undefined, [from.serviceId]);
    expect(withheld[0]?.decision.rules).toContain('conciliacion_abierta');
  });

  it('leaves out services not active and services that owe nothing', async () => {
    const db = app.atiende.ctx.db;
    const suspended = await customerWithService(10);
    await db
      .update(services)
      .set({ status: 'suspendido', suspensionReason: 'falta_de_pago' })
      .where(eq(services.id, suspended.serviceId));
    const paid = await customerWithService(10);
    await postLedgerEntries(
      db,
      [
        {
          serviceId: suspended.serviceId,
          kind: 'cargo',
          amountCentavos: 35_000,
          effectiveDate: '2026-11-01',
        },
        { serviceId: paid.serviceId, kind: 'cargo', amountCentavos: 35_000, effectiveDate: '2026-11-01' },
        { serviceId: paid.serviceId, kind: 'pago', amountCentavos: -35_000, effectiveDate: '2026-11-09' },
      ],
      systemActor('datos_de_demostracion'),
    );
    const { proposed, withheld } = await proposeSuspensions(app.atiende.ctx, '2026-11-30');
    const ids = [...proposed, ...withheld].map((p) => p.serviceId);
    expect(ids).not.toContain(suspended.serviceId);
    expect(ids).not.toContain(paid.serviceId);
  });
});
