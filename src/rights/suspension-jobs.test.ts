import { asc, eq, inArray, sql } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import { queryRows } from '../db/database.ts';
import {
  areas,
  cases,
  customers,
  events,
  messages,
  paymentPromises,
  serviceSuspensions,
  services,
  suspensionNotices,
} from '../db/schema.ts';
import { jobDefinitions } from '../jobs/registry.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { runSuspensionDay, SUSPENSION_DAY_CRON, SUSPENSION_DAY_JOB } from './suspension-jobs.ts';

const FIRST_DAY = '2026-11-05';
// 08:00 in Monterrey (UTC−6), when the daily job runs.
const morningOf = (date: string) => new Date(`${date}T14:00:00Z`);
const dayOf = (n: number) => Temporal.PlainDate.from(FIRST_DAY).add({ days: n }).toString();
const addDays = (date: string, days: number) => Temporal.PlainDate.from(date).add({ days }).toString();
const between = (date: string, from: string, to: string) => date >= from && date <= to;

describeEachDatabase('the daily suspension job', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(morningOf(FIRST_DAY));
  let agent: Session;
  let areaIds: number[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    areaIds = (await app.atiende.ctx.db.select({ id: areas.id }).from(areas)).map((a) => a.id);
    agent = await app.sessionAs('agent', areaIds);
  });
  afterAll(() => app?.close());

  const setAutomatic = async (automatic: boolean) => {
    const admin = await app.sessionAs('admin');
    const rights = (await admin.request('GET', '/api/v1/settings')).json().rights;
    const saved = await admin.request('PATCH', '/api/v1/settings/rights', {
      ...rights,
      suspension: { ...rights.suspension, automatic },
    });
    expect(saved.statusCode).toBe(200);
    await app.atiende.ctx.settings.current(app.atiende.ctx.db);
  };

  it('runs every morning at 08:00 in the provider’s zone', async () => {
    const job = jobDefinitions(app.atiende.ctx).find((j) => j.name === SUSPENSION_DAY_JOB);
    expect(job?.cron).toBe(SUSPENSION_DAY_CRON);
    expect(SUSPENSION_DAY_CRON).toBe('0 8 * * *');
    const { settings } = await app.atiende.ctx.settings.current(app.atiende.ctx.db);
    const scheduled = await queryRows<{ cron: string; timezone: string }>(
      app.atiende.ctx.db,
      sql`select cron, timezone from pgboss.schedule where name = ${SUSPENSION_DAY_JOB}`,
    );
    expect(scheduled.map((r) => [r.cron, r.timezone])).toEqual([
      [SUSPENSION_DAY_CRON, settings.provider.timeZone],
    ]);
  });

  it('day by day over 40 days: notices before any suspension, none while a conciliation is open or a promise in force, then suspends on the first allowed day', async () => {
    const db = app.atiende.ctx.db;
    await setAutomatic(true);
    const demo = systemActor('datos_de_demostracion');
    // One customer reachable by e-mail on a case about the service; another Atiende has no case for.
    const opened = await agent.request('POST', '/api/v1/cases', {
      requestType: 'saldo',
      channel: 'email',
      contact: { kind: 'email', address: `aviso.${kind}@example.test` },
      customerName: 'Rosa Garza',
      description: '¿Cuánto debo?',
    });
    const { folio, customer } = opened.json() as { folio: string; customer: { id: string } };
    const [held] = await db
      .insert(services)
      .values({ customerId: customer.id, status: 'activo', cutoffDay: 10 })
      .returning();
    const heldId = held?.id as string;
    await db.update(cases).set({ serviceId: heldId }).where(eq(cases.folio, folio));
    const [silent] = await db.insert(customers).values({ name: 'Luis Garza' }).returning();
    const [unreached] = await db
      .insert(services)
      .values({ customerId: silent?.id as string, status: 'activo', cutoffDay: 10 })
      .returning();
    const unreachedId = unreached?.id as string;
    // November's charge is due by the 10 November cut-off and never paid.
    await postLedgerEntries(
      db,
      [heldId, unreachedId].map((serviceId) => ({
        serviceId,
        kind: 'cargo' as const,
        amountCentavos: 35_000,
        effectiveDate: '2026-11-01',
      })),
      demo,
    );
    const conciliation = { opened: '2026-11-11', closed: '2026-11-20' };
    const promise = { made: '2026-11-21', until: '2026-11-25' };
    let conciliationId = '';

    for (let n = 0; n < 40; n++) {
      const today = dayOf(n);
      clock.set(morningOf(today));
      if (today === conciliation.opened || today === conciliation.closed) {
        agent = await app.sessionAs('agent', areaIds);
        const url = `/api/v1/customers/${customer.id}/conciliations`;
        if (today === conciliation.opened) {
          conciliationId = (
            await agent.request('POST', url, { expediente: 'PFC/MTY/456/2026', openedOn: today })
          ).json().id;
        } else {
          await agent.request('PATCH', `${url}/${conciliationId}`, { closedOn: today });
        }
      }
      if (today === promise.made) {
        await db.insert(paymentPromises).values({
          serviceId: heldId,
          amountCentavos: 35_000,
          promisedFor: promise.until,
          status: 'vigente',
          createdAt: clock.now(),
        });
      }
      await runSuspensionDay(app.atiende.ctx);
      // A redelivered cron job changes nothing.
      await runSuspensionDay(app.atiende.ctx);

      const suspensions = await db
        .select()
        .from(serviceSuspensions)
        .where(inArray(serviceSuspensions.serviceId, [heldId, unreachedId]));
      const startedToday = suspensions.filter((s) => s.startedAt.getTime() === clock.now().getTime());
      if (between(today, conciliation.opened, promise.until))
        expect(
          startedToday.filter((s) => s.serviceId === heldId),
          today,
        ).toEqual([]);
    }

    const notices = await db
      .select()
      .from(suspensionNotices)
      .where(inArray(suspensionNotices.serviceId, [heldId, unreachedId]));
    const noticeOf = (id: string) => notices.filter((n) => n.serviceId === id);
    // Not while the conciliation or the promise held the debt; the day after, with the notice's lead.
    expect(noticeOf(heldId).map((n) => [n.noticedOn, n.outcome])).toEqual([['2026-11-26', 'entregado']]);
    // Due 10 November: two days after, so the suspension may come on the fifth day past due.
    expect(noticeOf(unreachedId).map((n) => [n.noticedOn, n.outcome])).toEqual([
      ['2026-11-12', 'no_entregable'],
    ]);

    const suspensions = await db
      .select()
      .from(serviceSuspensions)
      .where(inArray(serviceSuspensions.serviceId, [heldId, unreachedId]))
      .orderBy(asc(serviceSuspensions.startedAt));
    const firstAllowed = (noticedOn: string) =>
      [addDays('2026-11-10', 5), addDays(noticedOn, 3)].sort().at(-1) as string;
    expect(
      suspensions.map((s) => [s.serviceId, s.startedAt, s.reason, s.actorKind, s.actorRule, s.endedAt]),
    ).toEqual([
      [
        unreachedId,
        morningOf(firstAllowed('2026-11-12')),
        'falta_de_pago',
        'sistema',
        'suspension_por_falta_de_pago',
        null,
      ],
      [
        heldId,
        morningOf(firstAllowed('2026-11-26')),
        'falta_de_pago',
        'sistema',
        'suspension_por_falta_de_pago',
        null,
      ],
    ]);
    expect(suspensions.map((s) => s.startedAt)).toEqual([morningOf('2026-11-15'), morningOf('2026-11-29')]);
    expect(suspensions[1]?.rules).toEqual([
      'adeudo_vencido',
      'dias_vencidos_cumplidos',
      'aviso_previo_entregado',
      'sin_conciliacion_abierta',
      'sin_promesa_vigente',
    ]);
    expect(suspensions[0]?.rules).toContain('aviso_previo_no_entregable');

    // The notice went out on the customer's case, by e-mail, with the amount and the earliest date.
    const [kase] = await db.select().from(cases).where(eq(cases.folio, folio));
    const sent = await db
      .select()
      .from(messages)
      .where(eq(messages.caseId, kase?.id as string));
    expect(sent.map((m) => m.body).filter((b) => b.includes('suspenderse'))).toEqual([
      expect.stringContaining('a partir del 29 de noviembre de 2026'),
    ]);
    const recorded = await db
      .select()
      .from(events)
      .where(eq(events.subjectId, heldId))
      .orderBy(asc(events.id));
    expect(
      recorded
        .filter((e) => ['suspension_notice_recorded', 'service_suspended'].includes(e.kind))
        .map((e) => [e.kind, e.actorRule, e.caseId === kase?.id]),
    ).toEqual([
      ['suspension_notice_recorded', 'aviso_de_suspension', true],
      ['service_suspended', 'suspension_por_falta_de_pago', false],
    ]);
  });

  it('leaves the suspensions for a supervisor when they are not automatic', async () => {
    const db = app.atiende.ctx.db;
    await setAutomatic(false);
    clock.set(morningOf('2027-01-20'));
    const [customer] = await db.insert(customers).values({ name: 'Ana Garza' }).returning();
    const [service] = await db
      .insert(services)
      .values({ customerId: customer?.id as string, status: 'activo', cutoffDay: 5 })
      .returning();
    const serviceId = service?.id as string;
    await postLedgerEntries(
      db,
      [{ serviceId, kind: 'cargo', amountCentavos: 40_000, effectiveDate: '2027-01-01' }],
      systemActor('datos_de_demostracion'),
    );
    await db.insert(suspensionNotices).values({ serviceId, outcome: 'entregado', noticedOn: '2027-01-06' });
    const { suspended } = await runSuspensionDay(app.atiende.ctx);
    expect(suspended).toEqual([]);
    expect(
      await db.select().from(serviceSuspensions).where(eq(serviceSuspensions.serviceId, serviceId)),
    ).toEqual([]);
    const supervisor = await app.sessionAs('supervisor');
    const listed = (await supervisor.request('GET', '/api/v1/suspensions/proposals')).json();
    expect(listed.automatic).toBe(false);
    expect(listed.proposed.map((p: { serviceId: string }) => p.serviceId)).toContain(serviceId);
    expect(listed.notices).toContainEqual(
      expect.objectContaining({ serviceId, outcome: 'entregado', noticedOn: '2027-01-06' }),
    );
  });
});
