import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '../db/database.ts';
import { describeEachDatabase, type TestDatabase } from '../test/databases.ts';
import { seedDemoDatabaseAt0013 } from '../test/legacy-database.ts';

describeEachDatabase('upgrading case deadlines and flags to deadlines of any subject', (kind) => {
  let database: TestDatabase;
  const count = async (query: SQL) =>
    Number((await queryRows<{ n: number }>(database.handle.db, query))[0]?.n);

  beforeAll(async () => {
    database = await seedDemoDatabaseAt0013(kind);
    const db = database.handle.db;
    // Seed-demo data has no alert acknowledged or cleared yet: one that is both.
    await db.execute(
      sql`update case_flags set acknowledged_at = raised_at + interval '5 minutes',
            acknowledged_by = notify_agent_ids[1], cleared_at = raised_at + interval '1 hour'
          where id = (select id from case_flags order by raised_at limit 1)`,
    );
    // What the older version held, kept aside to compare with after the upgrade.
    await db.execute(sql`create table old_deadlines as select * from case_deadlines`);
    await db.execute(sql`create table old_flags as select * from case_flags`);
    await database.handle.migrate();
  }, 120_000);
  afterAll(() => database?.dispose());

  it('makes every case deadline a pausable clock of the subject case, with the same values', async () => {
    expect(await count(sql`select count(*)::int as n from old_deadlines`)).toBe(120);
    expect(
      await count(sql`select count(*)::int as n from old_deadlines where pauses <> '[]'::jsonb`),
    ).toBeGreaterThan(0);
    expect(
      await count(sql`select count(*)::int as n from old_deadlines where paused_at is not null`),
    ).toBeGreaterThan(0);
    expect(await count(sql`select count(*)::int as n from deadlines`)).toBe(120);
    expect(
      await count(
        sql`select count(*)::int as n from old_deadlines o
            full join deadlines d on d.subject_kind = 'case' and d.subject_id = o.case_id and d.kind = o.kind
            where o.case_id is null or d.id is null or not d.pausable or d.cancelled_at is not null
              or (o.target, o.source, o.calendar, o.started_at, o.due_at, o.paused_at, o.paused_ms, o.pauses,
                  o.met_at, o.warned_at, o.breached_at)
                is distinct from (d.target, d.source, d.calendar, d.started_at, d.due_at, d.paused_at, d.paused_ms,
                  d.pauses, d.met_at, d.warned_at, d.breached_at)`,
      ),
    ).toBe(0);
  });

  it('makes every flag the alert of its deadline, keeping its id and who saw it', async () => {
    expect(await count(sql`select count(*)::int as n from old_flags`)).toBeGreaterThan(1);
    expect(await count(sql`select count(*)::int as n from old_flags where acknowledged_by is not null`)).toBe(
      1,
    );
    expect(
      await count(
        sql`select count(*)::int as n from old_flags o
            full join deadline_alerts a on a.id = o.id
            left join deadlines d on d.id = a.deadline_id
            where o.id is null or a.id is null or d.subject_id <> o.case_id or d.kind <> o.deadline_kind
              or (o.kind, o.notify_agent_ids, o.raised_at, o.acknowledged_at, o.acknowledged_by, o.cleared_at)
                is distinct from (a.kind, a.notify_agent_ids, a.raised_at, a.acknowledged_at, a.acknowledged_by,
                  a.cleared_at)`,
      ),
    ).toBe(0);
  });

  it('drops the old tables', async () => {
    expect(
      await count(
        sql`select count(*)::int as n from (values (to_regclass('public.case_deadlines')),
              (to_regclass('public.case_flags'))) as t(name) where name is not null`,
      ),
    ).toBe(0);
  });
});
