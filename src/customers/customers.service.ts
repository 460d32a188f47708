import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/database.ts';
import { authorizedRepresentatives, cases, contactPoints, customers, events } from '../db/schema.ts';
import { appendEvent, appendEvents, type EventActor, type NewEvent } from '../events/events.service.ts';
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

const customerNotFound = (field?: string) =>
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

async function contactPointsOf(db: Tx, customerIds: string[]): Promise<ContactPointRow[]> {
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

async function contactPointAt(tx: Tx, kind: ContactKind, address: string) {
  const [row] = await tx
    .select()
    .from(contactPoints)
    .where(and(eq(contactPoints.kind, kind), eq(contactPoints.address, address)));
  return row;
}

/** Inserts the contact point unless it exists; returns the row as it stands afterwards (maybe a racer's). */
async function claimContactPoint(tx: Tx, customerId: string, kind: ContactKind, address: string) {
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
        .set({ ...changes, updatedAt: new Date() })
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

/** Same number, other kind: a WhatsApp id is a phone number, so either finds the person who gave the other. */
const SAME_NUMBER_KIND: Partial<Record<ContactKind, ContactKind>> = { phone: 'whatsapp', whatsapp: 'phone' };

/**
 * Customers matching any of the keys, each normalised as stored (a phone typed any way, an e-mail in any
 * case, an account number with stray spaces). A phone matches WhatsApp ids of the same number too.
 */
export async function lookupCustomers(
  db: Tx,
  query: { phone?: string; email?: string; accountNumber?: string },
): Promise<CustomerWithContacts[]> {
  const wanted: Array<{ kinds: ContactKind[]; address: string }> = [];
  if (query.phone !== undefined) {
    wanted.push({
      kinds: ['phone', 'whatsapp'],
      address: normalizeContactAddress('phone', query.phone, 'phone'),
    });
  }
  if (query.email !== undefined) {
    wanted.push({ kinds: ['email'], address: normalizeContactAddress('email', query.email, 'email') });
  }
  const ids = new Set<string>();
  for (const { kinds, address } of wanted) {
    const rows = await db
      .select({ customerId: contactPoints.customerId })
      .from(contactPoints)
      .where(and(inArray(contactPoints.kind, kinds), eq(contactPoints.address, address)));
    for (const row of rows) ids.add(row.customerId);
  }
  const accountNumber = query.accountNumber?.trim();
  if (accountNumber) {
    const rows = await db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.accountNumber, accountNumber), isNull(customers.mergedIntoId)));
    for (const row of rows) ids.add(row.id);
  }
  if (ids.size === 0) return [];
  const found = await db
    .select()
    .from(customers)
    .where(inArray(customers.id, [...ids]))
    .orderBy(asc(customers.createdAt), asc(customers.id));
  const points = await contactPointsOf(db, [...ids]);
  return found.map((customer) => ({
    customer,
    contactPoints: points.filter((p) => p.customerId === customer.id),
  }));
}

/**
 * The customer behind a sender's address, creating a prospect (no account number) for an unknown one.
 * Safe under concurrency: the unique (kind, address) index picks one winner, a losing prospect is removed,
 * and both callers get the same customer, locked (`key share`) until the caller's transaction ends, so a
 * merge cannot retire it under them. Every inbound message comes through here, so a known sender costs
 * one statement and a new one two.
 */
