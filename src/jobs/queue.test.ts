import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../test/databases.ts';
import { JobQueue } from './queue.ts';

describeEachDatabase('jobs enqueued inside a data transaction', (kind) => {
  let database: TestDatabase;
  let jobs: JobQueue;
  const handled: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await database.handle.db.execute(sql`create table job_probe (label text primary key)`);
    jobs = await JobQueue.start(database.handle);
    await jobs.register(
      [
        {
          name: 'test-probe',
          handler: async (data: { label: string }) => {
            handled.push(data.label);
          },
        },
      ],
      { work: true, pollingIntervalSeconds: 0.5 },
    );
  });

  afterAll(async () => {
    await jobs.stop();
    await database.dispose();
  });

  const waitFor = async (predicate: () => boolean, ms = 15_000) => {
    const until = Date.now() + ms;
    while (!predicate() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  };

  it('runs the job when the transaction commits', async () => {
    await database.handle.db.transaction(async (tx) => {
      await tx.execute(sql`insert into job_probe values ('committed')`);
      await jobs.enqueue(tx, 'test-probe', { label: 'committed' });
    });
    await waitFor(() => handled.includes('committed'));
    expect(handled).toContain('committed');
  });

  it('never sees the job when the transaction rolls back', async () => {
    await expect(
      database.handle.db.transaction(async (tx) => {
        await tx.execute(sql`insert into job_probe values ('rolled-back')`);
        await jobs.enqueue(tx, 'test-probe', { label: 'rolled-back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const stored = await jobs.findJobs('test-probe');
    expect(stored.map((j) => (j.data as { label: string }).label)).not.toContain('rolled-back');
    const rows = await database.handle.db.execute(sql`select label from job_probe`);
    expect((rows as unknown as { rows: { label: string }[] }).rows.map((r) => r.label)).toEqual([
      'committed',
    ]);
    // A job that was about to be picked would have been by now: the worker polls every 0.5 s.
    await new Promise((r) => setTimeout(r, 1500));
    expect(handled).not.toContain('rolled-back');
  });
});
