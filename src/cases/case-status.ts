import { eq, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { assertSystemMay, type SystemActor, systemActor } from '../auth/system-rules.ts';
import { deliverNotice } from '../channels/notices.ts';
import { queueSurvey } from '../csat/csat-job.ts';
import type { Tx } from '../db/database.ts';
import { cases } from '../db/schema.ts';
import { agentActor, appendEvent, appendEvents, type NewEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { voidCancellation } from '../rights/cancellation.service.ts';
import { creditCompensation, creditCompensations } from '../rights/compensation.service.ts';
import { compensationSentence, type ProposalOutcome } from '../rights/compensations.service.ts';
import { refundImproperCharge } from '../rights/improper-charge.service.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { deadlinesOf, deadlinesOnStatus } from '../sla/deadlines.service.ts';
import { closeDeadlinesOf } from '../sla/subject-deadlines.ts';
import { assertMayChange, assertMaySupervise } from './access.ts';
import { assertAgentInArea } from './case-assignment.ts';
import { type CaseDeps, type CaseRow, lockCase } from './case-context.ts';
import { getCaseById } from './case-read.ts';
import type { ChangeStatusRequest } from './cases.schema.ts';
import { failureTimesEvent, nextFailureTimes, recordFailureTimes } from './failure-times.ts';
import { parseFolio } from './folio.ts';
import { assertTransition, CAUSE_REQUIRED_TYPES, type CaseStatus } from './lifecycle.ts';

/** The job that closes a resolved case once the reopen window has passed without news from the customer. */
export const AUTO_CLOSE_JOB = 'case-auto-close';

/** Until when a customer's message reopens a case resolved at `resolvedAt`. */
export const reopenWindowEnd = (settings: ProviderSettings, resolvedAt: Date) =>
  new Date(resolvedAt.getTime() + settings.cases.reopenWindowDays * 86_400_000);

/** A status as a notice's `{estado}` tells it to the customer. */
const STATUS_WORDS_ES: Record<CaseStatus, string> = {
  nuevo: 'recibido',
  asignado: 'asignado a un asesor',
  en_proceso: 'en atención',
  en_espera_cliente: 'en espera de tu respuesta',
  resuelto: 'resuelto',
  cerrado: 'cerrado',
  descartado: 'cerrado sin trámite',
};

/** The template that tells the customer about a status change, when it is one they should hear about. */
function customerNotice(from: CaseStatus, to: CaseStatus, discardReason: string | null): string | undefined {
  if (to === 'en_proceso' && (from === 'nuevo' || from === 'asignado')) return 'estado_en_proceso';
  if (to === 'en_espera_cliente' || to === 'resuelto') return `estado_${to}`;
  // Spam gets no answer; a duplicate is told which folio goes on.
  if (to === 'descartado' && discardReason === 'duplicado') return 'estado_descartado';
  return undefined;
}

const isSystem = (actor: Actor | SystemActor): actor is SystemActor => 'kind' in actor;

/** Only an agent can take a case: the system's rules never assign one through a status change. */
function agentOf(actor: Actor | SystemActor, field: string): Actor {
  if (!isSystem(actor)) return actor;
  throw new AppError('system.rule_forbids', {
    status: 403,
    field,
    detail: `The rule ${actor.rule} cannot take a case for an agent`,
  });
}

/**
 * Whether the actor may make the change: an agent of the case's area, along the lifecycle table; the
 * system where its rule lists the change. A rule may list a change the table does not allow an agent (an
 * outage's restoration resolves reports nobody took yet), so the rule is the one place that says so.
 */
async function assertMayMove(tx: Tx, actor: Actor | SystemActor, kase: CaseRow, to: CaseStatus) {
  if (isSystem(actor)) {
    assertSystemMay(actor, { kind: 'case.status', from: kase.status, to });
    return;
  }
  await assertMayChange(tx, actor, kase.areaId);
  assertTransition(kase.status, to);
}

const eventActorOf = (actor: Actor | SystemActor) => (isSystem(actor) ? actor : agentActor(actor));

/** The closing job of a case resolved at `now`, run when its reopen window ends. */
const autoCloseJob = (settings: ProviderSettings, caseId: string, now: Date) => ({
  data: { caseId, resolvedAt: now.toISOString() },
  startAfter: reopenWindowEnd(settings, now),
});

/**
 * What resolving a case takes, checked: a cause code from the provider's list where its type needs one,
 * and for a failure the instants after the change, with the restoration known.
 */
function resolutionOf(settings: ProviderSettings, kase: CaseRow, input: ChangeStatusRequest, now: Date) {
  if (!input.causeCode && CAUSE_REQUIRED_TYPES.includes(kase.requestType)) {
    throw new AppError('case.cause_required', {
      status: 422,
      field: 'causeCode',
      detail: `Resolving a ${kase.requestType} needs a cause code`,
    });
  }
  if (input.causeCode && !settings.causeCodes.some((c) => c.code === input.causeCode)) {
    throw new AppError('case.unknown_cause', {
      status: 422,
      field: 'causeCode',
      detail: `Unknown cause code ${input.causeCode}`,
    });
  }
  if (kase.requestType !== 'falla') return { causeCode: input.causeCode ?? null, failure: undefined };
  const failure = nextFailureTimes(kase, input, now);
  if (!failure.serviceRestoredAt) {
    throw new AppError('case.restoration_required', {
      status: 422,
      field: 'serviceRestoredAt',
      detail: 'Resolving a falla needs the instant service was restored',
    });
  }
  return { causeCode: input.causeCode ?? null, failure };
}

/** The event of a status change, with what the change set on the case row. */
function statusChangedEvent(
  kase: CaseRow,
  to: CaseStatus,
  set: Partial<typeof cases.$inferInsert>,
  actor: Actor | SystemActor,
  note: string | null | undefined,
): NewEvent {
  return {
    kind: 'status_changed',
    actor: eventActorOf(actor),
    caseId: kase.id,
    before: { status: kase.status, assigneeId: kase.assigneeId },
    after: {
      status: to,
      assigneeId: set.assigneeId === undefined ? kase.assigneeId : set.assigneeId,
      ...(set.causeCode ? { causeCode: set.causeCode } : {}),
      ...(set.discardReason
        ? { discardReason: set.discardReason, duplicateOfId: set.duplicateOfId ?? null }
        : {}),
    },
    note: note ?? null,
  };
}

/** What a status change did that its notice may tell: the credit and the refund a resolution posted. */
interface StatusChangeOutcome {
  discardReason: string | null;
  credit: ProposalOutcome | undefined;
  refund: ProposalOutcome | undefined;
}

/**
 * Moves a case along its lifecycle; anything outside the table is a 409. An agent must belong to the
 * case's area (else 403); the system may make only the changes its rule lists (else 403), through the
 * same checks, clocks, notices and events as an agent.
 */
export async function changeStatus(
  deps: CaseDeps,
  folio: string,
  input: ChangeStatusRequest,
  actor: Actor | SystemActor,
) {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    const to = input.status;
    const { settings } = await deps.settings.current(tx);
    const { discardReason, credit, refund } = await applyStatusChange(
      deps,
      tx,
      settings,
      kase,
      input,
      actor,
      now,
    );
    // After the change it tells of, so a notice that could not go out reads after it on the timeline.
    const notice = customerNotice(kase.status, to, discardReason);
    if (notice) {
      const due = (await deadlinesOf(deps, tx, [kase.id], now)).get(kase.id)?.resolucion?.dueAt;
      await deliverNotice(deps, tx, kase, notice, due ? new Date(due) : null, now, {
        values: {
          estado: STATUS_WORDS_ES[to],
          ...(to === 'resuelto'
            ? {
                bonificacion:
                  compensationSentence(credit, 'falla') + compensationSentence(refund, 'cargo_indebido'),
              }
            : {}),
        },
      });
    }
    return kase.id;
  });
  return getCaseById(deps, id, now);
}

