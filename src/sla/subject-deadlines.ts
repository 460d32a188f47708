import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNotNull, isNull, or, type SQL } from 'drizzle-orm';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { deadlineAlerts, deadlines } from '../db/schema.ts';
import type { DeadlineState, EventSubject } from '../domain/vocabulary.ts';
import { appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { elapsedBusinessMinutes } from '../stats/elapsed.ts';
import { addBusinessMillis, businessMillisBetween } from './calendar.ts';
import { ALWAYS_OPEN, type CalendarSpecInput } from './calendar-spec.ts';
import { type DeadlineClock, deadlineStatus, resumeDeadline, warnInstant } from './deadline-state.ts';
import { type DeadlineRow, type DeadlineSubject, deadlineSubject } from './deadline-subjects.ts';
import { calendarFor, dueAt, type Target } from './policies.ts';

type Deps = Pick<AppContext, 'jobs' | 'settings'>;

/** The job that checks a deadline when its warning or due instant comes. */
export const DEADLINE_CHECK_JOB = 'deadline-check';

/**
 * What the check job carries: the deadline's id, or — in jobs queued before deadlines had ids of their
 * own — the case and the kind.
 */
export type DeadlineCheckJob = { deadlineId: string } | { caseId: string; kind: string };

/** A clock to start: its target, in business time (the given calendar, else the provider's) or calendar time. */
export interface DeadlineSpec {
  kind: string;
  target: Target;
  /** Where the figure comes from (law, contract model, the provider's choice). */
  source: string;
  /** Whether the clock may stop while the subject waits on someone else; a refused pause is an error. */
  pausable: boolean;
  startedAt: Date;
  businessCalendar?: CalendarSpecInput | null;
}

const clockOf = (row: DeadlineRow): DeadlineClock => ({
  startedAt: row.startedAt,
  dueAt: row.dueAt,
  pausedAt: row.pausedAt,
  pausedMs: row.pausedMs,
  metAt: row.metAt,
});
const calendarOf = (row: DeadlineRow) => calendarFor(row.calendar as CalendarSpecInput);

const ofSubject = (subject: DeadlineSubject, kind?: string): SQL =>
  and(
    eq(deadlines.subjectKind, subject.kind),
    eq(deadlines.subjectId, subject.id),
    kind === undefined ? undefined : eq(deadlines.kind, kind),
  ) as SQL;

const warnAtOf = async (deps: Pick<AppContext, 'settings'>, tx: Tx) =>
  (await deps.settings.current(tx)).settings.deadlines.warnAt;

/**
 * A deadline's target, calendar and due date: counted from its start in its calendar, with the open time
 * its finished pauses took (measured in that calendar) pushing the due date.
 */
function planDeadline(
  spec: DeadlineSpec,
  providerCalendar: CalendarSpecInput,
  pauses: Array<[string, string]>,
) {
  const businessSpec = spec.businessCalendar ?? providerCalendar;
  const calendar = spec.target.clock === 'business' ? businessSpec : ALWAYS_OPEN;
  const cal = calendarFor(calendar);
  const pausedMs = pauses.reduce(
    (sum, [from, to]) => sum + businessMillisBetween(cal, Date.parse(from), Date.parse(to)),
    0,
  );
  const due = new Date(
    addBusinessMillis(cal, dueAt(spec.target, calendarFor(businessSpec), spec.startedAt), pausedMs),
  );
  return {
    kind: spec.kind,
    target: spec.target,
    source: spec.source,
    pausable: spec.pausable,
    calendar,
    dueAt: due,
    pausedMs,
  };
}

/** A deadline that has just started, as a row ready to insert: nothing paused, met, warned or breached. */
export function newDeadline(
  subject: DeadlineSubject,
  spec: DeadlineSpec,
  providerCalendar: CalendarSpecInput,
): DeadlineRow {
  return {
    ...planDeadline(spec, providerCalendar, []),
    id: randomUUID(),
    subjectKind: subject.kind,
    subjectId: subject.id,
    startedAt: spec.startedAt,
    pausedAt: null,
    pauses: [],
    metAt: null,
    cancelledAt: null,
    warnedAt: null,
    breachedAt: null,
    businessMinutes: null,
  };
}

/** Schedules the warning and due checks of running deadlines, all in one insert, in the caller's transaction. */
export async function scheduleDeadlineChecks(deps: Deps, tx: Tx, rows: DeadlineRow[], warnAt: number) {
  const jobs = rows
    .filter((row) => !row.metAt && !row.pausedAt && !row.cancelledAt)
    .flatMap((row) => {
      const data = { deadlineId: row.id };
      return [
        ...(row.warnedAt ? [] : [{ data, startAfter: warnInstant(calendarOf(row), clockOf(row), warnAt) }]),
        ...(row.breachedAt ? [] : [{ data, startAfter: row.dueAt }]),
      ];
    });
  await deps.jobs.enqueueMany(tx, DEADLINE_CHECK_JOB, jobs);
}

const subjectChanged = (tx: Tx, subject: DeadlineSubject, warnAt: number) =>
  subjectsChanged(tx, subject.kind, [subject.id], warnAt);

/** Hands the changed subjects' deadlines, as they now are, to their kind's handler. */
async function subjectsChanged(tx: Tx, subjectKind: EventSubject, ids: string[], warnAt: number) {
  const { onChanged } = deadlineSubject(subjectKind);
  if (!onChanged || ids.length === 0) return;
  const rows = await tx
    .select()
    .from(deadlines)
    .where(and(eq(deadlines.subjectKind, subjectKind), inArray(deadlines.subjectId, ids)));
  const bySubject = new Map<string, DeadlineRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) bySubject.get(row.subjectId)?.push(row);
  await onChanged(tx, bySubject, warnAt);
}

