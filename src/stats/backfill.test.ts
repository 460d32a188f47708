import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deadlines } from '../db/schema.ts';
import { ALWAYS_OPEN } from '../sla/calendar-spec.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../test/databases.ts';
import { fillResponseMinutes } from './backfill.ts';

const OFFICE = {
  zone: 'America/Monterrey',
  hours: {
    monday: [{ from: '09:00', to: '18:00' }],
    tuesday: [{ from: '09:00', to: '18:00' }],
    wednesday: [{ from: '09:00', to: '18:00' }],
    thursday: [{ from: '09:00', to: '18:00' }],
    friday: [{ from: '09:00', to: '18:00' }],
  },
  restDays: false,
  closures: [],
};

describeEachDatabase('business minutes of clocks met before they were stored', (kind) => {
  let database: TestDatabase;
  const clock = (values: Partial<typeof deadlines.$inferInsert>) => ({
    id: randomUUID(),
    subjectKind: 'case' as const,
    subjectId: randomUUID(),
    kind: 'primera_respuesta',
    target: { businessHours: 8 },
    source: 'test',
    calendar: OFFICE,
    pausable: false,
    // Friday 17:00 in Monterrey (UTC−6) …
    startedAt: new Date('2026-11-06T23:00:00Z'),
    dueAt: new Date('2026-11-09T22:00:00Z'),
    ...values,
  });
  // … met on Monday at 10:00: an hour on Friday, an hour on Monday, less a 15-minute pause.
  const legacy = clock({ metAt: new Date('2026-11-09T16:00:00Z'), pausedMs: 15 * 60_000 });
  const measured = clock({
    calendar: ALWAYS_OPEN,
    metAt: new Date('2026-11-07T00:00:00Z'),
    businessMinutes: 60,
  });
  const open = clock({});
  const service = clock({ subjectKind: 'service', metAt: new Date('2026-11-09T16:00:00Z') });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await database.handle.db.insert(deadlines).values([legacy, measured, open, service]);
  });
  afterAll(() => database.dispose());

  const minutesOf = async (id: string) =>
    (await database.handle.db.select().from(deadlines).where(eq(deadlines.id, id)))[0]?.businessMinutes;

  it('measures each met case clock in its own calendar, once, and leaves the rest alone', async () => {
    expect(await fillResponseMinutes(database.handle)).toBe(1);
    expect(await minutesOf(legacy.id)).toBe(105);
    expect(await minutesOf(measured.id)).toBe(60);
    expect(await minutesOf(open.id)).toBeNull();
    expect(await minutesOf(service.id)).toBeNull();
    expect(await fillResponseMinutes(database.handle)).toBe(0);
  });
});