/**
 * A status change of a case locked by the caller, without the customer's notice (the caller sends it,
 * after the change it tells of): the checks, the case row, its failure instants, clocks, jobs and
 * events, and the money a resolution owes, all in the caller's transaction.
 */
export async function applyStatusChange(
  deps: CaseDeps,
  tx: Tx,
  settings: ProviderSettings,
  kase: CaseRow,
  input: ChangeStatusRequest,
  actor: Actor | SystemActor,
  now: Date,
): Promise<StatusChangeOutcome> {
  const to = input.status;
  await assertMayMove(tx, actor, kase, to);
  const set: Partial<typeof cases.$inferInsert> = { status: to, updatedAt: now };
  let failure: ReturnType<typeof nextFailureTimes> | undefined;

  if (to === 'asignado') {
    const agent = agentOf(actor, 'assigneeId');
    const assigneeId = input.assigneeId ?? agent.agentId;
    if (assigneeId !== agent.agentId) await assertMaySupervise(tx, agent, kase.areaId);
    await assertAgentInArea(tx, assigneeId, kase.areaId, 'assigneeId');
    set.assigneeId = assigneeId;
  }
  if (to === 'nuevo') set.assigneeId = null;
  if (to === 'en_proceso' && !kase.assigneeId) {
    const agent = agentOf(actor, 'status');
    await assertAgentInArea(tx, agent.agentId, kase.areaId, 'status');
    set.assigneeId = agent.agentId;
  }
  if (to === 'resuelto') {
    const resolution = resolutionOf(settings, kase, input, now);
    if (resolution.failure) {
      await recordFailureTimes(tx, kase, resolution.failure, eventActorOf(actor), now);
      failure = resolution.failure;
    }
    set.causeCode = resolution.causeCode;
    set.resolvedAt = now;
    const job = autoCloseJob(settings, kase.id, now);
    await deps.jobs.enqueue(tx, AUTO_CLOSE_JOB, job.data, { startAfter: job.startAfter });
  }
  // A failure's start and restoration stay: they are what happened, whatever comes of the case.
  if (kase.status === 'resuelto' && to === 'en_proceso') {
    set.resolvedAt = null;
    set.causeCode = null;
  }
  if (to === 'cerrado') {
    set.closedAt = now;
    await queueSurvey(deps.jobs, tx, kase.id);
  }
  if (to === 'descartado') {
    if (!input.discardReason) {
      throw new AppError('case.discard_reason_required', {
        status: 422,
        field: 'discardReason',
        detail: 'Say why: duplicado or spam',
      });
    }
    set.discardReason = input.discardReason;
    if (input.discardReason === 'duplicado') {
      if (!input.duplicateOfFolio) {
        throw new AppError('case.duplicate_of_required', {
          status: 422,
          field: 'duplicateOfFolio',
          detail: 'Name the folio it duplicates',
        });
      }
      const original = parseFolio(input.duplicateOfFolio, 'duplicateOfFolio');
      const [other] = await tx.select({ id: cases.id }).from(cases).where(eq(cases.folio, original.folio));
      if (!other || other.id === kase.id) {
        throw new AppError('case.duplicate_of_invalid', {
          status: 422,
          field: 'duplicateOfFolio',
          detail: 'No other case has that folio',
        });
      }
      set.duplicateOfId = other.id;
    }
  }
  await tx.update(cases).set(set).where(eq(cases.id, kase.id));
  await deadlinesOnStatus(deps, tx, kase.id, kase.status, to, now);
  await appendEvent(tx, statusChangedEvent(kase, to, set, actor, input.note), now);
  // A discarded case (spam, a duplicate) asks for nothing: its cancellation must not end a service.
  if (to === 'descartado') {
    await voidCancellation(tx, kase, 'descartado', eventActorOf(actor), now);
  }
  let credit: ProposalOutcome | undefined;
  if (failure?.serviceRestoredAt && set.causeCode) {
    const { failureStartedAt, serviceRestoredAt } = failure;
    const resolved = { ...kase, failureStartedAt, serviceRestoredAt, causeCode: set.causeCode };
    credit = await creditCompensation(tx, settings, resolved, now);
  }
  const refund =
    to === 'resuelto' && input.improperCharge
      ? await refundImproperCharge(deps, tx, settings, kase, input.improperCharge, actor, now)
      : undefined;
  return { discardReason: set.discardReason ?? null, credit, refund };
}