/**
 * Starts a subject's clock of a kind and schedules its checks; starting one that exists already changes
 * nothing and returns it, so a retried request or job starts it once.
 */
export async function startDeadline(
  deps: Deps,
  tx: Tx,
  subject: DeadlineSubject,
  spec: DeadlineSpec,
): Promise<DeadlineRow> {
  const { deadlines: settings } = (await deps.settings.current(tx)).settings;
  const [started] = await tx
    .insert(deadlines)
    .values(newDeadline(subject, spec, settings.businessCalendar))
    .onConflictDoNothing({ target: [deadlines.subjectKind, deadlines.subjectId, deadlines.kind] })
    .returning();
  if (!started) {
    const [existing] = await tx.select().from(deadlines).where(ofSubject(subject, spec.kind));
    return existing as DeadlineRow;
  }
  await scheduleDeadlineChecks(deps, tx, [started], settings.warnAt);
  await subjectChanged(tx, subject, settings.warnAt);
  return started;
}

/**
 * Sets a subject's clocks to new targets (a case whose type changed), starting those it lacks: each keeps
 * its start, what was met, warned or breached, and the time it already spent paused.
 */
export async function retargetDeadlines(
  deps: Deps,
  tx: Tx,
  subject: DeadlineSubject,
  specs: DeadlineSpec[],
): Promise<DeadlineRow[]> {
  const { deadlines: settings } = (await deps.settings.current(tx)).settings;
  const existing = await tx.select().from(deadlines).where(ofSubject(subject));
  const rows: DeadlineRow[] = [];
  for (const spec of specs) {
    const pauses = existing.find((e) => e.kind === spec.kind)?.pauses ?? [];
    const planned = planDeadline(spec, settings.businessCalendar, pauses);
    const [row] = await tx
      .insert(deadlines)
      .values({ subjectKind: subject.kind, subjectId: subject.id, startedAt: spec.startedAt, ...planned })
      .onConflictDoUpdate({
        target: [deadlines.subjectKind, deadlines.subjectId, deadlines.kind],
        set: planned,
      })
      .returning();
    if (row) rows.push(row);
  }
  await scheduleDeadlineChecks(deps, tx, rows, settings.warnAt);
  await subjectChanged(tx, subject, settings.warnAt);
  return rows;
}

