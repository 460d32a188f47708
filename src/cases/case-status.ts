import { eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { assertSystemMay, type SystemActor, systemActor } from '../auth/system-rules.ts';
import { deliverNotice } from '../channels/notices.ts';
import type { Tx } from '../db/database.ts';
import { cases } from '../db/schema.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { voidCancellation } from '../rights/cancellation.service.ts';
import { creditCompensation } from '../rights/compensation.service.ts';
import { compensationSentence, type ProposalOutcome } from '../rights/compensations.service.ts';
import { refundImproperCharge } from '../rights/improper-charge.service.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { deadlinesOf, deadlinesOnStatus } from '../sla/deadlines.service.ts';
import { assertMayChange, assertMaySupervise } from './access.ts';
import { assertAgentInArea } from './case-assignment.ts';
import { type CaseDeps, lockCase } from './case-context.ts';
import { getCaseById } from './case-read.ts';
import type { ChangeStatusRequest } from './cases.schema.ts';
import { nextFailureTimes, recordFailureTimes } from './failure-times.ts';
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
    if (isSystem(actor)) assertSystemMay(actor, { kind: 'case.status', from: kase.status, to });
    else await assertMayChange(tx, actor, kase.areaId);
    assertTransition(kase.status, to);
    const { settings } = await deps.settings.current(tx);
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
      if (kase.requestType === 'falla') {
        const times = nextFailureTimes(kase, input, now);
        if (!times.serviceRestoredAt) {
          throw new AppError('case.restoration_required', {
            status: 422,
            field: 'serviceRestoredAt',
            detail: 'Resolving a falla needs the instant service was restored',
          });
        }
        await recordFailureTimes(tx, kase, times, isSystem(actor) ? actor : agentActor(actor), now);
        failure = times;
      }
      set.causeCode = input.causeCode ?? null;
      set.resolvedAt = now;
      const closeAt = reopenWindowEnd(settings, now);
      await deps.jobs.enqueue(
        tx,
        AUTO_CLOSE_JOB,
        { caseId: kase.id, resolvedAt: now.toISOString() },
        { startAfter: closeAt },
      );
    }
    // A failure's start and restoration stay: they are what happened, whatever comes of the case.
    if (kase.status === 'resuelto' && to === 'en_proceso') {
      set.resolvedAt = null;
      set.causeCode = null;
    }
    if (to === 'cerrado') set.closedAt = now;
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
    await appendEvent(
      tx,
      {
        kind: 'status_changed',
        actor: isSystem(actor) ? actor : agentActor(actor),
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
        note: input.note ?? null,
      },
      now,
    );
    // A discarded case (spam, a duplicate) asks for nothing: its cancellation must not end a service.
    if (to === 'descartado') {
      await voidCancellation(tx, kase, 'descartado', isSystem(actor) ? actor : agentActor(actor), now);
    }
    let credit: ProposalOutcome | undefined;
    if (failure?.serviceRestoredAt && set.causeCode) {
      const { failureStartedAt, serviceRestoredAt } = failure;
      const resolved = { ...kase, failureStartedAt, serviceRestoredAt, causeCode: set.causeCode };
      credit = await creditCompensation(deps, tx, settings, resolved, now);
    }
    const refund =
      to === 'resuelto' && input.improperCharge
        ? await refundImproperCharge(deps, tx, settings, kase, input.improperCharge, actor, now)
        : undefined;
    // After the change it tells of, so a notice that could not go out reads after it on the timeline.
    const notice = customerNotice(kase.status, to, set.discardReason ?? null);
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

/** Closes a resolved case whose reopen window ended; a case reopened (or resolved again) since is left alone. */
export async function autoCloseResolved(deps: CaseDeps, data: { caseId: string; resolvedAt: string }) {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [kase] = await tx.select().from(cases).where(eq(cases.id, data.caseId)).for('update');
    if (kase?.status !== 'resuelto' || kase.resolvedAt?.toISOString() !== data.resolvedAt) return;
    await closeResolved(tx, kase.id, now);
  });
}

/** Closes a resolved case because its reopen window ended, as the system on that rule. */
export async function closeResolved(tx: Tx, caseId: string, now: Date) {
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
}
