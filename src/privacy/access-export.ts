import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { z } from 'zod';
import { formatMxn } from '../accounts/money.ts';
import type { CaseDeps } from '../cases/case-context.ts';
import { customerNotFound } from '../customers/customers.service.ts';
import type { Tx } from '../db/database.ts';
import {
  arcoRequests,
  attachmentBlobs,
  authorizedRepresentatives,
  breachNoticeRecipients,
  breachNotices,
  cancellations,
  cases,
  compensations,
  consents,
  contactPoints,
  conversations,
  conversationTurns,
  csatSurveys,
  customers,
  deadlines,
  identityChecks,
  incidentNotices,
  incidents,
  incidentUpdates,
  ledgerEntries,
  messageAttachments,
  messages,
  paymentPromises,
  payments,
  plans,
  serviceSuspensions,
  services,
  zones,
} from '../db/schema.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { PortalLookup } from '../portal/portal.schema.ts';
import { authorizeFolio } from '../portal/portal.service.ts';

/** Where the published JSON Schema of the export is served, under the API's prefix. */
export const ACCESS_EXPORT_SCHEMA_PATH = '/api/v1/schemas/access-export.json';

export interface Money {
  centavos: number;
  formatted: string;
}

const money = (centavos: number): Money => ({ centavos, formatted: formatMxn(centavos) });
const iso = (at: Date | null) => (at ? at.toISOString() : null);
/** An `in` over ids that may be none: drizzle refuses an empty list, and no row has the nil uuid. */
const some = (ids: string[]) => (ids.length > 0 ? ids : ['00000000-0000-0000-0000-000000000000']);

/**
 * The messages the person and the provider exchanged on these cases, oldest first, with their files.
 * Internal notes (`nota_interna`) are the provider's working notes between agents, not data the person
 * gave or was sent: the access export and the evidence for a dispute leave them out, as the portal does.
 */
export async function exchangedMessages(db: Tx, caseIds: string[]) {
  const messageRows = await db
    .select()
    .from(messages)
    .where(and(inArray(messages.caseId, some(caseIds)), inArray(messages.kind, ['entrante', 'saliente'])))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const files = await db
    .select({
      messageId: messageAttachments.messageId,
      position: messageAttachments.position,
      filename: messageAttachments.filename,
      sha256: messageAttachments.sha256,
      contentType: attachmentBlobs.contentType,
      size: attachmentBlobs.size,
    })
    .from(messageAttachments)
    .innerJoin(attachmentBlobs, eq(attachmentBlobs.sha256, messageAttachments.sha256))
    .where(inArray(messageAttachments.messageId, some(messageRows.map((m) => m.id))))
    .orderBy(asc(messageAttachments.messageId), asc(messageAttachments.position));
  return { messageRows, files };
}

/**
 * Everything Atiende holds about one person, as the ARCO right of access gives it to them: the shape the
 * published schema (`access-export.schema.json`) describes. Ids of other people and the provider's own
 * work (agents, internal notes, rules' inputs) stay out.
 */
export type AccessExport = Awaited<ReturnType<typeof buildAccessExport>>;

/**
 * The access export of a customer (a merged id gives the record it was merged into, with the merged
 * records listed). Reads only rows tied to this person's customer records, so nothing of another
 * customer is ever in it; a case that mentions someone else is still this person's case.
 */
