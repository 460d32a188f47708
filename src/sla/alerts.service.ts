import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { assertMayChange } from '../cases/access.ts';
import type { Tx } from '../db/database.ts';
import { cases, deadlineAlerts, deadlines } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { deadlineSubject } from './deadline-subjects.ts';

const deadlineColumns = {
  subjectKind: deadlines.subjectKind,
  subjectId: deadlines.subjectId,
  kind: deadlines.kind,
  dueAt: deadlines.dueAt,
};

/**
 * Alerts of deadlines still pending, of any subject (a case's, a service's reconnection or installation, a
 * refund's, a field visit's), addressed to an agent (or all, for supervisors' and admins' boards), each
 * with the deadline's current due date and the case it concerns: the case itself, or the case its subject's
 * events go to (null when there is none, e.g. a reconnection no case asked for).
 */
export async function listAlerts(tx: Tx, filter: { agentId?: string; includeAcknowledged: boolean }) {
  const conditions = [isNull(deadlineAlerts.clearedAt)];
  if (filter.agentId) conditions.push(sql`${filter.agentId}::uuid = any(${deadlineAlerts.notifyAgentIds})`);
  if (!filter.includeAcknowledged) conditions.push(isNull(deadlineAlerts.acknowledgedAt));
  const rows = await tx
    .select({ alert: deadlineAlerts, deadline: deadlineColumns, folio: cases.folio })
    .from(deadlineAlerts)
    .innerJoin(deadlines, eq(deadlines.id, deadlineAlerts.deadlineId))
    .leftJoin(cases, and(eq(deadlines.subjectKind, 'case'), eq(cases.id, deadlines.subjectId)))
    .where(and(...conditions))
    .orderBy(deadlineAlerts.raisedAt);
  const shown = [];
  // Pending alerts are few (they leave the board once met); the other subjects' cases are looked up each.
  for (const row of rows) {
    if (row.deadline.subjectKind === 'case') {
      shown.push({ ...row, caseId: row.deadline.subjectId as string | null });
      continue;
    }
    const recipients = await deadlineSubject(row.deadline.subjectKind).recipients(tx, row.deadline.subjectId);
    const caseId = recipients?.timelines?.caseId ?? null;
    const [kase] = caseId
      ? await tx.select({ folio: cases.folio }).from(cases).where(eq(cases.id, caseId))
      : [];
    shown.push({ ...row, caseId, folio: kase?.folio ?? null });
  }
  return shown;
}

/**
 * Records that someone saw an alert about a subject of the given kind; the alert itself stays, so a
 * breach never silently disappears. The subject's area may acknowledge it; a subject without an area
 * leaves it to those it was addressed to and admins.
 */
export async function acknowledgeAlert(tx: Tx, id: string, actor: Actor, now: Date) {
  const [existing] = await tx
    .select({ alert: deadlineAlerts, deadline: deadlineColumns })
    .from(deadlineAlerts)
    .innerJoin(deadlines, eq(deadlines.id, deadlineAlerts.deadlineId))
    .where(eq(deadlineAlerts.id, id));
  if (!existing) throw new AppError('flag.not_found', { status: 404, detail: 'No such flag' });
  const { subjectKind, subjectId } = existing.deadline;
  const recipients = await deadlineSubject(subjectKind).recipients(tx, subjectId);
  if (recipients?.areaId !== undefined) await assertMayChange(tx, actor, recipients.areaId);
  else if (actor.role !== 'admin' && !existing.alert.notifyAgentIds.includes(actor.agentId))
    throw new AppError('flag.forbidden', { status: 403, detail: 'The alert is not addressed to you' });
  const [row] = await tx
    .update(deadlineAlerts)
    .set({ acknowledgedAt: now, acknowledgedBy: actor.agentId })
    .where(and(eq(deadlineAlerts.id, id), isNull(deadlineAlerts.acknowledgedAt)))
    .returning();
  return { alert: row ?? existing.alert, deadline: existing.deadline };
}
