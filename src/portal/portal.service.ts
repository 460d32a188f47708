import { and, asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { decodeAttachment } from '../attachments/attachments.service.ts';
import { sha256 } from '../auth/secrets.ts';
import type { CaseDeps } from '../cases/case-context.ts';
import { addCustomerMessage, customerSpoke } from '../cases/customer-messages.ts';
import { parseFolio } from '../cases/folio.ts';
import { createCase } from '../cases/open-case.ts';
import { openCaseRow } from '../cases/open-case-row.ts';
import type { RequestType } from '../cases/request-types.ts';
import type { AppContext } from '../context.ts';
import { type ContactKind, normalizeContactAddress } from '../customers/contact-points.ts';
import { addContactPoint } from '../customers/customers.service.ts';
import { proposeRepresentedCustomer } from '../customers/representation.ts';
import {
  attachmentBlobs,
  cases,
  contactPoints,
  inboundReceipts,
  messageAttachments,
  messages,
} from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { OutageLink } from '../incidents/outage-intake.ts';
import { deadlinesOf } from '../sla/deadlines.service.ts';
import { clearThrottle, countHit, tooManyRequests } from '../throttles/throttles.service.ts';
import { assertPortalAttachments, portalAttachmentLimits } from './portal.limits.ts';
import type { PortalLookup, PortalReply, PortalRequest } from './portal.schema.ts';

/**
 * Folio lookups allowed per window: per folio (the real protection: a folio has 10^n guesses, and its
 * second factor is what is being guessed) and per client address, generous because Mexican mobile
 * carriers put thousands of customers behind one address (carrier-grade NAT).
 */
export const PORTAL_LIMITS = { windowMs: 15 * 60_000, lookupsPerFolio: 5, lookupsPerAddress: 300 } as const;

// One answer for an unknown folio and a wrong second factor, so the portal never confirms a folio exists.
const notFound = () =>
  new AppError('portal.not_found', {
    status: 404,
    detail: 'No encontramos una solicitud con ese folio y ese dato de contacto.',
  });

/**
 * Files a request from the portal: the customer is recognised by the phone or e-mail given (a new one
 * becomes a prospect). Nobody proved that contact, so one an account holder has on file opens the case on
 * a prospect of its own with the holder proposed to the agent (and to the customer, through a code). The
 * form's idempotency key, with the same contact, makes a double submit file one case.
 */
export async function fileRequest(deps: CaseDeps, input: z.infer<typeof PortalRequest>) {
  assertPortalAttachments(
    portalAttachmentLimits((await deps.settings.current(deps.db)).settings),
    input.attachments,
  );
  const contact = input.phone
    ? { kind: 'phone' as const, address: input.phone }
    : { kind: 'email' as const, address: input.email as string };
  const address = normalizeContactAddress(contact.kind, contact.address, contact.kind);
  let outage: OutageLink | undefined;
  const description = input.accountNumber
    ? `${input.description}\n\nNúmero de cuenta indicado: ${input.accountNumber}`
    : input.description;
  const created = await createCase(
    deps,
    {
      requestType: input.requestType,
      subtype: input.subtype,
      channel: 'portal',
      contact,
      customerName: input.name,
      raisedBy: { kind: 'cliente' },
      description,
      attachments: input.attachments,
    },
    null,
    {
      idempotencyKey: input.idempotencyKey,
      credential: sha256(`${contact.kind}:${address}`),
      unverifiedContact: true,
      afterOpen: async (tx, opened) => {
        outage = opened.incident;
        await proposeRepresentedCustomer(tx, opened.row, { kind: contact.kind, address }, deps.clock.now());
        // Both contact details become second factors only for a customer this very request created:
        // adding an unverified address to someone else's account would let anyone claim it.
        if (!input.phone || !input.email || !opened.customerCreated) return;
        try {
          await addContactPoint(
            tx,
            { customerId: opened.customer.id, kind: 'email', address: input.email },
            { kind: 'cliente' },
          );
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
        }
      },
    },
  );
  return {
    folio: created.folio,
    createdAt: created.createdAt,
    deadline: created.deadline,
    incident:
      outage && !outage.claimed
        ? { status: outage.status, eta: outage.eta?.toISOString() ?? null, zone: outage.zoneName }
        : null,
    duplicate: created.duplicate ?? false,
  };
}

/**
 * Counts the lookup against its folio and its address before anything is checked, each in one atomic
 * statement, so parallel guesses cannot all be evaluated before the limit is seen.
 */
async function takeLookup(deps: CaseDeps, folio: string, clientAddress: string, now: Date) {
  const byAddress = await countHit(deps.db, `portal:ip:${clientAddress}`, PORTAL_LIMITS.windowMs, now);
  if (byAddress.hits > PORTAL_LIMITS.lookupsPerAddress) throw portalThrottled(byAddress.windowEndsAt, now);
  const byFolio = await countHit(deps.db, `portal:folio:${folio}`, PORTAL_LIMITS.windowMs, now);
  if (byFolio.hits > PORTAL_LIMITS.lookupsPerFolio) throw portalThrottled(byFolio.windowEndsAt, now);
}

const portalThrottled = (until: Date, now: Date) =>
  tooManyRequests(
    'portal.rate_limited',
    until,
    now,
    'Demasiados intentos. Espere unos minutos e intente de nuevo.',
  );

/** A second factor as typed, in its stored form: an e-mail address or a phone number; undefined if neither. */
function normalizeFactor(factor: string): { kind: ContactKind; address: string } | undefined {
  const kind = factor.includes('@') ? 'email' : 'phone';
  try {
    return { kind, address: normalizeContactAddress(kind, factor) };
  } catch {
    return undefined;
  }
}

const SAME_PERSON_KINDS: Record<string, string[]> = { email: ['email'], phone: ['phone', 'whatsapp'] };

function factorMatches(factor: string, points: Array<{ kind: string; address: string }>): boolean {
  const given = normalizeFactor(factor);
  if (!given) return false;
  const kinds = SAME_PERSON_KINDS[given.kind] ?? [];
  return points.some((p) => kinds.includes(p.kind) && p.address === given.address);
}

/**
 * Opens a folio for its customer: the folio alone reveals nothing; with the phone or e-mail on file (or
 * the contact the case was filed with, proven or not) it answers the case. Attempts are limited per folio
 * and per client address.
 */
export async function authorizeFolio(
  deps: CaseDeps,
  input: z.infer<typeof PortalLookup>,
  clientAddress: string,
) {
  const { folio } = parseFolio(input.folio);
  const now = deps.clock.now();
  await takeLookup(deps, folio, clientAddress, now);
  const [kase] = await deps.db.select().from(cases).where(eq(cases.folio, folio));
  const points = kase
    ? await deps.db
        .select({ kind: contactPoints.kind, address: contactPoints.address })
        .from(contactPoints)
        .where(eq(contactPoints.customerId, kase.customerId))
    : [];
  const factors = kase?.claimedContact ? [...points, kase.claimedContact] : points;
  if (!kase || !factorMatches(input.factor, factors)) throw notFound();
  // The customer got in: earlier misses on this folio were their own typing.
  await clearThrottle(deps.db, `portal:folio:${folio}`);
  return kase;
}

/** What the customer sees of a case: status, the deadline, and the messages between them and the provider. */
export async function portalView(deps: Pick<AppContext, 'db' | 'settings'>, caseId: string, now: Date) {
  const tx = deps.db;
  const [kase] = await tx.select().from(cases).where(eq(cases.id, caseId));
  if (!kase) throw notFound();
  const rows = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.caseId, caseId), inArray(messages.kind, ['entrante', 'saliente'])))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const files = await tx
    .select({
      messageId: messageAttachments.messageId,
      filename: messageAttachments.filename,
      contentType: attachmentBlobs.contentType,
      size: attachmentBlobs.size,
    })
    .from(messageAttachments)
    .innerJoin(attachmentBlobs, eq(attachmentBlobs.sha256, messageAttachments.sha256))
    .where(
      inArray(
        messageAttachments.messageId,
        rows.length > 0 ? rows.map((m) => m.id) : ['00000000-0000-0000-0000-000000000000'],
      ),
    );
  const deadline = (await deadlinesOf(deps, tx, [caseId], now)).get(caseId)?.resolucion ?? null;
  return {
    folio: kase.folio,
    requestType: kase.requestType as RequestType,
    status: kase.status,
    channel: kase.channel,
    createdAt: kase.createdAt.toISOString(),
    deadline,
    unverified: kase.proposedCustomerId !== null,
    messages: rows.map((m) => ({
      kind: m.kind,
      body: m.body,
      at: m.createdAt.toISOString(),
      attachments: files.filter((f) => f.messageId === m.id).map(({ messageId: _, ...f }) => f),
    })),
  };
}