export async function buildAccessExport(
  db: Tx,
  customerId: string,
  now: Date,
  options: { schemaUrl?: string } = {},
) {
  const [first] = await db.select().from(customers).where(eq(customers.id, customerId));
  const [customer] = first?.mergedIntoId
    ? await db.select().from(customers).where(eq(customers.id, first.mergedIntoId))
    : [first];
  if (!customer || customer.mergedIntoId) throw customerNotFound();
  const merged = await db
    .select()
    .from(customers)
    .where(eq(customers.mergedIntoId, customer.id))
    .orderBy(asc(customers.createdAt), asc(customers.id));
  const ids = [customer.id, ...merged.map((m) => m.id)];

  const points = await db
    .select()
    .from(contactPoints)
    .where(inArray(contactPoints.customerId, ids))
    .orderBy(asc(contactPoints.createdAt), asc(contactPoints.id));

  // Cases claimed for this person by an unproven contact (`proposed_customer_id`) are not theirs until
  // confirmed: they stay with the prospect that filed them.
  const caseRows = await db
    .select()
    .from(cases)
    .where(inArray(cases.customerId, ids))
    .orderBy(asc(cases.createdAt), asc(cases.id));
  const caseIds = caseRows.map((c) => c.id);
  const folioOf = new Map(caseRows.map((c) => [c.id, c.folio]));
  const folio = (caseId: string | null) => (caseId ? (folioOf.get(caseId) ?? null) : null);

  const { messageRows, files } = await exchangedMessages(db, caseIds);

  const arcoRows = await db
    .select()
    .from(arcoRequests)
    .where(inArray(arcoRequests.customerId, ids))
    .orderBy(asc(arcoRequests.createdAt), asc(arcoRequests.id));
  const clockRows = await db
    .select()
    .from(deadlines)
    .where(
      or(
        and(eq(deadlines.subjectKind, 'case'), inArray(deadlines.subjectId, some(caseIds))),
        and(
          eq(deadlines.subjectKind, 'arco_request'),
          inArray(deadlines.subjectId, some(arcoRows.map((a) => a.id))),
        ),
      ),
    )
    .orderBy(asc(deadlines.startedAt), asc(deadlines.id));
  const presentDeadline = (d: typeof deadlines.$inferSelect) => ({
    kind: d.kind,
    startedAt: d.startedAt.toISOString(),
    dueAt: d.dueAt.toISOString(),
    metAt: iso(d.metAt),
    cancelledAt: iso(d.cancelledAt),
  });

  const serviceRows = await db
    .select({ service: services, planName: plans.name, planCode: plans.code, zoneName: zones.name })
    .from(services)
    .leftJoin(plans, eq(plans.id, services.planId))
    .leftJoin(zones, eq(zones.id, services.zoneId))
    .where(inArray(services.customerId, ids))
    .orderBy(asc(services.createdAt), asc(services.id));
  const serviceIds = some(serviceRows.map((s) => s.service.id));
  const [ledger, paymentRows, promiseRows, compensationRows, cancellationRows, suspensionRows] =
    await Promise.all([
      db
        .select()
        .from(ledgerEntries)
        .where(inArray(ledgerEntries.serviceId, serviceIds))
        .orderBy(asc(ledgerEntries.effectiveDate), asc(ledgerEntries.id)),
      db
        .select()
        .from(payments)
        .where(inArray(payments.serviceId, serviceIds))
        .orderBy(asc(payments.createdAt), asc(payments.id)),
      db
        .select()
        .from(paymentPromises)
        .where(inArray(paymentPromises.serviceId, serviceIds))
        .orderBy(asc(paymentPromises.createdAt), asc(paymentPromises.id)),
      db
        .select()
        .from(compensations)
        .where(inArray(compensations.serviceId, serviceIds))
        .orderBy(asc(compensations.createdAt), asc(compensations.id)),
      db
        .select()
        .from(cancellations)
        .where(inArray(cancellations.serviceId, serviceIds))
        .orderBy(asc(cancellations.createdAt), asc(cancellations.id)),
      db
        .select()
        .from(serviceSuspensions)
        .where(inArray(serviceSuspensions.serviceId, serviceIds))
        .orderBy(asc(serviceSuspensions.startedAt), asc(serviceSuspensions.id)),
    ]);

  const consentRows = await db
    .select()
    .from(consents)
    .where(inArray(consents.customerId, ids))
    .orderBy(asc(consents.recordedAt), asc(consents.id));

  const surveyRows = await db
    .select()
    .from(csatSurveys)
    .where(inArray(csatSurveys.customerId, ids))
    .orderBy(asc(csatSurveys.sentAt), asc(csatSurveys.id));

  const named = await db
    .select()
    .from(authorizedRepresentatives)
    .where(inArray(authorizedRepresentatives.customerId, ids))
    .orderBy(asc(authorizedRepresentatives.createdAt), asc(authorizedRepresentatives.id));
  // Authorizations in which this person's own contact point acts for someone else: the record is about
  // them as a representative, so it is theirs to see, but whom they represent (that customer's id, name,
  // cases) is the other person's data and stays out.
  const actingFor =
    points.length === 0
      ? []
      : await db
          .select()
          .from(authorizedRepresentatives)
          .where(
            or(
              ...points.map((p) =>
                and(
                  eq(authorizedRepresentatives.contactKind, p.kind),
                  eq(authorizedRepresentatives.contactAddress, p.address),
                ),
              ),
            ),
          )
          .orderBy(asc(authorizedRepresentatives.createdAt), asc(authorizedRepresentatives.id));

  const checks = await db
    .select()
    .from(identityChecks)
    .where(inArray(identityChecks.customerId, ids))
    .orderBy(asc(identityChecks.checkedAt), asc(identityChecks.id));

  const conversationRows = await db
    .select()
    .from(conversations)
    .where(inArray(conversations.customerId, ids))
    .orderBy(asc(conversations.startedAt), asc(conversations.id));
  const turns = await db
    .select()
    .from(conversationTurns)
    .where(inArray(conversationTurns.conversationId, some(conversationRows.map((c) => c.id))))
    .orderBy(asc(conversationTurns.createdAt), asc(conversationTurns.id));

  const outageNotices = await db
    .select({
      incidentNumber: incidents.number,
      status: incidentUpdates.status,
      publicText: incidentUpdates.publicText,
      eta: incidentUpdates.eta,
      caseId: incidentNotices.caseId,
      channel: incidentNotices.channel,
      at: incidentNotices.createdAt,
    })
    .from(incidentNotices)
    .innerJoin(incidentUpdates, eq(incidentUpdates.id, incidentNotices.updateId))
    .innerJoin(incidents, eq(incidents.id, incidentUpdates.incidentId))
    .where(inArray(incidentNotices.customerId, ids))
    .orderBy(asc(incidentNotices.createdAt));
  const breaches = await db
    .select({
      title: breachNotices.title,
      body: breachNotices.body,
      caseId: breachNoticeRecipients.caseId,
      channel: breachNoticeRecipients.channel,
      at: breachNoticeRecipients.createdAt,
    })
    .from(breachNoticeRecipients)
    .innerJoin(breachNotices, eq(breachNotices.id, breachNoticeRecipients.breachNoticeId))
    .where(inArray(breachNoticeRecipients.customerId, ids))
    .orderBy(asc(breachNoticeRecipients.createdAt));

  const presentRepresentative = (r: typeof authorizedRepresentatives.$inferSelect) => ({
    name: r.name,
    contact: r.contact,
    contactKind: r.contactKind,
    contactAddress: r.contactAddress,
    scope: r.scope,
    grantedVia: r.grantedVia,
    idDocument: r.idDocumentSha256
      ? { filename: r.idDocumentFilename ?? '', sha256: r.idDocumentSha256 }
      : null,
    expiresAt: iso(r.expiresAt),
    revokedAt: iso(r.revokedAt),
    verifiedAt: iso(r.verifiedAt),
    createdAt: r.createdAt.toISOString(),
  });

  return {
    $schema: options.schemaUrl ?? ACCESS_EXPORT_SCHEMA_PATH,
    generatedAt: now.toISOString(),
    language: customer.language ?? 'es',
    customer: {
      id: customer.id,
      accountNumber: customer.accountNumber,
      name: customer.name,
      language: customer.language,
      createdAt: customer.createdAt.toISOString(),
      mergedRecords: merged.map((m) => ({
        id: m.id,
        accountNumber: m.accountNumber,
        name: m.name,
        createdAt: m.createdAt.toISOString(),
      })),
    },
    contactPoints: points.map((p) => ({
      kind: p.kind,
      address: p.address,
      createdAt: p.createdAt.toISOString(),
    })),
    services: serviceRows.map(({ service: s, planName, planCode, zoneName }) => {
      const entries = ledger.filter((e) => e.serviceId === s.id);
      return {
        id: s.id,
        externalRef: s.externalRef,
        plan: planCode ? { code: planCode, name: planName ?? planCode } : null,
        zone: zoneName,
        installAddress: s.installAddress,
        status: s.status,
        suspensionReason: s.suspensionReason,
        billingDay: s.billingDay,
        cutoffDay: s.cutoffDay,
        startDate: s.startDate,
        contractSignedOn: s.contractSignedOn,
        installedAt: iso(s.installedAt),
        createdAt: s.createdAt.toISOString(),
        balance: money(entries.reduce((sum, e) => sum + e.amountCentavos, 0)),
        ledger: entries.map((e) => ({
          id: e.id,
          kind: e.kind,
          amount: money(e.amountCentavos),
          effectiveDate: e.effectiveDate,
          reference: e.reference,
          caseFolio: folio(e.caseId),
          correctsId: e.correctsId,
          note: e.note,
          createdAt: e.createdAt.toISOString(),
        })),
        payments: paymentRows
          .filter((p) => p.serviceId === s.id)
          .map((p) => ({
            amount: money(p.amountCentavos),
            paidOn: p.paidOn,
            method: p.method,
            reference: p.reference,
            status: p.status,
            caseFolio: folio(p.caseId),
            createdAt: p.createdAt.toISOString(),
            confirmedAt: iso(p.confirmedAt),
          })),
        promises: promiseRows
          .filter((p) => p.serviceId === s.id)
          .map((p) => ({
            amount: money(p.amountCentavos),
            promisedFor: p.promisedFor,
            status: p.status,
            caseFolio: folio(p.caseId),
            createdAt: p.createdAt.toISOString(),
            closedAt: iso(p.closedAt),
          })),
        compensations: compensationRows
          .filter((c) => c.serviceId === s.id)
          .map((c) => ({
            kind: c.kind,
            status: c.status,
            caseFolio: folio(c.caseId),
            computed: money(c.computedCentavos),
            applied: c.appliedCentavos === null ? null : money(c.appliedCentavos),
            explanation: c.explanation,
            effectiveDate: c.effectiveDate,
            refundedAt: iso(c.refundedAt),
            createdAt: c.createdAt.toISOString(),
          })),
        cancellations: cancellationRows
          .filter((c) => c.serviceId === s.id)
          .map((c) => ({
            caseFolio: folio(c.caseId),
            scope: c.scope,
            status: c.status,
            requestedAt: c.requestedAt.toISOString(),
            effectiveDate: c.effectiveDate,
            withdrawnAt: iso(c.withdrawnAt),
            effectedAt: iso(c.effectedAt),
            equipment: c.equipment,
          })),
        suspensions: suspensionRows
          .filter((x) => x.serviceId === s.id)
          .map((x) => ({
            reason: x.reason,
            caseFolio: folio(x.caseId),
            startedAt: x.startedAt.toISOString(),
            reactivateOn: x.reactivateOn,
            endedAt: iso(x.endedAt),
          })),
      };
    }),
    cases: caseRows.map((c) => ({
      folio: c.folio,
      requestType: c.requestType,
      subtype: c.subtype,
      channel: c.channel,
      status: c.status,
      priority: c.priority,
      subject: c.subject,
      raisedBy: c.raisedBy,
      createdAt: c.createdAt.toISOString(),
      resolvedAt: iso(c.resolvedAt),
      closedAt: iso(c.closedAt),
      deadlines: clockRows
        .filter((d) => d.subjectKind === 'case' && d.subjectId === c.id)
        .map(presentDeadline),
      messages: messageRows
        .filter((m) => m.caseId === c.id)
        .map((m) => ({
          id: m.id,
          kind: m.kind as 'entrante' | 'saliente',
          channel: m.channel,
          body: m.body,
          createdAt: m.createdAt.toISOString(),
          attachments: files.filter((f) => f.messageId === m.id).map((f) => f.filename),
        })),
    })),
    attachments: files.map((f) => {
      const message = messageRows.find((m) => m.id === f.messageId);
      return {
        filename: f.filename,
        contentType: f.contentType,
        size: f.size,
        sha256: f.sha256,
        messageId: f.messageId,
        caseFolio: folio(message?.caseId ?? null),
      };
    }),
    consents: consentRows.map((c) => ({
      purpose: c.purpose,
      granted: c.granted,
      channel: c.channel,
      textVersion: c.textVersion,
      recordedAt: c.recordedAt.toISOString(),
    })),
    surveys: surveyRows.map((v) => ({
      caseFolio: folio(v.caseId),
      channel: v.channel,
      status: v.status,
      score: v.score,
      comment: v.comment,
      sentAt: v.sentAt.toISOString(),
      answeredAt: v.answeredAt?.toISOString() ?? null,
    })),
    representatives: {
      named: named.map(presentRepresentative),
      // Their own authorizations are already listed as the ones they gave.
      actingFor: actingFor.filter((r) => !ids.includes(r.customerId)).map(presentRepresentative),
    },
    arcoRequests: arcoRows.map((a) => ({
      caseFolio: folio(a.caseId),
      subtype: a.subtype,
      status: a.status,
      details: (a.details ?? null) as unknown,
      refusalReason: a.refusalReason,
      identityVerifiedAt: iso(a.identityVerifiedAt),
      answeredAt: iso(a.answeredAt),
      executedAt: iso(a.executedAt),
      createdAt: a.createdAt.toISOString(),
      deadlines: clockRows
        .filter((d) => d.subjectKind === 'arco_request' && d.subjectId === a.id)
        .map(presentDeadline),
    })),
    identityChecks: checks.map((i) => ({
      method: i.method,
      caseFolio: folio(i.caseId),
      checkedAt: i.checkedAt.toISOString(),
    })),
    conversations: conversationRows.map((c) => ({
      channel: c.channel,
      contactAddress: c.contactAddress,
      language: c.language,
      startedAt: c.startedAt.toISOString(),
      lastActivityAt: c.lastActivityAt.toISOString(),
      closedAt: iso(c.closedAt),
      closeReason: c.closeReason,
      caseFolio: folio(c.caseId),
      turns: turns
        .filter((t) => t.conversationId === c.id)
        .map((t) => ({ kind: t.kind, body: t.body, createdAt: t.createdAt.toISOString() })),
    })),
    notices: {
      incidents: outageNotices.map((n) => ({
        incidentNumber: n.incidentNumber,
        status: n.status,
        text: n.publicText,
        eta: iso(n.eta),
        caseFolio: folio(n.caseId),
        channel: n.channel,
        sentAt: n.at.toISOString(),
      })),
      breaches: breaches.map((b) => ({
        title: b.title,
        body: b.body,
        caseFolio: folio(b.caseId),
        channel: b.channel,
        sentAt: b.at.toISOString(),
      })),
    },
  };
}

