import { asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import {
  accountPins,
  authorizedRepresentatives,
  cases,
  conciliations,
  contactPoints,
  customers,
  identityChecks,
  services,
} from '../db/schema.ts';
import { appendEvents, type EventActor, type NewEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { type CustomerWithContacts, contactPointsOf, customerNotFound } from './customers.service.ts';

/**
 * Merges `fromId` into `intoId` in one transaction: contact points, cases, representatives, services and
 * identity checks move (with the account PIN when `into` has none), `into`
 * takes `from`'s name and account number where it has none, `from` is marked merged (its id keeps
 * resolving to `into`), and `customer_merged` events (ids only) land on both customers and every moved case.
 * Merging a customer into itself, or an already merged one, or two different account numbers, is a 409.
 */
export async function mergeCustomers(
  db: Tx,
  input: { intoId: string; fromId: string; actor: EventActor; now: Date },
): Promise<CustomerWithContacts> {
  const { intoId, fromId, actor, now } = input;
  if (intoId === fromId) {
    throw new AppError('customer.merge_self', {
      status: 409,
      field: 'fromCustomerId',
      detail: 'A customer cannot be merged into itself',
    });
  }
  return db.transaction(async (tx) => {
    // Both rows locked in id order, so two opposite merges wait for each other instead of deadlocking.
    const rows = await tx
      .select()
      .from(customers)
      .where(inArray(customers.id, [intoId, fromId]))
      .orderBy(asc(customers.id))
      .for('update');
    const into = rows.find((r) => r.id === intoId);
    const from = rows.find((r) => r.id === fromId);
    if (!into) throw customerNotFound();
    if (!from) throw customerNotFound('fromCustomerId');
    if (into.mergedIntoId || from.mergedIntoId) {
      throw new AppError('customer.already_merged', {
        status: 409,
        field: into.mergedIntoId ? undefined : 'fromCustomerId',
        detail: 'That customer was already merged into another',
      });
    }
    if (into.accountNumber && from.accountNumber && into.accountNumber !== from.accountNumber) {
      throw new AppError('customer.merge_accounts_differ', {
        status: 409,
        field: 'fromCustomerId',
        detail: 'Both customers have different account numbers; two accounts are not one customer',
      });
    }

    const moved = { customerId: intoId };
    const movedPoints = await tx
      .update(contactPoints)
      .set(moved)
      .where(eq(contactPoints.customerId, fromId))
      .returning({ id: contactPoints.id });
    const movedCases = await tx
      .update(cases)
      .set(moved)
      .where(eq(cases.customerId, fromId))
      .returning({ id: cases.id });
    const movedRepresentatives = await tx
      .update(authorizedRepresentatives)
      .set(moved)
      .where(eq(authorizedRepresentatives.customerId, fromId))
      .returning({ id: authorizedRepresentatives.id });
    const movedServices = await tx
      .update(services)
      .set(moved)
      .where(eq(services.customerId, fromId))
      .returning({ id: services.id });
    await tx.update(identityChecks).set(moved).where(eq(identityChecks.customerId, fromId));
    // A conciliation protects the services it covers: it follows them to the survivor.
    await tx.update(conciliations).set(moved).where(eq(conciliations.customerId, fromId));
    // One PIN per customer: the survivor's stays, the duplicate's is taken only when the survivor has none.
    const [intoPin] = await tx
      .select({ customerId: accountPins.customerId })
      .from(accountPins)
      .where(eq(accountPins.customerId, intoId));
    if (intoPin) await tx.delete(accountPins).where(eq(accountPins.customerId, fromId));
    else await tx.update(accountPins).set(moved).where(eq(accountPins.customerId, fromId));

    // Earlier merges into `from` now point at `into`, keeping every merged id one hop from a live customer.
    await tx
      .update(customers)
      .set({ mergedIntoId: intoId, updatedAt: now })
      .where(eq(customers.mergedIntoId, fromId));
    // The account number is released before `into` takes it: the unique index is checked per statement.
    await tx
      .update(customers)
      .set({ mergedIntoId: intoId, accountNumber: null, updatedAt: now })
      .where(eq(customers.id, fromId));
    const [merged] = await tx
      .update(customers)
      .set({
        name: into.name ?? from.name,
        accountNumber: into.accountNumber ?? from.accountNumber,
        updatedAt: now,
      })
      .where(eq(customers.id, intoId))
      .returning();
    if (!merged) throw customerNotFound();

    const payload = {
      before: { fromCustomerId: fromId },
      after: {
        intoCustomerId: intoId,
        contactPointIds: movedPoints.map((p) => p.id),
        caseIds: movedCases.map((c) => c.id),
        representativeIds: movedRepresentatives.map((r) => r.id),
        serviceIds: movedServices.map((r) => r.id),
      },
    };
    await appendEvents(tx, [
      { kind: 'customer_merged', actor, customerId: intoId, ...payload },
      { kind: 'customer_merged', actor, customerId: fromId, ...payload },
      ...movedCases.map(
        (c): NewEvent => ({
          kind: 'customer_merged',
          actor,
          caseId: c.id,
          customerId: intoId,
          before: { customerId: fromId },
          after: { customerId: intoId },
        }),
      ),
    ]);
    return { customer: merged, contactPoints: await contactPointsOf(tx, [intoId]) };
  });
}
