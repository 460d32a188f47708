import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { systemActor } from '../auth/system-rules.ts';
import type { RequestType } from '../cases/request-types.ts';
import { deliverNotice } from '../channels/notices.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases, contactPoints, customers } from '../db/schema.ts';
import type { ContactKind, RaisedBy } from '../domain/vocabulary.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { findOrCreateCustomerByContact } from './customer-lookup.ts';
import { type CustomerRow, resolveCustomer } from './customers.service.ts';
import { type RepresentativeRow, representativesByContact } from './representatives.service.ts';

/** A number is the same person on the phone and on WhatsApp; an e-mail or a Messenger id only as itself. */
const SAME_PERSON: Record<ContactKind, ContactKind[]> = {
  phone: ['phone', 'whatsapp'],
  whatsapp: ['whatsapp', 'phone'],
  email: ['email'],
  messenger: ['messenger'],
};

/**
 * The authorizations in force registered for a sender's contact point under any kind that is the same
 * person (a representative registered by phone writes from that number on WhatsApp), each once.
 */
export async function representativesOfSender(
  tx: Tx,
  sender: { kind: ContactKind; address: string },
  now: Date,
): Promise<RepresentativeRow[]> {
  const found = new Map<string, RepresentativeRow>();
  for (const kind of SAME_PERSON[sender.kind]) {
    for (const row of await representativesByContact(tx, { kind, address: sender.address }, now)) {
      found.set(row.id, row);
    }
  }
  return [...found.values()];
}

export interface Representation {
  representative: RepresentativeRow;
  /** The customer they act for (the survivor, when that customer was merged). */
  customer: CustomerRow;
}

/**
 * The customer a sender acts for, when their proven contact point is a representative's: exactly one
 * authorization in force (not revoked, not expired, a carta poder verified) for it. Several (a son for
 * both parents) cannot be told apart by the address alone, and an account holder's own contact point
 * speaks for that holder, so in both cases the sender writes as themselves. Scope is checked against the
 * request later, by {@link actingAs}.
 */
export async function representationOf(
  tx: Tx,
  sender: { kind: ContactKind; address: string },
  now: Date,
): Promise<Representation | undefined> {
  const kinds = SAME_PERSON[sender.kind];
  const [representative, ...others] = await representativesOfSender(tx, sender, now);
  if (!representative || others.length > 0) return undefined;
  const [holder] = await tx
    .select({ id: customers.id })
    .from(contactPoints)
    .innerJoin(customers, eq(customers.id, contactPoints.customerId))
    .where(
      and(
        inArray(contactPoints.kind, kinds),
        eq(contactPoints.address, sender.address),
        isNotNull(customers.accountNumber),
      ),
    )
    .limit(1);
  if (holder) return undefined;
  // Locked as intake locks a sender, so one customer's messages are threaded one at a time.
  const customer = await resolveCustomer(tx, representative.customerId, { lock: 'no key update' });
  return { representative, customer };
}

export interface Acting {
  customerId: string;
  raisedBy: RaisedBy;
  representativeId: string | null;
  actor: EventActor;
  /** The representative whose request fell outside their scope: opened as the sender's own, flagged. */
  outOfScope?: RepresentativeRow;
}

/**
 * On whose behalf a new request from a channel opens. A representative within scope opens it as the
 * customer's, raised by them; outside it, the request is the sender's own (never the customer's), to a
 * customer record of the sender's contact point, and flagged for the agent by {@link afterRepresentativeOpened}.
 */
export async function actingAs(
  tx: Tx,
  input: {
    customer: CustomerRow;
    representation: Representation | undefined;
    sender: { kind: ContactKind; address: string; name?: string | null };
    requestType: RequestType;
    now: Date;
  },
): Promise<Acting> {
  const { representation } = input;
  if (!representation) {
    return {
      customerId: input.customer.id,
      raisedBy: 'cliente',
      representativeId: null,
      actor: { kind: 'cliente' },
    };
  }
  const { representative } = representation;
  if (!representative.scope || representative.scope.includes(input.requestType)) {
    return {
      customerId: representation.customer.id,
      raisedBy: 'representante',
      representativeId: representative.id,
      actor: { kind: 'representante' },
    };
  }
  const own = await findOrCreateCustomerByContact(tx, {
    kind: input.sender.kind,
    address: input.sender.address,
    name: input.sender.name,
    lock: 'no key update',
    now: input.now,
  });
  return {
    customerId: own.customer.id,
    raisedBy: 'cliente',
    representativeId: null,
    actor: { kind: 'cliente' },
    outOfScope: representative,
  };
}

