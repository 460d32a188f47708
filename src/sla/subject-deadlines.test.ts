import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.ts';
import { ManualClock } from '../clock.ts';
import { deadlineAlerts, deadlines, events } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { acknowledgeAlert, listAlerts } from './alerts.service.ts';
import type { CalendarSpecInput } from './calendar-spec.ts';
import {
  type DeadlineRecipients,
  type DeadlineSubject,
  registerDeadlineSubject,
} from './deadline-subjects.ts';
import type { Target } from './policies.ts';
import {
  checkDeadline,
  closeDeadlines,
  DEADLINE_CHECK_JOB,
  deadlineViews,
  newDeadline,
  pauseDeadlines,
  resumeDeadlines,
  startDeadline,
} from './subject-deadlines.ts';

// Monterrey is UTC−6 all year.
const at = (local: string) => new Date(`${local}-06:00`);

const WEEKDAYS_9_TO_18: CalendarSpecInput = {
  zone: 'America/Monterrey',
  hours: Object.fromEntries(
    ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => [
      day,
      [{ from: '09:00', to: '18:00' }],
    ]),
  ),
};
const MONDAY_TO_SATURDAY_9_TO_14: CalendarSpecInput = {
  zone: 'America/Monterrey',
  hours: Object.fromEntries(
    ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((day) => [
      day,
      [{ from: '09:00', to: '14:00' }],
    ]),
  ),
};
const service = (id: string): DeadlineSubject => ({ kind: 'service', id });

describe('a new deadline of any subject', () => {
  const cases: Array<[string, Target, CalendarSpecInput | null, string, string, boolean]> = [
    // [what, target, subject's calendar, start, due, counted around the clock]
    [
      'a reconnection: 48 h of calendar time',
      { amount: 48, unit: 'hours', clock: 'calendar' },
      null,
      '2026-11-13T10:00',
      '2026-11-15T10:00',
      true,
    ],
    [
      'an ARCO execution: 15 business days over the Revolution Day rest day',
      { amount: 15, unit: 'days', clock: 'business' },
      null,
      '2026-11-13T10:00',
      '2026-12-07T10:00',
      false,
    ],
    [
      'business hours in the provider’s calendar',
      { amount: 2, unit: 'hours', clock: 'business' },
      null,
      '2026-11-20T17:00',
      '2026-11-23T10:00',
      false,
    ],
    [
      'business hours in the subject’s own calendar',
      { amount: 2, unit: 'hours', clock: 'business' },
      MONDAY_TO_SATURDAY_9_TO_14,
      '2026-11-20T13:00',
      '2026-11-21T10:00',
      false,
    ],
    [
      'a subject’s calendar does not count calendar time',
      { amount: 3, unit: 'days', clock: 'calendar' },
      MONDAY_TO_SATURDAY_9_TO_14,
      '2026-11-20T13:00',
      '2026-11-23T13:00',
      true,
    ],
  ];
  it.each(cases)('%s', (_, target, businessCalendar, start, due, aroundTheClock) => {
    const row = newDeadline(
      service('6f1c1c1e-8d3b-4d55-9b1a-2f7c8d9e0a11'),
      { kind: 'plazo', target, source: 'test', pausable: false, startedAt: at(start), businessCalendar },
      WEEKDAYS_9_TO_18,
    );
    expect(row).toMatchObject({
      subjectKind: 'service',
      kind: 'plazo',
      target,
      pausable: false,
      startedAt: at(start),
      dueAt: at(due),
      pausedMs: 0,
      metAt: null,
      warnedAt: null,
      breachedAt: null,
    });
    expect((row.calendar as { zone: string }).zone).toBe(aroundTheClock ? 'UTC' : 'America/Monterrey');
  });
});

