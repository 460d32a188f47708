import { and, asc, eq, gt, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import {
  type AttachmentInput,
  decodeAttachment,
  storeAttachment,
} from '../attachments/attachments.service.ts';
import type { RequestType } from '../cases/request-types.ts';
import type { DatabaseHandle, Tx } from '../db/database.ts';
import { authorizedRepresentatives, customers, events } from '../db/schema.ts';
import type { ContactKind, RepresentativeGrant } from '../domain/vocabulary.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { normalizeContactAddress } from './contact-points.ts';
import { resolveCustomer } from './customers.service.ts';

export type RepresentativeRow = typeof authorizedRepresentatives.$inferSelect;

export interface AddRepresentativeInput {
  customerId: string;
  name: string;
  contact: string;
  /** A copy of the representative's ID ("identificación oficial"), kept with the authorization. */
  idDocument?: AttachmentInput | null;
  /** Null: every procedure; otherwise only these request types. */
  scope?: RequestType[] | null;
  expiresAt?: Date | null;
  /** The representative's own contact point, by which channels recognise them; none: the API only. */
  contactPoint?: { kind: ContactKind; address: string } | null;
  /** `agente` and `portal` act at once; a `carta_poder` (with its ID document) once a supervisor verifies it. */
  grantedVia?: RepresentativeGrant;
  now: Date;
}

const representativeNotFound = (field?: string) =>
  new AppError('representative.not_found', {
    status: 404,
    detail: 'No such representative for this customer',
    ...(field ? { field } : {}),
  });

/**
 * A representative's address as contact points store it. A WhatsApp number typed as people type phones
 * ("81 2000 0001") is the same E.164 number, so it is read as a phone rather than refused as an id.
 */
function representativeAddress(contact: { kind: ContactKind; address: string }): string {
  const typedAsPhone = contact.kind === 'whatsapp' && !/^\+?\d{8,15}$/.test(contact.address.trim());
  return normalizeContactAddress(typedAsPhone ? 'phone' : contact.kind, contact.address, 'contactAddress');
}

/**
 * Records a person the customer authorized, with their ID document stored once by content. An expiry
 * already past is refused (400), so every stored authorization was valid when given.
 */
export async function addRepresentative(
  database: DatabaseHandle,
  input: AddRepresentativeInput,
  actor: EventActor,
): Promise<RepresentativeRow> {
  if (input.expiresAt && input.expiresAt <= input.now) {
    throw new AppError('representative.expiry_in_past', {
      status: 400,
      field: 'expiresAt',
      detail: 'The authorization would already be expired',
    });
  }
  const grantedVia = input.grantedVia ?? 'agente';
  if (grantedVia === 'carta_poder' && !input.idDocument) {
    throw new AppError('representative.id_document_required', {
      status: 422,
      field: 'idDocument',
      detail: 'A carta poder is recorded with a copy of the representative’s official ID',
    });
  }
  const contactAddress = input.contactPoint ? representativeAddress(input.contactPoint) : null;
  const document = input.idDocument ? decodeAttachment(input.idDocument, 'idDocument') : undefined;
  return database.db.transaction(async (tx) => {
    const customer = await resolveCustomer(tx, input.customerId, { lock: 'key share' });
    const stored = document ? await storeAttachment(database, tx, document) : undefined;
    const [row] = await tx
      .insert(authorizedRepresentatives)
      .values({
        customerId: customer.id,
        name: input.name,
        contact: input.contact,
        idDocumentSha256: stored?.sha256 ?? null,
        idDocumentFilename: stored?.filename ?? null,
        scope: input.scope ? [...new Set(input.scope)] : null,
        expiresAt: input.expiresAt ?? null,
        contactKind: input.contactPoint?.kind ?? null,
        contactAddress,
        grantedVia,
        verifiedAt: grantedVia === 'carta_poder' ? null : input.now,
      })
      .returning();
    if (!row) throw new Error('representative not inserted');
    await appendEvent(tx, {
      kind: 'representative_added',
      actor,
      customerId: customer.id,
      after: { representativeId: row.id, grantedVia },
    });
    return row;
  });
}

/**
 * A supervisor's verification of a carta poder, from which on it acts. Four eyes: the agent who recorded
 * it may not verify it too (409). Only an unverified, unrevoked carta poder can be verified.
 */
export async function verifyRepresentative(
  db: Tx,
  input: { customerId: string; representativeId: string; agentId: string; now: Date },
): Promise<RepresentativeRow> {
  return db.transaction(async (tx) => {
    const customer = await resolveCustomer(tx, input.customerId);
    const r = authorizedRepresentatives;
    const [current] = await tx
      .select()
      .from(r)
      .where(and(eq(r.id, input.representativeId), eq(r.customerId, customer.id)))
      .for('update');
    if (!current) throw representativeNotFound();
    if (current.grantedVia !== 'carta_poder' || current.verifiedAt || current.revokedAt) {
      throw new AppError('representative.not_verifiable', {
        status: 409,
        detail: 'Only a carta poder not yet verified nor revoked needs a verification',
      });
    }
    const [recorded] = await tx
      .select({ agentId: events.actorAgentId })
      .from(events)
      .where(
        and(
          eq(events.customerId, customer.id),
          eq(events.kind, 'representative_added'),
          sql`${events.after} ->> 'representativeId' = ${current.id}`,
        ),
      )
      .limit(1);
    if (recorded?.agentId === input.agentId) {
      throw new AppError('representative.same_agent', {
        status: 409,
        detail: 'Another supervisor must verify a carta poder you recorded',
      });
    }
    const [verified] = await tx
      .update(r)
      .set({ verifiedAt: input.now, verifiedByAgentId: input.agentId })
      .where(eq(r.id, current.id))
      .returning();
    if (!verified) throw representativeNotFound();
    await appendEvent(tx, {
      kind: 'representative_verified',
      actor: { kind: 'agente', agentId: input.agentId },
      customerId: customer.id,
      after: { representativeId: verified.id },
    });
    return verified;
  });
}

/** A customer's representatives (revoked and expired ones too), oldest first; follows a merge. */
export async function listRepresentatives(db: Tx, customerId: string): Promise<RepresentativeRow[]> {
  const customer = await resolveCustomer(db, customerId);
  return db
    .select()
    .from(authorizedRepresentatives)
    .where(eq(authorizedRepresentatives.customerId, customer.id))
    .orderBy(asc(authorizedRepresentatives.createdAt), asc(authorizedRepresentatives.id));
}

/**
 * Revokes an authorization from `now` on, keeping the row (cases it raised still point at it). Revoking
 * one twice is a 409; the reason (an agent's; the customer in the portal gives none) stays on the row, out of
 * the audit trail, as it may name people.
 */
export async function revokeRepresentative(
  db: Tx,
  input: { customerId: string; representativeId: string; reason: string | null; now: Date },
  actor: EventActor,
): Promise<RepresentativeRow> {
  return db.transaction(async (tx) => {
    const customer = await resolveCustomer(tx, input.customerId);
    const [current] = await tx
      .select()
      .from(authorizedRepresentatives)
      .where(
        and(
          eq(authorizedRepresentatives.id, input.representativeId),
          eq(authorizedRepresentatives.customerId, customer.id),
        ),
      )
      .for('update');
    if (!current) throw representativeNotFound();
    if (current.revokedAt) {
      throw new AppError('representative.already_revoked', {
        status: 409,
        detail: `This authorization was already revoked on ${current.revokedAt.toISOString()}`,
      });
    }
    const [revoked] = await tx
      .update(authorizedRepresentatives)
      .set({ revokedAt: input.now, revokedReason: input.reason })
      .where(eq(authorizedRepresentatives.id, current.id))
      .returning();
    if (!revoked) throw representativeNotFound();
    await appendEvent(tx, {
      kind: 'representative_revoked',
      actor,
      customerId: customer.id,
      after: { representativeId: revoked.id },
    });
    return revoked;
  });
}

/** Representatives move with a merge, so one found under the surviving customer acts for the merged id too. */
async function mergedInto(tx: Tx, customerId: string): Promise<string | null | undefined> {
  const [row] = await tx
    .select({ mergedIntoId: customers.mergedIntoId })
    .from(customers)
    .where(eq(customers.id, customerId));
  return row?.mergedIntoId;
}

const refusal = (code: string, detail: string) =>
  new AppError(code, { status: 422, field: 'raisedBy.representativeId', detail });

/**
 * Passes only when the representative belongs to the customer (or to one merged into it) and, at `now`,
 * is neither revoked nor expired and covers `requestType`; otherwise a 422 whose code and detail say why.
 */
export async function assertRepresentativeMayAct(
  tx: Tx,
  input: { representativeId: string; customerId: string; requestType: RequestType; now: Date },
): Promise<void> {
  // `share` makes a concurrent revocation wait for the caller's transaction, or this read wait for it.
  const [representative] = await tx
    .select()
    .from(authorizedRepresentatives)
    .where(eq(authorizedRepresentatives.id, input.representativeId))
    .for('share');
  const actsForCustomer =
    representative !== undefined &&
    (representative.customerId === input.customerId ||
      (await mergedInto(tx, input.customerId)) === representative.customerId);
  if (!representative || !actsForCustomer) {
    throw refusal(
      'representative.not_found',
      'No authorization by this customer exists for that representative',
    );
  }
  if (representative.revokedAt) {
    throw refusal(
      'representative.revoked',
      `This authorization was revoked on ${representative.revokedAt.toISOString()}`,
    );
  }
  if (representative.grantedVia === 'carta_poder' && !representative.verifiedAt) {
    throw refusal(
      'representative.unverified',
      'This carta poder acts only once a supervisor has verified it',
    );
  }
  if (representative.expiresAt && representative.expiresAt <= input.now) {
    throw refusal(
      'representative.expired',
      `This authorization expired on ${representative.expiresAt.toISOString()}`,
    );
  }
  if (representative.scope && !representative.scope.includes(input.requestType)) {
    throw refusal(
      'representative.out_of_scope',
      `This authorization covers only ${representative.scope.join(', ')}, not ${input.requestType}`,
    );
  }
}

/**
 * The authorizations a contact point (normalised) may act under at `now`: not revoked, not expired, and
 * a carta poder only once verified. One person may act for several customers (a son for both parents),
 * so it is a list, oldest first; scope is the caller's to check against the request.
 */
export async function representativesByContact(
  tx: Tx,
  contact: { kind: ContactKind; address: string },
  now: Date,
): Promise<RepresentativeRow[]> {
  const r = authorizedRepresentatives;
  return tx
    .select()
    .from(r)
    .where(
      and(
        eq(r.contactKind, contact.kind),
        eq(r.contactAddress, contact.address),
        isNull(r.revokedAt),
        or(isNull(r.expiresAt), gt(r.expiresAt, now)),
        or(ne(r.grantedVia, 'carta_poder'), isNotNull(r.verifiedAt)),
      ),
    )
    .orderBy(asc(r.createdAt), asc(r.id));
}

export const presentRepresentative = (row: RepresentativeRow, now: Date) => ({
  id: row.id,
  customerId: row.customerId,
  name: row.name,
  contact: row.contact,
  idDocument: row.idDocumentSha256
    ? { sha256: row.idDocumentSha256, filename: row.idDocumentFilename ?? row.idDocumentSha256 }
    : null,
  contactKind: row.contactKind,
  contactAddress: row.contactAddress,
  grantedVia: row.grantedVia,
  verifiedAt: row.verifiedAt?.toISOString() ?? null,
  scope: row.scope,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  revokedReason: row.revokedReason,
  /** Whether the representative may act today (within scope): neither revoked nor expired, and verified. */
  active:
    !row.revokedAt &&
    !(row.expiresAt && row.expiresAt <= now) &&
    (row.grantedVia !== 'carta_poder' || row.verifiedAt !== null),
  createdAt: row.createdAt.toISOString(),
});