/**
 * What follows a case a representative's message opened: within scope, the customer is told on their
 * own contact point (when the profile's `representatives.notifyCustomer` is on) and that is recorded;
 * outside it, the case records that its sender represents someone else, for the agent to see.
 */
export async function afterRepresentativeOpened(
  deps: Pick<AppContext, 'jobs' | 'database' | 'settings'>,
  tx: Tx,
  kase: { id: string; channel: string; requestType: string; customerId: string },
  acting: Acting,
  now: Date,
): Promise<void> {
  if (acting.outOfScope) {
    await appendEvent(
      tx,
      {
        kind: 'representative_out_of_scope',
        actor: systemActor('identificacion_de_cliente'),
        caseId: kase.id,
        after: { representativeId: acting.outOfScope.id, requestType: kase.requestType },
      },
      now,
    );
    return;
  }
  if (!acting.representativeId) return;
  const { settings } = await deps.settings.current(tx);
  if (!settings.representatives.notifyCustomer) return;
  const messageId = await deliverNotice(deps, tx, kase, 'representante_actuo', null, now, {
    toCustomerOnFile: true,
  });
  if (!messageId) return;
  await appendEvent(
    tx,
    {
      kind: 'representative_notice_sent',
      actor: systemActor('aviso_automatico'),
      caseId: kase.id,
      after: { representativeId: acting.representativeId, messageId },
    },
    now,
  );
}

type PortalCase = typeof cases.$inferSelect;

/**
 * A portal request filed with a representative's contact (unproven, as everything typed in the form):
 * the customer they act for is proposed on the case, as an account holder is for their own contact,
 * for the representative to prove the contact with a code. Outside their scope nothing is proposed.
 */
export async function proposeRepresentedCustomer(
  tx: Tx,
  kase: Pick<PortalCase, 'id' | 'requestType' | 'proposedCustomerId'>,
  contact: { kind: ContactKind; address: string },
  now: Date,
): Promise<void> {
  if (kase.proposedCustomerId) return;
  const representation = await representationOf(tx, contact, now);
  const scope = representation?.representative.scope;
  if (!representation || (scope && !scope.includes(kase.requestType))) return;
  await tx
    .update(cases)
    .set({ claimedContact: contact, proposedCustomerId: representation.customer.id })
    .where(eq(cases.id, kase.id));
}

/** The representative whose contact a portal case claims for the customer it proposes, if still in force. */
export async function claimingRepresentative(
  tx: Tx,
  kase: Pick<PortalCase, 'claimedContact' | 'proposedCustomerId'>,
  now: Date,
): Promise<Representation | undefined> {
  const claim = kase.claimedContact;
  if (!claim || !kase.proposedCustomerId) return undefined;
  const representation = await representationOf(tx, claim as { kind: ContactKind; address: string }, now);
  const proposed = await resolveCustomer(tx, kase.proposedCustomerId);
  return representation?.customer.id === proposed.id ? representation : undefined;
}

/**
 * The code proved a representative's contact: the case becomes the customer's, raised by the
 * representative (their own record stays apart: nothing is merged), and the customer is told. False when
 * the claim is not a representative's, for the caller to settle it as an account holder's.
 */
export async function confirmRepresentativeClaim(
  deps: Pick<AppContext, 'jobs' | 'database' | 'settings'>,
  tx: Tx,
  kase: PortalCase,
  now: Date,
): Promise<boolean> {
  const representation = await claimingRepresentative(tx, kase, now);
  if (!representation) return false;
  const scope = representation.representative.scope;
  if (scope && !scope.includes(kase.requestType)) return false;
  const customerId = representation.customer.id;
  await tx
    .update(cases)
    .set({
      customerId,
      raisedBy: 'representante',
      representativeId: representation.representative.id,
      proposedCustomerId: null,
      updatedAt: now,
    })
    .where(eq(cases.id, kase.id));
  await appendEvent(
    tx,
    {
      kind: 'customer_changed',
      actor: { kind: 'representante' },
      caseId: kase.id,
      customerId,
      before: { customerId: kase.customerId, proposedCustomerId: kase.proposedCustomerId },
      after: { customerId, representativeId: representation.representative.id },
      reason: 'claim_verified',
    },
    now,
  );
  await afterRepresentativeOpened(
    deps,
    tx,
    { ...kase, customerId },
    {
      customerId,
      raisedBy: 'representante',
      representativeId: representation.representative.id,
      actor: { kind: 'representante' },
    },
    now,
  );
  return true;
}
