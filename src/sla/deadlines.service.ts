import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { assertMayChange } from '../cases/access.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { agentAreas, agents, caseDeadlines, caseFlags, cases, DEADLINE_KINDS } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { addBusinessMillis, businessMillisBetween } from './calendar.ts';
import { ALWAYS_OPEN, type CalendarSpecInput } from './calendar-spec.ts';
import {
  type DeadlineClock,
  type DeadlineState,
  deadlineStatus,
  resumeDeadline,
  warnInstant,
} from './deadline-state.ts';
import { storeNextDue } from './next-due.ts';
import { calendarFor, dueAt, policyFor, type Target } from './policies.ts';

export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
type DeadlineRow = typeof caseDeadlines.$inferSelect;
type Deps = Pick<AppContext, 'jobs' | 'settings'>;

/** The job that checks a deadline when its warning or due instant comes. */
export const DEADLINE_CHECK_JOB = 'deadline-check';

const clockOf = (row: DeadlineRow): DeadlineClock => ({
  startedAt: row.startedAt,
  dueAt: row.dueAt,
  pausedAt: row.pausedAt,
  pausedMs: row.pausedMs,
  metAt: row.metAt,
});
const calendarOf = (row: DeadlineRow) => calendarFor(row.calendar as CalendarSpecInput);

/** Schedules the warning and due checks of running deadlines, all in one insert, in the caller's transaction. */
export async function scheduleDeadlineChecks(deps: Deps, tx: Tx, rows: DeadlineRow[], warnAt: number) {
  const jobs = rows
    .filter((row) => !row.metAt && !row.pausedAt)
    .flatMap((row) => {
      const data = { caseId: row.caseId, kind: row.kind };
      return [
        ...(row.warnedAt ? [] : [{ data, startAfter: warnInstant(calendarOf(row), clockOf(row), warnAt) }]),
        ...(row.breachedAt ? [] : [{ data, startAfter: row.dueAt }]),
      ];
    });
  await deps.jobs.enqueueMany(tx, DEADLINE_CHECK_JOB, jobs);
}

type PlannedDeadline = Pick<DeadlineRow, 'kind' | 'target' | 'source' | 'calendar' | 'dueAt' | 'pausedMs'>;

/**
 * A case's first-response and resolution deadlines from the policy of its type and subtype, counted from
 * when the case opened in the area's business calendar (or the provider's) or around the clock; finished
 * pauses push the due dates.
 */
function planDeadlines(
  settings: ProviderSettings,
  kase: { requestType: string; subtype: string | null; createdAt: Date },
  areaCalendar: CalendarSpecInput | null,
  existing: Pick<DeadlineRow, 'kind' | 'pauses'>[],
): PlannedDeadline[] {
  const policy = policyFor(settings.deadlines.policies, kase.requestType, kase.subtype);
  if (!policy)
    throw new AppError('deadline.no_policy', {
      status: 500,
      detail: `No deadline policy for ${kase.requestType}`,
    });
  const businessSpec = areaCalendar ?? settings.deadlines.businessCalendar;
  const targets: Record<DeadlineKind, Target> = {
    primera_respuesta: policy.firstResponse,
    resolucion: policy.resolution,
  };
  return DEADLINE_KINDS.map((kind) => {
    const target = targets[kind];
    const spec = target.clock === 'business' ? businessSpec : ALWAYS_OPEN;
    const cal = calendarFor(spec);
    const pauses = existing.find((e) => e.kind === kind)?.pauses ?? [];
    const pausedMs = pauses.reduce(
      (sum, [from, to]) => sum + businessMillisBetween(cal, Date.parse(from), Date.parse(to)),
      0,
    );
    const due = new Date(
      addBusinessMillis(cal, dueAt(target, calendarFor(businessSpec), kase.createdAt), pausedMs),
    );
    return { kind, target, source: policy.source, calendar: spec, dueAt: due, pausedMs };
  });
}