/**
 * Stops a subject's running clocks (it waits on someone else), or only the one of `kind`; true if any
 * stopped. Naming a clock that never pauses is refused; without a kind, those clocks keep running.
 */
export async function pauseDeadlines(
  deps: Deps,
  tx: Tx,
  subject: DeadlineSubject,
  now: Date,
  kind?: string,
): Promise<boolean> {
  if (kind !== undefined) {
    const [row] = await tx.select().from(deadlines).where(ofSubject(subject, kind));
    if (row && !row.pausable)
      throw new AppError('deadline.not_pausable', {
        status: 409,
        detail: `The ${kind} deadline runs without pauses`,
      });
  }
  const paused = await tx
    .update(deadlines)
    .set({ pausedAt: now })
    .where(
      and(
        ofSubject(subject, kind),
        eq(deadlines.pausable, true),
        isNull(deadlines.metAt),
        isNull(deadlines.cancelledAt),
        isNull(deadlines.pausedAt),
      ),
    )
    .returning({ id: deadlines.id });
  if (paused.length === 0) return false;
  await subjectChanged(tx, subject, await warnAtOf(deps, tx));
  return true;
}

/** Ends pauses: each due date moves later by the open time the pause took in its calendar. */
const ofSubjects = (subjectKind: EventSubject, ids: string[], kind?: string): SQL =>
  and(
    eq(deadlines.subjectKind, subjectKind),
    inArray(deadlines.subjectId, ids),
    kind === undefined ? undefined : eq(deadlines.kind, kind),
  ) as SQL;

async function endPauses(
  tx: Tx,
  subjectKind: EventSubject,
  ids: string[],
  now: Date,
  kind?: string,
): Promise<DeadlineRow[]> {
  const paused = await tx
    .select()
    .from(deadlines)
    .where(and(ofSubjects(subjectKind, ids, kind), isNotNull(deadlines.pausedAt)));
  const resumed: DeadlineRow[] = [];
  for (const row of paused) {
    const pausedAt = row.pausedAt as Date;
    const [updated] = await tx
      .update(deadlines)
      .set({
        pausedAt: null,
        ...resumeDeadline(calendarOf(row), clockOf(row), now),
        pauses: [...row.pauses, [pausedAt.toISOString(), now.toISOString()]],
      })
      .where(eq(deadlines.id, row.id))
      .returning();
    if (updated) resumed.push(updated);
  }
  return resumed;
}

/** Restarts a subject's paused clocks (or the one of `kind`) and schedules their checks; true if any restarted. */
export async function resumeDeadlines(
  deps: Deps,
  tx: Tx,
  subject: DeadlineSubject,
  now: Date,
  kind?: string,
): Promise<boolean> {
  const resumed = await endPauses(tx, subject.kind, [subject.id], now, kind);
  if (resumed.length === 0) return false;
  const warnAt = await warnAtOf(deps, tx);
  await scheduleDeadlineChecks(deps, tx, resumed, warnAt);
  await subjectChanged(tx, subject, warnAt);
  return true;
}

const endDeadlines = async (
  deps: Deps,
  tx: Tx,
  subject: DeadlineSubject,
  now: Date,
  outcome: 'met' | 'cancelled',
  kind?: string,
): Promise<boolean> =>
  (await endDeadlinesOf(deps, tx, subject.kind, [subject.id], now, outcome, kind)).length > 0;

