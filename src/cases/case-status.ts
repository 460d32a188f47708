import { eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { queueTemplatedNotice } from '../channels/outbound-queue.ts';
import type { Tx } from '../db/database.ts';
import { cases } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { deadlinesOf, deadlinesOnStatus } from '../sla/deadlines.service.ts';
import { assertMayChange, assertMaySupervise } from './access.ts';
import { assertAgentInArea } from './case-assignment.ts';
import { agentActor, type CaseDeps, lockCase } from './case-context.ts';
import { getCaseById } from './case-read.ts';
import type { ChangeStatusRequest } from './cases.schema.ts';
import { parseFolio } from './folio.ts';
import { assertTransition, CAUSE_REQUIRED_TYPES, type CaseStatus } from './lifecycle.ts';

/** The job that closes a resolved case once the reopen window has passed without news from the customer. */
export const AUTO_CLOSE_JOB = 'case-auto-close';

/** Until when a customer's message reopens a case resolved at `resolvedAt`. */
export const reopenWindowEnd = (settings: ProviderSettings, resolvedAt: Date) =>
  new Date(resolvedAt.getTime() + settings.cases.reopenWindowDays * 86_400_000);

/** The template that tells the customer about a status change, when it is one they should hear about. */
function customerNotice(from: CaseStatus, to: CaseStatus, discardReason: string | null): string | undefined {
  if (to === 'en_proceso' && (from === 'nuevo' || from === 'asignado')) return 'estado_en_proceso';
  if (to === 'en_espera_cliente' || to === 'resuelto') return `estado_${to}`;
  // Spam gets no answer; a duplicate is told which folio goes on.
  if (to === 'descartado' && discardReason === 'duplicado') return 'estado_descartado';
  return undefined;
}

/** Moves a case along its lifecycle; anything outside the table is a 409, a case of another area a 403. */
export async function changeStatus(deps: CaseDeps, folio: string, input: ChangeStatusRequest, actor: Actor) {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    const to = input.status;
    assertTransition(kase.status, to);
    const { settings } = await deps.settings.current(tx);
    const set: Partial<typeof cases.$inferInsert> = { status: to, updatedAt: now };

    if (to === 'asignado') {
      const assigneeId = input.assigneeId ?? actor.agentId;
      if (assigneeId !== actor.agentId) await assertMaySupervise(tx, actor, kase.areaId);
      await assertAgentInArea(tx, assigneeId, kase.areaId, 'assigneeId');
      set.assigneeId = assigneeId;
    }
    if (to === 'nuevo') set.assigneeId = null;
    if (to === 'en_proceso' && !kase.assigneeId) {
      await assertAgentInArea(tx, actor.agentId, kase.areaId, 'status');
      set.assigneeId = actor.agentId;
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
    const notice = customerNotice(kase.status, to, set.discardReason ?? null);
    if (notice) {
      const due = (await deadlinesOf(deps, tx, [kase.id], now)).get(kase.id)?.resolucion?.dueAt;
      await queueTemplatedNotice(deps, tx, kase, notice, due ? new Date(due) : null, now);
    }
    await appendEvent(
      tx,
      {
        kind: 'status_changed',
        actor: agentActor(actor),
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
        reason: input.note ?? null,
      },
      now,
    );
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

/** Closes a resolved case because its reopen window ended, as the system. */
export async function closeResolved(tx: Tx, caseId: string, now: Date) {
  await tx
    .update(cases)
    .set({ status: 'cerrado', closedAt: now, updatedAt: now })
    .where(eq(cases.id, caseId));
  await appendEvent(
    tx,
    {
      kind: 'status_changed',
      actor: { kind: 'sistema' },
      caseId,
      before: { status: 'resuelto' },
      after: { status: 'cerrado' },
      reason: 'reopen_window_ended',
    },
    now,
  );
}