/** The deadline rows of a case that has just opened: nothing paused, met, warned or breached yet. */
export function newCaseDeadlines(
  settings: ProviderSettings,
  kase: { id: string; requestType: string; subtype: string | null; createdAt: Date },
  areaCalendar: CalendarSpecInput | null,
): DeadlineRow[] {
  return planDeadlines(settings, kase, areaCalendar, []).map((planned) => ({
    ...planned,
    caseId: kase.id,
    startedAt: kase.createdAt,
    pausedAt: null,
    pauses: [],
    metAt: null,
    warnedAt: null,
    breachedAt: null,
  }));
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
  const existing = await tx.select().from(caseDeadlines).where(eq(caseDeadlines.caseId, kase.id));
  const rows: DeadlineRow[] = [];
  const planned = planDeadlines(
    settings,
    kase,
    (area?.calendar ?? null) as CalendarSpecInput | null,
    existing,
  );
  for (const values of planned) {
    const [row] = await tx
      .insert(caseDeadlines)
      .values({ caseId: kase.id, startedAt: kase.createdAt, ...values })
      .onConflictDoUpdate({ target: [caseDeadlines.caseId, caseDeadlines.kind], set: values })
      .returning();
    if (row) rows.push(row);
  }
  await storeNextDue(tx, kase.id, rows, settings.deadlines.warnAt);
  await scheduleDeadlineChecks(deps, tx, rows, settings.deadlines.warnAt);
}

/** Keeps the case row's nearest pending deadline in step after its deadlines changed. */
async function refreshNextDue(deps: Deps, tx: Tx, caseId: string) {
  const rows = await tx.select().from(caseDeadlines).where(eq(caseDeadlines.caseId, caseId));
  await storeNextDue(tx, caseId, rows, (await deps.settings.current(tx)).settings.deadlines.warnAt);
}

/** Stops the clocks of a case's running deadlines (the case waits on the customer); true if any stopped. */
async function pauseDeadlines(tx: Tx, caseId: string, now: Date): Promise<boolean> {
  const paused = await tx
    .update(caseDeadlines)
    .set({ pausedAt: now })
    .where(and(eq(caseDeadlines.caseId, caseId), isNull(caseDeadlines.metAt), isNull(caseDeadlines.pausedAt)))
    .returning({ kind: caseDeadlines.kind });
  return paused.length > 0;
}

/**
 * Restarts paused clocks: each due date moves later by the open time the pause took in its calendar.
 * True if any restarted.
 */
async function resumeDeadlines(
  deps: Deps,
  tx: Tx,
  caseId: string,
  now: Date,
  kind?: DeadlineKind,
): Promise<boolean> {
  const paused = await tx
    .select()
    .from(caseDeadlines)
    .where(
      and(
        eq(caseDeadlines.caseId, caseId),
        isNotNull(caseDeadlines.pausedAt),
        kind ? eq(caseDeadlines.kind, kind) : undefined,
      ),
    );
  if (paused.length === 0) return false;
  const { deadlines } = (await deps.settings.current(tx)).settings;
  for (const row of paused) {
    const pausedAt = row.pausedAt as Date;
    const [resumed] = await tx
      .update(caseDeadlines)
      .set({
        pausedAt: null,
        ...resumeDeadline(calendarOf(row), clockOf(row), now),
        pauses: [...row.pauses, [pausedAt.toISOString(), now.toISOString()]],
      })
      .where(and(eq(caseDeadlines.caseId, caseId), eq(caseDeadlines.kind, row.kind)))
      .returning();
    if (resumed) await scheduleDeadlineChecks(deps, tx, [resumed], deadlines.warnAt);
  }
  return true;
}

/** Marks a deadline met and takes its alert off the boards; true if it was still pending. */
async function meet(deps: Deps, tx: Tx, caseId: string, kind: DeadlineKind, now: Date): Promise<boolean> {
  // Only this deadline's pause ends: a reminder sent while waiting on the customer keeps the others paused.
  const resumed = await resumeDeadlines(deps, tx, caseId, now, kind);
  const met = await tx
    .update(caseDeadlines)
    .set({ metAt: now })
    .where(and(eq(caseDeadlines.caseId, caseId), eq(caseDeadlines.kind, kind), isNull(caseDeadlines.metAt)))
    .returning({ kind: caseDeadlines.kind });
  if (met.length === 0) return resumed;
  await tx
    .update(caseFlags)
    .set({ clearedAt: now })
    .where(and(eq(caseFlags.caseId, caseId), eq(caseFlags.deadlineKind, kind), isNull(caseFlags.clearedAt)));
  return true;
}

