import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import {
  agents,
  areas,
  cases,
  compensations,
  csatSurveys,
  customers,
  deadlines,
  incidents,
  incidentZones,
  services,
  zones,
} from '../db/schema.ts';
import { ALWAYS_OPEN } from '../sla/calendar-spec.ts';
import { meetDeadline } from '../sla/deadlines.service.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { responseTimeStats } from './stats.service.ts';
import { statsFilter } from './stats-filter.ts';

// A known November in Monterrey (UTC−6): four cases then, one today, with their clocks, money, outages
// and surveys written straight to the tables, so every figure below can be counted by hand.
const NOW = new Date('2026-12-07T16:00:00Z');
const NOVEMBER = 'from=2026-11-01&to=2026-11-30&period=mes';
const at = (iso: string) => new Date(iso);

describeEachDatabase('statistics', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let admin: Session;
  let supervisor: Session;
  let agentX: Session;
  let agentY: Session;
  let zone: Record<'norte' | 'centro' | 'sur', number>;
  let caseIds: Record<'a' | 'b' | 'c' | 'd' | 'e', string>;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const db = app.atiende.ctx.db;
    const area = Object.fromEntries((await db.select().from(areas)).map((a) => [a.code, a.id]));
    const soporte = area.soporte_tecnico as number;
    const facturacion = area.facturacion_cobranza as number;
    admin = await app.sessionAs('admin');
    supervisor = await app.sessionAs('supervisor', [soporte]);
    agentX = await app.sessionAs('agent', [soporte]);
    agentY = await app.sessionAs('agent', [facturacion]);
    await db.update(agents).set({ presence: 'en_linea' }).where(eq(agents.id, agentX.agentId));
    await db.update(agents).set({ presence: 'desconectado' }).where(eq(agents.id, agentY.agentId));

    const [norte] = await db.insert(zones).values({ code: 'ST-NTE', name: 'Norte' }).returning();
    const [centro] = await db
      .insert(zones)
      .values({ code: 'ST-CEN', name: 'Centro', parentId: norte?.id as number })
      .returning();
    const [sur] = await db.insert(zones).values({ code: 'ST-SUR', name: 'Sur' }).returning();
    zone = { norte: norte?.id as number, centro: centro?.id as number, sur: sur?.id as number };

    const people = await db
      .insert(customers)
      .values([{ name: 'Uno' }, { name: 'Dos' }, { name: 'Tres' }, { name: 'Cuatro' }])
      .returning();
    const [c1, c2, c3, c4] = people.map((p) => p.id) as [string, string, string, string];
    const [s1, s2] = (
      await db
        .insert(services)
        .values([
          { customerId: c1, zoneId: zone.centro, status: 'activo', cutoffDay: 1 },
          { customerId: c2, zoneId: zone.sur, status: 'activo', cutoffDay: 1 },
        ])
        .returning()
    ).map((s) => s.id) as [string, string];

    const [i1, i2] = (
      await db
        .insert(incidents)
        .values([
          {
            status: 'restablecido',
            cause: 'energia',
            publicText: 'Sin energía',
            startedAt: at('2026-11-02T12:00:00Z'),
            restoredAt: at('2026-11-02T16:30:00Z'),
          },
          {
            status: 'abierto',
            cause: 'enlace',
            publicText: 'Enlace caído',
            startedAt: at('2026-11-20T10:00:00Z'),
          },
        ])
        .returning()
    ).map((i) => i.id) as [string, string];
    await db.insert(incidentZones).values([
      { incidentId: i1, zoneId: zone.norte },
      { incidentId: i2, zoneId: zone.sur },
    ]);

    const base = { raisedBy: 'cliente' as const, subject: 'Caso de prueba' };
    const rows = await db
      .insert(cases)
      .values([
        {
          ...base,
          folio: 'ST-A',
          requestType: 'falla',
          channel: 'whatsapp',
          customerId: c1,
          areaId: soporte,
          assigneeId: agentX.agentId,
          status: 'resuelto',
          serviceId: s1,
          incidentId: i1,
          createdAt: at('2026-11-02T15:00:00Z'),
        },
        {
          ...base,
          folio: 'ST-B',
          requestType: 'falla',
          channel: 'telefono',
          customerId: c2,
          areaId: soporte,
          status: 'nuevo',
          serviceId: s2,
          incidentId: i1,
          createdAt: at('2026-11-02T20:00:00Z'),
        },
        {
          // 23:30 of 2 November in Monterrey: the 3rd in UTC.
          ...base,
          folio: 'ST-C',
          requestType: 'saldo',
          channel: 'email',
          customerId: c3,
          areaId: facturacion,
          assigneeId: agentY.agentId,
          status: 'en_proceso',
          createdAt: at('2026-11-03T05:30:00Z'),
        },
        {
          ...base,
          folio: 'ST-D',
          requestType: 'queja',
          channel: 'whatsapp',
          customerId: c4,
          areaId: facturacion,
          assigneeId: agentY.agentId,
          status: 'cerrado',
          serviceId: s2,
          createdAt: at('2026-11-10T15:00:00Z'),
        },
        {
          ...base,
          folio: 'ST-E',
          requestType: 'falla',
          channel: 'portal',
          customerId: c1,
          areaId: soporte,
          assigneeId: agentX.agentId,
          status: 'en_espera_cliente',
          serviceId: s1,
          createdAt: at('2026-12-07T15:00:00Z'),
        },
      ])
      .returning();
    const id = (folio: string) => rows.find((r) => r.folio === folio)?.id as string;
    caseIds = { a: id('ST-A'), b: id('ST-B'), c: id('ST-C'), d: id('ST-D'), e: id('ST-E') };

    const clockRow = (
      caseId: string,
      deadlineKind: 'primera_respuesta' | 'resolucion',
      startedAt: string,
      dueAt: string,
      met?: { at: string; minutes: number },
      pausedAt?: string,
    ) => ({
      subjectKind: 'case' as const,
      subjectId: caseId,
      kind: deadlineKind,
      target: { amount: 1, unit: 'hours', clock: 'calendar' },
      source: 'prueba',
      calendar: ALWAYS_OPEN,
      pausable: true,
      startedAt: at(startedAt),
      dueAt: at(dueAt),
      metAt: met ? at(met.at) : null,
      businessMinutes: met ? met.minutes : null,
      pausedAt: pausedAt ? at(pausedAt) : null,
    });
    await db.insert(deadlines).values([
      clockRow(caseIds.a, 'primera_respuesta', '2026-11-02T15:00:00Z', '2026-11-02T17:00:00Z', {
        at: '2026-11-02T16:00:00Z',
        minutes: 60,
      }),
      clockRow(caseIds.a, 'resolucion', '2026-11-02T15:00:00Z', '2026-11-05T15:00:00Z', {
        at: '2026-11-06T15:00:00Z',
        minutes: 5760,
      }),
      clockRow(caseIds.b, 'primera_respuesta', '2026-11-02T20:00:00Z', '2026-11-02T22:00:00Z'),
      clockRow(caseIds.b, 'resolucion', '2026-11-02T20:00:00Z', '2026-12-20T20:00:00Z'),
      clockRow(caseIds.c, 'primera_respuesta', '2026-11-03T05:30:00Z', '2026-11-03T07:30:00Z', {
        at: '2026-11-03T06:30:00Z',
        minutes: 60,
      }),
      clockRow(caseIds.c, 'resolucion', '2026-11-03T05:30:00Z', '2026-12-10T05:30:00Z'),
      clockRow(caseIds.d, 'primera_respuesta', '2026-11-10T15:00:00Z', '2026-11-10T17:00:00Z', {
        at: '2026-11-10T15:30:00Z',
        minutes: 30,
      }),
      clockRow(caseIds.d, 'resolucion', '2026-11-10T15:00:00Z', '2026-11-13T15:00:00Z', {
        at: '2026-11-12T15:00:00Z',
        minutes: 2880,
      }),
      // Paused while waiting on the customer past its due date: not overdue, its due date will move.
      clockRow(
        caseIds.e,
        'primera_respuesta',
        '2026-12-07T15:00:00Z',
        '2026-12-07T15:30:00Z',
        undefined,
        '2026-12-07T15:20:00Z',
      ),
    ]);

    const money = {
      formula: {},
      explanation: 'prueba',
      computedCentavos: 0,
    };
    await db.insert(compensations).values([
      {
        ...money,
        caseId: caseIds.a,
        serviceId: s1,
        kind: 'falla',
        status: 'aplicada',
        computedCentavos: 15_000,
        bonusCentavos: 15_000,
        appliedCentavos: 15_000,
        decidedAt: at('2026-11-07T18:00:00Z'),
      },
      {
        ...money,
        caseId: caseIds.d,
        serviceId: s2,
        kind: 'cargo_indebido',
        status: 'aplicada',
        computedCentavos: 30_000,
        refundCentavos: 20_000,
        bonusCentavos: 10_000,
        appliedCentavos: 30_000,
        decidedAt: at('2026-11-11T18:00:00Z'),
        refundedAt: at('2026-11-20T18:00:00Z'),
      },
      {
        ...money,
        caseId: caseIds.b,
        serviceId: s2,
        kind: 'falla',
        status: 'por_aprobar',
        computedCentavos: 5_000,
      },
    ]);

    const survey = (caseId: string, customerId: string, areaId: number, agentId: string, n: number) => ({
      caseId,
      customerId,
      channel: 'whatsapp',
      areaId,
      agentId,
      tokenHash: `token-${caseId}`,
      sentAt: at('2026-11-05T18:00:00Z'),
      expiresAt: at('2026-12-05T18:00:00Z'),
      ...(n > 0
        ? {
            status: 'respondida' as const,
            score: n,
            answeredAt: at(`2026-11-${n === 5 ? '06' : '12'}T18:00:00Z`),
          }
        : {}),
    });
    await db
      .insert(csatSurveys)
      .values([
        survey(caseIds.a, c1, soporte, agentX.agentId, 5),
        survey(caseIds.d, c4, facturacion, agentY.agentId, 2),
        survey(caseIds.c, c3, facturacion, agentY.agentId, 0),
      ]);
  });
  afterAll(() => app?.close());

  const get = async (session: Session, path: string) => {
    const response = await session.request('GET', `/api/v1/stats/${path}`);
    return { status: response.statusCode, body: response.json() };
  };

  it('counts the cases created in each bucket, in the provider’s time zone', async () => {
    const byChannel = await get(admin, 'volume?from=2026-11-01&to=2026-11-30&groupBy=channel');
    expect(byChannel.status).toBe(200);
    expect(byChannel.body.rows).toEqual([
      { period: '2026-11-02', key: 'email', count: 1 },
      { period: '2026-11-02', key: 'telefono', count: 1 },
      { period: '2026-11-02', key: 'whatsapp', count: 1 },
      { period: '2026-11-10', key: 'whatsapp', count: 1 },
    ]);
    expect(byChannel.body.filters).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-30',
      period: 'dia',
      timeZone: 'America/Monterrey',
      area: null,
    });
    expect((await get(admin, `volume?${NOVEMBER}`)).body.rows).toEqual([
      { period: '2026-11-01', key: 'total', count: 4 },
    ]);
    expect((await get(admin, `volume?${NOVEMBER}&groupBy=area`)).body.rows).toEqual([
      { period: '2026-11-01', key: expect.any(String), count: 2 },
      { period: '2026-11-01', key: expect.any(String), count: 2 },
    ]);
    expect((await get(admin, 'volume?from=2026-10-26&to=2026-11-30&period=semana')).body.rows).toEqual([
      { period: '2026-11-02', key: 'total', count: 3 },
      { period: '2026-11-09', key: 'total', count: 1 },
    ]);
    expect((await get(admin, `volume?${NOVEMBER}&zone=${zone.norte}`)).body.rows).toEqual([
      { period: '2026-11-01', key: 'total', count: 1 },
    ]);
    expect((await get(admin, `volume?${NOVEMBER}&requestType=falla&channel=telefono`)).body.rows).toEqual([
      { period: '2026-11-01', key: 'total', count: 1 },
    ]);
    // By default the last 30 days up to today: from 8 November.
    expect((await get(admin, 'volume')).body.rows).toEqual([
      { period: '2026-11-10', key: 'total', count: 1 },
      { period: '2026-12-07', key: 'total', count: 1 },
    ]);
  });

  it('shows the open cases by area with their status and age', async () => {
    const { body } = await get(admin, 'backlog?from=2020-01-01&to=2020-01-02');
    expect(body.rows).toEqual([
      {
        area: 'facturacion_cobranza',
        areaName: expect.any(String),
        open: 1,
        unassigned: 0,
        byStatus: { nuevo: 0, asignado: 0, en_proceso: 1, en_espera_cliente: 0 },
        age: { under1d: 0, d1to3: 0, d3to7: 0, over7d: 1 },
        oldestCreatedAt: '2026-11-03T05:30:00.000Z',
      },
      {
        area: 'soporte_tecnico',
        areaName: expect.any(String),
        open: 2,
        unassigned: 1,
        byStatus: { nuevo: 1, asignado: 0, en_proceso: 0, en_espera_cliente: 1 },
        age: { under1d: 1, d1to3: 0, d3to7: 0, over7d: 1 },
        oldestCreatedAt: '2026-11-02T20:00:00.000Z',
      },
    ]);
  });

  it('tells deadlines met on time, late, overdue and pending by their due date', async () => {
    expect((await get(admin, `compliance?${NOVEMBER}`)).body.rows).toEqual([
      {
        period: '2026-11-01',
        deadlineKind: 'primera_respuesta',
        metOnTime: 3,
        metLate: 0,
        breachedOpen: 1,
        pendingOnTime: 0,
      },
      {
        period: '2026-11-01',
        deadlineKind: 'resolucion',
        metOnTime: 1,
        metLate: 1,
        breachedOpen: 0,
        pendingOnTime: 0,
      },
    ]);
    expect((await get(admin, 'compliance?from=2026-12-01&to=2026-12-31&period=mes')).body.rows).toEqual([
      {
        period: '2026-12-01',
        deadlineKind: 'primera_respuesta',
        metOnTime: 0,
        metLate: 0,
        breachedOpen: 0,
        pendingOnTime: 1,
      },
      {
        period: '2026-12-01',
        deadlineKind: 'resolucion',
        metOnTime: 0,
        metLate: 0,
        breachedOpen: 0,
        pendingOnTime: 2,
      },
    ]);
  });

  it('gives response times in business minutes, also for clocks met before the minutes were stored', async () => {
    const expected = [
      {
        period: '2026-11-01',
        firstResponse: { count: 3, medianMinutes: 60, p90Minutes: 60 },
        resolution: { count: 2, medianMinutes: 2880, p90Minutes: 5760 },
      },
    ];
    expect((await get(admin, `response-times?${NOVEMBER}`)).body.rows).toEqual(expected);
    const db = app.atiende.ctx.db;
    await db.update(deadlines).set({ businessMinutes: null }).where(eq(deadlines.subjectId, caseIds.a));
    const ctx = app.atiende.ctx;
    const filter = await statsFilter(ctx, { from: '2026-11-01', to: '2026-11-30', period: 'mes' });
    expect((await responseTimeStats(ctx, filter)).rows).toEqual(expected);
  });

  it('sums compensations applied and refunds paid back', async () => {
    expect((await get(admin, `compensations?${NOVEMBER}`)).body.rows).toEqual([
      { period: '2026-11-01', kind: 'cargo_indebido', count: 1, amountCentavos: 30_000 },
      { period: '2026-11-01', kind: 'falla', count: 1, amountCentavos: 15_000 },
      { period: '2026-11-01', kind: 'reembolso', count: 1, amountCentavos: 20_000 },
    ]);
  });

  it('counts incidents, the customers of their cases and how long they lasted', async () => {
    expect((await get(admin, `incidents?${NOVEMBER}`)).body.rows).toEqual([
      { period: '2026-11-01', count: 2, customersAffected: 2, durationMinutes: { median: 270, max: 270 } },
    ]);
    // A zone below the incident's: covered by it, and only its customers count.
    expect((await get(admin, `incidents?${NOVEMBER}&zone=${zone.centro}`)).body.rows).toEqual([
      { period: '2026-11-01', count: 1, customersAffected: 1, durationMinutes: { median: 270, max: 270 } },
    ]);
  });

  it('averages the surveys answered, by area and by agent', async () => {
    expect((await get(admin, `satisfaction?${NOVEMBER}`)).body.rows).toEqual([
      {
        period: '2026-11-01',
        key: 'total',
        keyName: '',
        answered: 2,
        average: 3.5,
        distribution: [0, 1, 0, 0, 1],
      },
    ]);
    const byArea = (await get(admin, `satisfaction?${NOVEMBER}&groupBy=area`)).body.rows;
    expect(byArea).toHaveLength(2);
    expect(byArea).toContainEqual(
      expect.objectContaining({
        key: 'soporte_tecnico',
        answered: 1,
        average: 5,
        distribution: [0, 0, 0, 0, 1],
      }),
    );
    expect(byArea).toContainEqual(expect.objectContaining({ key: 'facturacion_cobranza', average: 2 }));
  });

  it('shows the live queue of each area', async () => {
    const { rows } = (await get(admin, 'live-queue')).body;
    expect(rows).toContainEqual({
      area: 'soporte_tecnico',
      areaName: expect.any(String),
      waiting: 1,
      inProgress: 0,
      agentsOnline: 1,
    });
    expect(rows).toContainEqual({
      area: 'facturacion_cobranza',
      areaName: expect.any(String),
      waiting: 0,
      inProgress: 1,
      agentsOnline: 0,
    });
  });

  it('restricts a supervisor to the areas they supervise', async () => {
    expect((await get(supervisor, `volume?${NOVEMBER}`)).body.rows).toEqual([
      { period: '2026-11-01', key: 'total', count: 2 },
    ]);
    expect((await get(supervisor, 'backlog')).body.rows.map((r: { area: string }) => r.area)).toEqual([
      'soporte_tecnico',
    ]);
    expect((await get(supervisor, 'live-queue')).body.rows.map((r: { area: string }) => r.area)).toEqual([
      'soporte_tecnico',
    ]);
    expect((await get(supervisor, `satisfaction?${NOVEMBER}&groupBy=agent`)).body.rows).toEqual([
      {
        period: '2026-11-01',
        key: agentX.agentId,
        keyName: expect.any(String),
        answered: 1,
        average: 5,
        distribution: [0, 0, 0, 0, 1],
      },
    ]);
    expect((await get(supervisor, `compensations?${NOVEMBER}`)).body.rows).toEqual([
      { period: '2026-11-01', kind: 'falla', count: 1, amountCentavos: 15_000 },
    ]);
    const other = await get(supervisor, 'volume?area=facturacion_cobranza');
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('stats.area_forbidden');
    expect((await get(supervisor, 'volume?area=soporte_tecnico')).status).toBe(200);
  });

  it('refuses agents and bad input', async () => {
    expect((await get(agentX, 'volume')).status).toBe(403);
    const refused = async (path: string) => {
      const { status, body } = await get(admin, path);
      return [status, body.code, body.field];
    };
    expect(await refused('volume?from=2026-11-30&to=2026-11-01')).toEqual([
      422,
      'stats.invalid_range',
      'querystring.to',
    ]);
    expect(await refused('compliance?from=2020-01-01&to=2026-11-01')).toEqual([
      422,
      'stats.invalid_range',
      'querystring.from',
    ]);
    expect(await refused('volume?area=nowhere')).toEqual([422, 'stats.area_unknown', 'querystring.area']);
    expect(await refused('volume?from=2026-13-01')).toEqual([400, 'request.invalid', 'querystring.from']);
    expect(await refused('volume?period=anual')).toEqual([400, 'request.invalid', 'querystring.period']);
    expect(await refused('volume?groupBy=customer')).toEqual([400, 'request.invalid', 'querystring.groupBy']);
    expect(await refused('volume?zone=99999999999')).toEqual([400, 'request.invalid', 'querystring.zone']);
    expect(await refused('volume?channel=fax')).toEqual([400, 'request.invalid', 'querystring.channel']);
  });

  it('stores the business minutes of a clock when it is met', async () => {
    const ctx = app.atiende.ctx;
    const day = [{ from: '09:00', to: '18:00' }];
    const office = {
      zone: 'America/Monterrey',
      hours: {
        monday: day,
        tuesday: day,
        wednesday: day,
        thursday: day,
        friday: day,
        saturday: [],
        sunday: [],
      },
    };
    const ofC = and(eq(deadlines.subjectId, caseIds.c), eq(deadlines.kind, 'resolucion'));
    await ctx.db.update(deadlines).set({ calendar: office }).where(ofC);
    // From 23:30 of Monday 2 November: all of Tuesday (540 minutes) and Wednesday until noon (180).
    await ctx.db.transaction((tx) =>
      meetDeadline(ctx, tx, caseIds.c, 'resolucion', at('2026-11-04T18:00:00Z')),
    );
    const [met] = await ctx.db.select().from(deadlines).where(ofC);
    expect(met?.businessMinutes).toBe(720);
  });
});
