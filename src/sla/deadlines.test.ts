import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.ts';
import { addAgentMessage, changeStatus, createCase, getCaseWithTimeline } from '../cases/cases.service.ts';
import { ManualClock } from '../clock.ts';
import { areas, caseFlags, events } from '../db/schema.ts';
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
      state: 'en_tiempo',
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

  it('warns the assignee at 80% and escalates to the supervisors at breach, once each, with flags that stay', async () => {
    clock.set(at('2026-11-13T10:00'));
    const kase = await queja();
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'asignado' }, actorOf(agent));
    const check = () => checkDeadline(app.atiende.ctx, { caseId: kase.id, kind: 'resolucion' });

    clock.set(at('2026-11-19T10:00'));
    await check();
    const flagsOf = () =>
      app.atiende.ctx.db
        .select()
        .from(caseFlags)
        .where(and(eq(caseFlags.caseId, kase.id), eq(caseFlags.deadlineKind, 'resolucion')));
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
    expect(flags.map((f) => f.kind).sort()).toEqual(['por_vencer', 'vencido']);
    expect(flags.find((f) => f.kind === 'vencido')?.notifyAgentIds.sort()).toEqual(
      [supervisor.agentId, agent.agentId].sort(),
    );
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
    expect(breach).toBeDefined();
    expect((await supervisor.request('POST', `/api/v1/flags/${breach.id}/acknowledge`)).statusCode).toBe(200);
    const after = (await supervisor.request('GET', '/api/v1/flags')).json();
    expect(after.some((f: { id: string }) => f.id === breach.id)).toBe(false);
    const all = (await supervisor.request('GET', '/api/v1/flags?all=true')).json();
    expect(all.find((f: { id: string }) => f.id === breach.id)).toMatchObject({
      acknowledgedBy: supervisor.agentId,
    });
    // Resolving late leaves the breach on record.
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'en_proceso' }, actorOf(agent));
    await changeStatus(
      app.atiende.ctx,
      kase.folio,
      { status: 'resuelto', causeCode: 'atribuible_proveedor' },
      actorOf(agent),
    );
    expect((await view(kase.folio)).deadline?.state).toBe('vencido');
    expect(await flagsOf()).toHaveLength(2);
  });
});
