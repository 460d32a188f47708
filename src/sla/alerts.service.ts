import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { assertMayChange } from '../cases/access.ts';
import type { Tx } from '../db/database.ts';
import { cases, deadlineAlerts, deadlines } from '../db/schema.ts';
import type { EventSubject } from '../domain/vocabulary.ts';
import { AppError } from '../http/errors.ts';
import { deadlineSubject } from './deadline-subjects.ts';

const deadlineColumns = { subjectId: deadlines.subjectId, kind: deadlines.kind, dueAt: deadlines.dueAt };

/**
 * Alerts of cases' deadlines still pending, addressed to an agent (or all, for supervisors' and admins'
 * boards), each with the deadline's current due date and the case's folio.
 */
export async function listCaseAlerts(tx: Tx, filter: { agentId?: string; includeAcknowledged: boolean }) {
  const conditions = [isNull(deadlineAlerts.clearedAt), eq(deadlines.subjectKind, 'case')];
  if (filter.agentId) conditions.push(sql`${filter.agentId}::uuid = any(${deadlineAlerts.notifyAgentIds})`);
  if (!filter.includeAcknowledged) conditions.push(isNull(deadlineAlerts.acknowledgedAt));
  return tx
    .select({ alert: deadlineAlerts, deadline: deadlineColumns, folio: cases.folio })
    .from(deadlineAlerts)
    .innerJoin(deadlines, eq(deadlines.id, deadlineAlerts.deadlineId))
    .innerJoin(cases, eq(cases.id, deadlines.subjectId))
    .where(and(...conditions))
    .orderBy(deadlineAlerts.raisedAt);
}

/**
 * Records that someone saw an alert about a subject of the given kind; the alert itself stays, so a
 * breach never silently disappears. The subject's area may acknowledge it; a subject without an area
 * leaves it to those it was addressed to and admins.
 */
export async function acknowledgeAlert(
  tx: Tx,
  subjectKind: EventSubject,
  id: string,
  actor: Actor,
  now: Date,
) {
  const [existing] = await tx
    .select({ alert: deadlineAlerts, deadline: deadlineColumns })
    .from(deadlineAlerts)
    .innerJoin(deadlines, eq(deadlines.id, deadlineAlerts.deadlineId))
    .where(and(eq(deadlineAlerts.id, id), eq(deadlines.subjectKind, subjectKind)));
  if (!existing) throw new AppError('flag.not_found', { status: 404, detail: 'No such flag' });
  const recipients = await deadlineSubject(subjectKind).recipients(tx, existing.deadline.subjectId);
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