export const ACCESS_EXPORT_FORMATS = ['json', 'pdf'] as const;
export type AccessExportFormat = (typeof ACCESS_EXPORT_FORMATS)[number];

// The portal's one answer for anything the credentials do not open, so no request's existence leaks.
const notAvailable = () =>
  new AppError('portal.not_found', {
    status: 404,
    detail: 'No encontramos una solicitud con ese folio y ese dato de contacto.',
  });

/**
 * The executed access request a portal visitor may download, found from the folio of its `arco` case and
 * the phone or e-mail on file (the portal's credentials, limited as every folio lookup is). A case filed
 * with a contact nobody proved, a request of another right, or one not yet carried out answers 404, as a
 * wrong folio does.
 */
export async function authorizeAccessDownload(
  deps: CaseDeps,
  input: z.infer<typeof PortalLookup>,
  clientAddress: string,
) {
  const kase = await authorizeFolio(deps, input, clientAddress);
  if (kase.proposedCustomerId !== null) throw notAvailable();
  const [request] = await deps.db
    .select({ id: arcoRequests.id, customerId: arcoRequests.customerId })
    .from(arcoRequests)
    .where(
      and(
        eq(arcoRequests.caseId, kase.id),
        eq(arcoRequests.subtype, 'acceso'),
        eq(arcoRequests.status, 'ejecutada'),
      ),
    );
  if (!request) throw notAvailable();
  const owners = await deps.db
    .select({ id: customers.id, mergedIntoId: customers.mergedIntoId })
    .from(customers)
    .where(inArray(customers.id, [request.customerId, kase.customerId]));
  const live = (id: string) => {
    const row = owners.find((o) => o.id === id);
    return row?.mergedIntoId ?? row?.id;
  };
  // The request is about the very person whose contact opened the folio, or it is not theirs to download.
  if (live(request.customerId) !== live(kase.customerId)) throw notAvailable();
  return { requestId: request.id, caseId: kase.id, folio: kase.folio, customerId: request.customerId };
}

/**
 * Records that the export was handed over: on the ARCO request when the person downloaded it from the
 * portal, on the customer when an agent did. Ids and the format only.
 */
export async function recordExportDelivered(
  db: Tx,
  input: {
    actor: EventActor;
    customerId: string;
    format: AccessExportFormat;
    request?: { id: string; caseId: string };
    at: Date;
  },
): Promise<void> {
  await appendEvent(
    db,
    {
      kind: 'personal_data_exported',
      actor: input.actor,
      subject: input.request
        ? { kind: 'arco_request', id: input.request.id }
        : { kind: 'customer', id: input.customerId },
      caseId: input.request?.caseId,
      customerId: input.customerId,
      after: { format: input.format },
    },
    input.at,
  );
}