/** Marks a deadline met (first response given, case resolved); a met deadline raises nothing more. */
export async function meetDeadline(
  deps: Deps,
  tx: Tx,
  caseId: string,
  kind: DeadlineKind,
  now: Date,
): Promise<void> {
  if (await meet(deps, tx, caseId, kind, now)) await refreshNextDue(deps, tx, caseId);
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
  let changed = false;
  if (to === 'en_espera_cliente') changed = await pauseDeadlines(tx, caseId, now);
  else if (from === 'en_espera_cliente') changed = await resumeDeadlines(deps, tx, caseId, now);
  if (to === 'resuelto' || to === 'cerrado' || to === 'descartado') {
    for (const kind of DEADLINE_KINDS) changed = (await meet(deps, tx, caseId, kind, now)) || changed;
  } else if (from === 'resuelto' && to === 'en_proceso') {
    const [reopened] = await tx
      .update(caseDeadlines)
      .set({ metAt: null })
      .where(and(eq(caseDeadlines.caseId, caseId), eq(caseDeadlines.kind, 'resolucion')))
      .returning();
    if (reopened) {
      changed = true;
      await tx
        .update(caseFlags)
        .set({ clearedAt: null })
        .where(and(eq(caseFlags.caseId, caseId), eq(caseFlags.deadlineKind, 'resolucion')));
      await scheduleDeadlineChecks(
        deps,
        tx,
        [reopened],
        (await deps.settings.current(tx)).settings.deadlines.warnAt,
      );
    }
  }
  if (changed) await refreshNextDue(deps, tx, caseId);
}

async function supervisorsOf(tx: Tx, areaId: number): Promise<string[]> {
  const rows = await tx
    .select({ id: agents.id })
    .from(agents)
    .innerJoin(agentAreas, and(eq(agentAreas.agentId, agents.id), eq(agentAreas.areaId, areaId)))
    .where(and(eq(agents.role, 'supervisor'), eq(agents.active, true)));
  return rows.map((r) => r.id);
}

/**
 * Checks one deadline at `now`: at the warning share of its target the assignee (or, with nobody
 * assigned, the area's supervisors) is warned; at the due date the case is escalated to the area's
 * supervisors. Each is recorded once — an event and a flag — under a row lock, so a check that runs
 * twice, early, or in two processes at once changes nothing more.
 */
export async function checkDeadline(
  deps: Deps & Pick<AppContext, 'db' | 'clock'>,
  job: { caseId: string; kind: DeadlineKind },
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(caseDeadlines)
      .where(and(eq(caseDeadlines.caseId, job.caseId), eq(caseDeadlines.kind, job.kind)))
      .for('update');
    if (!row || row.metAt || row.pausedAt) return;
    const { deadlines } = (await deps.settings.current(tx)).settings;
    const status = deadlineStatus(calendarOf(row), clockOf(row), now, deadlines.warnAt);
    const [kase] = await tx
      .select({ areaId: cases.areaId, assigneeId: cases.assigneeId })
      .from(cases)
      .where(eq(cases.id, row.caseId));
    if (!kase) return;
    const raise = async (flag: 'por_vencer' | 'vencido', notify: string[]) => {
      const alert = {
        caseId: row.caseId,
        deadlineKind: row.kind,
        kind: flag,
        notifyAgentIds: notify,
        raisedAt: now,
      };
      const target = [caseFlags.caseId, caseFlags.deadlineKind];
      // One alert per deadline: a breach replaces the warning (and wants seeing again); a warning never
      // replaces a breach.
      if (flag === 'vencido')
        await tx
          .insert(caseFlags)
          .values(alert)
          .onConflictDoUpdate({
            target,
            set: { ...alert, acknowledgedAt: null, acknowledgedBy: null, clearedAt: null },
          });
      else await tx.insert(caseFlags).values(alert).onConflictDoNothing({ target });
      await appendEvent(
        tx,
        {
          kind: flag === 'vencido' ? 'deadline_breached' : 'deadline_warning',
          actor: { kind: 'sistema' },
          caseId: row.caseId,
          after: { deadline: row.kind, dueAt: row.dueAt.toISOString(), notifyAgentIds: notify },
        },
        now,
      );
    };
    let supervisors: string[] | undefined;
    const areaSupervisors = async () => (supervisors ??= await supervisorsOf(tx, kase.areaId));
    if (status.elapsedFraction >= deadlines.warnAt && !row.warnedAt) {
      await raise('por_vencer', kase.assigneeId ? [kase.assigneeId] : await areaSupervisors());
      row.warnedAt = now;
    }
    if (status.state === 'vencido' && !row.breachedAt) {
      const notify = [...(await areaSupervisors()), ...(kase.assigneeId ? [kase.assigneeId] : [])];
      await raise('vencido', [...new Set(notify)]);
      row.breachedAt = now;
    }
    await tx
      .update(caseDeadlines)
      .set({ warnedAt: row.warnedAt, breachedAt: row.breachedAt })
      .where(and(eq(caseDeadlines.caseId, row.caseId), eq(caseDeadlines.kind, row.kind)));
  });
}

