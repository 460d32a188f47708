import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { areas, events } from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';

const REPORT = new Date('2026-11-25T16:00:00Z');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describeEachDatabase('a failure’s start and restoration', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(REPORT);
  let soporte: Session;
  let facturacion: Session;
  let phone = 0;
  let area: Record<string, number>;
  /** Moves the clock, with fresh sessions: one opened days earlier has expired by then. */
  const at = async (instant: Date) => {
    clock.set(instant);
    soporte = await app.sessionAs('agent', [area.soporte_tecnico as number]);
    facturacion = await app.sessionAs('agent', [area.facturacion_cobranza as number]);
  };

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const rows = await app.atiende.ctx.db.select().from(areas);
    area = Object.fromEntries(rows.map((a) => [a.code, a.id]));
    await at(REPORT);
  });
  afterAll(() => app?.close());

  async function openFalla() {
    await at(REPORT);
    const response = await soporte.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: 'telefono',
      contact: { kind: 'phone', address: `81 2000 ${String(++phone).padStart(4, '0')}` },
      description: 'Sin internet desde la mañana',
    });
    const kase = response.json() as { folio: string; id: string };
    await status(kase.folio, { status: 'en_proceso' });
    return kase;
  }
  const status = (folio: string, body: Record<string, unknown>) =>
    soporte.request('POST', `/api/v1/cases/${folio}/status`, body);
  const times = (folio: string, body: Record<string, unknown>, as = soporte) =>
    as.request('PUT', `/api/v1/cases/${folio}/failure-times`, body);
  const recorded = async (caseId: string) =>
    (await app.atiende.ctx.db.select().from(events).where(eq(events.caseId, caseId)))
      .filter((e) => e.kind === 'failure_times_recorded')
      .map((e) => e.after);

  it('starts at the report and needs the restoration to resolve; it stays when the case is reopened', async () => {
    const kase = await openFalla();
    const opened = (await soporte.request('GET', `/api/v1/cases/${kase.folio}`)).json();
    expect(opened.failure).toEqual({
      startedAt: REPORT.toISOString(),
      startedAtReport: true,
      restoredAt: null,
    });

    await at(new Date(REPORT.getTime() + 60 * HOUR));
    const missing = await status(kase.folio, { status: 'resuelto', causeCode: 'atribuible_proveedor' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ code: 'case.restoration_required', field: 'serviceRestoredAt' });

    const restoredAt = iso(REPORT.getTime() + 50 * HOUR);
    const resolved = await status(kase.folio, {
      status: 'resuelto',
      causeCode: 'atribuible_proveedor',
      serviceRestoredAt: restoredAt,
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({
      resolvedAt: clock.now().toISOString(),
      failure: { startedAt: REPORT.toISOString(), restoredAt },
    });
    expect(await recorded(kase.id)).toEqual([
      { failureStartedAt: null, serviceRestoredAt: restoredAt, reportedAt: REPORT.toISOString() },
    ]);

    clock.advance(HOUR);
    const reopened = (await status(kase.folio, { status: 'en_proceso' })).json();
    expect(reopened).toMatchObject({ resolvedAt: null, causeCode: null, failure: { restoredAt } });
    // Resolved again without naming it: the restoration already on record serves.
    const again = await status(kase.folio, { status: 'resuelto', causeCode: 'fuerza_mayor' });
    expect(again.json()).toMatchObject({
      status: 'resuelto',
      failure: { startedAt: REPORT.toISOString(), restoredAt },
    });
    expect(await recorded(kase.id)).toHaveLength(1);
  });

  it('takes an earlier start the provider knows, and refuses instants out of order or in the future', async () => {
    const kase = await openFalla();
    await at(new Date(REPORT.getTime() + 10 * HOUR));
    const refusals: Array<[Record<string, unknown>, string, string]> = [
      [
        { failureStartedAt: iso(REPORT.getTime() + HOUR) },
        'case.failure_start_after_report',
        'failureStartedAt',
      ],
      [
        { serviceRestoredAt: iso(REPORT.getTime() + 11 * HOUR) },
        'case.restoration_in_future',
        'serviceRestoredAt',
      ],
      [
        { serviceRestoredAt: iso(REPORT.getTime() - HOUR) },
        'case.restoration_before_start',
        'serviceRestoredAt',
      ],
      [
        {
          failureStartedAt: iso(REPORT.getTime() - HOUR),
          serviceRestoredAt: iso(REPORT.getTime() - 2 * HOUR),
        },
        'case.restoration_before_start',
        'serviceRestoredAt',
      ],
      [
        { failureStartedAt: iso(REPORT.getTime() - 367 * 24 * HOUR) },
        'case.outage_too_long',
        'failureStartedAt',
      ],
      [
        {
          failureStartedAt: iso(REPORT.getTime() - 366 * 24 * HOUR + HOUR),
          serviceRestoredAt: iso(REPORT.getTime() + 9 * HOUR),
        },
        'case.outage_too_long',
        'serviceRestoredAt',
      ],
    ];
    for (const [body, code, field] of refusals) {
      const response = await times(kase.folio, body);
      expect(response.statusCode, code).toBe(422);
      expect(response.json()).toMatchObject({ code, field });
    }
    expect((await times(kase.folio, {})).statusCode).toBe(400);
    expect((await times(kase.folio, { serviceRestoredAt: 'ayer' })).statusCode).toBe(400);
    expect(
      (await times(kase.folio, { serviceRestoredAt: iso(REPORT.getTime()) }, facturacion)).statusCode,
    ).toBe(403);

    const incident = iso(REPORT.getTime() - 6 * HOUR);
    const set = await times(kase.folio, { failureStartedAt: incident });
    expect(set.json().failure).toEqual({ startedAt: incident, startedAtReport: false, restoredAt: null });
    // Restoration before the report is possible once the failure started earlier.
    const early = iso(REPORT.getTime() - HOUR);
    expect((await times(kase.folio, { serviceRestoredAt: early })).json().failure.restoredAt).toBe(early);
    // The same values again record nothing.
    await times(kase.folio, { serviceRestoredAt: early });
    expect(await recorded(kase.id)).toEqual([
      { failureStartedAt: incident, serviceRestoredAt: null, reportedAt: REPORT.toISOString() },
      { failureStartedAt: incident, serviceRestoredAt: early, reportedAt: REPORT.toISOString() },
    ]);
    // Back to the report would put the restoration before the start.
    const back = await times(kase.folio, { failureStartedAt: null });
    expect(back.json()).toMatchObject({ code: 'case.restoration_before_start' });
    const resolve = await status(kase.folio, { status: 'resuelto', causeCode: 'atribuible_proveedor' });
    expect(resolve.json()).toMatchObject({
      status: 'resuelto',
      failure: { startedAt: incident, restoredAt: early },
    });
  });

  it('is only for a falla', async () => {
    await at(REPORT);
    const consulta = (
      await soporte.request('POST', '/api/v1/cases', {
        requestType: 'consulta',
        channel: 'telefono',
        contact: { kind: 'phone', address: `81 2000 ${String(++phone).padStart(4, '0')}` },
        description: 'El internet está lento en las tardes',
      })
    ).json();
    expect(consulta).toMatchObject({ area: { code: 'soporte_tecnico' }, failure: null });
    const response = await times(consulta.folio, { serviceRestoredAt: REPORT.toISOString() });
    expect(response.json()).toMatchObject({ code: 'case.not_a_failure' });
  });
});
