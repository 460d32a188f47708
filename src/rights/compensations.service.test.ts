import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { formatMxn } from '../accounts/money.ts';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import {
  areas,
  cases,
  compensations,
  deadlines,
  events,
  ledgerEntries,
  messages,
  plans,
  services,
} from '../db/schema.ts';
import { calendarFor } from '../sla/policies.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { refundFor } from './refund.ts';

// Monterrey is UTC−6 all year: the claim at 10:00 there on Wednesday 25 November 2026.
const CLAIM = new Date('2026-11-25T16:00:00Z');
const HOUR = 3_600_000;
const after = (hours: number) => new Date(CLAIM.getTime() + hours * HOUR);

interface Compensation {
  id: string;
  kind: string;
  status: string;
  computedCentavos: number;
  appliedCentavos: number | null;
  refundedAt: string | null;
  refundDeadline: { dueAt: string; metAt: string | null } | null;
}

describeEachDatabase('compensations: proposal, approval, refunds and repairs', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(CLAIM);
  let agent: Session;
  let supervisor: Session;
  let outsider: Session;
  let areaId: number;
  let plan350: number;
  let plan3000: number;
  let sequence = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const db = app.atiende.ctx.db;
    const [area] = await db.select().from(areas).where(eq(areas.code, 'facturacion_cobranza'));
    areaId = area?.id as number;
    const [other] = await db.select().from(areas).where(eq(areas.code, 'soporte_tecnico'));
    const [small, large] = await db
      .insert(plans)
      .values([
        { code: `c-350-${kind}`, name: 'Fibra 350', monthlyPriceCentavos: 35_000 },
        { code: `c-3000-${kind}`, name: 'Empresarial', monthlyPriceCentavos: 300_000 },
      ])
      .returning();
    plan350 = small?.id as number;
    plan3000 = large?.id as number;
    agent = await app.sessionAs('agent', [areaId]);
    supervisor = await app.sessionAs('supervisor', [areaId]);
    outsider = await app.sessionAs('supervisor', [other?.id as number]);
  });
  afterAll(() => app?.close());

  /** An aclaracion by e-mail (so notices go out), in progress, with a service of the plan on cut-off day 15. */
  async function openCase(subtype: string | undefined, planId = plan350) {
    clock.set(CLAIM);
    sequence += 1;
    const opened = await agent.request('POST', '/api/v1/cases', {
      requestType: 'aclaracion',
      ...(subtype ? { subtype } : {}),
      channel: 'email',
      contact: { kind: 'email', address: `cobro${sequence}.${kind}@example.test` },
      customerName: 'Rosa Martínez',
      description: 'Me cobraron algo que no contraté',
    });
    expect(opened.statusCode).toBe(201);
    const kase = opened.json() as { folio: string; id: string; customer: { id: string } };
    const [service] = await app.atiende.ctx.db
      .insert(services)
      .values({ customerId: kase.customer.id, status: 'activo', planId, cutoffDay: 15 })
      .returning();
    const serviceId = service?.id as string;
    await app.atiende.ctx.db.update(cases).set({ serviceId }).where(eq(cases.id, kase.id));
    const [charge] = await postLedgerEntries(
      app.atiende.ctx.db,
      [{ serviceId, kind: 'cargo', amountCentavos: 50_000, effectiveDate: '2026-11-16' }],
      systemActor('linea_de_comandos'),
    );
    expect(
      (await agent.request('POST', `/api/v1/cases/${kase.folio}/status`, { status: 'en_proceso' }))
        .statusCode,
    ).toBe(200);
    return { ...kase, serviceId, chargeId: charge?.id as number };
  }
  const resolve = (folio: string, body: Record<string, unknown>) =>
    agent.request('POST', `/api/v1/cases/${folio}/status`, { status: 'resuelto', ...body });
  const entries = async (caseId: string) =>
    (await app.atiende.ctx.db.select().from(ledgerEntries).where(eq(ledgerEntries.caseId, caseId))).map(
      (e) => [e.kind, e.amountCentavos],
    );
  const listOf = async (folio: string) =>
    (await agent.request('GET', `/api/v1/cases/${folio}/compensations`)).json() as Compensation[];
  const noticeOf = async (caseId: string) =>
    (
      await app.atiende.ctx.db
        .select()
        .from(messages)
        .where(and(eq(messages.caseId, caseId), eq(messages.kind, 'saliente')))
    )
      .map((m) => m.body)
      .find((body) => body.includes('quedó resuelto'));
  const decide = (session: Session, id: string, body: Record<string, unknown>) =>
    session.request('POST', `/api/v1/compensations/${id}/decision`, body);

  it('refunds an improper charge end to end: ajuste and 20 % bonificación, a 5-business-day clock, the notice, the reembolso', async () => {
    const kase = await openCase('cargo_indebido');
    clock.set(after(2));
    const resolved = await resolve(kase.folio, {
      improperCharge: { amountCentavos: 35_000, ledgerEntryId: kase.chargeId },
    });
    expect(resolved.statusCode).toBe(200);
    expect(await entries(kase.id)).toEqual([
      ['ajuste', -35_000],
      ['bonificacion', -7_000],
    ]);
    const [refund] = await listOf(kase.folio);
    expect(refund).toMatchObject({ kind: 'cargo_indebido', status: 'aplicada', appliedCentavos: 42_000 });
    const { settings } = await app.atiende.ctx.settings.current(app.atiende.ctx.db);
    const expected = refundFor({
      amountCentavos: 35_000,
      claimedAt: CLAIM.toISOString(),
      calendar: calendarFor(settings.deadlines.businessCalendar),
      settings: { bonusPercent: 20, businessDays: 5 },
    });
    expect(refund?.refundDeadline?.dueAt).toBe(new Date(expected.dueAt).toISOString());
    expect(Date.parse(expected.dueAt)).toBeGreaterThanOrEqual(Date.parse('2026-12-02T00:00:00Z'));
    expect(await noticeOf(kase.id)).toContain(
      'Te devolveremos $350.00 MXN del cargo indebido, a más tardar el',
    );
    expect(await noticeOf(kase.id)).toContain('más una bonificación de $70.00 MXN (total $420.00 MXN).');

    clock.set(after(6));
    const made = await agent.request('POST', `/api/v1/compensations/${refund?.id}/refund`, {
      method: 'spei',
      reference: 'SPEI 123',
    });
    expect(made.statusCode).toBe(200);
    expect((made.json() as Compensation).refundDeadline?.metAt).toBe(after(6).toISOString());
    expect(await entries(kase.id)).toContainEqual(['reembolso', 35_000]);
    const again = await agent.request('POST', `/api/v1/compensations/${refund?.id}/refund`, {});
    expect([again.statusCode, again.json().code]).toEqual([409, 'compensation.already_refunded']);
    const kinds = (await app.atiende.ctx.db.select().from(events).where(eq(events.caseId, kase.id))).map(
      (e) => e.kind,
    );
    expect(kinds).toEqual(
      expect.arrayContaining(['compensation_proposed', 'compensation_posted', 'refund_made']),
    );
  });

  it('holds a refund above the automatic amount for a supervisor of the area, who decides it once', async () => {
    const kase = await openCase('cargo_indebido');
    clock.set(after(2));
    expect((await resolve(kase.folio, { improperCharge: { amountCentavos: 90_000 } })).statusCode).toBe(200);
    expect(await entries(kase.id)).toEqual([]);
    const [pending] = await listOf(kase.folio);
    expect(pending).toMatchObject({ status: 'por_aprobar', computedCentavos: 108_000 });
    expect(await noticeOf(kase.id)).toContain('Un supervisor está revisando el reembolso');
    expect(await noticeOf(kase.id)).not.toContain('$');

    const listed = await supervisor.request('GET', '/api/v1/compensations?status=por_aprobar');
    expect((listed.json() as { items: Compensation[] }).items.map((c) => c.id)).toContain(pending?.id);
    expect((await outsider.request('GET', '/api/v1/compensations')).json().items).toEqual([]);
    expect((await agent.request('GET', '/api/v1/compensations')).statusCode).toBe(403);

    expect((await decide(agent, pending?.id as string, { decision: 'aprobar' })).statusCode).toBe(403);
    expect((await decide(outsider, pending?.id as string, { decision: 'aprobar' })).statusCode).toBe(403);
    const approved = await decide(supervisor, pending?.id as string, { decision: 'aprobar' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'aplicada', appliedCentavos: 108_000 });
    expect(await entries(kase.id)).toEqual([
      ['ajuste', -90_000],
      ['bonificacion', -18_000],
    ]);
    const twice = await decide(supervisor, pending?.id as string, { decision: 'rechazar', reason: 'Error' });
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'compensation.already_decided']);
  });

  it('adjusts and rejects with a reason, keeping the amounts before and after', async () => {
    const big = await openCase(undefined, plan3000);
    // 1–15 November, whole days of the 31-day period 16 Oct–15 Nov: 3,000 MXN × 15 / 31 = 1,451.61 MXN,
    // above the automatic amount.
    const repair = await agent.request('POST', `/api/v1/cases/${big.folio}/equipment-repairs`, {
      from: '2026-11-01',
      to: '2026-11-15',
    });
    expect(repair.statusCode).toBe(201);
    const proposed = repair.json() as Compensation;
    expect(proposed).toMatchObject({ status: 'por_aprobar', computedCentavos: 145_161 });

    const refusals: Array<[Record<string, unknown>, number, string]> = [
      [{ decision: 'ajustar', amountCentavos: 120_000 }, 400, 'body.reason'],
      [{ decision: 'ajustar', reason: 'Cortesía' }, 400, 'body.amountCentavos'],
      [{ decision: 'ajustar', amountCentavos: 0, reason: 'Cortesía' }, 400, 'body.amountCentavos'],
      [{ decision: 'ajustar', amountCentavos: 450_001, reason: 'Cortesía' }, 422, 'amountCentavos'],
      [{ decision: 'quizas' }, 400, 'body.decision'],
    ];
    for (const [body, status, field] of refusals) {
      const response = await decide(supervisor, proposed.id, body);
      expect([response.statusCode, response.json().field]).toEqual([status, field]);
    }
    const adjusted = await decide(supervisor, proposed.id, {
      decision: 'ajustar',
      amountCentavos: 120_000,
      reason: 'Ya se le descontó una parte en sitio',
    });
    expect(adjusted.json()).toMatchObject({
      status: 'aplicada',
      appliedCentavos: 120_000,
      effectiveDate: '2026-12-15',
    });
    expect(await entries(big.id)).toEqual([['bonificacion', -120_000]]);
    const [decided] = await app.atiende.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.caseId, big.id), eq(events.kind, 'compensation_decided')));
    expect([decided?.before, decided?.after, decided?.noteId !== null]).toEqual([
      { status: 'por_aprobar', computedCentavos: 145_161 },
      {
        status: 'aplicada',
        decision: 'ajustar',
        compensationKind: 'equipo_en_reparacion',
        appliedCentavos: 120_000,
      },
      true,
    ]);

    const other = await openCase('cargo_indebido');
    await resolve(other.folio, { improperCharge: { amountCentavos: 95_000 } });
    const [refund] = await listOf(other.folio);
    const rejected = await decide(supervisor, refund?.id as string, {
      decision: 'rechazar',
      reason: 'No procede',
    });
    expect(rejected.json()).toMatchObject({
      status: 'rechazada',
      appliedCentavos: null,
      refundDeadline: null,
    });
    expect(await entries(other.id)).toEqual([]);
    const refused = await agent.request('POST', `/api/v1/compensations/${refund?.id}/refund`, {});
    expect([refused.statusCode, refused.json().code]).toEqual([409, 'compensation.not_refundable']);
  });

  it('credits an equipment repair once, at the next cut-off, and refuses bad periods with the field', async () => {
    const kase = await openCase(undefined);
    const path = `/api/v1/cases/${kase.folio}/equipment-repairs`;
    const refusals: Array<[Record<string, unknown>, number, string]> = [
      [{ from: '2026-11-21', to: '2026-11-20' }, 422, 'to'],
      [{ from: '2026-11-20T10:00:00Z', to: '2026-11-20T10:00:00Z' }, 422, 'to'],
      [{ from: '2026-11-24', to: '2026-11-27' }, 422, 'to'],
      [{ from: '2024-01-01', to: '2024-01-02' }, 422, 'from'],
      [{ from: 'ayer', to: '2026-11-21' }, 400, 'body.from'],
      [{ from: '2026-02-30', to: '2026-11-21' }, 422, 'from'],
      [{ from: '2026-11-20', to: '2026-11-21', serviceId: crypto.randomUUID() }, 422, 'serviceId'],
    ];
    for (const [body, status, field] of refusals) {
      const response = await agent.request('POST', path, body);
      expect([response.statusCode, response.json().field]).toEqual([status, field]);
    }
    expect((await outsider.request('POST', path, { from: '2026-11-20', to: '2026-11-21' })).statusCode).toBe(
      403,
    );

    // 20 and 21 November, whole days: 350 MXN × 48 h / 720 h = 23.333… → 23.33 MXN, without a bonus.
    const first = await agent.request('POST', path, { from: '2026-11-20', to: '2026-11-21' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      kind: 'equipo_en_reparacion',
      status: 'aplicada',
      appliedCentavos: 2_333,
      effectiveDate: '2026-12-15',
      explanation: 'Equipo en reparación: 48 h en reparación × $350.00 MXN / 720 h = $23.33 MXN',
    });
    const again = await agent.request('POST', path, { from: '2026-11-18', to: '2026-11-21' });
    expect([again.statusCode, again.json().id]).toEqual([200, first.json().id]);
    expect(await entries(kase.id)).toEqual([['bonificacion', -2_333]]);
    const rows = await app.atiende.ctx.db
      .select()
      .from(compensations)
      .where(eq(compensations.caseId, kase.id));
    expect(rows).toHaveLength(1);
  });

  it('refuses a bad improper charge on resolving with the field, never a 500', async () => {
    const kase = await openCase('cargo_indebido');
    const plain = await openCase(undefined);
    const pago = await postLedgerEntries(
      app.atiende.ctx.db,
      [{ serviceId: kase.serviceId, kind: 'pago', amountCentavos: -10_000, effectiveDate: '2026-11-20' }],
      systemActor('linea_de_comandos'),
    );
    const refusals: Array<[string, Record<string, unknown>, number, string]> = [
      [kase.folio, { amountCentavos: 0 }, 400, 'body.improperCharge.amountCentavos'],
      [kase.folio, { amountCentavos: 12.5 }, 400, 'body.improperCharge.amountCentavos'],
      [
        kase.folio,
        { amountCentavos: 60_000, ledgerEntryId: kase.chargeId },
        422,
        'improperCharge.amountCentavos',
      ],
      [kase.folio, { amountCentavos: 100, ledgerEntryId: pago[0]?.id }, 422, 'improperCharge.ledgerEntryId'],
      [
        kase.folio,
        { amountCentavos: 100, ledgerEntryId: plain.chargeId },
        422,
        'improperCharge.ledgerEntryId',
      ],
      [plain.folio, { amountCentavos: 100 }, 422, 'improperCharge'],
    ];
    for (const [folio, improperCharge, status, field] of refusals) {
      const response = await resolve(folio, { improperCharge });
      expect([response.statusCode, response.json().field]).toEqual([status, field]);
    }
    expect(
      await app.atiende.ctx.db.select().from(compensations).where(eq(compensations.caseId, kase.id)),
    ).toEqual([]);
  });

  it('leaves a large failure credit for a supervisor, and the notice promises no amount', async () => {
    const [soporte] = await app.atiende.ctx.db.select().from(areas).where(eq(areas.code, 'soporte_tecnico'));
    const tecnico = await app.sessionAs('agent', [soporte?.id as number]);
    clock.set(CLAIM);
    const opened = await tecnico.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'email',
      contact: { kind: 'email', address: `falla-grande.${kind}@example.test` },
      customerName: 'Rosa Martínez',
      description: 'Sin internet desde hace días',
    });
    const kase = opened.json() as { folio: string; id: string; customer: { id: string } };
    await app.atiende.ctx.db
      .insert(services)
      .values({ customerId: kase.customer.id, status: 'activo', planId: plan3000, cutoffDay: 15 });
    const path = `/api/v1/cases/${kase.folio}/status`;
    expect((await tecnico.request('POST', path, { status: 'en_proceso' })).statusCode).toBe(200);
    clock.set(after(2));
    const resolved = await tecnico.request('POST', path, {
      status: 'resuelto',
      causeCode: 'atribuible_proveedor',
      failureStartedAt: after(-300).toISOString(),
      serviceRestoredAt: after(1).toISOString(),
    });
    expect(resolved.statusCode).toBe(200);
    const [pending] = await listOf(kase.folio);
    expect(pending).toMatchObject({ kind: 'falla', status: 'por_aprobar' });
    expect(pending?.computedCentavos).toBeGreaterThan(100_000);
    expect(await entries(kase.id)).toEqual([]);
    const notice = await noticeOf(kase.id);
    expect(notice).toContain('Un supervisor está revisando la bonificación que te corresponde');
    expect(notice).not.toContain('Se aplicará');

    const jefe = await app.sessionAs('supervisor', [soporte?.id as number]);
    expect((await decide(jefe, pending?.id as string, { decision: 'aprobar' })).statusCode).toBe(200);
    expect(await entries(kase.id)).toEqual([['bonificacion', -(pending?.computedCentavos as number)]]);
    // Now the customer hears the amount, formatted by the one money function, and when it shows.
    const approvedNotice = (
      await app.atiende.ctx.db
        .select({ body: messages.body })
        .from(messages)
        .where(and(eq(messages.caseId, kase.id), eq(messages.kind, 'saliente')))
    ).find((m) => m.body.includes('se aprobó a tu favor'));
    expect(approvedNotice?.body).toBe(
      `Sobre tu folio ${kase.folio}: se aprobó a tu favor un monto de ${formatMxn(pending?.computedCentavos as number)}, que verás en tu estado de cuenta a partir del 15 de diciembre de 2026.`,
    );
  });

  it('refunds one charge once across cases, and leaves a refund of no named charge to a supervisor', async () => {
    const first = await openCase('cargo_indebido');
    await resolve(first.folio, { improperCharge: { amountCentavos: 35_000, ledgerEntryId: first.chargeId } });
    const second = await openCase('cargo_indebido');
    await app.atiende.ctx.db.update(cases).set({ serviceId: first.serviceId }).where(eq(cases.id, second.id));
    const again = await resolve(second.folio, {
      improperCharge: { amountCentavos: 20_000, ledgerEntryId: first.chargeId },
    });
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({ field: 'improperCharge.amountCentavos' });
    expect(await listOf(second.folio)).toEqual([]);
    expect(
      (
        await resolve(second.folio, {
          improperCharge: { amountCentavos: 15_000, ledgerEntryId: first.chargeId },
        })
      ).statusCode,
    ).toBe(200);

    const unnamed = await openCase('cargo_indebido');
    await resolve(unnamed.folio, { improperCharge: { amountCentavos: 10_000 } });
    expect(await listOf(unnamed.folio)).toMatchObject([{ status: 'por_aprobar' }]);
    expect(await entries(unnamed.id)).toEqual([]);
  });

  describe('proposing twice', () => {
    it('changes nothing: one row, one clock, one set of entries', async () => {
      const kase = await openCase('cargo_indebido');
      await resolve(kase.folio, { improperCharge: { amountCentavos: 10_000, ledgerEntryId: kase.chargeId } });
      expect(
        (await agent.request('POST', `/api/v1/cases/${kase.folio}/status`, { status: 'en_proceso' }))
          .statusCode,
      ).toBe(200);
      expect(
        (
          await resolve(kase.folio, {
            improperCharge: { amountCentavos: 20_000, ledgerEntryId: kase.chargeId },
          })
        ).statusCode,
      ).toBe(200);
      expect(await listOf(kase.folio)).toHaveLength(1);
      expect(await entries(kase.id)).toEqual([
        ['ajuste', -10_000],
        ['bonificacion', -2_000],
      ]);
      const [row] = await listOf(kase.folio);
      const clocks = await app.atiende.ctx.db
        .select()
        .from(deadlines)
        .where(eq(deadlines.subjectId, row?.id as string));
      expect(clocks).toHaveLength(1);
    });
  });
});