/** Ends the pending clocks of many subjects of one kind at once; returns the subjects whose clocks changed. */
async function endDeadlinesOf(
  deps: Deps,
  tx: Tx,
  subjectKind: EventSubject,
  ids: string[],
  now: Date,
  outcome: 'met' | 'cancelled',
  kind?: string,
): Promise<string[]> {
  if (ids.length === 0) return [];
  // Only the ended clocks' pauses end: a reminder sent while waiting on the customer keeps the others paused.
  const resumed = await endPauses(tx, subjectKind, ids, now, kind);
  const ended = await tx
    .update(deadlines)
    .set(outcome === 'met' ? { metAt: now } : { cancelledAt: now })
    .where(and(ofSubjects(subjectKind, ids, kind), isNull(deadlines.metAt), isNull(deadlines.cancelledAt)))
    .returning({
      id: deadlines.id,
      subjectId: deadlines.subjectId,
      calendar: deadlines.calendar,
      startedAt: deadlines.startedAt,
      pausedMs: deadlines.pausedMs,
    });
  if (outcome === 'met')
    for (const row of ended)
      await tx
        .update(deadlines)
        .set({ businessMinutes: elapsedBusinessMinutes({ ...row, metAt: now }) })
        .where(eq(deadlines.id, row.id));
  if (ended.length > 0)
    await tx
      .update(deadlineAlerts)
      .set({ clearedAt: now })
      .where(
        and(
          inArray(
            deadlineAlerts.deadlineId,
            ended.map((row) => row.id),
          ),
          isNull(deadlineAlerts.clearedAt),
        ),
      );
  const changed = [...new Set([...resumed, ...ended].map((row) => row.subjectId))];
  await subjectsChanged(tx, subjectKind, changed, await warnAtOf(deps, tx));
  return changed;
}

/** Marks a subject's clock of `kind` met (or all of them); a met clock raises nothing more. True if any was pending. */
export const meetDeadlines = (deps: Deps, tx: Tx, subject: DeadlineSubject, now: Date, kind?: string) =>
  endDeadlines(deps, tx, subject, now, 'met', kind);

/**
 * Ends a subject's pending clocks when the subject closes: met when what they measured was done, cancelled
 * when it is no longer owed (a cancelled clock has no state to show and raises nothing). Their alerts leave
 * the boards.
 */
export const closeDeadlines = (
  deps: Deps,
  tx: Tx,
  subject: DeadlineSubject,
  now: Date,
  outcome: 'met' | 'cancelled',
) => endDeadlines(deps, tx, subject, now, outcome);

/** `closeDeadlines` for many subjects of one kind in a few statements (a bulk resolution). */
export const closeDeadlinesOf = (
  deps: Deps,
  tx: Tx,
  subjectKind: EventSubject,
  ids: string[],
  now: Date,
  outcome: 'met' | 'cancelled',
) => endDeadlinesOf(deps, tx, subjectKind, ids, now, outcome);

/**
 * Runs a met or cancelled clock again (a case reopened), with its alert back on the boards if it had one;
 * true if it was ended.
 */
export async function reopenDeadline(
  deps: Deps,
  tx: Tx,
  subject: DeadlineSubject,
  kind: string,
): Promise<boolean> {
  const [reopened] = await tx
    .update(deadlines)
    .set({ metAt: null, cancelledAt: null, businessMinutes: null })
    .where(and(ofSubject(subject, kind), or(isNotNull(deadlines.metAt), isNotNull(deadlines.cancelledAt))))
    .returning();
  if (!reopened) return false;
  await tx.update(deadlineAlerts).set({ clearedAt: null }).where(eq(deadlineAlerts.deadlineId, reopened.id));
  const warnAt = await warnAtOf(deps, tx);
  await scheduleDeadlineChecks(deps, tx, [reopened], warnAt);
  await subjectChanged(tx, subject, warnAt);
  return true;
}

const byDeadline = (job: DeadlineCheckJob) =>
  'deadlineId' in job
    ? eq(deadlines.id, job.deadlineId)
    : and(
        eq(deadlines.subjectKind, 'case'),
        eq(deadlines.subjectId, job.caseId),
        eq(deadlines.kind, job.kind),
      );

/**
 * Checks one deadline at `now`: at the warning share of its target those its subject names are warned; at
 * the due date it is escalated to those its subject names for that. Each is recorded once — an event and
 * an alert — under a row lock, so a check that runs twice, early, or in two processes at once changes
 * nothing more.
 */