/**
 * `applyStatusChange` to resuelto for many failures locked by the caller, as the system (an outage's
 * restoration), in a few statements: the same checks, row, instants, clocks, closing jobs, events and
 * compensations as one case at a time. Returns the credit each case was given, by case id.
 */
export async function resolveFailures(
  deps: CaseDeps,
  tx: Tx,
  settings: ProviderSettings,
  batch: Array<{ kase: CaseRow; input: ChangeStatusRequest & { status: 'resuelto' } }>,
  actor: SystemActor,
  now: Date,
): Promise<Map<string, ProposalOutcome>> {
  if (batch.length === 0) return new Map();
  const resolved = batch.map(({ kase, input }) => {
    assertSystemMay(actor, { kind: 'case.status', from: kase.status, to: 'resuelto' });
    return { kase, input, ...resolutionOf(settings, kase, input, now) };
  });
  const rows = resolved.map(({ kase, causeCode, failure }) => ({
    id: kase.id,
    cause_code: causeCode,
    failure_started_at: (failure ? failure.failureStartedAt : kase.failureStartedAt)?.toISOString() ?? null,
    service_restored_at:
      (failure ? failure.serviceRestoredAt : kase.serviceRestoredAt)?.toISOString() ?? null,
  }));
  await tx.execute(sql`
    update cases set status = 'resuelto', cause_code = v.cause_code, resolved_at = ${now.toISOString()},
      updated_at = ${now.toISOString()}, failure_started_at = v.failure_started_at,
      service_restored_at = v.service_restored_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as v(id uuid, cause_code text, failure_started_at timestamptz, service_restored_at timestamptz)
    where cases.id = v.id`);
  await closeDeadlinesOf(
    deps,
    tx,
    'case',
    batch.map(({ kase }) => kase.id),
    now,
    'met',
  );
  await deps.jobs.enqueueMany(
    tx,
    AUTO_CLOSE_JOB,
    batch.map(({ kase }) => autoCloseJob(settings, kase.id, now)),
  );
  await appendEvents(
    tx,
    resolved.flatMap(({ kase, input, causeCode, failure }) => {
      const times = failure ? failureTimesEvent(kase, failure, actor) : undefined;
      const status = statusChangedEvent(kase, 'resuelto', { causeCode }, actor, input.note);
      return times ? [times, status] : [status];
    }),
    now,
  );
  return creditCompensations(
    tx,
    settings,
    resolved.flatMap(({ kase, causeCode, failure }) =>
      failure?.serviceRestoredAt && causeCode
        ? [
            {
              ...kase,
              failureStartedAt: failure.failureStartedAt,
              serviceRestoredAt: failure.serviceRestoredAt,
              causeCode,
            },
          ]
        : [],
    ),
    now,
  );
}

