import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import {
  areas,
  cases,
  compensations,
  events,
  incidentNotices,
  messages,
  plans,
  services,
  zones,
} from '../db/schema.ts';
import { type Session, startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { broadcastIncidentUpdate, paceDelayMs } from './broadcast.ts';
import { applyIncidentRestoration } from './restoration.ts';

const NOW = new Date('2026-12-07T16:00:00Z');
const HOUR = 3_600_000;
const hoursFrom = (base: Date, n: number) => new Date(base.getTime() + n * HOUR);

describe('pacing a broadcast', () => {
  const rates = { whatsapp: 80, messenger: 40, email: 100 };
  it.each([
    [{ whatsapp: 80 }, 0, 1000],
    [{ whatsapp: 80 }, 400, 600],
    [{ whatsapp: 40, facebook: 40 }, 100, 900],
    [{ email: 50 }, 600, 0],
    [{}, 0, 0],
  ] as const)('after %o queued in %i ms waits %i ms', (queued, elapsed, wait) => {
    expect(paceDelayMs(queued, rates, elapsed)).toBe(wait);
  });
});

describeEachDatabase('an incident told to its customers and resolved in bulk', (kind) => {
  let app: TestApp;
  const clock = new ManualClock(NOW);
  let supervisor: Session;
  let soporte: Session;
  let planId: number;
  let zoneId: number;
  let sequence = 0;

  beforeAll(async () => {
    app = await startTestApp(kind, { clock, work: false });
    const db = app.atiende.ctx.db;
    const [area] = await db.select().from(areas).where(eq(areas.code, 'soporte_tecnico'));
    supervisor = await app.sessionAs('supervisor', [area?.id as number]);
    soporte = await app.sessionAs('agent', [area?.id as number]);
    const [plan] = await db
      .insert(plans)
      .values({ code: `fibra-200-${kind}`, name: 'Fibra 200', monthlyPriceCentavos: 30_000 })
      .returning();
    planId = plan?.id as number;
    const [zone] = await db.insert(zones).values({ code: 'ORI', name: 'Sector Oriente' }).returning();
    zoneId = zone?.id as number;
  });
  afterAll(() => app?.close());

  /** A falla by e-mail (or only a phone number, which no notice reaches), with a priced service. */
  async function openFalla(contact: { kind: 'email' | 'phone'; address: string }) {
    const opened = await soporte.request('POST', '/api/v1/cases', {
      requestType: 'falla',
      channel: contact.kind === 'email' ? 'email' : 'telefono',
      contact,
      customerName: 'Lucía Treviño',
      description: 'Sin internet',
    });
    expect(opened.statusCode).toBe(201);
    const kase = opened.json() as { id: string; folio: string; customer: { id: string } };
    const db = app.atiende.ctx.db;
    const [existing] = await db.select().from(services).where(eq(services.customerId, kase.customer.id));
    const service =
      existing ??
      (
        await db
          .insert(services)
          .values({ customerId: kase.customer.id, status: 'activo', planId, cutoffDay: 15 })
          .returning()
      )[0];
    await db
      .update(cases)
      .set({ serviceId: service?.id as string })
      .where(eq(cases.id, kase.id));
    return kase;
  }
  const email = () => ({ kind: 'email' as const, address: `oriente${++sequence}.${kind}@example.test` });
  const link = (caseIds: string[], incidentId: string) =>
    app.atiende.ctx.db.update(cases).set({ incidentId }).where(inArray(cases.id, caseIds));
  const update = async (incidentId: string, body: Record<string, unknown>) => {
    const response = await supervisor.request('POST', `/api/v1/incidents/${incidentId}/updates`, body);
    expect(response.statusCode).toBe(200);
    const detail = response.json() as { updates: Array<{ id: string }> };
    return detail.updates.at(-1)?.id as string;
  };
  const noticesOf = (updateId: string) =>
    app.atiende.ctx.db.select().from(incidentNotices).where(eq(incidentNotices.updateId, updateId));
  const sentWith = async (caseIds: string[], fragment: string) =>
    (
      await app.atiende.ctx.db
        .select()
        .from(messages)
        .where(and(inArray(messages.caseId, caseIds), eq(messages.kind, 'saliente')))
    ).filter((m) => m.body.includes(fragment));

  it('tells each linked customer once per update, none outside, and resolves and credits on restoration', async () => {
    const ctx = app.atiende.ctx;
    clock.set(NOW);
    const declared = await supervisor.request('POST', '/api/v1/incidents', {
      zoneIds: [zoneId],
      cause: 'energia',
      publicText: 'Sin energía en el sector Oriente.',
      startedAt: hoursFrom(NOW, -30).toISOString(),
      eta: hoursFrom(NOW, 4).toISOString(),
    });
    expect(declared.statusCode).toBe(201);
    const incidentId = declared.json().id as string;

    const reachable = [];
    for (let i = 0; i < 19; i++) reachable.push(await openFalla(email()));
    const first = reachable[0] as (typeof reachable)[number];
    // The same customer reports again on the same address: one customer, two linked cases.
    clock.set(new Date(NOW.getTime() + 60_000));
    const again = await openFalla({ kind: 'email', address: `oriente1.${kind}@example.test` });
    expect(again.customer.id).toBe(first.customer.id);
    const unreachable = await openFalla({
      kind: 'phone',
      address: `81 3000 ${kind === 'pglite' ? 1 : 2}001`,
    });
    const outside = [await openFalla(email()), await openFalla(email())];
    const linked = [...reachable, again, unreachable];
    await link(
      linked.map((c) => c.id),
      incidentId,
    );

    clock.set(hoursFrom(NOW, 1));
    const news = await update(incidentId, { text: 'La cuadrilla ya trabaja en el transformador.' });
    const waits: number[] = [];
    const pacing = { batchSize: 7, wait: async (ms: number) => waits.push(ms) };
    await broadcastIncidentUpdate(ctx, { updateId: news }, pacing);

    const rows = await noticesOf(news);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.customerId)).size).toBe(20);
    expect(rows.find((r) => r.customerId === first.customer.id)?.caseId).toBe(again.id);
    const silent = rows.filter((r) => r.messageId === null);
    expect(silent.map((r) => r.caseId)).toEqual([unreachable.id]);
    expect(rows.filter((r) => r.messageId).every((r) => r.channel === 'email')).toBe(true);
    const told = await sentWith(
      linked.map((c) => c.id),
      'La cuadrilla ya trabaja en el transformador.',
    );
    expect(told).toHaveLength(19);
    expect(told[0]?.body).toContain('Sector Oriente');
    expect(
      await sentWith(
        outside.map((c) => c.id),
        'transformador',
      ),
    ).toEqual([]);
    const undelivered = (await ctx.db.select().from(events).where(eq(events.caseId, unreachable.id))).filter(
      (e) => e.kind === 'aviso_no_entregado',
    );
    expect(undelivered).toHaveLength(1);

    await broadcastIncidentUpdate(ctx, { updateId: news }, pacing);
    expect(await noticesOf(news)).toHaveLength(20);
    expect(
      await sentWith(
        linked.map((c) => c.id),
        'transformador',
      ),
    ).toHaveLength(19);

    // Service came back an hour ago; a report that arrived since stays for an agent.
    clock.set(hoursFrom(NOW, 3));
    const restoredAt = hoursFrom(NOW, 2);
    const restoration = await update(incidentId, {
      status: 'restablecido',
      restoredAt: restoredAt.toISOString(),
    });
    const late = await openFalla(email());
    await link([late.id], incidentId);
    await applyIncidentRestoration(ctx, { incidentId, updateId: restoration }, 6);

    const after = await ctx.db
      .select()
      .from(cases)
      .where(
        inArray(
          cases.id,
          [...linked, late].map((c) => c.id),
        ),
      );
    const answered = after.filter((c) => c.id !== late.id);
    expect(answered.every((c) => c.status === 'resuelto')).toBe(true);
    expect(answered.every((c) => c.causeCode === 'atribuible_proveedor')).toBe(true);
    expect(answered.every((c) => c.serviceRestoredAt?.getTime() === restoredAt.getTime())).toBe(true);
    expect(answered.every((c) => c.failureStartedAt?.getTime() === hoursFrom(NOW, -30).getTime())).toBe(true);
    expect(after.find((c) => c.id === late.id)?.status).toBe('nuevo');
    const credited = await ctx.db
      .select()
      .from(compensations)
      .where(
        inArray(
          compensations.caseId,
          answered.map((c) => c.id),
        ),
      );
    // One outage, one service: the customer's second report is resolved without a second credit.
    expect(credited).toHaveLength(20);
    expect(credited.some((c) => c.caseId === again.id)).toBe(false);
    const notPosted = await ctx.db
      .select()
      .from(events)
      .where(and(eq(events.caseId, again.id), eq(events.kind, 'compensation_not_posted')));
    expect(notPosted.map((e) => e.after)).toMatchObject([{ reason: 'incidente_ya_compensado' }]);
    const restored = await noticesOf(restoration);
    expect(restored).toHaveLength(20);
    const thanked = await sentWith(
      [...linked, late].map((c) => c.id),
      'quedó restablecido',
    );
    expect(thanked).toHaveLength(19);
    const toFirst = thanked.find((m) => m.caseId === again.id)?.body ?? '';
    expect(toFirst).toContain(`${first.folio}, ${again.folio}`);
    expect(toFirst).toContain('bonificación');
    const applied = (await ctx.db.select().from(events).where(eq(events.subjectId, incidentId))).filter(
      (e) => e.kind === 'incident_restoration_applied',
    );
    expect(applied.map((e) => e.after)).toMatchObject([{ resolved: 21, compensated: 20, leftOpen: 1 }]);

    await applyIncidentRestoration(ctx, { incidentId, updateId: restoration }, 6);
    expect(await noticesOf(restoration)).toHaveLength(20);
    expect(
      await sentWith(
        [...linked, late].map((c) => c.id),
        'quedó restablecido',
      ),
    ).toHaveLength(19);
    expect(
      (await ctx.db.select().from(events).where(eq(events.subjectId, incidentId))).filter(
        (e) => e.kind === 'incident_restoration_applied',
      ),
    ).toHaveLength(1);
  });
});