/**
 * The customer's reply from the portal. It joins the case (bringing a case waiting on them back to
 * work, or reopening a recently resolved one); about a closed case it opens a new one, linked.
 */
export async function replyFromPortal(
  deps: CaseDeps,
  input: z.infer<typeof PortalReply>,
  clientAddress: string,
) {
  const authorized = await authorizeFolio(deps, input, clientAddress);
  assertPortalAttachments(
    portalAttachmentLimits((await deps.settings.current(deps.db)).settings),
    input.attachments,
  );
  const decoded = input.attachments.map((a, i) => decodeAttachment(a, `attachments.${i}`));
  const now = deps.clock.now();
  const externalId = input.idempotencyKey ? `reply:${input.idempotencyKey}` : null;
  // Whoever replays the key must present the same folio and factor, or learns nothing of the first reply.
  const factor = normalizeFactor(input.factor);
  const credential = sha256(`${authorized.folio}\n${factor?.kind}:${factor?.address}`);
  const caseId = await deps.db.transaction(async (tx) => {
    if (externalId) {
      const [claimed] = await tx
        .insert(inboundReceipts)
        .values({ channel: 'portal', externalId, receivedAt: now, credential })
        .onConflictDoNothing()
        .returning();
      if (!claimed) {
        // The same reply again (a double click): answer with the case it already went to.
        const [earlier] = await tx
          .select({ caseId: messages.caseId, credential: inboundReceipts.credential })
          .from(inboundReceipts)
          .leftJoin(
            messages,
            and(eq(messages.channel, 'portal'), eq(messages.externalId, inboundReceipts.externalId)),
          )
          .where(and(eq(inboundReceipts.channel, 'portal'), eq(inboundReceipts.externalId, externalId)));
        if (earlier?.credential !== credential)
          throw new AppError('request.idempotency_conflict', {
            status: 409,
            detail: 'That idempotency key was already used with other details; make a new one',
          });
        if (!earlier.caseId)
          throw new AppError('request.in_progress', { status: 409, detail: 'The same reply is being sent' });
        return earlier.caseId;
      }
    }
    const [kase] = await tx.select().from(cases).where(eq(cases.id, authorized.id)).for('update');
    if (!kase) throw notFound();
    if (await customerSpoke(deps, tx, kase, now)) {
      await addCustomerMessage(
        deps,
        tx,
        { caseId: kase.id, channel: 'portal', body: input.body, externalId, at: now },
        decoded,
      );
      return kase.id;
    }
    const opened = await openCaseRow(deps, tx, {
      now,
      requestType: kase.requestType as RequestType,
      // A reply copies the earlier case's type, which may have been a guess; it states none of its own.
      requestTypeStated: false,
      subtype: kase.subtype,
      channel: 'portal',
      customerId: kase.customerId,
      raisedBy: 'cliente',
      representativeId: null,
      raisedByAgentId: null,
      areaId: kase.areaId,
      priority: kase.priority,
      subject: kase.subject,
      firstMessage: { body: input.body, authorAgentId: null, attachments: decoded, externalId },
      actor: { kind: 'cliente' },
      followsUpId: kase.id,
      // The follow-up is filed with the same unproven contact, so it is looked up and settled the same way.
      claimedContact: kase.claimedContact,
      proposedCustomerId: kase.proposedCustomerId,
    });
    return opened.row.id;
  });
  return portalView(deps, caseId, now);
}
