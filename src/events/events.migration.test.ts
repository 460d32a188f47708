import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/database.ts';
import { eventNotes, events } from '../db/schema.ts';
import { describeEachDatabase, type TestDatabase } from '../test/databases.ts';
import { seedDemoDatabaseAt0013 } from '../test/legacy-database.ts';
import { caseEvents, presentEvent } from './events.service.ts';

describeEachDatabase('upgrading seed-demo data to events with subjects and erasable notes', (kind) => {
  let database: TestDatabase;
  let before: Array<{ id: number; kind: string; actor: string; reason: string | null }>;
  const db = () => database.handle.db;

  beforeAll(async () => {
    database = await seedDemoDatabaseAt0013(kind);
    before = await queryRows(
      db(),
      sql`select id::int as id, kind, actor_kind as actor, reason from events order by id`,
    );
    await database.handle.migrate();
  }, 120_000);
  afterAll(() => database?.dispose());

  it('gives every event a subject: its case, else its customer', async () => {
    expect(before.length).toBeGreaterThan(500);
    const rows = await db().select().from(events);
    expect(rows).toHaveLength(before.length);
    for (const row of rows) {
      expect(row.subjectKind).toBe(row.caseId ? 'case' : 'customer');
      expect(row.subjectId).toBe(row.caseId ?? row.customerId);
    }
  });

  it("moves agents' words to erasable notes and keeps the codes the system wrote", async () => {
    const spoken = before.filter(
      (e) =>
        e.actor === 'agente' &&
        e.reason &&
        (e.kind === 'transferred' || e.kind === 'status_changed') &&
        !['customer_replied', 'reopened_by_customer'].includes(e.reason),
    );
    expect(spoken.length).toBeGreaterThan(5);
    for (const old of spoken) {
      const [row] = await db()
        .select({ reason: events.reason, body: eventNotes.body })
        .from(events)
        .innerJoin(eventNotes, eq(eventNotes.id, events.noteId))
        .where(eq(events.id, old.id));
      expect(row).toEqual({ reason: null, body: old.reason });
    }
    const codes = before.filter((e) => e.reason && !spoken.includes(e));
    expect(codes.length).toBeGreaterThan(10);
    for (const old of codes) {
      const [row] = await db().select().from(events).where(eq(events.id, old.id));
      expect(row?.reason).toBe(old.reason);
      expect(row?.noteId).toBeNull();
    }
    const [notes] = await db().select({ n: sql<number>`count(*)::int` }).from(eventNotes);
    expect(notes?.n).toBe(spoken.length);
  });

  it('names the rule of every change the system made', async () => {
    const system = await db().select().from(events).where(eq(events.actorKind, 'sistema'));
    expect(system.length).toBeGreaterThan(20);
    expect(system.filter((e) => !e.actorRule)).toEqual([]);
    const closes = system.filter((e) => e.reason === 'reopen_window_ended');
    expect(closes.length).toBeGreaterThan(0);
    expect(new Set(closes.map((e) => e.actorRule))).toEqual(new Set(['cierre_por_ventana_de_reapertura']));
    const people = await db()
      .select()
      .from(events)
      .where(and(isNotNull(events.actorRule), sql`${events.actorKind} <> 'sistema'`));
    expect(people).toEqual([]);
  });

  it('keeps the trail append-only after the migration, and shows a moved note on the case timeline', async () => {
    await expect(db().execute(sql`update events set kind = 'tampered'`)).rejects.toThrow();
    const [withNote] = await db().select().from(events).where(isNotNull(events.noteId)).limit(1);
    if (!withNote?.caseId) throw new Error('no moved note');
    const timeline = (await caseEvents(db(), withNote.caseId)).map(presentEvent);
    const shown = timeline.find((e) => e.id === withNote.id);
    expect(shown?.note).toBeTruthy();
    expect(shown?.noteErased).toBe(false);
    const [unerased] = await db().select().from(eventNotes).where(isNull(eventNotes.erasedAt)).limit(1);
    expect(unerased).toBeDefined();
  });
});
