import { eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import type { Tx } from '../db/database.ts';
import { cases } from '../db/schema.ts';
import { agentActor, appendEvent, type EventActor, type NewEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { MAX_OUTAGE_DAYS } from '../rights/compensation.ts';
import { assertMayChange } from './access.ts';
import { type CaseDeps, type CaseRow, lockCase } from './case-context.ts';
import { getCaseById } from './case-read.ts';
import type { FailureTimesRequest } from './cases.schema.ts';
import { isFinal } from './lifecycle.ts';

export interface FailureTimesChange {
  /** Null: back to the report time. */
  failureStartedAt?: string | null;
  serviceRestoredAt?: string;
}

const MAX_OUTAGE_MS = MAX_OUTAGE_DAYS * 86_400_000;

/**
 * A failure's instants after a change, checked: a start no later than the report (an earlier start is
 * what the provider may know; a later one would shorten what the customer reported), a restoration not
 * before the start, neither in the future, and no outage longer than compensation can price (a typing
 * mistake then is refused here, where it was typed, not later when it would block resolving the case).
 * Only the fields given change.
 */
export function nextFailureTimes(kase: CaseRow, change: FailureTimesChange, now: Date) {
  const failureStartedAt =
    change.failureStartedAt === undefined
      ? kase.failureStartedAt
      : change.failureStartedAt === null
        ? null
        : new Date(change.failureStartedAt);
  const serviceRestoredAt =
    change.serviceRestoredAt === undefined ? kase.serviceRestoredAt : new Date(change.serviceRestoredAt);
  const start = failureStartedAt ?? kase.createdAt;
  if (failureStartedAt && failureStartedAt > kase.createdAt) {
    throw new AppError('case.failure_start_after_report', {
      status: 422,
      field: 'failureStartedAt',
      detail: 'A failure starts at the report or earlier',
    });
  }
  if (failureStartedAt && kase.createdAt.getTime() - failureStartedAt.getTime() > MAX_OUTAGE_MS) {
    throw new AppError('case.outage_too_long', {
      status: 422,
      field: 'failureStartedAt',
      detail: `A failure cannot have started more than ${MAX_OUTAGE_DAYS} days before the report`,
    });
  }
  if (serviceRestoredAt && serviceRestoredAt > now) {
    throw new AppError('case.restoration_in_future', {
      status: 422,
      field: 'serviceRestoredAt',
      detail: 'Service cannot be recorded as restored later than now',
    });
  }
  if (serviceRestoredAt && serviceRestoredAt < start) {
    throw new AppError('case.restoration_before_start', {
      status: 422,
      field: 'serviceRestoredAt',
      detail: `Service cannot come back before the failure started (${start.toISOString()})`,
    });
  }
  if (serviceRestoredAt && serviceRestoredAt.getTime() - start.getTime() > MAX_OUTAGE_MS) {
    throw new AppError('case.outage_too_long', {
      status: 422,
      field: 'serviceRestoredAt',
      detail: `An outage of more than ${MAX_OUTAGE_DAYS} days is not plausible`,
    });
  }
  return { failureStartedAt, serviceRestoredAt };
}

const iso = (at: Date | null) => at?.toISOString() ?? null;

/** The event recording a failure's changed instants; none when they are as they were. */
export function failureTimesEvent(
  kase: CaseRow,
  next: ReturnType<typeof nextFailureTimes>,
  actor: EventActor,
): NewEvent | undefined {
  const before = {
    failureStartedAt: iso(kase.failureStartedAt),
    serviceRestoredAt: iso(kase.serviceRestoredAt),
  };
  const after = {
    failureStartedAt: iso(next.failureStartedAt),
    serviceRestoredAt: iso(next.serviceRestoredAt),
  };
  if (
    before.failureStartedAt === after.failureStartedAt &&
    before.serviceRestoredAt === after.serviceRestoredAt
  ) {
    return undefined;
  }
  return {
    kind: 'failure_times_recorded',
    actor,
    caseId: kase.id,
    customerId: kase.customerId,
    before,
    after: { ...after, reportedAt: kase.createdAt.toISOString() },
  };
}

/** Writes changed instants with their event; nothing when they are as they were. */
export async function recordFailureTimes(
  tx: Tx,
  kase: CaseRow,
  next: ReturnType<typeof nextFailureTimes>,
  actor: EventActor,
  now: Date,
): Promise<void> {
  const event = failureTimesEvent(kase, next, actor);
  if (!event) return;
  await tx
    .update(cases)
    .set({ ...next, updatedAt: now })
    .where(eq(cases.id, kase.id));
  await appendEvent(tx, event, now);
}

export function assertFailure(kase: CaseRow): void {
  if (kase.requestType !== 'falla') {
    throw new AppError('case.not_a_failure', {
      status: 422,
      field: 'requestType',
      detail: 'Only a falla case records when the failure started and when service was restored',
    });
  }
}

/** An agent of the case's area sets or corrects the instants of a failure that is not closed. */
export async function setFailureTimes(
  deps: CaseDeps,
  folio: string,
  input: FailureTimesRequest,
  actor: Actor,
) {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    assertFailure(kase);
    if (isFinal(kase.status)) {
      throw new AppError('case.final', {
        status: 409,
        detail: `The case is ${kase.status}; its failure times are part of its record`,
      });
    }
    const next = nextFailureTimes(kase, input, now);
    await recordFailureTimes(tx, kase, next, agentActor(actor), now);
    return kase.id;
  });
  return getCaseById(deps, id, now);
}
