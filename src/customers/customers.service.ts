import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../db/database.ts';
import { authorizedRepresentatives, cases, contactPoints, customers } from '../db/schema.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { type ContactKind, normalizeContactAddress } from './contact-points.ts';

export type CustomerRow = typeof customers.$inferSelect;
export type ContactPointRow = typeof contactPoints.$inferSelect;

export interface ContactPointInput {
  kind: ContactKind;
  address: string;
}

export interface CreateCustomerInput {
  accountNumber?: string | null;
  name?: string | null;
  contactPoints?: ContactPointInput[];
}

export interface UpdateCustomerInput {
  id: string;
  name?: string | null;
  accountNumber?: string | null;
}

export interface CustomerWithContacts {
  customer: CustomerRow;
  contactPoints: ContactPointRow[];
}

/**
 * Row locks taken while resolving a customer. `update` for changes to the customer row itself (update,
 * delete, merge); `key share` for attaching rows to it (contact points, representatives, cases): it
 * conflicts only with `update`, so a merge cannot retire a customer between the check and the insert;
 * `no key update` to take one customer's inbound messages one at a time (it conflicts with itself and
 * `update`, not with `key share`).
 */
export type CustomerLock = 'update' | 'no key update' | 'key share';

export const customerNotFound = (field?: string) =>
  new AppError('customer.not_found', {
    status: 404,
    detail: 'No such customer',
    ...(field ? { field } : {}),
  });

const accountNumberTaken = () =>
  new AppError('customer.account_number_taken', {
    status: 409,
    field: 'accountNumber',
    detail: 'That account number belongs to another customer',
  });

/** Whether a database error (as either driver or drizzle wraps it) is a unique violation of `constraint`. */
function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    const pgError = e as Error & { code?: unknown; constraint?: unknown };
    if (pgError.code === '23505' && pgError.constraint === constraint) return true;
  }
  return false;
}

async function selectCustomer(db: Tx, id: string, lock: CustomerLock | undefined) {
  const query = db.select().from(customers).where(eq(customers.id, id));
  const [row] = lock ? await query.for(lock) : await query;
  return row;
}

/**
 * The live customer an id names: a merged customer's id resolves to the one it was merged into (merges
 * are kept one hop deep). Locks the live row when asked; 404 `customer.not_found` when there is none.
 */
export async function resolveCustomer(
  db: Tx,
  id: string,
  options: { lock?: CustomerLock; field?: string } = {},
): Promise<CustomerRow> {
  const row = await selectCustomer(db, id, options.lock);
  const live = row?.mergedIntoId ? await selectCustomer(db, row.mergedIntoId, options.lock) : row;
  if (!live || live.mergedIntoId) throw customerNotFound(options.field);
  return live;
}

export async function contactPointsOf(db: Tx, customerIds: string[]): Promise<ContactPointRow[]> {
  if (customerIds.length === 0) return [];
  return db
    .select()
    .from(contactPoints)
    .where(inArray(contactPoints.customerId, customerIds))
    .orderBy(asc(contactPoints.createdAt), asc(contactPoints.id));
}

/** A customer with its contact points, following a merge; 404 `customer.not_found` when unknown. */
export async function getCustomer(db: Tx, id: string): Promise<CustomerWithContacts> {
  const customer = await resolveCustomer(db, id);
  return { customer, contactPoints: await contactPointsOf(db, [customer.id]) };
}

interface NormalizedContactPoint {
  kind: ContactKind;
  address: string;
  field: string;
}