export async function findOrCreateCustomerByContact(
  tx: Tx,
  input: { kind: ContactKind; address: string; name?: string | null; lock?: 'key share' | 'no key update' },
): Promise<{ customer: CustomerRow; created: boolean }> {
  const { kind } = input;
  const lock = input.lock ?? 'key share';
  const address = normalizeContactAddress(kind, input.address);
  const system: EventActor = { kind: 'sistema' };
  const sibling = SAME_NUMBER_KIND[kind];
  // The address under its own kind, else under its WhatsApp (or phone) twin: one person. Only the row
  // chosen is locked, so an unrelated customer holding the twin is not held up.
  const [found] = await tx
    .select({ point: contactPoints, customer: customers })
    .from(contactPoints)
    .innerJoin(customers, eq(customers.id, contactPoints.customerId))
    .where(
      and(
        eq(contactPoints.address, address),
        inArray(contactPoints.kind, sibling ? [kind, sibling] : [kind]),
      ),
    )
    .orderBy(sql`${contactPoints.kind} = ${kind} desc`)
    .limit(1)
    .for(lock, { of: customers });
  const live = (customer: CustomerRow) =>
    customer.mergedIntoId ? resolveCustomer(tx, customer.id, { lock }) : customer;

  if (found?.point.kind === kind) return { customer: await live(found.customer), created: false };

  if (found) {
    const owner = await live(found.customer);
    const { point, inserted } = await claimContactPoint(tx, owner.id, kind, address);
    if (inserted) {
      await appendEvent(tx, {
        kind: 'customer_changed',
        actor: system,
        customerId: owner.id,
        after: { contactPointAdded: { id: point.id, kind } },
      });
    }
    const customer = inserted ? owner : await resolveCustomer(tx, point.customerId, { lock });
    return { customer, created: false };
  }

  const now = new Date();
  // Dated by this process, like the cases opened for it, and its `created` event with the same instant.
  const prospect: CustomerRow = {
    id: randomUUID(),
    accountNumber: null,
    name: input.name?.trim() || null,
    mergedIntoId: null,
    createdAt: now,
    updatedAt: now,
  };
  const pointId = randomUUID();
  // The prospect, its contact point and its `created` event in one statement; the event only if the
  // point was claimed (append-only events cannot be taken back).
  const [claimed] = await queryRows<{ id: number }>(
    tx,
    sql`with prospect as (${tx.insert(customers).values(prospect).getSQL()}),
      point as (${tx
        .insert(contactPoints)
        .values({ id: pointId, customerId: prospect.id, kind, address })
        .onConflictDoNothing({ target: [contactPoints.kind, contactPoints.address] })
        .returning({ id: contactPoints.id })
        .getSQL()})
      insert into ${events} (customer_id, kind, actor_kind, after, created_at)
      select ${prospect.id}, 'created', ${system.kind}, ${JSON.stringify({ prospect: true, contactPointIds: [pointId] })}::jsonb, ${prospect.createdAt.toISOString()}::timestamptz
      from point
      returning id`,
  );
  if (!claimed) {
    // Another transaction claimed the address first: its customer is the sender.
    await tx.delete(customers).where(eq(customers.id, prospect.id));
    const winner = await contactPointAt(tx, kind, address);
    if (!winner) throw new Error(`contact point ${kind} vanished after a conflicting insert`);
    return { customer: await resolveCustomer(tx, winner.customerId, { lock }), created: false };
  }
  return { customer: prospect, created: true };
}

/** A contact given but not proven, and the account holder who has it on file. */
export interface ContactClaim {
  contact: { kind: ContactKind; address: string };
  holder: { id: string; name: string | null };
}

/**
 * The customer behind an address its sender did not prove (the portal's form, where anyone may type any
 * number): as {@link findOrCreateCustomerByContact}, except that an address an account holder has on file
 * gets a prospect of its own, with no contact point, and the holder comes back as a claim to confirm, so
 * nothing of the account reaches whoever typed it.
 */
export async function findOrCreateCustomerByClaimedContact(
  tx: Tx,
  input: { kind: ContactKind; address: string; name?: string | null },
): Promise<{ customer: CustomerRow; created: boolean; claim?: ContactClaim }> {
  const address = normalizeContactAddress(input.kind, input.address);
  const sibling = SAME_NUMBER_KIND[input.kind];
  const [holder] = await tx
    .select({ id: customers.id, name: customers.name })
    .from(contactPoints)
    .innerJoin(customers, eq(customers.id, contactPoints.customerId))
    .where(
      and(
        eq(contactPoints.address, address),
        inArray(contactPoints.kind, sibling ? [input.kind, sibling] : [input.kind]),
        isNotNull(customers.accountNumber),
      ),
    )
    .limit(1);
  if (!holder) return findOrCreateCustomerByContact(tx, input);
  const [prospect] = await tx
    .insert(customers)
    .values({ name: input.name?.trim() || null })
    .returning();
  if (!prospect) throw new Error('prospect not inserted');
  await appendEvent(tx, {
    kind: 'created',
    actor: { kind: 'sistema' },
    customerId: prospect.id,
    after: { prospect: true, contactPointIds: [] },
  });
  return { customer: prospect, created: true, claim: { contact: { kind: input.kind, address }, holder } };
}

/**
 * Merges `fromId` into `intoId` in one transaction: contact points, cases and representatives move, `into`
 * takes `from`'s name and account number where it has none, `from` is marked merged (its id keeps
 * resolving to `into`), and `customer_merged` events (ids only) land on both customers and every moved case.
 * Merging a customer into itself, or an already merged one, or two different account numbers, is a 409.
 */
export async function mergeCustomers(
  db: Tx,
  input: { intoId: string; fromId: string; actor: EventActor },
): Promise<CustomerWithContacts> {
  const { intoId, fromId, actor } = input;
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

    const now = new Date();
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

/** A customer's cases, newest first, as the customer page lists them. */
export async function listCustomerCases(db: Tx, customerId: string) {
  return db
    .select({ id: cases.id, folio: cases.folio, status: cases.status, createdAt: cases.createdAt })
    .from(cases)
    .where(eq(cases.customerId, customerId))
    .orderBy(desc(cases.createdAt), desc(cases.id));
}

export const presentContactPoint = (row: ContactPointRow) => ({
  id: row.id,
  kind: row.kind,
  address: row.address,
  createdAt: row.createdAt.toISOString(),
});

export const presentCustomer = (row: CustomerRow, points: ContactPointRow[]) => ({
  id: row.id,
  accountNumber: row.accountNumber,
  name: row.name,
  prospect: row.accountNumber === null,
  contactPoints: points.map(presentContactPoint),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
