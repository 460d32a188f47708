import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { assertServiceOfCustomer } from '../accounts/accounts.service.ts';
import type { Actor } from '../auth/actor.ts';
import {
  type ContactClaim,
  findOrCreateCustomerByClaimedContact,
  findOrCreateCustomerByContact,
} from '../customers/customer-lookup.ts';
import { type CustomerRow, resolveCustomer } from '../customers/customers.service.ts';
import { assertRepresentativeMayAct } from '../customers/representatives.service.ts';
import type { Tx } from '../db/database.ts';
import { inboundReceipts, messages, type RAISED_BY } from '../db/schema.ts';
import { agentActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { AreaRow, SettingsSnapshot } from '../settings/settings.cache.ts';
import { presentDeadlines } from '../sla/deadlines.service.ts';
import { assertSubtype, type CaseDeps, decodeAll } from './case-context.ts';
import { presentCase } from './case-presenters.ts';
import { getCaseById } from './case-read.ts';
import type { CaseResponse, CreateCaseRequest } from './cases.schema.ts';
import { CreateCaseRequest as CreateCaseSchema } from './cases.schema.ts';
import { type OpenedForRequest, openCaseRow } from './open-case-row.ts';
import type { RequestType } from './request-types.ts';
import { routeToArea } from './routing.ts';

/** The area the routing rules send a request to. */
export function areaForRequest(snapshot: SettingsSnapshot, requestType: RequestType, text: string): AreaRow {
  const code = routeToArea(snapshot.settings.routingRules, { requestType, text });
  if (!code)
    throw new AppError('case.unroutable', {
      status: 500,
      detail: 'No routing rule matches; add a catch-all rule',
    });
  const area = snapshot.activeAreasByCode.get(code);
  if (!area)
    throw new AppError('case.no_area', { status: 500, detail: `Routing names unknown area ${code}` });
  return area;
}

/**
 * Opens a case: resolves the customer (an unknown contact becomes a prospect), checks a representative's
 * authorization, routes it to an area, issues its folio, stores the first message and the events, and
 * gives it to an available agent — all in one transaction, so a folio exists only with its case.
 */
export async function createCase(
  deps: CaseDeps,
  request: CreateCaseRequest,
  actor: Actor | null,
  options: {
    idempotencyKey?: string;
    /** A hash of what the caller presented with the key: the key replayed with another is refused. */
    credential?: string;
    /** The contact was not proven: an account holder's opens the case on a prospect, with a claim. */
    unverifiedContact?: boolean;
    /** Runs in the case's transaction with what it wrote; told whether this request created the customer. */
    afterOpen?: (tx: Tx, opened: OpenedForRequest) => Promise<void>;
  } = {},
): Promise<CaseResponse & { duplicate?: boolean }> {
  const input = CreateCaseSchema.parse(request);
  const decoded = decodeAll(input.attachments);
  const now = deps.clock.now();
  // Made here so that an idempotency receipt names the first message from the start.
  const messageId = randomUUID();
  const outcome = await deps.db.transaction(async (tx): Promise<{ duplicateOf: string } | CaseResponse> => {
    if (options.idempotencyKey) {
      // A double submit carries the same key: the database's uniqueness lets exactly one through.
      const [claimed] = await tx
        .insert(inboundReceipts)
        .values({
          channel: input.channel,
          externalId: options.idempotencyKey,
          receivedAt: now,
          messageId,
          credential: options.credential ?? null,
        })
        .onConflictDoNothing()
        .returning();
      if (!claimed) {
        const [earlier] = await tx
          .select({ caseId: messages.caseId, credential: inboundReceipts.credential })
          .from(inboundReceipts)
          .leftJoin(messages, eq(messages.id, inboundReceipts.messageId))
          .where(
            and(
              eq(inboundReceipts.channel, input.channel),
              eq(inboundReceipts.externalId, options.idempotencyKey),
            ),
          );
        if (earlier && earlier.credential !== (options.credential ?? null)) throw idempotencyConflict();
        if (!earlier?.caseId)
          throw new AppError('request.in_progress', {
            status: 409,
            detail: 'The same request is being filed',
          });
        return { duplicateOf: earlier.caseId };
      }
    }
    const snapshot = await deps.settings.current(tx);
    assertSubtype(snapshot.settings, input.requestType, input.subtype);
    const { customer, created, claim } = await customerOfCase(
      tx,
      input,
      options.unverifiedContact ?? false,
      now,
    );
    const customerId = customer.id;
    if (input.serviceId) await assertServiceOfCustomer(tx, input.serviceId, customerId, 'serviceId');
    const raisedBy: (typeof RAISED_BY)[number] = input.raisedBy?.kind ?? (actor ? 'agente' : 'cliente');
    if (raisedBy === 'representante') {
      if (!input.raisedBy?.representativeId) {
        throw new AppError('request.invalid', {
          status: 400,
          field: 'raisedBy.representativeId',
          detail: 'Required for a representative',
        });
      }
      await assertRepresentativeMayAct(tx, {
        representativeId: input.raisedBy.representativeId,
        customerId,
        requestType: input.requestType,
        now,
      });
    }
    if (raisedBy === 'agente' && !actor) {
      throw new AppError('request.invalid', {
        status: 400,
        field: 'raisedBy.kind',
        detail: 'Only an agent raises a case as agente',
      });
    }
    const area = areaForRequest(snapshot, input.requestType, input.description);
    const opened = await openCaseRow(deps, tx, {
      now,
      requestType: input.requestType,
      // Chosen on a form, by the customer on the portal or by an agent.
      requestTypeStated: true,
      subtype: input.subtype ?? null,
      channel: input.channel,
      customerId,
      serviceId: input.serviceId ?? null,
      raisedBy,
      representativeId: raisedBy === 'representante' ? (input.raisedBy?.representativeId ?? null) : null,
      raisedByAgentId: actor?.agentId ?? null,
      areaId: area.id,
      priority: input.priority,
      subject: input.subject ?? summarize(input.description),
      firstMessage: {
        id: messageId,
        body: input.description,
        authorAgentId: actor?.agentId ?? null,
        attachments: decoded,
      },
      actor: actor ? agentActor(actor) : { kind: raisedBy === 'representante' ? 'representante' : 'cliente' },
      followsUpId: null,
      claimedContact: claim?.contact ?? null,
      proposedCustomerId: claim?.holder.id ?? null,
    });
    await options.afterOpen?.(tx, { ...opened, customer, customerCreated: created });
    // Answered from what the transaction wrote, without reading the case back.
    return presentCase(
      {
        kase: opened.row,
        area: { id: area.id, code: area.code, name: area.name },
        customer: { id: customer.id, name: customer.name, accountNumber: customer.accountNumber },
        assigneeName: opened.assigneeName,
        duplicateOfFolio: null,
        followsUpFolio: null,
        proposedCustomer: claim?.holder ?? null,
      },
      presentDeadlines(opened.deadlines, now, snapshot.settings.deadlines.warnAt),
    );
  });
  if ('duplicateOf' in outcome)
    return { ...(await getCaseById(deps, outcome.duplicateOf, now)), duplicate: true };
  return outcome;
}

export const summarize = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= 120 ? line : `${line.slice(0, 117)}…`;
};

async function customerOfCase(
  tx: Tx,
  input: ReturnType<typeof CreateCaseSchema.parse>,
  unverifiedContact: boolean,
  now: Date,
): Promise<{ customer: CustomerRow; created: boolean; claim?: ContactClaim }> {
  if (input.customerId) {
    // Locked so a merge committing meanwhile cannot leave the new case on a retired customer.
    const customer = await resolveCustomer(tx, input.customerId, { lock: 'key share', field: 'customerId' });
    return { customer, created: false };
  }
  const contact = input.contact as { kind: 'phone' | 'email' | 'whatsapp' | 'messenger'; address: string };
  const find = unverifiedContact ? findOrCreateCustomerByClaimedContact : findOrCreateCustomerByContact;
  return find(tx, { ...contact, name: input.customerName, now });
}

const idempotencyConflict = () =>
  new AppError('request.idempotency_conflict', {
    status: 409,
    detail: 'That idempotency key was already used with other details; make a new one',
  });
