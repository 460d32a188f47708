import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { systemActor } from '../auth/system-rules.ts';
import { queryRows, type Tx } from '../db/database.ts';
import { contactPoints, customers, events } from '../db/schema.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { type ContactKind, normalizeContactAddress } from './contact-points.ts';
import {
  type CustomerRow,
  type CustomerWithContacts,
  claimContactPoint,
  contactPointAt,
  contactPointsOf,
  resolveCustomer,
} from './customers.service.ts';

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
  input: {
    kind: ContactKind;
    address: string;
    name?: string | null;
    lock?: 'key share' | 'no key update';
    now: Date;
  },
): Promise<{ customer: CustomerRow; created: boolean }> {
  const { kind } = input;
  const lock = input.lock ?? 'key share';
  const address = normalizeContactAddress(kind, input.address);
  const system: EventActor = systemActor('identificacion_de_cliente');
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

  const { now } = input;
  // Dated by the caller's clock, like the cases opened for it, and its `created` event with the same instant.
  const prospect: CustomerRow = {
    id: randomUUID(),
    accountNumber: null,
    name: input.name?.trim() || null,
    mergedIntoId: null,
    language: null,
    anonymisedAt: null,
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
      insert into ${events} (subject_kind, subject_id, customer_id, kind, actor_kind, actor_rule, after, created_at)
      select 'customer', ${prospect.id}, ${prospect.id}, 'created', ${system.kind}, ${system.kind === 'sistema' ? system.rule : null}, ${JSON.stringify({ prospect: true, contactPointIds: [pointId] })}::jsonb, ${prospect.createdAt.toISOString()}::timestamptz
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
  input: { kind: ContactKind; address: string; name?: string | null; now: Date },
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
    actor: systemActor('identificacion_de_cliente'),
    customerId: prospect.id,
    after: { prospect: true, contactPointIds: [] },
  });
  return { customer: prospect, created: true, claim: { contact: { kind: input.kind, address }, holder } };
}
