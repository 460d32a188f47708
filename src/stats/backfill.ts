import { and, eq, isNotNull, isNull, notInArray, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { deadlines } from '../db/schema.ts';
import { elapsedBusinessMinutes } from './elapsed.ts';

export const RESPONSE_MINUTES_JOB = 'stats-response-minutes';
export const RESPONSE_MINUTES_CRON = '*/10 * * * *';
const BATCH = 500;

/**
 * Cases' clocks met before their business minutes were stored (migration 0030 could fill only those
 * counted in calendar time) get them here, a batch at a time, so long ranges are answered in SQL alone
 * instead of by calendar arithmetic over every row. A clock whose calendar cannot be measured is left as
 * it is (the statistics measure it when read) and skipped for the rest of the run.
 */
export async function fillResponseMinutes(deps: Pick<AppContext, 'db'>, maxBatches = 20): Promise<number> {
  let filled = 0;
  const unmeasurable: string[] = [];
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await deps.db
      .select({
        id: deadlines.id,
        calendar: deadlines.calendar,
        startedAt: deadlines.startedAt,
        metAt: deadlines.metAt,
        pausedMs: deadlines.pausedMs,
      })
      .from(deadlines)
      .where(
        and(
          eq(deadlines.subjectKind, 'case'),
          isNotNull(deadlines.metAt),
          isNull(deadlines.businessMinutes),
          unmeasurable.length > 0 ? notInArray(deadlines.id, unmeasurable) : undefined,
        ),
      )
      .limit(BATCH);
    if (rows.length === 0) break;
    const measured: Array<{ id: string; metAt: Date; minutes: number }> = [];
    for (const row of rows) {
      if (!row.metAt) continue;
      try {
        measured.push({
          id: row.id,
          metAt: row.metAt,
          minutes: elapsedBusinessMinutes({ ...row, metAt: row.metAt }),
        });
      } catch {
        unmeasurable.push(row.id);
      }
    }
    if (measured.length > 0) {
      // Only if still met at the same instant: a clock reopened meanwhile keeps its minutes empty.
      await deps.db.execute(
        sql`update deadlines d set business_minutes = v.minutes
            from (values ${sql.join(
              measured.map(
                (m) => sql`(${m.id}::uuid, ${m.metAt.toISOString()}::timestamptz, ${m.minutes}::integer)`,
              ),
              sql`, `,
            )}) as v(id, met_at, minutes)
            where d.id = v.id and d.met_at = v.met_at and d.business_minutes is null`,
      );
      filled += measured.length;
    }
  }
  return filled;
}
