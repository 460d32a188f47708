import { randomUUID } from 'node:crypto';
import { inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAgent } from '../agents/agents.service.ts';
import { systemActor } from '../auth/system-rules.ts';
import { ManualClock } from '../clock.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { inboundDeliveries, sessions, throttles } from '../db/schema.ts';
import { jobDefinitions } from '../jobs/registry.ts';
import { startTestApp, type TestApp } from '../test/app.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../test/databases.ts';
import { CLEANUP_CRON, CLEANUP_JOB, cleanUp } from './cleanup.service.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describeEachDatabase('the daily clean-up', (kind) => {
  let database: TestDatabase;
  let db: DatabaseHandle['db'];
  const now = new Date('2026-11-25T09:30:00Z');
  const clock = new ManualClock(now);
  const ago = (ms: number) => new Date(now.getTime() - ms);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    db = database.handle.db;
  });
  afterAll(() => database?.dispose());

  it('deletes expired sessions, long-finished request counters and week-old processed deliveries, nothing else', async () => {
    const agent = await createAgent(
      db,
      {
        email: 'limpieza@example.test',
        name: 'Limpieza',
        password: 'a long enough password',
      },
      systemActor('datos_de_demostracion'),
    );
    const session = (name: string, expiresAt: Date) => ({
      tokenHash: name,
      agentId: agent.id,
      csrfToken: 'x',
      expiresAt,
    });
    await db
      .insert(sessions)
      .values([
        session('expired', ago(1)),
        session('expired-long-ago', ago(30 * DAY)),
        session('live', new Date(now.getTime() + HOUR)),
      ]);
    await db.insert(throttles).values([
      { key: 'test:old', hits: 3, windowStart: ago(2 * DAY) },
      { key: 'test:yesterday-window-still-recent', hits: 3, windowStart: ago(DAY) },
      { key: 'test:current', hits: 1, windowStart: ago(HOUR) },
      {
        key: 'test:old-but-blocked',
        hits: 30,
        windowStart: ago(3 * DAY),
        blockedUntil: new Date(now.getTime() + HOUR),
      },
    ]);
    const delivery = (processedAt: Date | null, receivedAt: Date) => ({
      channel: 'test',
      sha256: randomUUID(),
      body: Buffer.from('{}'),
      receivedAt,
      processedAt,
    });
    const [oldProcessed, recentProcessed, oldPending] = await db
      .insert(inboundDeliveries)
      .values([
        delivery(ago(8 * DAY), ago(8 * DAY)),
        delivery(ago(6 * DAY), ago(8 * DAY)),
        delivery(null, ago(30 * DAY)),
      ])
      .returning({ id: inboundDeliveries.id });

    expect(await cleanUp({ db, clock })).toEqual({
      importsFailed: 0,
      sessions: 2,
      throttles: 1,
      inboundDeliveries: 1,
    });

    const left = await db.select({ tokenHash: sessions.tokenHash }).from(sessions);
    expect(left.map((s) => s.tokenHash)).toEqual(['live']);
    const counters = await db
      .select({ key: throttles.key })
      .from(throttles)
      .where(like(throttles.key, 'test:%'));
    expect(counters.map((t) => t.key).sort()).toEqual([
      'test:current',
      'test:old-but-blocked',
      'test:yesterday-window-still-recent',
    ]);
    const ids = [oldProcessed?.id, recentProcessed?.id, oldPending?.id].filter((id) => id !== undefined);
    const deliveries = await db
      .select({ id: inboundDeliveries.id })
      .from(inboundDeliveries)
      .where(inArray(inboundDeliveries.id, ids));
    expect(deliveries.map((d) => d.id).sort()).toEqual([recentProcessed?.id, oldPending?.id].sort());

    clock.advance(2 * DAY);
    expect(await cleanUp({ db, clock })).toEqual({
      importsFailed: 0,
      sessions: 1,
      throttles: 3,
      inboundDeliveries: 1,
    });
  });
});

describeEachDatabase('the clean-up job', (kind) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(kind, { work: false });
  });
  afterAll(() => app?.close());

  it('is scheduled once a day', () => {
    const job = jobDefinitions(app.atiende.ctx).find((j) => j.name === CLEANUP_JOB);
    expect(job?.cron).toBe(CLEANUP_CRON);
    expect(CLEANUP_CRON.split(' ').slice(2)).toEqual(['*', '*', '*']);
  });
});