export async function checkDeadline(
  deps: Deps & Pick<AppContext, 'db' | 'clock'>,
  job: DeadlineCheckJob,
): Promise<void> {
  const now = deps.clock.now();
  const actor = systemActor('escalamiento_de_plazos');
  assertSystemMay(actor, { kind: 'deadline.alert' });
  await deps.db.transaction(async (tx) => {
    const [row] = await tx.select().from(deadlines).where(byDeadline(job)).for('update');
    if (!row || row.metAt || row.pausedAt || row.cancelledAt) return;
    const warnAt = await warnAtOf(deps, tx);
    const status = deadlineStatus(calendarOf(row), clockOf(row), now, warnAt);
    const warn = status.elapsedFraction >= warnAt && !row.warnedAt;
    const breach = status.state === 'vencido' && !row.breachedAt;
    if (!warn && !breach) return;
    const recipients = await deadlineSubject(row.subjectKind).recipients(tx, row.subjectId);
    if (!recipients) return;
    const raise = async (kind: 'por_vencer' | 'vencido', notify: string[]) => {
      const alert = { deadlineId: row.id, kind, notifyAgentIds: notify, raisedAt: now };
      const target = deadlineAlerts.deadlineId;
      // One alert per deadline: a breach replaces the warning (and wants seeing again); a warning never
      // replaces a breach.
      if (kind === 'vencido')
        await tx
          .insert(deadlineAlerts)
          .values(alert)
          .onConflictDoUpdate({
            target,
            set: { ...alert, acknowledgedAt: null, acknowledgedBy: null, clearedAt: null },
          });
      else await tx.insert(deadlineAlerts).values(alert).onConflictDoNothing({ target });
      await appendEvent(
        tx,
        {
          kind: kind === 'vencido' ? 'deadline_breached' : 'deadline_warning',
          actor,
          subject: { kind: row.subjectKind, id: row.subjectId },
          ...recipients.timelines,
          after: { deadline: row.kind, dueAt: row.dueAt.toISOString(), notifyAgentIds: notify },
        },
        now,
      );
    };
    if (warn) await raise('por_vencer', recipients.warn);
    if (breach) await raise('vencido', [...new Set(recipients.escalate)]);
    await tx
      .update(deadlines)
      .set({ warnedAt: warn ? now : row.warnedAt, breachedAt: breach ? now : row.breachedAt })
      .where(eq(deadlines.id, row.id));
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

/** Deadline rows as agents and customers see them, by subject id then kind; cancelled clocks are not shown. */
export function presentDeadlineRows<K extends string = string>(
  rows: DeadlineRow[],
  now: Date,
  warnAt: number,
) {
  const result = new Map<string, Partial<Record<K, DeadlineView>>>();
  for (const row of rows) {
    if (row.cancelledAt) continue;
    const status = deadlineStatus(calendarOf(row), clockOf(row), now, warnAt);
    const views: Partial<Record<K, DeadlineView>> = result.get(row.subjectId) ?? {};
    views[row.kind as K] = {
      dueAt: row.dueAt.toISOString(),
      state: status.state,
      remainingMs: status.remainingMs,
      metAt: row.metAt?.toISOString() ?? null,
      lateByMs: status.lateByMs,
      target: row.target as Target,
      source: row.source,
    };
    result.set(row.subjectId, views);
  }
  return result;
}

/** The deadlines of the given subjects of one kind as the API shows them, evaluated at `now`. */
export async function deadlineViews<K extends string = string>(
  deps: Pick<AppContext, 'settings'>,
  tx: Tx,
  subjectKind: EventSubject,
  subjectIds: string[],
  now: Date,
) {
  if (subjectIds.length === 0) return new Map<string, Partial<Record<K, DeadlineView>>>();
  const warnAt = await warnAtOf(deps, tx);
  const rows = await tx
    .select()
    .from(deadlines)
    .where(and(eq(deadlines.subjectKind, subjectKind), inArray(deadlines.subjectId, subjectIds)));
  return presentDeadlineRows<K>(rows, now, warnAt);
}