/** Normalises every address first, so a bad one is refused before anything is written. */
function normalizeAll(list: ContactPointInput[]): NormalizedContactPoint[] {
  const seen = new Set<string>();
  const out: NormalizedContactPoint[] = [];
  list.forEach((point, index) => {
    const field = `contactPoints.${index}.address`;
    const address = normalizeContactAddress(point.kind, point.address, field);
    const key = `${point.kind}:${address}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ kind: point.kind, address, field });
  });
  return out;
}

export async function contactPointAt(tx: Tx, kind: ContactKind, address: string) {
  const [row] = await tx
    .select()
    .from(contactPoints)
    .where(and(eq(contactPoints.kind, kind), eq(contactPoints.address, address)));
  return row;
}

/** Inserts the contact point unless it exists; returns the row as it stands afterwards (maybe a racer's). */
export async function claimContactPoint(tx: Tx, customerId: string, kind: ContactKind, address: string) {
  const [inserted] = await tx
    .insert(contactPoints)
    .values({ customerId, kind, address })
    .onConflictDoNothing({ target: [contactPoints.kind, contactPoints.address] })
    .returning();
  const point = inserted ?? (await contactPointAt(tx, kind, address));
  if (!point) throw new Error(`contact point ${kind} vanished after a conflicting insert`);
  return { point, inserted: inserted !== undefined };
}

/**
 * Gives the customer a contact point; one it already has is kept, one another customer has is a 409 naming
 * the field. The unique index decides, so two agents racing for one address cannot both win.
 */
async function attachContactPoint(tx: Tx, customerId: string, wanted: NormalizedContactPoint) {
  const claimed = await claimContactPoint(tx, customerId, wanted.kind, wanted.address);
  if (claimed.point.customerId !== customerId) {
    throw new AppError('contact_point.taken', {
      status: 409,
      field: wanted.field,
      detail: `That ${wanted.kind} belongs to another customer`,
      extra: { customerId: claimed.point.customerId },
    });
  }
  return claimed;
}

/**
 * Creates a customer (a prospect when it has no account number) with its contact points, all or nothing:
 * an account number or contact point another customer has is a 409 naming the field.
 */
export async function createCustomer(
  db: Tx,
  input: CreateCustomerInput,
  actor: EventActor,
): Promise<CustomerWithContacts> {
  const points = normalizeAll(input.contactPoints ?? []);
  return db.transaction(async (tx) => {
    const [customer] = await tx
      .insert(customers)
      .values({ accountNumber: input.accountNumber ?? null, name: input.name ?? null })
      .onConflictDoNothing({ target: customers.accountNumber })
      .returning();
    if (!customer) throw accountNumberTaken();
    const attached: ContactPointRow[] = [];
    for (const wanted of points) attached.push((await attachContactPoint(tx, customer.id, wanted)).point);
    await appendEvent(tx, {
      kind: 'created',
      actor,
      customerId: customer.id,
      after: { prospect: customer.accountNumber === null, contactPointIds: attached.map((p) => p.id) },
    });
    return { customer, contactPoints: attached };
  });
}

/** Changes name and account number; an account number another customer has is a 409. */
export async function updateCustomer(
  db: Tx,
  input: UpdateCustomerInput,
  actor: EventActor,
  now: Date,
): Promise<CustomerWithContacts> {
  return db.transaction(async (tx) => {
    const current = await resolveCustomer(tx, input.id, { lock: 'update' });
    const changes: { name?: string | null; accountNumber?: string | null } = {};
    if (input.name !== undefined && input.name !== current.name) changes.name = input.name;
    if (input.accountNumber !== undefined && input.accountNumber !== current.accountNumber) {
      changes.accountNumber = input.accountNumber;
    }
    const changed = Object.keys(changes);
    if (changed.length === 0)
      return { customer: current, contactPoints: await contactPointsOf(tx, [current.id]) };
    let updated: CustomerRow | undefined;
    try {
      [updated] = await tx
        .update(customers)
        .set({ ...changes, updatedAt: now })
        .where(eq(customers.id, current.id))
        .returning();
    } catch (error) {
      if (isUniqueViolation(error, 'customers_account_number_unique')) throw accountNumberTaken();
      throw error;
    }
    if (!updated) throw customerNotFound();
    // Which fields changed, not their values: the audit trail holds no personal data.
    await appendEvent(tx, { kind: 'customer_changed', actor, customerId: updated.id, after: { changed } });
    return { customer: updated, contactPoints: await contactPointsOf(tx, [updated.id]) };
  });
}

/**
 * Deletes a customer that never had a case (a mistaken or test record), with its contact points and
 * representatives; one with cases is a 409, because cases are the provider's records and keep their customer.
 */
export async function deleteCustomer(db: Tx, input: { id: string }, actor: EventActor): Promise<void> {
  await db.transaction(async (tx) => {
    const customer = await resolveCustomer(tx, input.id, { lock: 'update' });
    if (customer.id !== input.id) {
      throw new AppError('customer.merged', {
        status: 409,
        detail: 'This customer was merged into another; delete that one if you mean it',
        extra: { mergedIntoId: customer.id },
      });
    }
    // The `update` lock waits for any case being inserted for this customer, so this count is final.
    const [caseCount] = await tx.select({ n: count() }).from(cases).where(eq(cases.customerId, customer.id));
    if ((caseCount?.n ?? 0) > 0) {
      throw new AppError('customer.has_cases', {
        status: 409,
        detail: 'A customer with cases cannot be deleted; merge it into another instead',
      });
    }
    await tx.delete(contactPoints).where(eq(contactPoints.customerId, customer.id));
    await tx.delete(authorizedRepresentatives).where(eq(authorizedRepresentatives.customerId, customer.id));
    await tx.delete(customers).where(eq(customers.mergedIntoId, customer.id));
    await tx.delete(customers).where(eq(customers.id, customer.id));
    await appendEvent(tx, {
      kind: 'customer_changed',
      actor,
      customerId: customer.id,
      after: { deleted: true },
    });
  });
}

/** Adds a contact point to a customer; one the customer already has is returned as is. */
export async function addContactPoint(
  db: Tx,
  input: { customerId: string } & ContactPointInput,
  actor: EventActor,
): Promise<ContactPointRow> {
  const wanted = {
    kind: input.kind,
    address: normalizeContactAddress(input.kind, input.address),
    field: 'address',
  };
  return db.transaction(async (tx) => {
    const customer = await resolveCustomer(tx, input.customerId, { lock: 'key share' });
    const { point, inserted } = await attachContactPoint(tx, customer.id, wanted);
    if (inserted) {
      await appendEvent(tx, {
        kind: 'customer_changed',
        actor,
        customerId: customer.id,
        after: { contactPointAdded: { id: point.id, kind: point.kind } },
      });
    }
    return point;
  });
}

/** Removes one of a customer's contact points; 404 `contact_point.not_found` when it is not theirs. */
export async function removeContactPoint(
  db: Tx,
  input: { customerId: string; contactPointId: string },
  actor: EventActor,
): Promise<void> {
  await db.transaction(async (tx) => {
    const customer = await resolveCustomer(tx, input.customerId, { lock: 'key share' });
    const [removed] = await tx
      .delete(contactPoints)
      .where(and(eq(contactPoints.id, input.contactPointId), eq(contactPoints.customerId, customer.id)))
      .returning();
    if (!removed) {
      throw new AppError('contact_point.not_found', { status: 404, detail: 'No such contact point' });
    }
    await appendEvent(tx, {
      kind: 'customer_changed',
      actor,
      customerId: customer.id,
      before: { contactPointRemoved: { id: removed.id, kind: removed.kind } },
    });
  });
}

/** A customer's cases, newest first, as the customer page lists them. */
export async function listCustomerCases(db: Tx, customerId: string) {
  return db
    .select({ id: cases.id, folio: cases.folio, status: cases.status, createdAt: cases.createdAt })
    .from(cases)
    .where(eq(cases.customerId, customerId))
    .orderBy(desc(cases.createdAt), desc(cases.id));
}
