import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/database.ts';
import { throttles } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';

/**
 * Request limits kept in the database, so every server process counts against the same number and
 * parallel requests cannot slip past a check made before their neighbours' writes: each hit is one
 * atomic upsert that answers the count including itself.
 */

/** Counts one hit on `key` in a fixed window of `windowMs`; answers the hits so far in the window. */
export async function countHit(
  db: Tx,
  key: string,
  windowMs: number,
  now: Date,
): Promise<{ hits: number; windowEndsAt: Date }> {
  const at = now.toISOString();
  const expired = new Date(now.getTime() - windowMs).toISOString();
  const [row] = await queryRows<{ hits: number; window_start: string | Date }>(
    db,
    sql`insert into throttles (key, hits, window_start) values (${key}, 1, ${at}::timestamptz)
        on conflict (key) do update set
          hits = case when throttles.window_start <= ${expired}::timestamptz then 1 else throttles.hits + 1 end,
          window_start = case when throttles.window_start <= ${expired}::timestamptz
                              then ${at}::timestamptz else throttles.window_start end
        returning hits, window_start`,
  );
  if (!row) throw new Error('throttle upsert returned nothing');
  return { hits: row.hits, windowEndsAt: new Date(new Date(row.window_start).getTime() + windowMs) };
}

/** Forgets a key's count (a success that proves the earlier failures were the customer's own typos). */
export async function clearThrottle(db: Tx, key: string): Promise<void> {
  await db.execute(sql`delete from throttles where key = ${key}`);
}

/**
 * A progressive delay: the first `free` attempts in a window cost nothing, each one after doubles the wait
 * before the next from `baseMs` up to `maxMs`. A window lasts `forgetMs` from its first attempt.
 */
export interface DelayPolicy {
  free: number;
  baseMs: number;
  maxMs: number;
  forgetMs: number;
}

/**
 * Takes a turn on `key` before an attempt is checked, in one statement: while the key is waiting, no turn
 * (answers when it may try again); otherwise the attempt is counted and, past the free ones, the next turn
 * is pushed back by the policy's delay. Parallel attempts therefore cannot all slip in before the first
 * failure is recorded. A success should {@link clearThrottle} the key.
 */
export async function takeTurn(
  db: Tx,
  key: string,
  now: Date,
  policy: DelayPolicy,
): Promise<{ ok: true } | { ok: false; until: Date }> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const expired = sql`throttles.window_start <= ${new Date(now.getTime() - policy.forgetMs).toISOString()}::timestamptz`;
  const hits = sql`(case when ${expired} then 1 else throttles.hits + 1 end)`;
  const taken = await queryRows<{ hits: number }>(
    db,
    sql`insert into throttles (key, hits, window_start) values (${key}, 1, ${at})
        on conflict (key) do update set
          hits = ${hits},
          window_start = case when ${expired} then ${at} else throttles.window_start end,
          blocked_until = case when ${hits} > ${policy.free}
            then ${at} + make_interval(secs => least(${policy.maxMs}::float8,
                   ${policy.baseMs}::float8 * power(2, least(${hits} - ${policy.free} - 1, 30))) / 1000.0)
            else null end
        where throttles.blocked_until is null or throttles.blocked_until <= ${at}
        returning hits`,
  );
  if (taken.length > 0) return { ok: true };
  const [row] = await queryRows<{ blocked_until: string | Date | null }>(
    db,
    sql`select blocked_until from throttles where key = ${key}`,
  );
  return { ok: false, until: row?.blocked_until ? new Date(row.blocked_until) : now };
}

/** The one "wait and try again" answer of every limit. */
export function tooManyRequests(code: string, retryAt: Date, now: Date, detail: string): AppError {
  return new AppError(code, {
    status: 429,
    detail,
    extra: { retryAfterSeconds: Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000)) },
  });
}

/** Drops counters whose window ended long ago (the daily clean-up job). */
export async function purgeThrottles(db: Tx, olderThan: Date): Promise<number> {
  const removed = await db
    .delete(throttles)
    .where(
      sql`${throttles.windowStart} < ${olderThan.toISOString()}::timestamptz
          and (${throttles.blockedUntil} is null or ${throttles.blockedUntil} < ${olderThan.toISOString()}::timestamptz)`,
    )
    .returning({ key: throttles.key });
  return removed.length;
}
