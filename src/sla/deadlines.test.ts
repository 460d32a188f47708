import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.ts';
import { addAgentMessage } from '../cases/agent-messages.ts';
import { getCaseWithTimeline } from '../cases/case-read.ts';
import { changeStatus } from '../cases/case-status.ts';
import { createCase } from '../cases/open-case.ts';
import { ManualClock } from '../clock.ts';
import { areas, cases, deadlineAlerts, deadlines, events } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { checkDeadline } from './deadlines.service.ts';

// Monterrey is UTC−6 all year.
const at = (local: string) => new Date(`${local}-06:00`);

describeEachDatabase('deadlines on cases, warnings and escalation', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(at('2026-11-13T10:00'));
  let agent: Session;
  let supervisor: Session;
  const actorOf = (s: Session): Actor => ({ agentId: s.agentId, role: 'agent', via: 'session' });
  let n = 0;
  const queja = () =>
    createCase(
      app.atiende.ctx,
      {
        requestType: 'queja',
        channel: 'email',
        contact: { kind: 'email', address: `cliente${++n}@example.test` },
        description: 'Me atendieron muy mal en la sucursal',
      },
      actorOf(agent),
    );
  const view = (folio: string) => getCaseWithTimeline(app.atiende.ctx, folio, clock.now());
  const ofCase = (caseId: string, kind?: string) =>
    and(
      eq(deadlines.subjectKind, 'case'),
      eq(deadlines.subjectId, caseId),
      kind === undefined ? undefined : eq(deadlines.kind, kind),
    );
  const checkCase = async (caseId: string, kind: string) => {
    const [deadline] = await app.atiende.ctx.db.select().from(deadlines).where(ofCase(caseId, kind));
    await checkDeadline(app.atiende.ctx, { deadlineId: deadline?.id as string });
  };
  const alertsOf = (caseId: string, kind?: string) =>
    app.atiende.ctx.db
      .select({
        deadlineKind: deadlines.kind,
        kind: deadlineAlerts.kind,
        notifyAgentIds: deadlineAlerts.notifyAgentIds,
        raisedAt: deadlineAlerts.raisedAt,
        clearedAt: deadlineAlerts.clearedAt,
      })
      .from(deadlineAlerts)
      .innerJoin(deadlines, eq(deadlines.id, deadlineAlerts.deadlineId))
      .where(ofCase(caseId, kind));

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false, config: { ATIENDE_SESSION_HOURS: '720' } });
    const [quejas] = await app.atiende.ctx.db.select().from(areas).where(eq(areas.code, 'atencion_quejas'));
    agent = await app.sessionAs('agent', [quejas?.id as number]);
    supervisor = await app.sessionAs('supervisor', [quejas?.id as number]);
  });
  afterAll(() => app?.close());

  it('computes both deadlines when the case opens, with the policy source, and shows the resolution one to the customer', async () => {
    clock.set(at('2026-11-13T10:00'));
    const kase = await queja();
    expect(kase.deadlines.resolucion).toMatchObject({
      dueAt: at('2026-11-23T10:00').toISOString(),
      state: 'en_tiempo',
      target: { amount: 5, unit: 'days', clock: 'business' },
      source: expect.stringContaining('PROFECO'),
    });
    expect(kase.deadline).toEqual(kase.deadlines.resolucion);
    expect(kase.deadlines.primera_respuesta?.dueAt).toBe(at('2026-11-13T14:00').toISOString());
  });

  it('meets the first response with the first agent reply, pauses while waiting on the customer and resumes after', async () => {
    clock.set(at('2026-11-13T10:00'));
    const kase = await queja();
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'asignado' }, actorOf(agent));
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'en_proceso' }, actorOf(agent));
    clock.set(at('2026-11-13T11:00'));
    await addAgentMessage(
      app.atiende.ctx,
      kase.folio,
      { kind: 'nota_interna', body: 'Revisar grabación' },
      actorOf(agent),
    );
    expect((await view(kase.folio)).deadlines.primera_respuesta?.metAt).toBeNull();
    await addAgentMessage(
      app.atiende.ctx,
      kase.folio,
      { kind: 'saliente', body: 'Lamentamos lo ocurrido' },
      actorOf(agent),
    );
    expect((await view(kase.folio)).deadlines.primera_respuesta).toMatchObject({
      metAt: clock.now().toISOString(),
      state: 'atendido_a_tiempo',
      lateByMs: null,
    });

    clock.set(at('2026-11-13T17:00'));
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'en_espera_cliente' }, actorOf(agent));
    clock.set(at('2026-11-16T10:00'));
    // A reminder sent while waiting on the customer does not restart the clock.
    await addAgentMessage(
      app.atiende.ctx,
      kase.folio,
      { kind: 'saliente', body: '¿Pudo revisar el módem?' },
      actorOf(agent),
    );
    clock.set(at('2026-11-18T12:00'));
    expect((await view(kase.folio)).deadlines.resolucion?.state).toBe('pausado');
    clock.set(at('2026-11-17T10:00'));
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'en_proceso' }, actorOf(agent));
    // Paused Friday 17:00 → Tuesday 10:00 over the rest day: 2 business hours later than before.
    expect((await view(kase.folio)).deadlines.resolucion?.dueAt).toBe(at('2026-11-23T12:00').toISOString());
  });

  it('recomputes the deadlines on a change of type, as an event; a transfer leaves them alone', async () => {
    clock.set(at('2026-11-13T10:00'));
    const kase = await queja();
    const changed = await agent.request('PATCH', `/api/v1/cases/${kase.folio}`, { requestType: 'falla' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().deadline.dueAt).toBe(at('2026-11-14T10:00').toISOString());
    const last = (await view(kase.folio)).timeline.at(-1);
    expect(last).toMatchObject({
      type: 'event',
      event: {
        kind: 'type_changed',
        before: { requestType: 'queja' },
        after: { requestType: 'falla', resolutionDueAt: at('2026-11-14T10:00').toISOString() },
      },
    });
    const [soporte] = await app.atiende.ctx.db.select().from(areas).where(eq(areas.code, 'soporte_tecnico'));
    const moved = await agent.request('POST', `/api/v1/cases/${kase.folio}/transfer`, {
      areaId: soporte?.id,
      reason: 'Es una falla técnica',
    });
    expect(moved.json().deadline.dueAt).toBe(at('2026-11-14T10:00').toISOString());
  });

  it('shows the nearest pending deadline, a first response met late with how late, and one alert per deadline', async () => {
    clock.set(at('2026-11-13T10:00'));
    const kase = await queja();
    expect(kase.nearestDeadline).toMatchObject({
      kind: 'primera_respuesta',
      dueAt: at('2026-11-13T14:00').toISOString(),
      state: 'en_tiempo',
    });
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'asignado' }, actorOf(agent));
    const check = (kind: 'primera_respuesta' | 'resolucion') => checkCase(kase.id, kind);
    const alerts = async () =>
      (await alertsOf(kase.id)).map((f) => [f.deadlineKind, f.kind, f.clearedAt !== null]).sort();

    // The first check comes after the due date: the breach alone, not a warning beside it.
    clock.set(at('2026-11-13T14:30'));
    await check('primera_respuesta');
    expect(await alerts()).toEqual([['primera_respuesta', 'vencido', false]]);
    expect((await view(kase.folio)).nearestDeadline).toMatchObject({
      kind: 'primera_respuesta',
      state: 'vencido',
    });

    clock.set(at('2026-11-13T15:00'));
    await addAgentMessage(
      app.atiende.ctx,
      kase.folio,
      { kind: 'saliente', body: 'Lo revisamos' },
      actorOf(agent),
    );
    const answered = await view(kase.folio);
    expect(answered.deadlines.primera_respuesta).toMatchObject({
      state: 'atendido_fuera_de_plazo',
      metAt: clock.now().toISOString(),
      lateByMs: 3_600_000,
    });
    expect(answered.nearestDeadline).toMatchObject({ kind: 'resolucion', state: 'en_tiempo' });
    expect(await alerts()).toEqual([['primera_respuesta', 'vencido', true]]);
    const [row] = await app.atiende.ctx.db.select().from(cases).where(eq(cases.id, kase.id));
    expect(row).toMatchObject({
      nextDueKind: 'resolucion',
      nextDueAt: new Date(answered.deadlines.resolucion?.dueAt as string),
      deadlineMetLate: true,
    });

    // Weeks overdue when first checked: one alert, vencido; the timeline still records the warning and the
    // breach, once each per deadline.
    clock.set(at('2026-12-04T10:00'));
    await Promise.all([check('resolucion'), check('resolucion')]);
    expect(await alerts()).toEqual([
      ['primera_respuesta', 'vencido', true],
      ['resolucion', 'vencido', false],
    ]);
    const kinds = (await app.atiende.ctx.db.select().from(events).where(eq(events.caseId, kase.id))).map(
      (e) => e.kind,
    );
    expect(kinds.filter((k) => k === 'deadline_breached')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'deadline_warning')).toHaveLength(2);
    const board = (await supervisor.request('GET', '/api/v1/flags?everyone=true')).json();
    expect(board.filter((f: { caseId: string }) => f.caseId === kase.id)).toMatchObject([
      { deadlineKind: 'resolucion', kind: 'vencido', dueAt: answered.deadlines.resolucion?.dueAt },
    ]);
  });

  it('runs a check queued before deadlines had ids of their own, naming the case and the kind, once', async () => {
    clock.set(at('2026-11-13T10:00'));
    const kase = await queja();
    clock.set(at('2026-11-13T14:30'));
    await checkDeadline(app.atiende.ctx, { caseId: kase.id, kind: 'primera_respuesta' });
    await checkCase(kase.id, 'primera_respuesta');
    expect((await alertsOf(kase.id)).map((a) => [a.deadlineKind, a.kind])).toEqual([
      ['primera_respuesta', 'vencido'],
    ]);
    const kinds = (await app.atiende.ctx.db.select().from(events).where(eq(events.caseId, kase.id))).map(
      (e) => e.kind,
    );
    expect(kinds.filter((k) => k === 'deadline_breached')).toHaveLength(1);
  });

  it('warns the assignee at 80% and escalates to the supervisors at breach, once each, with one alert per deadline that leaves when it is met', async () => {
    clock.set(at('2026-11-13T10:00'));
    const kase = await queja();
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'asignado' }, actorOf(agent));
    const check = () => checkCase(kase.id, 'resolucion');

    clock.set(at('2026-11-19T10:00'));
    await check();
    const flagsOf = () => alertsOf(kase.id, 'resolucion');
    expect(await flagsOf()).toHaveLength(0);

    clock.set(at('2026-11-20T10:00'));
    await check();
    await check();
    expect((await flagsOf()).map((f) => [f.kind, f.notifyAgentIds])).toEqual([
      ['por_vencer', [agent.agentId]],
    ]);
    expect((await view(kase.folio)).deadline?.state).toBe('por_vencer');

    clock.set(at('2026-11-23T10:01'));
    await Promise.all([check(), check()]);
    const flags = await flagsOf();
    // The breach replaced the warning: one alert for the deadline, at its current state.
    expect(flags.map((f) => f.kind)).toEqual(['vencido']);
    expect(flags[0]?.notifyAgentIds.sort()).toEqual([supervisor.agentId, agent.agentId].sort());
    expect(flags[0]?.raisedAt).toEqual(clock.now());
    const kinds = (await app.atiende.ctx.db.select().from(events).where(eq(events.caseId, kase.id))).map(
      (e) => e.kind,
    );
    expect(kinds.filter((k) => k === 'deadline_warning')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'deadline_breached')).toHaveLength(1);

    // The supervisor sees the breach on their list and acknowledges it; it remains listed with ?all=true.
    const mine = (await supervisor.request('GET', '/api/v1/flags')).json();
    const breach = mine.find(
      (f: { folio: string; kind: string }) => f.folio === kase.folio && f.kind === 'vencido',
    );
    expect(breach).toMatchObject({
      deadlineKind: 'resolucion',
      raisedAt: clock.now().toISOString(),
      dueAt: at('2026-11-23T10:00').toISOString(),
    });
    expect((await supervisor.request('POST', `/api/v1/flags/${breach.id}/acknowledge`)).statusCode).toBe(200);
    const after = (await supervisor.request('GET', '/api/v1/flags')).json();
    expect(after.some((f: { id: string }) => f.id === breach.id)).toBe(false);
    const all = (await supervisor.request('GET', '/api/v1/flags?all=true')).json();
    expect(all.find((f: { id: string }) => f.id === breach.id)).toMatchObject({
      acknowledgedBy: supervisor.agentId,
    });
    // Resolving late says so, and how late; the alert leaves the boards but stays on record.
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'en_proceso' }, actorOf(agent));
    await changeStatus(
      app.atiende.ctx,
      kase.folio,
      { status: 'resuelto', causeCode: 'atribuible_proveedor' },
      actorOf(agent),
    );
    expect((await view(kase.folio)).deadline).toMatchObject({
      state: 'atendido_fuera_de_plazo',
      lateByMs: 60_000,
    });
    expect((await view(kase.folio)).nearestDeadline).toBeNull();
    expect(await flagsOf()).toMatchObject([{ kind: 'vencido', clearedAt: clock.now() }]);
    const board = (await supervisor.request('GET', '/api/v1/flags?all=true&everyone=true')).json();
    expect(board.some((f: { caseId: string }) => f.caseId === kase.id)).toBe(false);
  });
});
