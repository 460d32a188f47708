import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { agentAreas, agents, cases, DEADLINE_KINDS } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import type { CalendarSpecInput } from './calendar-spec.ts';
import {
  type DeadlineRecipients,
  type DeadlineRow,
  type DeadlineSubject,
  registerDeadlineSubject,
} from './deadline-subjects.ts';
import { storeNextDue } from './next-due.ts';
import { policyFor } from './policies.ts';
import {
  closeDeadlines,
  type DeadlineSpec,
  deadlineViews,
  meetDeadlines,
  newDeadline,
  pauseDeadlines,
  presentDeadlineRows,
  reopenDeadline,
  resumeDeadlines,
  retargetDeadlines,
} from './subject-deadlines.ts';

export {
  checkDeadline,
  DEADLINE_CHECK_JOB,
  type DeadlineView,
  scheduleDeadlineChecks,
} from './subject-deadlines.ts';

/** A case's two deadlines are two uses of the clocks of any subject. */
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
type Deps = Pick<AppContext, 'jobs' | 'settings'>;

const caseSubject = (id: string): DeadlineSubject => ({ kind: 'case', id });

/** The active supervisors of an area: told of its breaches. */
export async function supervisorsOf(tx: Tx, areaId: number): Promise<string[]> {
  const rows = await tx
    .select({ id: agents.id })
    .from(agents)
    .innerJoin(agentAreas, and(eq(agentAreas.agentId, agents.id), eq(agentAreas.areaId, areaId)))
    .where(and(eq(agents.role, 'supervisor'), eq(agents.active, true)));
  return rows.map((r) => r.id);
}

/** The columns of a case that say whom a clock tied to it concerns; select them with the subject's row. */
export const caseRecipientColumns = {
  caseId: cases.id,
  areaId: cases.areaId,
  assigneeId: cases.assigneeId,
};

/**
 * Whom a clock tied to a case concerns: its assignee (or, with nobody assigned, the area's supervisors) is
 * warned; a breach goes to the area's supervisors and the assignee. Null when the subject is gone.
 */
export async function recipientsThroughCase(
  tx: Tx,
  kase: { caseId: string; areaId: number; assigneeId: string | null; customerId?: string } | undefined,
): Promise<DeadlineRecipients | null> {
  if (!kase) return null;
  const supervisors = await supervisorsOf(tx, kase.areaId);
  const assignee = kase.assigneeId ? [kase.assigneeId] : [];
  return {
    warn: kase.assigneeId ? assignee : supervisors,
    escalate: [...supervisors, ...assignee],
    areaId: kase.areaId,
    timelines: { caseId: kase.caseId, ...(kase.customerId ? { customerId: kase.customerId } : {}) },
  };
}

// Registered here rather than beside the cases: the job registry imports this module, so every process
// that runs deadline checks knows the case's handlers.
registerDeadlineSubject('case', {
  async recipients(tx, caseId) {
    const [kase] = await tx.select(caseRecipientColumns).from(cases).where(eq(cases.id, caseId));
    return recipientsThroughCase(tx, kase);
  },
  onChanged: storeNextDue,
});

/**
 * A case's first-response and resolution deadlines from the policy of its type and subtype, counted from
 * when the case opened in the area's business calendar (or the provider's) or around the clock.
 */
function caseDeadlineSpecs(
  settings: ProviderSettings,
  kase: { requestType: string; subtype: string | null; createdAt: Date },
  areaCalendar: CalendarSpecInput | null,
): DeadlineSpec[] {
  const policy = policyFor(settings.deadlines.policies, kase.requestType, kase.subtype);
  if (!policy)
    throw new AppError('deadline.no_policy', {
      status: 500,
      detail: `No deadline policy for ${kase.requestType}`,
    });
  const targets = { primera_respuesta: policy.firstResponse, resolucion: policy.resolution };
  return DEADLINE_KINDS.map((kind) => ({
    kind,
    target: targets[kind],
    source: policy.source,
    pausable: true,
    startedAt: kase.createdAt,
    businessCalendar: areaCalendar,
  }));
}

/** The deadline rows of a case that has just opened: nothing paused, met, warned or breached yet. */
export function newCaseDeadlines(
  settings: ProviderSettings,
  kase: { id: string; requestType: string; subtype: string | null; createdAt: Date },
  areaCalendar: CalendarSpecInput | null,
): DeadlineRow[] {
  return caseDeadlineSpecs(settings, kase, areaCalendar).map((spec) =>
    newDeadline(caseSubject(kase.id), spec, settings.deadlines.businessCalendar),
  );
}

/**
 * Recomputes a case's deadlines after a change of type, keeping what was met, warned or breached and the
 * time already spent paused, and schedules the checks in the caller's transaction.
 */
export async function setDeadlines(
  deps: Deps,
  tx: Tx,
  kase: { id: string; requestType: string; subtype: string | null; areaId: number; createdAt: Date },
): Promise<void> {
  const { settings } = await deps.settings.current(tx);
  const area = await deps.settings.area(tx, kase.areaId);
  const areaCalendar = (area?.calendar ?? null) as CalendarSpecInput | null;
  await retargetDeadlines(deps, tx, caseSubject(kase.id), caseDeadlineSpecs(settings, kase, areaCalendar));
}

/** Marks a deadline met (first response given, case resolved); a met deadline raises nothing more. */
export async function meetDeadline(
  deps: Deps,
  tx: Tx,
  caseId: string,
  kind: DeadlineKind,
  now: Date,
): Promise<void> {
  await meetDeadlines(deps, tx, caseSubject(caseId), now, kind);
}

/**
 * What a change of status does to the clocks: pause while waiting on the customer, stop when resolved,
 * run the resolution again on reopening (with its alert back on the boards if it had one).
 */
export async function deadlinesOnStatus(
  deps: Deps,
  tx: Tx,
  caseId: string,
  from: string,
  to: string,
  now: Date,
) {
  const subject = caseSubject(caseId);
  if (to === 'resuelto' || to === 'cerrado' || to === 'descartado')
    await closeDeadlines(deps, tx, subject, now, 'met');
  else if (to === 'en_espera_cliente') await pauseDeadlines(deps, tx, subject, now);
  else {
    if (from === 'en_espera_cliente') await resumeDeadlines(deps, tx, subject, now);
    if (from === 'resuelto' && to === 'en_proceso') await reopenDeadline(deps, tx, subject, 'resolucion');
  }
}

/** The deadlines of the given cases as the API shows them, evaluated at `now`. */
export const deadlinesOf = (deps: Pick<AppContext, 'settings'>, tx: Tx, caseIds: string[], now: Date) =>
  deadlineViews<DeadlineKind>(deps, tx, 'case', caseIds, now);

/** Deadline rows as agents and customers see them, by case id. */
export const presentDeadlines = (rows: DeadlineRow[], now: Date, warnAt: number) =>
  presentDeadlineRows<DeadlineKind>(rows, now, warnAt);
