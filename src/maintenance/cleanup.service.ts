import { and, isNotNull, lt } from 'drizzle-orm';
import { failInterruptedImports } from '../accounts/import/import.service.ts';
import { LOGIN_DELAY } from '../auth/auth.service.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { inboundDeliveries, sessions } from '../db/schema.ts';
import { purgeThrottles } from '../throttles/throttles.service.ts';

export const CLEANUP_JOB = 'daily-cleanup';
/** Once a day, at 03:30 in the provider's time zone (the job queue reads crons in it), when the desk is quiet. */
export const CLEANUP_CRON = '30 3 * * *';

const DAY_MS = 24 * 3_600_000;
/** How long a request counter outlives its window: long enough to see an attack in the table, no longer. */
export const THROTTLE_KEEP_MS = DAY_MS;
// Counters are kept by when their window started; no limit's window is longer than the login's hour.
const LONGEST_THROTTLE_WINDOW_MS = LOGIN_DELAY.forgetMs;
/** How long a taken-in delivery's raw body is kept, to look into a complaint about what arrived. */
export const DELIVERY_KEEP_MS = 7 * DAY_MS;

/**
 * Deletes what is only kept for a while: expired sessions, request counters whose window ended over a day
 * ago, and inbound deliveries processed over a week ago (unprocessed ones stay until they are taken in).
 * Also ends customers imports whose process died mid-run, so none shows as running for ever.
 */
export async function cleanUp(deps: { db: Db; clock: Clock }) {
  const now = deps.clock.now();
  const sessionsDeleted = await deps.db
    .delete(sessions)
    .where(lt(sessions.expiresAt, now))
    .returning({ tokenHash: sessions.tokenHash });
  const throttlesDeleted = await purgeThrottles(
    deps.db,
    new Date(now.getTime() - THROTTLE_KEEP_MS - LONGEST_THROTTLE_WINDOW_MS),
  );
  const deliveriesDeleted = await deps.db
    .delete(inboundDeliveries)
    .where(
      and(
        isNotNull(inboundDeliveries.processedAt),
        lt(inboundDeliveries.processedAt, new Date(now.getTime() - DELIVERY_KEEP_MS)),
      ),
    )
    .returning({ id: inboundDeliveries.id });
  const importsFailed = await failInterruptedImports(deps.db, now);
  return {
    importsFailed,
    sessions: sessionsDeleted.length,
    throttles: throttlesDeleted,
    inboundDeliveries: deliveriesDeleted.length,
  };
}
