import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.ts';
import { systemActor } from '../auth/system-rules.ts';
import { changeStatus } from '../cases/case-status.ts';
import { createCase } from '../cases/open-case.ts';
import { ManualClock } from '../clock.ts';
import { areas, eventNotes, events } from '../db/schema.ts';
import { type Session, startTestApp, TEST_ADMIN, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import {
  appendEvent,
  caseEvents,
  eraseNotes,
  eventValues,
  presentEvent,
  subjectEvents,
} from './events.service.ts';

describeEachDatabase('the audit trail: subjects, the system on rules, erasable notes', (kind) => {
  let app: TestApp;
  let agent: Session;
  const clock = new ManualClock(new Date('2026-11-25T16:00:00Z'));
  const actorOf = (s: Session): Actor => ({ agentId: s.agentId, role: 'agent', via: 'session' });
  let n = 0;
  const falla = () =>
    createCase(
      app.atiende.ctx,
      {
        requestType: 'falla',
        channel: 'telefono',
        contact: { kind: 'phone', address: `+52 81 5555 ${String(1000 + ++n)}` },
        description: 'Sin internet desde la mañana',
      },
      actorOf(agent),
    );
  const timeline = async (caseId: string) => (await caseEvents(app.atiende.ctx.db, caseId)).map(presentEvent);

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const [soporte] = await app.atiende.ctx.db.select().from(areas).where(eq(areas.code, 'soporte_tecnico'));
    agent = await app.sessionAs('agent', [soporte?.id as number]);
  });
  afterAll(() => app?.close());

  it('lets the system resolve a case on a rule that allows it, through the same checks, naming the rule', async () => {
    const kase = await falla();
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'en_proceso' }, actorOf(agent));
    const resolved = await changeStatus(
      app.atiende.ctx,
      kase.folio,
      { status: 'resuelto', causeCode: 'atribuible_proveedor', serviceRestoredAt: clock.now().toISOString() },
      systemActor('resolucion_por_incidente'),
    );
    expect(resolved.status).toBe('resuelto');
    const last = (await timeline(kase.id)).filter((e) => e.kind === 'status_changed').at(-1);
    expect(last).toMatchObject({
      actorKind: 'sistema',
      actorRule: 'resolucion_por_incidente',
      subject: { kind: 'case', id: kase.id },
      after: { status: 'resuelto', causeCode: 'atribuible_proveedor' },
    });
    // The same checks as an agent: a failure resolved without a cause code is refused.
    const other = await falla();
    await changeStatus(app.atiende.ctx, other.folio, { status: 'en_proceso' }, actorOf(agent));
    await expect(
      changeStatus(
        app.atiende.ctx,
        other.folio,
        { status: 'resuelto' },
        systemActor('resolucion_por_incidente'),
      ),
    ).rejects.toMatchObject({ code: 'case.cause_required' });
  });

  it('refuses the system any change its rule does not list, and changes nothing', async () => {
    const kase = await falla();
    for (const [rule, status] of [
      ['cierre_por_ventana_de_reapertura', 'resuelto'],
      ['resolucion_por_incidente', 'en_proceso'],
      ['resolucion_por_incidente', 'descartado'],
      ['reparto_automatico', 'en_proceso'],
    ] as const) {
      await expect(
        changeStatus(
          app.atiende.ctx,
          kase.folio,
          { status, causeCode: 'atribuible_proveedor', discardReason: 'spam' },
          systemActor(rule),
        ),
      ).rejects.toMatchObject({ code: 'system.rule_forbids', status: 403 });
    }
    const after = await timeline(kase.id);
    expect(after.filter((e) => e.kind === 'status_changed')).toEqual([]);
  });

  it("keeps an agent's words in an erasable note: erased, the event stays with its codes", async () => {
    const kase = await falla();
    const moved = await changeStatus(
      app.atiende.ctx,
      kase.folio,
      { status: 'en_proceso', note: 'Hablé con la señora Pérez, vive en Calle Roble 12' },
      actorOf(agent),
    );
    expect(moved.status).toBe('en_proceso');
    const event = (await timeline(kase.id)).find((e) => e.kind === 'status_changed');
    expect(event).toMatchObject({ reason: null, note: 'Hablé con la señora Pérez, vive en Calle Roble 12' });
    const [row] = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(eq(events.id, event?.id as number));
    expect(JSON.stringify(row)).not.toContain('Roble');
    expect(row?.noteId).toBeTruthy();

    expect(await eraseNotes(app.atiende.ctx.db, [row?.noteId as string], clock.now())).toBe(1);
    expect(await eraseNotes(app.atiende.ctx.db, [row?.noteId as string], clock.now())).toBe(0);
    const erased = (await timeline(kase.id)).find((e) => e.id === event?.id);
    expect(erased).toMatchObject({
      note: null,
      noteErased: true,
      kind: 'status_changed',
      actorKind: 'agente',
    });
    const [note] = await app.atiende.ctx.db
      .select()
      .from(eventNotes)
      .where(eq(eventNotes.id, row?.noteId as string));
    expect(note?.body).toBe('');
    expect(note?.erasedAt?.toISOString()).toBe(clock.now().toISOString());
  });

  it('refuses an event without a subject, and a note outside appendEvents', async () => {
    await expect(
      appendEvent(app.atiende.ctx.db, { kind: 'customer_changed', actor: systemActor('registro_previo') }),
    ).rejects.toThrow(/names no subject/);
    expect(() =>
      eventValues([
        { kind: 'transferred', actor: { kind: 'agente', agentId: agent.agentId }, caseId: 'x', note: 'a' },
      ]),
    ).toThrow(/appendEvents/);
  });

  it("records agents' and API tokens' changes as events about them, without names or e-mails", async () => {
    const admin = await app.login(TEST_ADMIN.email, TEST_ADMIN.password);
    const created = await admin.request('POST', '/api/v1/agents', {
      email: 'auditada@example.test',
      name: 'Auditada Ramírez',
      password: 'a long enough password',
      role: 'agent',
    });
    expect(created.statusCode, created.body).toBe(201);
    const agentId = created.json().id as string;
    const token = await admin.request('POST', '/api/v1/tokens', { name: 'CRM', agentId });
    const tokenId = token.json().id as string;
    expect(
      (await admin.request('PATCH', `/api/v1/agents/${agentId}`, { name: 'Otra', maxOpenCases: 5 }))
        .statusCode,
    ).toBe(200);
    expect((await admin.request('POST', `/api/v1/agents/${agentId}/password-reset`, {})).statusCode).toBe(
      200,
    );
    expect((await admin.request('PATCH', `/api/v1/agents/${agentId}`, { active: false })).statusCode).toBe(
      200,
    );
    expect((await admin.request('DELETE', `/api/v1/tokens/${tokenId}`)).statusCode).toBe(200);

    const history = await subjectEvents(app.atiende.ctx.db, { kind: 'agent', id: agentId });
    expect(history.map((h) => h.event.kind)).toEqual([
      'agent_created',
      'agent_changed',
      'agent_password_reset',
      'agent_changed',
    ]);
    expect(
      history.every((h) => h.event.actorKind === 'agente' && h.event.actorAgentId === admin.agentId),
    ).toBe(true);
    expect(history[1]?.event.after).toEqual({ maxOpenCases: 5, nameChanged: true });
    expect(history[3]?.event).toMatchObject({ before: { active: true }, after: { active: false } });
    expect(JSON.stringify(history)).not.toMatch(/Auditada|Ramírez|Otra|auditada@/);

    // Deactivation revoked the token; revoking it again records nothing more.
    const tokenHistory = await subjectEvents(app.atiende.ctx.db, { kind: 'api_token', id: tokenId });
    expect(tokenHistory.map((h) => [h.event.kind, h.event.reason])).toEqual([
      ['api_token_created', null],
      ['api_token_revoked', 'agent_deactivated'],
    ]);
  });
});
