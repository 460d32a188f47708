import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { removeBlobFiles } from '../attachments/attachments.service.ts';
import { assertSystemMay, type SystemActor, systemActor } from '../auth/system-rules.ts';
import type { AppContext } from '../context.ts';
import { queryRows, type Tx } from '../db/database.ts';
import {
  accountPins,
  arcoRequests,
  attachmentBlobs,
  authorizedRepresentatives,
  cases,
  contactPoints,
  conversations,
  conversationTurns,
  csatSurveys,
  customers,
  events,
  identityChecks,
  inboundDeliveries,
  inboundReceipts,
  incidents,
  incidentUpdates,
  ledgerEntries,
  messageAttachments,
  messages,
  outboundStatuses,
  payments,
  quarantinedMessages,
  serviceOrderVisits,
  services,
  throttles,
} from '../db/schema.ts';
import { appendEvent, type EventActor, eraseNotes } from '../events/events.service.ts';
import { privacySettings } from './arco-settings.ts';

/**
 * Erasing one person (an ARCO cancellation). What identifies or describes them goes: name, contact points,
 * service addresses, the words of their cases (subjects, messages, notes, attachments), raw deliveries and
 * quarantined messages from their addresses, menu conversations, representatives, identity checks, PIN,
 * texts naming them elsewhere (incidents, queued jobs). What statistics need stays: the case rows (type,
 * subtype, channel, area, status, dates, deadlines), the events (ids and codes only) and the ledger's amounts.
 *
 * What billing law requires (CFF art. 30: the account number, the fiscal name, payment references and
 * receipts) is kept until `retain_until`, when the daily job anonymises it too. A prospect (no account
 * number) has nothing to keep and is erased at once.
 */

/** What replaces a person's words in a column that cannot be empty. */
export const ERASED_TEXT = '';

/** The daily job that anonymises what billing kept once its retention ended. */
export const RETENTION_JOB = 'privacy-retention';
export const RETENTION_CRON = '30 3 * * *';

type Deps = Pick<AppContext, 'clock' | 'settings'>;

/**
 * Every form an address takes in raw payloads: as stored, without the `+`, with Mexico's old mobile `1`
 * (Meta still sends `521…`), and the national ten digits.
 */
export function addressVariants(kind: string, address: string): string[] {
  const out = new Set<string>([address]);
  if (kind === 'email') out.add(address.toLowerCase());
  if (address.startsWith('+')) {
    const digits = address.slice(1);
    out.add(digits);
    if (digits.startsWith('52') && !digits.startsWith('521')) {
      out.add(`521${digits.slice(2)}`);
      out.add(`+521${digits.slice(2)}`);
    }
    if (digits.length >= 10) out.add(digits.slice(-10));
  }
  return [...out].filter((v) => v.length >= 6);
}

interface PersonTraces {
  customerIds: string[];
  caseIds: string[];
  messageIds: string[];
  /** Strings that identify the person wherever they are copied: addresses, name, account number. */
  needles: string[];
  addresses: string[];
}