/** Closes a resolved case whose reopen window ended; a case reopened (or resolved again) since is left alone. */
export async function autoCloseResolved(deps: CaseDeps, data: { caseId: string; resolvedAt: string }) {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [kase] = await tx.select().from(cases).where(eq(cases.id, data.caseId)).for('update');
    if (kase?.status !== 'resuelto' || kase.resolvedAt?.toISOString() !== data.resolvedAt) return;
    await closeResolved(deps, tx, kase.id, now);
  });
}

/** Closes a resolved case because its reopen window ended, as the system on that rule. */
export async function closeResolved(deps: Pick<CaseDeps, 'jobs'>, tx: Tx, caseId: string, now: Date) {
  const actor = systemActor('cierre_por_ventana_de_reapertura');
  assertSystemMay(actor, { kind: 'case.status', from: 'resuelto', to: 'cerrado' });
  assertTransition('resuelto', 'cerrado');
  await tx
    .update(cases)
    .set({ status: 'cerrado', closedAt: now, updatedAt: now })
    .where(eq(cases.id, caseId));
  await appendEvent(
    tx,
    {
      kind: 'status_changed',
      actor,
      caseId,
      before: { status: 'resuelto' },
      after: { status: 'cerrado' },
      reason: 'reopen_window_ended',
    },
    now,
  );
  await queueSurvey(deps.jobs, tx, caseId);
}
