import { and, count, countDistinct, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHANNELS } from '../channels/channel.ts';
import { SEND_JOB } from '../channels/outbound-send.ts';
import { agents, areas, cases, eventNotes, events, messages } from '../db/schema.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { describeEachDatabase } from '../test/databases.ts';
import { DEMO_PASSWORD, type SeedDemoResult, seedDemo } from './seed-demo.ts';

describeEachDatabase('demo seed', (kind) => {
  let app: TestApp;
  let seeded: SeedDemoResult;
  const progress: number[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
    seeded = await seedDemo(app.atiende.ctx, {
      customers: 20,
      cases: 30,
      onProgress: (done, total) => progress.push(done / total),
    });
  }, 180_000);
  afterAll(() => app?.close());

  const db = () => app.atiende.ctx.db;
  const tally = async <K extends 'status' | 'channel' | 'areaId' | 'requestType'>(column: K) =>
    new Set((await db().selectDistinct({ value: cases[column] }).from(cases)).map((r) => r.value));

  it('makes a supervisor and agents of every area, all with the demo password', async () => {
    expect(seeded.agents.map((a) => a.role).sort()).toEqual([...Array(7).fill('agent'), 'supervisor']);
    for (const agent of seeded.agents) {
      expect(agent.email).toMatch(/^[a-z]+\.[a-z]+@monetmovil\.com$/);
      expect(agent.password).toBe(DEMO_PASSWORD);
    }
    const supervisor = seeded.agents.find((a) => a.role === 'supervisor');
    if (!supervisor) throw new Error('no supervisor');
    const session = await app.login(supervisor.email, supervisor.password);
    expect((await session.request('GET', '/api/v1/cases?limit=1')).statusCode).toBe(200);
    // Progress counts cases only: 1/30 … 30/30.
    expect(progress).toHaveLength(30);
    expect(progress.at(-1)).toBe(1);
  });

  it('spreads cases over every channel, request type and area, in many states', async () => {
    expect(seeded.cases).toBe(30);
    expect(seeded.customers).toBeGreaterThanOrEqual(20);
    expect([...(await tally('channel'))].sort()).toEqual([...CHANNELS].sort());
    expect((await tally('requestType')).size).toBe(11);
    const areaIds = (await db().select({ id: areas.id }).from(areas).where(eq(areas.active, true))).map(
      (a) => a.id,
    );
    expect([...(await tally('areaId'))].sort()).toEqual(areaIds.sort());
    const statuses = await tally('status');
    for (const status of [
      'nuevo',
      'asignado',
      'en_proceso',
      'en_espera_cliente',
      'resuelto',
      'cerrado',
      'descartado',
    ]) {
      expect(statuses, status).toContain(status);
    }
    const resolved = await db().select().from(cases).where(isNotNull(cases.causeCode));
    expect(resolved.length).toBeGreaterThan(0);
    const discarded = await db()
      .selectDistinct({ reason: cases.discardReason })
      .from(cases)
      .where(isNotNull(cases.discardReason));
    expect(discarded.map((d) => d.reason).sort()).toEqual(['duplicado', 'spam']);
  });

  it('dates the cases over the past weeks, never in the future', async () => {
    const [span] = await db()
      .select({ first: sql<string>`min(${cases.createdAt})`, last: sql<string>`max(${cases.createdAt})` })
      .from(cases);
    const now = Date.now();
    expect(now - Date.parse(span?.first ?? '')).toBeGreaterThan(14 * 86_400_000);
    expect(Date.parse(span?.last ?? '')).toBeLessThanOrEqual(now);
    const [late] = await db().select({ n: count() }).from(events).where(sql`${events.createdAt} > now()`);
    expect(late?.n).toBe(0);
  });

  it('leaves the audit trail and conversation of every case', async () => {
    const withCreated = await db()
      .select({ n: countDistinct(events.caseId) })
      .from(events)
      .where(eq(events.kind, 'created'));
    expect(withCreated[0]?.n).toBe(30);
    const kinds = new Set((await db().selectDistinct({ kind: events.kind }).from(events)).map((e) => e.kind));
    for (const kind of ['created', 'assigned', 'status_changed', 'transferred', 'message_added']) {
      expect(kinds, kind).toContain(kind);
    }
    const transfers = await db()
      .select({ note: eventNotes.body })
      .from(events)
      .leftJoin(eventNotes, eq(eventNotes.id, events.noteId))
      .where(eq(events.kind, 'transferred'));
    expect(transfers.length).toBeGreaterThan(0);
    expect(transfers.every((t) => (t.note ?? '').length > 3)).toBe(true);
    const messageKinds = await db()
      .selectDistinct({ kind: messages.kind })
      .from(messages)
      .where(inArray(messages.kind, ['saliente', 'nota_interna']));
    expect(messageKinds).toHaveLength(2);
  });

  it('records replies and notices but sends nothing: the demo phones and e-mails may be real people', async () => {
    const replies = await db()
      .select({ n: count() })
      .from(messages)
      .where(
        and(eq(messages.kind, 'saliente'), inArray(messages.channel, ['whatsapp', 'email', 'facebook'])),
      );
    expect(replies[0]?.n).toBeGreaterThan(0);
    expect(await app.atiende.ctx.jobs.findJobs(SEND_JOB)).toEqual([]);
  });

  it('gives sent replies the receipts their channel would have reported, never "pendiente" for ever', async () => {
    const states = await db()
      .select({ channel: messages.channel, status: messages.deliveryStatus, n: count() })
      .from(messages)
      .where(eq(messages.kind, 'saliente'))
      .groupBy(messages.channel, messages.deliveryStatus);
    expect(states.filter((s) => s.status === 'pendiente')).toEqual([]);
    const of = (channel: string) => states.filter((s) => s.channel === channel).map((s) => s.status);
    expect(of('whatsapp')).toContain('leido');
    expect(of('email').every((status) => status === 'enviado')).toBe(true);
    expect(of('telefono').every((status) => status === null)).toBe(true);
  });

  it('runs again on the same database, reusing the agents and adding more', async () => {
    const [agentsBefore] = await db().select({ n: count() }).from(agents);
    const again = await seedDemo(app.atiende.ctx, { customers: 5, cases: 8 });
    expect(again.agents.map((a) => a.email)).toEqual(seeded.agents.map((a) => a.email));
    const [agentsAfter] = await db().select({ n: count() }).from(agents);
    expect(agentsAfter?.n).toBe(agentsBefore?.n);
    const [total] = await db().select({ n: count() }).from(cases);
    expect(total?.n).toBe(38);
  });
});
