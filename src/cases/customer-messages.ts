import { eq } from 'drizzle-orm';
import type { StoredAttachment } from '../attachments/attachments.service.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases } from '../db/schema.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { deadlinesOnStatus } from '../sla/deadlines.service.ts';
import type { CaseDeps, CaseRow } from './case-context.ts';
import { closeResolved, reopenWindowEnd } from './case-status.ts';
import { type CaseStatus, isFinal } from './lifecycle.ts';
import { type DecodedAttachment, insertMessage, type NewMessage } from './messages.ts';

/** Stores what the customer wrote on an open case, with its `message_added` event. */
export async function addCustomerMessage(
  deps: Pick<AppContext, 'database'>,
  tx: Tx,
  message: Omit<NewMessage, 'kind'> & { id?: string },
  attachments: DecodedAttachment[],
): Promise<{ id: string; attachments: StoredAttachment[] }> {
  const stored = await insertMessage(deps, tx, { ...message, kind: 'entrante' }, attachments);
  await appendEvent(
    tx,
    {
      kind: 'message_added',
      actor: { kind: 'cliente' },
      caseId: message.caseId,
      after: { messageId: stored.id, kind: 'entrante' },
    },
    message.at,
  );
  return stored;
}

/**
 * What the customer's words do to a case waiting on them: a case `en_espera_cliente` goes back to
 * `en_proceso`; a `resuelto` one reopens within the reopen window, and is closed once it has passed.
 * Returns false when the case is (or just became) final, so the caller opens a new linked case.
 */
export async function customerSpoke(
  deps: Pick<CaseDeps, 'jobs' | 'settings'>,
  tx: Tx,
  kase: CaseRow,
  now: Date,
  actor: EventActor = { kind: 'cliente' },
): Promise<boolean> {
  const statusEvent = (to: CaseStatus, reason: string, by: EventActor = actor) =>
    appendEvent(
      tx,
      {
        kind: 'status_changed',
        actor: by,
        caseId: kase.id,
        before: { status: kase.status },
        after: { status: to },
        reason,
      },
      now,
    );
  if (kase.status === 'en_espera_cliente') {
    await tx.update(cases).set({ status: 'en_proceso', updatedAt: now }).where(eq(cases.id, kase.id));
    await deadlinesOnStatus(deps, tx, kase.id, kase.status, 'en_proceso', now);
    await statusEvent('en_proceso', 'customer_replied');
    return true;
  }
  if (kase.status === 'resuelto') {
    const { settings } = await deps.settings.current(tx);
    if (now <= reopenWindowEnd(settings, kase.resolvedAt ?? new Date(0))) {
      await tx
        .update(cases)
        .set({ status: 'en_proceso', resolvedAt: null, causeCode: null, updatedAt: now })
        .where(eq(cases.id, kase.id));
      await deadlinesOnStatus(deps, tx, kase.id, kase.status, 'en_proceso', now);
      await statusEvent('en_proceso', 'reopened_by_customer');
      return true;
    }
    await closeResolved(deps, tx, kase.id, now);
    return false;
  }
  return !isFinal(kase.status);
}
