import { sql } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { type cases, DEADLINE_KINDS } from '../db/schema.ts';
import type { CalendarSpecInput } from './calendar-spec.ts';
import { warnInstant } from './deadline-state.ts';
import type { DeadlineRow } from './deadline-subjects.ts';
import { calendarFor } from './policies.ts';

type NextDueColumns = Pick<
  typeof cases.$inferSelect,
  'nextDueKind' | 'nextDueAt' | 'nextWarnAt' | 'deadlineMetLate'
>;

/** The nearest pending deadline: the first response until it is met, then the resolution; else none. */
export function nearestPendingKind<T extends { metAt: unknown }>(
  deadlines: Partial<Record<(typeof DEADLINE_KINDS)[number], T | null>>,
) {
  return DEADLINE_KINDS.find((kind) => {
    const deadline = deadlines[kind];
    return deadline && deadline.metAt === null;
  });
}

/**
 * What a case row keeps of its deadlines for lists: the nearest pending one's due and warning instants,
 * and whether any was met late. A deadline paused before it fell due has neither instant: it is waiting
 * on the customer, so it is neither late nor on time, and sorts after every running one. One paused after
 * it fell due stays overdue: waiting on the customer does not undo a breach.
 */
export function nextDueColumns(rows: DeadlineRow[], warnAt: number): NextDueColumns {
  const byKind = Object.fromEntries(rows.map((row) => [row.kind, row]));
  const kind = nearestPendingKind(byKind);
  const deadlineMetLate = rows.some((row) => row.metAt !== null && row.metAt > row.dueAt);
  const pending = kind ? byKind[kind] : undefined;
  if (!kind || !pending) return { nextDueKind: null, nextDueAt: null, nextWarnAt: null, deadlineMetLate };
  if (pending.pausedAt && pending.pausedAt <= pending.dueAt)
    return { nextDueKind: kind, nextDueAt: null, nextWarnAt: null, deadlineMetLate };
  const calendar = calendarFor(pending.calendar as CalendarSpecInput);
  return {
    nextDueKind: kind,
    nextDueAt: pending.dueAt,
    nextWarnAt: warnInstant(calendar, pending, warnAt),
    deadlineMetLate,
  };
}

/** Writes cases' nearest pending deadlines after their deadlines changed, in one statement of the caller's transaction. */
export async function storeNextDue(tx: Tx, rowsByCase: Map<string, DeadlineRow[]>, warnAt: number) {
  if (rowsByCase.size === 0) return;
  const columns = [...rowsByCase].map(([id, rows]) => {
    const next = nextDueColumns(rows, warnAt);
    return {
      id,
      kind: next.nextDueKind,
      due: next.nextDueAt?.toISOString() ?? null,
      warn: next.nextWarnAt?.toISOString() ?? null,
      late: next.deadlineMetLate,
    };
  });
  await tx.execute(sql`
    update cases set next_due_kind = v.kind, next_due_at = v.due, next_warn_at = v.warn, deadline_met_late = v.late
    from jsonb_to_recordset(${JSON.stringify(columns)}::jsonb)
      as v(id uuid, kind text, due timestamptz, warn timestamptz, late boolean)
    where cases.id = v.id`);
}
