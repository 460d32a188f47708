import { and, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { assertMayChange } from '../cases/access.ts';
import { parseFolio } from '../cases/folio.ts';
import type { Tx } from '../db/database.ts';
import { cases } from '../db/schema.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { resolveCustomer } from './customers.service.ts';
import { mergeCustomers } from './merge-customers.ts';

type ClaimedCase = Pick<typeof cases.$inferSelect, 'id' | 'customerId' | 'proposedCustomerId'>;

export const CLAIM_DECISIONS = ['confirmar', 'rechazar'] as const;

const noClaim = () =>
  new AppError('case.no_claim', {
    status: 409,
    detail: 'The case has no unverified contact waiting for confirmation',
  });

/**
 * The claim holds: the case's prospect is merged into the account holder (so the case, and whatever else
 * the same person filed, becomes theirs), and every case of the holder proposing them is settled.
 * `reason` says how it was proven, for the audit trail.
 */
export async function confirmClaim(
  tx: Tx,
  kase: ClaimedCase,
  actor: EventActor,
  reason: 'claim_confirmed' | 'claim_verified',
  now: Date,
): Promise<void> {
  if (!kase.proposedCustomerId) throw noClaim();
  const holder = await resolveCustomer(tx, kase.proposedCustomerId);
  if (kase.customerId !== holder.id) {
    await mergeCustomers(tx, { intoId: holder.id, fromId: kase.customerId, actor, now });
  }
  await tx
    .update(cases)
    .set({ proposedCustomerId: null, updatedAt: now })
    .where(and(eq(cases.customerId, holder.id), eq(cases.proposedCustomerId, kase.proposedCustomerId)));
  await appendEvent(
    tx,
    {
      kind: 'customer_changed',
      actor,
      caseId: kase.id,
      customerId: holder.id,
      before: { customerId: kase.customerId, proposedCustomerId: kase.proposedCustomerId },
      after: { customerId: holder.id, proposedCustomerId: null },
      reason,
    },
    now,
  );
}

/**
 * An agent settles a case's unverified contact: `confirmar` links the case to the account holder it
 * matches, `rechazar` keeps it on its own prospect (the contact stays its second factor on the portal).
 * Only agents of the case's area (and admins) decide. Returns the case's id.
 */
export async function settleClaim(
  db: Tx,
  input: { folio: string; decision: (typeof CLAIM_DECISIONS)[number]; actor: Actor; now: Date },
): Promise<string> {
  const { folio } = parseFolio(input.folio);
  const actor: EventActor = { kind: 'agente', agentId: input.actor.agentId };
  return db.transaction(async (tx) => {
    const [kase] = await tx.select().from(cases).where(eq(cases.folio, folio)).for('update');
    if (!kase) throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${folio}` });
    await assertMayChange(tx, input.actor, kase.areaId);
    if (!kase.proposedCustomerId) throw noClaim();
    if (input.decision === 'confirmar') {
      await confirmClaim(tx, kase, actor, 'claim_confirmed', input.now);
      return kase.id;
    }
    await tx
      .update(cases)
      .set({ proposedCustomerId: null, updatedAt: input.now })
      .where(eq(cases.id, kase.id));
    await appendEvent(
      tx,
      {
        kind: 'customer_changed',
        actor,
        caseId: kase.id,
        customerId: kase.customerId,
        before: { proposedCustomerId: kase.proposedCustomerId },
        after: { proposedCustomerId: null },
        reason: 'claim_rejected',
      },
      input.now,
    );
    return kase.id;
  });
}