async function tracesOf(tx: Tx, customerId: string): Promise<PersonTraces> {
  // Records merged into this one were the same person.
  const people = await tx
    .select({ id: customers.id, name: customers.name, accountNumber: customers.accountNumber })
    .from(customers)
    .where(or(eq(customers.id, customerId), eq(customers.mergedIntoId, customerId)));
  const customerIds = people.map((p) => p.id);
  const points = await tx
    .select({ kind: contactPoints.kind, address: contactPoints.address })
    .from(contactPoints)
    .where(inArray(contactPoints.customerId, customerIds));
  const representatives = await tx
    .select({
      name: authorizedRepresentatives.name,
      contact: authorizedRepresentatives.contact,
      kind: authorizedRepresentatives.contactKind,
      address: authorizedRepresentatives.contactAddress,
    })
    .from(authorizedRepresentatives)
    .where(inArray(authorizedRepresentatives.customerId, customerIds));
  const caseRows = await tx
    .select({ id: cases.id, claimed: cases.claimedContact })
    .from(cases)
    .where(or(inArray(cases.customerId, customerIds), inArray(cases.proposedCustomerId, customerIds)));
  const caseIds = caseRows.map((c) => c.id);
  const messageRows =
    caseIds.length === 0
      ? []
      : await tx.select({ id: messages.id }).from(messages).where(inArray(messages.caseId, caseIds));
  const addresses = [
    ...points.flatMap((p) => addressVariants(p.kind, p.address)),
    ...representatives.flatMap((r) => (r.address ? addressVariants(r.kind ?? '', r.address) : [])),
    ...caseRows.flatMap((c) => (c.claimed ? addressVariants(c.claimed.kind, c.claimed.address) : [])),
  ];
  const words = [
    ...people.flatMap((p) => [p.name, p.accountNumber]),
    ...representatives.flatMap((r) => [r.name, r.contact]),
  ].filter((w): w is string => typeof w === 'string' && w.trim().length >= 4);
  const needles = [...new Set([...addresses, ...words])].filter(
    // A value with a quote or backslash would be escaped in JSON text and never match it there.
    (n) => !/["\\]/.test(n),
  );
  return {
    customerIds,
    caseIds,
    messageIds: messageRows.map((m) => m.id),
    needles,
    addresses: [...new Set(addresses)],
  };
}

/** Replaces every needle in a text column (incident texts, job payloads) with nothing identifying. */
const scrubText = (column: ReturnType<typeof sql>, needles: string[]) =>
  needles.reduce((expr, needle) => sql`replace(${expr}, ${needle}, '[dato eliminado]')`, column);

const containsAny = (column: ReturnType<typeof sql>, needles: string[]) =>
  sql.join(
    needles.map((n) => sql`strpos(${column}, ${n}) > 0`),
    sql` or `,
  );

const bytesContainAny = (column: ReturnType<typeof sql>, needles: string[]) =>
  sql.join(
    needles.map((n) => sql`position(convert_to(${n}, 'UTF8') in ${column}) > 0`),
    sql` or `,
  );

export interface AnonymiseOutcome {
  /** Attachment contents no longer referenced: their files (PGlite's data folder) go after the commit. */
  removedBlobs: string[];
  /** Whether billing records were kept until `retain_until`. */
  retained: boolean;
}

/**
 * Erases the person's data in the caller's transaction, keeping the billing records when the customer has
 * an account (see above). Safe to run again: what is erased stays erased.
 */
export async function anonymiseCustomer(
  deps: Deps,
  tx: Tx,
  customerId: string,
  actor: EventActor,
  context: { caseId?: string; arcoRequestId?: string } = {},
): Promise<AnonymiseOutcome> {
  const now = deps.clock.now();
  const [customer] = await tx.select().from(customers).where(eq(customers.id, customerId)).for('update');
  if (!customer) return { removedBlobs: [], retained: false };
  const retained = customer.accountNumber !== null;
  const t = await tracesOf(tx, customerId);
  const { customerIds, caseIds, messageIds, needles } = t;

  await tx
    .update(customers)
    .set(
      retained
        ? { anonymisedAt: now, updatedAt: now }
        : { name: null, accountNumber: null, anonymisedAt: now, updatedAt: now },
    )
    .where(inArray(customers.id, customerIds));
  await tx.delete(contactPoints).where(inArray(contactPoints.customerId, customerIds));
  await tx.delete(accountPins).where(inArray(accountPins.customerId, customerIds));
  await tx.delete(identityChecks).where(inArray(identityChecks.customerId, customerIds));
  await tx
    .update(services)
    .set({ installAddress: null, updatedAt: now })
    .where(inArray(services.customerId, customerIds));
  const representatives = await tx
    .update(authorizedRepresentatives)
    .set({
      name: ERASED_TEXT,
      contact: ERASED_TEXT,
      contactKind: null,
      contactAddress: null,
      idDocumentSha256: null,
      idDocumentFilename: null,
      revokedAt: sql`coalesce(${authorizedRepresentatives.revokedAt}, ${now})`,
    })
    .where(inArray(authorizedRepresentatives.customerId, customerIds))
    .returning({ id: authorizedRepresentatives.id });

  if (caseIds.length > 0) {
    await tx
      .update(cases)
      .set({ subject: ERASED_TEXT, claimedContact: null })
      .where(inArray(cases.customerId, customerIds));
    // A prospect's case that proposed this person as its holder carried their address as the claim.
    await tx
      .update(cases)
      .set({ claimedContact: null, proposedCustomerId: null })
      .where(inArray(cases.proposedCustomerId, customerIds));
  }
  const removedBlobs: string[] = [];
  if (messageIds.length > 0) {
    const sent = await tx
      .update(messages)
      .set({ body: ERASED_TEXT, metadata: null, deliveryError: null })
      .where(inArray(messages.id, messageIds))
      .returning({ channel: messages.channel, externalId: messages.externalId });
    const externalIds = sent.flatMap((m) => (m.externalId ? [m.externalId] : []));
    if (externalIds.length > 0)
      await tx.delete(outboundStatuses).where(inArray(outboundStatuses.externalId, externalIds));
    const attached = await tx
      .delete(messageAttachments)
      .where(inArray(messageAttachments.messageId, messageIds))
      .returning({ sha256: messageAttachments.sha256 });
    removedBlobs.push(
      ...(await dropUnreferencedBlobs(
        tx,
        attached.map((a) => a.sha256),
      )),
    );
  }
  const noteRows = await tx
    .select({ noteId: events.noteId })
    .from(events)
    .where(
      and(
        sql`${events.noteId} is not null`,
        caseIds.length > 0
          ? or(inArray(events.caseId, caseIds), inArray(events.customerId, customerIds))
          : inArray(events.customerId, customerIds),
      ),
    );
  await eraseNotes(
    tx,
    noteRows.flatMap((r) => (r.noteId ? [r.noteId] : [])),
    now,
  );

  const turnsOf = await tx
    .update(conversations)
    .set({
      contactAddress: sql`'erased:' || ${conversations.id}::text`,
      state: {},
      closedAt: sql`coalesce(${conversations.closedAt}, ${now})`,
      closeReason: sql`coalesce(${conversations.closeReason}, 'completada')`,
    })
    .where(
      t.addresses.length > 0
        ? or(
            inArray(conversations.customerId, customerIds),
            inArray(conversations.contactAddress, t.addresses),
          )
        : inArray(conversations.customerId, customerIds),
    )
    .returning({ id: conversations.id });
  if (turnsOf.length > 0)
    await tx
      .update(conversationTurns)
      .set({ body: ERASED_TEXT, payload: null, deliveryError: null })
      .where(
        inArray(
          conversationTurns.conversationId,
          turnsOf.map((c) => c.id),
        ),
      );
  await tx
    .update(arcoRequests)
    .set({ details: null, updatedAt: now })
    .where(inArray(arcoRequests.customerId, customerIds));
  // An erased person's open survey link must not take new words or show the folio.
  await tx
    .update(csatSurveys)
    .set({
      comment: null,
      status: sql`case when ${csatSurveys.status} = 'enviada' then 'expirada' else ${csatSurveys.status} end`,
    })
    .where(inArray(csatSurveys.customerId, customerIds));

  if (t.addresses.length > 0) {
    // Raw bytes as they arrived: a processed delivery has nothing left to replay; a pending one is kept.
    await tx.delete(quarantinedMessages).where(bytesContainAny(sql`${quarantinedMessages.raw}`, t.addresses));
    await tx
      .delete(inboundDeliveries)
      .where(
        and(
          sql`${inboundDeliveries.processedAt} is not null`,
          bytesContainAny(sql`${inboundDeliveries.body}`, t.addresses),
        ),
      );
    await tx.delete(throttles).where(containsAny(sql`${throttles.key}`, t.addresses));
    await tx.delete(inboundReceipts).where(containsAny(sql`${inboundReceipts.externalId}`, t.addresses));
  }
  // Name and account number stay in billing's records meanwhile, never in free texts or queued jobs.
  await scrubShared(tx, needles);

  await appendEvent(
    tx,
    {
      kind: 'customer_anonymised',
      actor,
      subject: { kind: 'customer', id: customerId },
      customerId,
      ...(context.caseId ? { caseId: context.caseId } : {}),
      after: {
        arcoRequestId: context.arcoRequestId ?? null,
        cases: caseIds.length,
        messages: messageIds.length,
        representatives: representatives.length,
        retained,
      },
    },
    now,
  );
  return { removedBlobs, retained };
}

/** Texts shared with others that may name the person: incident texts and queued jobs' payloads. */
async function scrubShared(tx: Tx, needles: string[]) {
  if (needles.length === 0) return;
  await tx
    .update(incidents)
    .set({ publicText: scrubText(sql`${incidents.publicText}`, needles) })
    .where(containsAny(sql`${incidents.publicText}`, needles));
  await tx
    .update(incidentUpdates)
    .set({ publicText: scrubText(sql`${incidentUpdates.publicText}`, needles) })
    .where(containsAny(sql`${incidentUpdates.publicText}`, needles));
  // pg-boss keeps each job's payload (a notice's text, an address to send a code to) until it is purged.
  await tx.execute(
    sql`update pgboss.job set data = (${scrubText(sql`data::text`, needles)})::jsonb
      where ${containsAny(sql`data::text`, needles)}`,
  );
}

/** Deletes the blob rows of the given contents that nothing references any more; returns their hashes. */
async function dropUnreferencedBlobs(tx: Tx, shas: string[]): Promise<string[]> {
  const candidates = [...new Set(shas)];
  if (candidates.length === 0) return [];
  const rows = await queryRows<{ sha256: string }>(
    tx,
    sql`delete from ${attachmentBlobs} b
      where b.sha256 in (${sql.join(
        candidates.map((s) => sql`${s}`),
        sql`, `,
      )})
        and not exists (select 1 from ${messageAttachments} m where m.sha256 = b.sha256)
        and not exists (select 1 from ${authorizedRepresentatives} r where r.id_document_sha256 = b.sha256)
        and not exists (select 1 from ${payments} p where p.receipt_sha256 = b.sha256)
        and not exists (select 1 from ${serviceOrderVisits} v where v.photo_sha256 = b.sha256)
      returning b.sha256`,
  );
  return rows.map((r) => r.sha256);
}

/**
 * Anonymises what billing kept of one erased customer: the account number becomes a random key (not
 * derived from the old one), the fiscal name goes, and so do the services' billing keys and payment
 * references and receipts, and the ledger entries' references and notes. The ledger's amounts stay.
 */
export async function anonymiseRetained(
  deps: Deps,
  tx: Tx,
  arcoRequestId: string,
  actor: SystemActor,
): Promise<{ removedBlobs: string[] }> {
  assertSystemMay(actor, { kind: 'customer.anonymise' });
  const now = deps.clock.now();
  const [request] = await tx
    .select()
    .from(arcoRequests)
    .where(and(eq(arcoRequests.id, arcoRequestId), isNull(arcoRequests.retentionAnonymisedAt)))
    .for('update');
  if (!request) return { removedBlobs: [] };
  const people = await tx
    .select({ id: customers.id, name: customers.name, accountNumber: customers.accountNumber })
    .from(customers)
    .where(or(eq(customers.id, request.customerId), eq(customers.mergedIntoId, request.customerId)));
  const customerIds = people.map((p) => p.id);
  const needles = people
    .flatMap((p) => [p.name, p.accountNumber])
    .filter((w): w is string => typeof w === 'string' && w.trim().length >= 4 && !/["\\]/.test(w));
  for (const person of people) {
    await tx
      .update(customers)
      .set({
        name: null,
        accountNumber: person.accountNumber === null ? null : `anon-${randomUUID()}`,
        anonymisedAt: sql`coalesce(${customers.anonymisedAt}, ${now})`,
        updatedAt: now,
      })
      .where(eq(customers.id, person.id));
  }
  const serviceRows = await tx
    .select({ id: services.id })
    .from(services)
    .where(inArray(services.customerId, customerIds));
  // The billing system's key is often the account number itself.
  await tx
    .update(services)
    .set({
      externalRef: sql`case when ${services.externalRef} is null then null else 'anon-' || gen_random_uuid()::text end`,
    })
    .where(inArray(services.customerId, customerIds));
  let removedBlobs: string[] = [];
  if (serviceRows.length > 0) {
    const detached = await tx
      .select({ sha256: payments.receiptSha256 })
      .from(payments)
      .where(
        inArray(
          payments.serviceId,
          serviceRows.map((s) => s.id),
        ),
      );
    await tx
      .update(payments)
      .set({ reference: null, receiptSha256: null })
      .where(
        inArray(
          payments.serviceId,
          serviceRows.map((s) => s.id),
        ),
      );
    removedBlobs = await dropUnreferencedBlobs(
      tx,
      detached.flatMap((d) => (d.sha256 ? [d.sha256] : [])),
    );
    // The ledger's trigger lets exactly this through: its words go, its money stays.
    await tx
      .update(ledgerEntries)
      .set({ reference: null, note: null })
      .where(
        and(
          inArray(
            ledgerEntries.serviceId,
            serviceRows.map((s) => s.id),
          ),
          or(isNotNull(ledgerEntries.reference), isNotNull(ledgerEntries.note)),
        ),
      );
  }
  await scrubShared(tx, needles);
  await tx
    .update(arcoRequests)
    .set({ retentionAnonymisedAt: now, updatedAt: now })
    .where(eq(arcoRequests.id, request.id));
  await appendEvent(
    tx,
    {
      kind: 'customer_retention_anonymised',
      actor,
      subject: { kind: 'arco_request', id: request.id },
      customerId: request.customerId,
      caseId: request.caseId,
      after: { arcoRequestId: request.id },
    },
    now,
  );
  return { removedBlobs };
}

/** The erased customers whose retention ended by `now`, oldest first. */
export async function retentionDue(tx: Tx, now: Date, limit = 100): Promise<string[]> {
  const rows = await tx
    .select({ id: arcoRequests.id })
    .from(arcoRequests)
    .where(and(lte(arcoRequests.retainUntil, now), isNull(arcoRequests.retentionAnonymisedAt)))
    .orderBy(arcoRequests.retainUntil)
    .limit(limit);
  return rows.map((r) => r.id);
}

/** The retention's end for billing records kept at `now`, in whole years from the settings. */
export async function retentionEnd(deps: Deps, tx: Tx, now: Date): Promise<Date> {
  const { settings } = await deps.settings.current(tx);
  const end = new Date(now.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + privacySettings(settings).retention.billingYears);
  return end;
}

export const retentionActor = () => systemActor('anonimizacion_por_retencion');

/**
 * The daily job: anonymises what billing kept of each erased customer whose retention ended, one
 * transaction each, then removes the contents nothing references any more.
 */
export async function runRetention(ctx: Pick<AppContext, 'db' | 'database' | 'clock' | 'settings'>) {
  const due = await retentionDue(ctx.db, ctx.clock.now());
  for (const id of due) {
    const { removedBlobs } = await ctx.db.transaction((tx) =>
      anonymiseRetained(ctx, tx, id, retentionActor()),
    );
    await removeBlobFiles(ctx.database, removedBlobs);
  }
  return due.length;
}