describeEachDatabase('deadlines of subjects other than cases', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(at('2026-11-13T10:00'));
  let technician: Session;
  let supervisor: Session;
  let bystander: Session;
  const changes: Array<{ subjectId: string; kinds: string[] }> = [];
  const recipientsOf = new Map<string, DeadlineRecipients>();
  const actorOf = (s: Session): Actor => ({ agentId: s.agentId, role: 'agent', via: 'session' });

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    technician = await app.sessionAs('agent');
    supervisor = await app.sessionAs('supervisor');
    bystander = await app.sessionAs('agent');
    for (const subjectKind of ['service', 'service_order'] as const)
      registerDeadlineSubject(subjectKind, {
        recipients: async (_tx, subjectId) => recipientsOf.get(subjectId) ?? null,
        onChanged: async (_tx, rowsBySubject) => {
          for (const [subjectId, rows] of rowsBySubject)
            changes.push({ subjectId, kinds: rows.map((row) => row.kind) });
        },
      });
  });
  afterAll(() => app?.close());

  const alertsOf = (subjectId: string) =>
    app.atiende.ctx.db
      .select({
        kind: deadlineAlerts.kind,
        notifyAgentIds: deadlineAlerts.notifyAgentIds,
        alert: deadlineAlerts,
      })
      .from(deadlineAlerts)
      .innerJoin(deadlines, eq(deadlines.id, deadlineAlerts.deadlineId))
      .where(eq(deadlines.subjectId, subjectId));
  const eventsOf = async (subjectKind: 'service' | 'service_order', subjectId: string) =>
    (
      await app.atiende.ctx.db
        .select()
        .from(events)
        .where(and(eq(events.subjectKind, subjectKind), eq(events.subjectId, subjectId)))
    ).map((e) => [e.kind, e.actorRule, e.caseId, (e.after as { notifyAgentIds: string[] }).notifyAgentIds]);
  const viewOf = async (subject: DeadlineSubject, deadlineKind: string) =>
    (await deadlineViews(app.atiende.ctx, app.atiende.ctx.db, subject.kind, [subject.id], clock.now())).get(
      subject.id,
    )?.[deadlineKind];

  it('starts a 48-hour reconnection clock once, warns at 80% and breaches once each, to those the subject names, and never pauses', async () => {
    const ctx = app.atiende.ctx;
    const subject = service(crypto.randomUUID());
    recipientsOf.set(subject.id, {
      warn: [technician.agentId],
      escalate: [supervisor.agentId, technician.agentId, supervisor.agentId],
    });
    clock.set(at('2026-11-13T10:00'));
    const spec = {
      kind: 'reconexion',
      target: { amount: 48, unit: 'hours', clock: 'calendar' } as const,
      source: 'Reconnection within 48 h of payment',
      pausable: false,
      startedAt: clock.now(),
    };
    const started = await startDeadline(ctx, ctx.db, subject, spec);
    expect(started.dueAt).toEqual(at('2026-11-15T10:00'));
    // Started again (a retried request): the same clock, its checks scheduled once.
    const again = await startDeadline(ctx, ctx.db, subject, {
      ...spec,
      target: { amount: 72, unit: 'hours', clock: 'calendar' },
    });
    expect(again).toEqual(started);
    const jobs = (await ctx.jobs.findJobs(DEADLINE_CHECK_JOB)).filter(
      (job) => (job.data as { deadlineId?: string }).deadlineId === started.id,
    );
    expect(jobs.map((job) => job.startAfter.getTime()).sort()).toEqual(
      [at('2026-11-15T00:24').getTime(), at('2026-11-15T10:00').getTime()].sort(),
    );
    expect(changes.filter((c) => c.subjectId === subject.id)).toEqual([
      { subjectId: subject.id, kinds: ['reconexion'] },
    ]);

    const check = () => checkDeadline(ctx, { deadlineId: started.id });
    clock.set(at('2026-11-15T00:20'));
    await check();
    expect(await alertsOf(subject.id)).toEqual([]);
    expect(await viewOf(subject, 'reconexion')).toMatchObject({ state: 'en_tiempo' });

    clock.set(at('2026-11-15T00:30'));
    await Promise.all([check(), check()]);
    expect((await alertsOf(subject.id)).map((a) => [a.kind, a.notifyAgentIds])).toEqual([
      ['por_vencer', [technician.agentId]],
    ]);
    expect(await viewOf(subject, 'reconexion')).toMatchObject({ state: 'por_vencer' });

    await expect(pauseDeadlines(ctx, ctx.db, subject, clock.now(), 'reconexion')).rejects.toMatchObject({
      code: 'deadline.not_pausable',
      status: 409,
    });
    // Waiting on someone else stops the clocks that may stop; this one keeps running.
    expect(await pauseDeadlines(ctx, ctx.db, subject, clock.now())).toBe(false);

    clock.set(at('2026-11-15T10:01'));
    await Promise.all([check(), check()]);
    await check();
    expect((await alertsOf(subject.id)).map((a) => [a.kind, a.notifyAgentIds.sort()])).toEqual([
      ['vencido', [supervisor.agentId, technician.agentId].sort()],
    ]);
    expect(await eventsOf('service', subject.id)).toEqual([
      ['deadline_warning', 'escalamiento_de_plazos', null, [technician.agentId]],
      ['deadline_breached', 'escalamiento_de_plazos', null, [supervisor.agentId, technician.agentId]],
    ]);

    // On the board with its subject (no case asked for this reconnection), acknowledged only by those it
    // was addressed to.
    const board = await listAlerts(ctx.db, { includeAcknowledged: true });
    const [{ alert } = { alert: undefined }] = await alertsOf(subject.id);
    const id = alert?.id as string;
    expect(board.filter((a) => a.alert.id === id)).toMatchObject([
      {
        caseId: null,
        folio: null,
        deadline: { subjectKind: 'service', subjectId: subject.id, kind: 'reconexion' },
      },
    ]);
    await expect(
      acknowledgeAlert(ctx.db, '00000000-0000-4000-8000-000000000000', actorOf(supervisor), clock.now()),
    ).rejects.toMatchObject({
      status: 404,
    });
    await expect(acknowledgeAlert(ctx.db, id, actorOf(bystander), clock.now())).rejects.toMatchObject({
      status: 403,
    });
    const seen = await acknowledgeAlert(ctx.db, id, actorOf(technician), clock.now());
    expect(seen.alert).toMatchObject({ acknowledgedBy: technician.agentId, acknowledgedAt: clock.now() });

    // Reconnected half an hour late: met late, and how late; the alert leaves the boards.
    clock.set(at('2026-11-15T10:30'));
    expect(await closeDeadlines(ctx, ctx.db, subject, clock.now(), 'met')).toBe(true);
    expect(await viewOf(subject, 'reconexion')).toMatchObject({
      state: 'atendido_fuera_de_plazo',
      lateByMs: 30 * 60_000,
      metAt: clock.now().toISOString(),
    });
    expect((await alertsOf(subject.id)).map((a) => a.alert.clearedAt)).toEqual([clock.now()]);
  });

  it('pauses and resumes a business-hours clock, the pause pushing the due date by the open time it took', async () => {
    const ctx = app.atiende.ctx;
    const subject: DeadlineSubject = { kind: 'service_order', id: crypto.randomUUID() };
    recipientsOf.set(subject.id, { warn: [technician.agentId], escalate: [supervisor.agentId] });
    clock.set(at('2026-11-19T16:00'));
    const started = await startDeadline(ctx, ctx.db, subject, {
      kind: 'visita',
      target: { amount: 4, unit: 'hours', clock: 'business' },
      source: 'Visit window agreed with the customer',
      pausable: true,
      startedAt: clock.now(),
      businessCalendar: WEEKDAYS_9_TO_18,
    });
    expect(started.dueAt).toEqual(at('2026-11-20T11:00'));

    clock.set(at('2026-11-19T17:00'));
    expect(await pauseDeadlines(ctx, ctx.db, subject, clock.now(), 'visita')).toBe(true);
    clock.set(at('2026-11-20T12:00'));
    expect(await viewOf(subject, 'visita')).toMatchObject({ state: 'pausado', remainingMs: 3 * 3_600_000 });
    // A check while paused raises nothing, even past the old due date.
    await checkDeadline(ctx, { deadlineId: started.id });
    expect(await alertsOf(subject.id)).toEqual([]);

    clock.set(at('2026-11-20T10:00'));
    expect(await resumeDeadlines(ctx, ctx.db, subject, clock.now())).toBe(true);
    // Paused Thursday 17:00 → Friday 10:00: two open hours (17–18, 9–10), so due two hours later.
    expect(await viewOf(subject, 'visita')).toMatchObject({
      dueAt: at('2026-11-20T13:00').toISOString(),
      state: 'en_tiempo',
    });
    expect(changes.filter((c) => c.subjectId === subject.id)).toHaveLength(3);

    clock.set(at('2026-11-20T12:15'));
    await checkDeadline(ctx, { deadlineId: started.id });
    expect((await alertsOf(subject.id)).map((a) => [a.kind, a.notifyAgentIds])).toEqual([
      ['por_vencer', [technician.agentId]],
    ]);

    // The order is cancelled: the clock has no state left to show and raises nothing more.
    expect(await closeDeadlines(ctx, ctx.db, subject, clock.now(), 'cancelled')).toBe(true);
    expect(await viewOf(subject, 'visita')).toBeUndefined();
    clock.set(at('2026-11-20T14:00'));
    await checkDeadline(ctx, { deadlineId: started.id });
    expect((await alertsOf(subject.id)).map((a) => [a.kind, a.alert.clearedAt])).toEqual([
      ['por_vencer', at('2026-11-20T12:15')],
    ]);
    expect((await eventsOf('service_order', subject.id)).map(([k]) => k)).toEqual(['deadline_warning']);
  });
});
