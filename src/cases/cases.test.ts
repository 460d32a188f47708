import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setPresence } from '../agents/presence.service.ts';
import type { Actor } from '../auth/actor.ts';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import { agents, areas, CASE_STATUSES, cases, events } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { getCaseWithTimeline } from './case-read.ts';
import { autoCloseResolved, changeStatus } from './case-status.ts';
import type { CreateCaseRequest } from './cases.schema.ts';
import { customerSpoke } from './customer-messages.ts';
import { dammCheckDigit } from './folio.ts';
import { type CaseStatus, canTransition } from './lifecycle.ts';
import { createCase } from './open-case.ts';
import type { RequestType } from './request-types.ts';

describeEachDatabase('cases', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(new Date('2026-11-25T16:00:00Z'));
  let area: Record<string, number>;
  let soporte: Session;
  let soporte2: Session;
  let supervisor: Session;
  let facturacion: Session;
  const actor = (s: Session, role: Actor['role'] = 'agent'): Actor => ({
    agentId: s.agentId,
    role,
    via: 'session',
  });
  let phone = 0;
  const falla = (overrides: Partial<CreateCaseRequest> = {}): CreateCaseRequest => ({
    requestType: 'falla',
    channel: 'telefono',
    contact: { kind: 'phone', address: `81 1000 ${String(++phone).padStart(4, '0')}` },
    description: 'Sin internet desde ayer en la colonia Centro',
    ...overrides,
  });

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const rows = await app.atiende.ctx.db.select().from(areas);
    area = Object.fromEntries(rows.map((a) => [a.code, a.id]));
    soporte = await app.sessionAs('agent', [area.soporte_tecnico as number]);
    soporte2 = await app.sessionAs('agent', [area.soporte_tecnico as number]);
    supervisor = await app.sessionAs('supervisor', [area.soporte_tecnico as number]);
    facturacion = await app.sessionAs('agent', [area.facturacion_cobranza as number]);
  });
  afterAll(() => app?.close());

  it('opens a case with a folio, routed by type, with its first message and events', async () => {
    const response = await soporte.request('POST', '/api/v1/cases', falla({ customerName: 'Ana Pérez' }));
    expect(response.statusCode).toBe(201);
    const created = response.json();
    expect(created.folio).toMatch(/^MON-2026-\d{6}-\d$/);
    expect(created).toMatchObject({
      requestType: 'falla',
      channel: 'telefono',
      status: 'nuevo',
      raisedBy: 'agente',
      area: { code: 'soporte_tecnico' },
      customer: { name: 'Ana Pérez', accountNumber: null },
    });
    const detail = (
      await facturacion.request('GET', `/api/v1/cases/${created.folio.toLowerCase().replaceAll('-', '')}`)
    ).json();
    expect(
      detail.timeline.map((t: { type: string; event?: { kind: string } }) => t.event?.kind ?? t.type),
    ).toEqual(['message', 'created', 'message_added']);
    expect(detail.timeline[0].message.body).toContain('Sin internet');
    const eventsJson = JSON.stringify(detail.timeline.filter((t: { type: string }) => t.type === 'event'));
    expect(eventsJson).not.toContain('Ana Pérez');
    expect(eventsJson).not.toContain('Sin internet');
  });

  it('refuses a wrong check digit with a 400 before looking, and an unknown folio with a 404', async () => {
    const wrong = await soporte.request('GET', '/api/v1/cases/MON-2026-000001-0');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'folio.check_digit', field: 'folio' });
    const unknown = await soporte.request(
      'GET',
      `/api/v1/cases/MON-2026-999999-${dammCheckDigit('2026999999')}`,
    );
    expect(unknown.statusCode).toBe(404);
  });

  it('routes round-robin among agents en_linea under their cap; the rest waits in the queue', async () => {
    const db = app.atiende.ctx.db;
    // Earlier tests left cases waiting in the queue; out of the way, so the count below is this test's own.
    await db.update(cases).set({ status: 'cerrado', assigneeId: null }).where(eq(cases.status, 'nuevo'));
    await db.update(agents).set({ maxOpenCases: 1 });
    await setPresence(app.atiende.ctx, soporte.agentId, 'en_linea', systemActor('agente_desconectado'));
    await setPresence(app.atiende.ctx, soporte2.agentId, 'en_linea', systemActor('agente_desconectado'));
    const a = await createCase(app.atiende.ctx, falla(), actor(soporte));
    const b = await createCase(app.atiende.ctx, falla(), actor(soporte));
    const c = await createCase(app.atiende.ctx, falla(), actor(soporte));
    expect([a.status, b.status, c.status]).toEqual(['asignado', 'asignado', 'nuevo']);
    expect(new Set([a.assignee?.id, b.assignee?.id])).toEqual(new Set([soporte.agentId, soporte2.agentId]));

    // The agent holding `a` starts working it; the one holding `b` disconnects: `b` goes back to the queue.
    const holderOfA = a.assignee?.id === soporte.agentId ? soporte : soporte2;
    const holderOfB = holderOfA === soporte ? soporte2 : soporte;
    await changeStatus(app.atiende.ctx, a.folio, { status: 'en_proceso' }, actor(holderOfA));
    await setPresence(app.atiende.ctx, holderOfB.agentId, 'desconectado', {
      kind: 'agente',
      agentId: holderOfB.agentId,
    });
    const bAfter = await getCaseWithTimeline(app.atiende.ctx, b.folio, clock.now());
    expect(bAfter.status).toBe('nuevo');
    expect(bAfter.assignee).toBeNull();
    expect(bAfter.timeline.at(-1)).toMatchObject({
      type: 'event',
      event: { kind: 'assigned', reason: 'agent_disconnected' },
    });
    expect((await getCaseWithTimeline(app.atiende.ctx, a.folio, clock.now())).status).toBe('en_proceso');

    // Back on line with room under the cap, the agent takes the oldest waiting case.
    await setPresence(app.atiende.ctx, holderOfB.agentId, 'en_linea', systemActor('agente_desconectado'));
    const waiting = [
      await getCaseWithTimeline(app.atiende.ctx, b.folio, clock.now()),
      await getCaseWithTimeline(app.atiende.ctx, c.folio, clock.now()),
    ];
    expect(waiting.filter((k) => k.assignee?.id === holderOfB.agentId)).toHaveLength(1);
    for (const s of [soporte, soporte2])
      await setPresence(app.atiende.ctx, s.agentId, 'desconectado', systemActor('agente_desconectado'));
    await db.update(agents).set({ maxOpenCases: 20 });
  });

  it('allows exactly the lifecycle table on the database, for every pair of states', async () => {
    const db = app.atiende.ctx.db;
    const sup = actor(supervisor, 'supervisor');
    const outcomes: string[] = [];
    for (const from of CASE_STATUSES) {
      for (const to of CASE_STATUSES) {
        const kase = await createCase(app.atiende.ctx, falla(), sup);
        const assigneeId = from === 'nuevo' ? null : supervisor.agentId;
        await db
          .update(cases)
          .set({ status: from, assigneeId, resolvedAt: from === 'resuelto' ? clock.now() : null })
          .where(eq(cases.id, kase.id));
        const input = {
          status: to,
          causeCode: to === 'resuelto' ? 'atribuible_proveedor' : undefined,
          serviceRestoredAt: to === 'resuelto' ? clock.now().toISOString() : undefined,
          discardReason: to === 'descartado' ? ('spam' as const) : undefined,
        };
        try {
          const after = await changeStatus(app.atiende.ctx, kase.folio, input, sup);
          expect(after.status).toBe(to);
          outcomes.push(`${from}→${to}:ok`);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).status).toBe(409);
          outcomes.push(`${from}→${to}:409`);
        }
      }
    }
    const expected = CASE_STATUSES.flatMap((from) =>
      CASE_STATUSES.map(
        (to) => `${from}→${to}:${canTransition(from as CaseStatus, to as CaseStatus) ? 'ok' : '409'}`,
      ),
    );
    expect(outcomes).toEqual(expected);
  });

  it('needs a cause code to resolve a falla, and a reason to discard', async () => {
    const kase = await createCase(app.atiende.ctx, falla(), actor(soporte));
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'en_proceso' }, actor(soporte));
    const noCause = await soporte.request('POST', `/api/v1/cases/${kase.folio}/status`, {
      status: 'resuelto',
    });
    expect(noCause.statusCode).toBe(422);
    expect(noCause.json()).toMatchObject({ code: 'case.cause_required', field: 'causeCode' });
    const unknownCause = await soporte.request('POST', `/api/v1/cases/${kase.folio}/status`, {
      status: 'resuelto',
      causeCode: 'culpa_del_gato',
    });
    expect(unknownCause.json().code).toBe('case.unknown_cause');
    const noReason = await soporte.request('POST', `/api/v1/cases/${kase.folio}/status`, {
      status: 'descartado',
    });
    expect(noReason.json()).toMatchObject({ code: 'case.discard_reason_required', field: 'discardReason' });
    const other = await createCase(app.atiende.ctx, falla(), actor(soporte));
    const duplicate = await soporte.request('POST', `/api/v1/cases/${kase.folio}/status`, {
      status: 'descartado',
      discardReason: 'duplicado',
      duplicateOfFolio: other.folio,
    });
    expect(duplicate.statusCode).toBe(200);
    expect(duplicate.json()).toMatchObject({
      status: 'descartado',
      discardReason: 'duplicado',
      duplicateOfFolio: other.folio,
    });
  });

  it('lets every agent read any case but only agents of its area change it', async () => {
    const kase = await createCase(app.atiende.ctx, falla(), actor(soporte));
    expect((await facturacion.request('GET', `/api/v1/cases/${kase.folio}`)).statusCode).toBe(200);
    const refused = await facturacion.request('POST', `/api/v1/cases/${kase.folio}/status`, {
      status: 'en_proceso',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('case.forbidden');
    const note = await facturacion.request('POST', `/api/v1/cases/${kase.folio}/messages`, {
      kind: 'nota_interna',
      body: 'x',
    });
    expect(note.statusCode).toBe(403);
    expect((await getCaseWithTimeline(app.atiende.ctx, kase.folio, clock.now())).timeline).toHaveLength(3);
  });

  it('transfers (turnar) with a reason: the case leaves its assignee and is queued in the new area', async () => {
    const kase = await createCase(
      app.atiende.ctx,
      falla({ description: 'Me cobraron la reparación' }),
      actor(soporte),
    );
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'en_proceso' }, actor(soporte));
    const noReason = await soporte.request('POST', `/api/v1/cases/${kase.folio}/transfer`, {
      areaId: area.facturacion_cobranza,
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().field).toBe('body.reason');
    const moved = await soporte.request('POST', `/api/v1/cases/${kase.folio}/transfer`, {
      areaId: area.facturacion_cobranza,
      reason: 'Es un cargo, no una falla técnica',
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({
      status: 'nuevo',
      assignee: null,
      area: { code: 'facturacion_cobranza' },
    });
    const last = (await getCaseWithTimeline(app.atiende.ctx, kase.folio, clock.now())).timeline.at(-1);
    expect(last).toMatchObject({
      type: 'event',
      event: {
        kind: 'transferred',
        note: 'Es un cargo, no una falla técnica',
        before: { areaId: area.soporte_tecnico, assigneeId: soporte.agentId },
        after: { areaId: area.facturacion_cobranza, status: 'nuevo' },
      },
    });
    // The soporte agent may no longer change it; facturación may, and may name a target agent.
    expect(
      (await soporte.request('POST', `/api/v1/cases/${kase.folio}/status`, { status: 'en_proceso' }))
        .statusCode,
    ).toBe(403);
    const back = await facturacion.request('POST', `/api/v1/cases/${kase.folio}/transfer`, {
      areaId: area.soporte_tecnico,
      reason: 'Sí requiere visita técnica',
      agentId: soporte2.agentId,
    });
    expect(back.json()).toMatchObject({ status: 'asignado', assignee: { id: soporte2.agentId } });
  });

  it('lets a supervisor reassign within the area keeping the status; an agent may not', async () => {
    const kase = await createCase(app.atiende.ctx, falla(), actor(soporte));
    await changeStatus(app.atiende.ctx, kase.folio, { status: 'en_proceso' }, actor(soporte));
    const byAgent = await soporte.request('POST', `/api/v1/cases/${kase.folio}/assign`, {
      agentId: soporte2.agentId,
    });
    expect(byAgent.statusCode).toBe(403);
    const bySupervisor = await supervisor.request('POST', `/api/v1/cases/${kase.folio}/assign`, {
      agentId: soporte2.agentId,
    });
    expect(bySupervisor.json()).toMatchObject({ status: 'en_proceso', assignee: { id: soporte2.agentId } });
    const outsider = await supervisor.request('POST', `/api/v1/cases/${kase.folio}/assign`, {
      agentId: facturacion.agentId,
    });
    expect(outsider.json()).toMatchObject({ code: 'case.agent_not_in_area', field: 'agentId' });
  });

  it('moves a case waiting on the customer back to work when they write, and reopens or closes a resolved one', async () => {
    const ctx = app.atiende.ctx;
    const waiting = await createCase(ctx, falla(), actor(soporte));
    await changeStatus(ctx, waiting.folio, { status: 'en_proceso' }, actor(soporte));
    await changeStatus(ctx, waiting.folio, { status: 'en_espera_cliente' }, actor(soporte));
    await ctx.db.transaction(async (tx) => {
      const [row] = await tx.select().from(cases).where(eq(cases.id, waiting.id));
      expect(await customerSpoke(ctx, tx, row as typeof cases.$inferSelect, clock.now())).toBe(true);
    });
    expect((await getCaseWithTimeline(ctx, waiting.folio, clock.now())).status).toBe('en_proceso');

    await changeStatus(
      ctx,
      waiting.folio,
      { status: 'resuelto', causeCode: 'atribuible_proveedor', serviceRestoredAt: clock.now().toISOString() },
      actor(soporte),
    );
    clock.advance(3 * 86_400_000);
    await ctx.db.transaction(async (tx) => {
      const [row] = await tx.select().from(cases).where(eq(cases.id, waiting.id));
      expect(await customerSpoke(ctx, tx, row as typeof cases.$inferSelect, clock.now())).toBe(true);
    });
    expect((await getCaseWithTimeline(ctx, waiting.folio, clock.now())).status).toBe('en_proceso');

    const resolved = await changeStatus(
      ctx,
      waiting.folio,
      { status: 'resuelto', causeCode: 'fuerza_mayor' },
      actor(soporte),
    );
    const jobs = await ctx.jobs.findJobs('case-auto-close');
    expect(jobs.some((j) => (j.data as { caseId: string }).caseId === waiting.id)).toBe(true);
    clock.advance(8 * 86_400_000);
    await autoCloseResolved(ctx, { caseId: waiting.id, resolvedAt: resolved.resolvedAt as string });
    expect((await getCaseWithTimeline(ctx, waiting.folio, clock.now())).status).toBe('cerrado');
    // Back to the present, so the sessions of the other tests have not expired.
    clock.advance(-11 * 86_400_000);
  });

  it('keeps events append-only: the database refuses UPDATE and DELETE', async () => {
    const db = app.atiende.ctx.db;
    const refusal = (attempt: Promise<unknown>) =>
      attempt.then(
        () => 'allowed',
        (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
      );
    expect(await refusal(db.execute(sql`update events set kind = 'tampered'`))).toMatch(
      /append-only \(UPDATE refused\)/,
    );
    expect(await refusal(db.execute(sql`delete from events`))).toMatch(/append-only \(DELETE refused\)/);
    expect(await refusal(db.execute(sql`truncate events`))).toMatch(/append-only \(TRUNCATE refused\)/);
    expect(await refusal(db.delete(events).where(eq(events.kind, 'created')))).toMatch(/append-only/);
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .where(eq(events.kind, 'tampered'));
    expect(row?.n).toBe(0);
  });

  it('searches cases and messages in Spanish, ignoring accents, with filters and cursor pagination', async () => {
    const ctx = app.atiende.ctx;
    const marker = `zqx${kind}`;
    const made = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      made.push(
        await createCase(
          ctx,
          falla({
            description: `La señal de la antena falla ${marker} número ${i}`,
            subject: `Antena ${marker}`,
          }),
          actor(soporte),
        ),
      );
    }
    const search = async (q: string, extra = '') =>
      (await soporte.request('GET', `/api/v1/cases?q=${encodeURIComponent(q)}${extra}`)).json();
    expect((await search(`senal ${marker}`)).items).toHaveLength(5);
    expect((await search(`antenas ${marker}`)).items).toHaveLength(5);
    expect((await search(`ANTÉNA ${marker}`)).items).toHaveLength(5);
    expect((await search(made[0]?.folio as string)).items.map((c: { folio: string }) => c.folio)).toEqual([
      made[0]?.folio,
    ]);
    expect((await search(`${marker}`, '&channel=whatsapp')).items).toHaveLength(0);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { folio: string }[]; nextCursor: string | null } = await search(
        marker,
        `&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items.map((c) => c.folio));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((c) => c.folio).reverse());
    const badCursor = await soporte.request('GET', '/api/v1/cases?cursor=nonsense');
    expect(badCursor.json()).toMatchObject({ code: 'request.invalid', field: 'cursor' });
  });

  it('lets an authorized representative raise a case, and refuses a revoked, expired or out-of-scope one with the reason', async () => {
    const customer = (
      await soporte.request('POST', '/api/v1/customers', {
        name: 'Elena Treviño',
        accountNumber: `MON-REP-${kind}`,
        contactPoints: [{ kind: 'phone', address: '81 7000 0001' }],
      })
    ).json();
    const represent = async (body: object) =>
      (
        await supervisor.request('POST', `/api/v1/customers/${customer.id}/representatives`, {
          name: 'Jorge Treviño',
          contact: '81 7000 0002',
          ...body,
        })
      ).json();
    const onlyFallas = await represent({ scope: ['falla'] });
    const expired = await represent({ expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
    const revoked = await represent({});
    await supervisor.request(
      'POST',
      `/api/v1/customers/${customer.id}/representatives/${revoked.id}/revoke`,
      { reason: 'El cliente retiró la carta poder' },
    );
    const raise = (representativeId: string, requestType: RequestType = 'falla') =>
      soporte.request(
        'POST',
        '/api/v1/cases',
        falla({
          requestType,
          customerId: customer.id,
          contact: undefined,
          raisedBy: { kind: 'representante', representativeId },
        }),
      );

    const allowed = await raise(onlyFallas.id);
    expect(allowed.statusCode).toBe(201);
    expect(allowed.json()).toMatchObject({ raisedBy: 'representante', customer: { id: customer.id } });
    expect((await raise(onlyFallas.id, 'cancelacion')).json()).toMatchObject({
      status: 422,
      code: 'representative.out_of_scope',
      field: 'raisedBy.representativeId',
    });
    expect((await raise(revoked.id)).json()).toMatchObject({ status: 422, code: 'representative.revoked' });
    clock.advance(120_000);
    expect((await raise(expired.id)).json()).toMatchObject({ status: 422, code: 'representative.expired' });
  });

  it('refuses attachments of a forbidden type and writes nothing', async () => {
    const before = (await soporte.request('GET', '/api/v1/cases?limit=200')).json().items.length;
    const response = await soporte.request(
      'POST',
      '/api/v1/cases',
      falla({
        attachments: [
          {
            filename: 'virus.exe',
            contentType: 'application/x-msdownload',
            data: Buffer.from('MZ').toString('base64'),
          },
        ],
      }),
    );
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({
      code: 'attachment.type_not_allowed',
      field: 'attachments.0.contentType',
    });
    expect((await soporte.request('GET', '/api/v1/cases?limit=200')).json().items.length).toBe(before);

    const photo = {
      filename: 'antena.png',
      contentType: 'image/png',
      data: Buffer.from('fake png bytes').toString('base64'),
    };
    const ok = await soporte.request(
      'POST',
      '/api/v1/cases',
      falla({ attachments: [photo, { ...photo, filename: 'otra.png' }] }),
    );
    expect(ok.statusCode).toBe(201);
    const detail = (await soporte.request('GET', `/api/v1/cases/${ok.json().folio}`)).json();
    const files = detail.timeline[0].message.attachments;
    expect(files.map((f: { filename: string }) => f.filename)).toEqual(['antena.png', 'otra.png']);
    expect(files[0].sha256).toBe(files[1].sha256);
    const download = await facturacion.request('GET', `/api/v1/attachments/${files[0].sha256}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.rawPayload.toString()).toBe('fake png bytes');
  });
});
