import { and, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { cancellations, cases } from '../db/schema.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { cancellationVoidReason, voidCancellation } from '../rights/cancellation.service.ts';
import { deadlinesOf, setDeadlines } from '../sla/deadlines.service.ts';
import { assertMayChange } from './access.ts';
import { assertSubtype, type CaseDeps, lockCase } from './case-context.ts';
import { getCaseById } from './case-read.ts';
import type { UpdateCaseRequest } from './cases.schema.ts';
import { isFinal } from './lifecycle.ts';

/**
 * Changes a case's priority or type. A change of type (or subtype) recomputes its deadlines from when it
 * opened, and both changes are events. A cancellation in course that the new type no longer asks for is
 * voided.
 */
export async function updateCase(deps: CaseDeps, folio: string, input: UpdateCaseRequest, actor: Actor) {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    if (input.priority && kase.priority !== input.priority) {
      await tx.update(cases).set({ priority: input.priority, updatedAt: now }).where(eq(cases.id, kase.id));
      await appendEvent(
        tx,
        {
          kind: 'priority_changed',
          actor: agentActor(actor),
          caseId: kase.id,
          before: { priority: kase.priority },
          after: { priority: input.priority },
        },
        now,
      );
    }
    const requestType = input.requestType ?? kase.requestType;
    const subtype = input.subtype === undefined ? (input.requestType ? null : kase.subtype) : input.subtype;
    if (requestType !== kase.requestType || subtype !== kase.subtype) {
      if (isFinal(kase.status))
        throw new AppError('case.final', { status: 409, detail: `A ${kase.status} case keeps its type` });
      assertSubtype((await deps.settings.current(tx)).settings, requestType, subtype ?? undefined);
      await tx.update(cases).set({ requestType, subtype, updatedAt: now }).where(eq(cases.id, kase.id));
      await setDeadlines(deps, tx, { ...kase, requestType, subtype });
      const due = await deadlinesOf(deps, tx, [kase.id], now);
      await appendEvent(
        tx,
        {
          kind: 'type_changed',
          actor: agentActor(actor),
          caseId: kase.id,
          before: { requestType: kase.requestType, subtype: kase.subtype },
          after: {
            requestType,
            subtype,
            firstResponseDueAt: due.get(kase.id)?.primera_respuesta?.dueAt ?? null,
            resolutionDueAt: due.get(kase.id)?.resolucion?.dueAt ?? null,
          },
        },
        now,
      );
      // A cancellation recorded for what the case no longer asks (another type, or the other scope) must
      // not end the customer's service on its date.
      const [cancellation] = await tx
        .select({ scope: cancellations.scope })
        .from(cancellations)
        .where(and(eq(cancellations.caseId, kase.id), eq(cancellations.status, 'en_curso')));
      if (cancellation && cancellationVoidReason({ ...kase, requestType, subtype }, cancellation.scope)) {
        await voidCancellation(tx, kase, 'reclasificado', agentActor(actor), now);
      }
    }
    return kase.id;
  });
  return getCaseById(deps, id, now);
}