export interface DeadlineView {
  dueAt: string;
  state: DeadlineState;
  remainingMs: number;
  metAt: string | null;
  lateByMs: number | null;
  target: Target;
  source: string;
}

/** The deadlines of the given cases as the API shows them, evaluated at `now`. */
export async function deadlinesOf(deps: Pick<AppContext, 'settings'>, tx: Tx, caseIds: string[], now: Date) {
  if (caseIds.length === 0) return new Map<string, DeadlineViews>();
  const { warnAt } = (await deps.settings.current(tx)).settings.deadlines;
  const rows = await tx.select().from(caseDeadlines).where(inArray(caseDeadlines.caseId, caseIds));
  return presentDeadlines(rows, now, warnAt);
}

type DeadlineViews = Partial<Record<DeadlineKind, DeadlineView>>;

/** Deadline rows as agents and customers see them, by case id. */
export function presentDeadlines(rows: DeadlineRow[], now: Date, warnAt: number) {
  const result = new Map<string, DeadlineViews>();
  for (const row of rows) {
    const status = deadlineStatus(calendarOf(row), clockOf(row), now, warnAt);
    const views = result.get(row.caseId) ?? {};
    views[row.kind] = {
      dueAt: row.dueAt.toISOString(),
      state: status.state,
      remainingMs: status.remainingMs,
      metAt: row.metAt?.toISOString() ?? null,
      lateByMs: status.lateByMs,
      target: row.target as Target,
      source: row.source,
    };
    result.set(row.caseId, views);
  }
  return result;
}

/**
 * Alerts of deadlines still pending, addressed to an agent (or all, for supervisors' and admins' boards),
 * each with the deadline's current due date.
 */
export async function listFlags(tx: Tx, filter: { agentId?: string; includeAcknowledged: boolean }) {
  const conditions = [isNull(caseFlags.clearedAt)];
  if (filter.agentId) conditions.push(sql`${filter.agentId}::uuid = any(${caseFlags.notifyAgentIds})`);
  if (!filter.includeAcknowledged) conditions.push(isNull(caseFlags.acknowledgedAt));
  return tx
    .select({ flag: caseFlags, folio: cases.folio, dueAt: caseDeadlines.dueAt })
    .from(caseFlags)
    .innerJoin(cases, eq(cases.id, caseFlags.caseId))
    .innerJoin(
      caseDeadlines,
      and(eq(caseDeadlines.caseId, caseFlags.caseId), eq(caseDeadlines.kind, caseFlags.deadlineKind)),
    )
    .where(and(...conditions))
    .orderBy(caseFlags.raisedAt);
}

/** Records that someone saw a flag; the flag itself stays, so a breach never silently disappears. */
export async function acknowledgeFlag(tx: Tx, id: string, actor: Actor, now: Date) {
  const [existing] = await tx
    .select({ flag: caseFlags, areaId: cases.areaId })
    .from(caseFlags)
    .innerJoin(cases, eq(cases.id, caseFlags.caseId))
    .where(eq(caseFlags.id, id));
  if (!existing) throw new AppError('flag.not_found', { status: 404, detail: 'No such flag' });
  // Only the case's area may clear a breach from its supervisors' board.
  await assertMayChange(tx, actor, existing.areaId);
  const [row] = await tx
    .update(caseFlags)
    .set({ acknowledgedAt: now, acknowledgedBy: actor.agentId })
    .where(and(eq(caseFlags.id, id), isNull(caseFlags.acknowledgedAt)))
    .returning();
  return row ?? existing.flag;
}
