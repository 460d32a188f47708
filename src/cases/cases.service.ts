import { randomUUID } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { type AttachmentInput, decodeAttachment } from '../attachments/attachments.service.ts';
import type { Actor } from '../auth/actor.ts';
import type { Channel } from '../channels/channel.ts';
import { queueTemplatedNotice } from '../channels/outbound.service.ts';
import type { AppContext } from '../context.ts';
import {
  type ContactClaim,
  type CustomerRow,
  findOrCreateCustomerByClaimedContact,
  findOrCreateCustomerByContact,
  resolveCustomer,
} from '../customers/customers.service.ts';
import { assertRepresentativeMayAct } from '../customers/representatives.service.ts';
import { queryRows, type Tx } from '../db/database.ts';
import {
  agents,
  areas,
  attachmentBlobs,
  caseDeadlines,
  cases,
  customers,
  events,
  inboundReceipts,
  messageAttachments,
  messages,
  type RAISED_BY,
} from '../db/schema.ts';
import {
  appendEvent,
  caseEvents,
  type EventActor,
  eventValues,
  type NewEvent,
  presentEvent,
} from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { AreaRow, SettingsSnapshot } from '../settings/settings.cache.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import type { CalendarSpecInput } from '../sla/calendar.ts';
import {
  type DeadlineView,
  deadlinesOf,
  deadlinesOnStatus,
  meetDeadline,
  newCaseDeadlines,
  presentDeadlines,
  scheduleDeadlineChecks,
  setDeadlines,
} from '../sla/deadlines.service.ts';
import { nearestPendingKind, nextDueColumns } from '../sla/next-due.ts';
import { assertMayChange, assertMaySupervise } from './access.ts';
import { assertAgentInArea, pickAgentStatement, routeWithinArea } from './assignment.ts';
import type {
  AddMessageRequest,
  CaseResponse,
  ChangeStatusRequest,
  CreateCaseRequest,
  UpdateCaseRequest,
} from './cases.schema.ts';
import { CreateCaseRequest as CreateCaseSchema } from './cases.schema.ts';
import { classificationOf } from './classification.ts';
import { formatFolio, parseFolio } from './folio.ts';
import {
  assertTransition,
  CAUSE_REQUIRED_TYPES,
  type CaseStatus,
  isFinal,
  REASSIGNABLE_STATUSES,
} from './lifecycle.ts';
import { insertMessage, messageValues, storeMessageAttachments } from './messages.ts';
import { queueAgentReply } from './reply-channel.ts';
import type { RequestType } from './request-types.ts';
import { routeToArea } from './routing.ts';

export type CaseDeps = Pick<AppContext, 'db' | 'database' | 'clock' | 'jobs' | 'settings'>;
type CaseRow = typeof cases.$inferSelect;
type Decoded = ReturnType<typeof decodeAttachment>;

/** The job that closes a resolved case once the reopen window has passed without news from the customer. */
export const AUTO_CLOSE_JOB = 'case-auto-close';

const agentActor = (actor: Actor): EventActor => ({ kind: 'agente', agentId: actor.agentId });

// Building a formatter costs far more than using one, and every case needs the year in its zone.
const yearFormats = new Map<string, Intl.DateTimeFormat>();
const yearIn = (zone: string, instant: Date) => {
  let format = yearFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en', { timeZone: zone, year: 'numeric' });
    yearFormats.set(zone, format);
  }
  return Number(format.format(instant));
};

const decodeAll = (list: AttachmentInput[]): Decoded[] =>
  list.map((attachment, i) => decodeAttachment(attachment, `attachments.${i}`));

function assertSubtype(settings: ProviderSettings, requestType: string, subtype: string | undefined) {
  if (subtype && !settings.requestSubtypes.some((s) => s.type === requestType && s.code === subtype)) {
    throw new AppError('case.unknown_subtype', {
      status: 422,
      field: 'subtype',
      detail: `${subtype} is not a subtype of ${requestType}`,
    });
  }
}

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
    const { customer, created, claim } = await customerOfCase(tx, input, options.unverifiedContact ?? false);
    const customerId = customer.id;
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
      subtype: input.subtype ?? null,
      channel: input.channel,
      customerId,
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

/** Until when a customer's message reopens a case resolved at `resolvedAt`. */
const reopenWindowEnd = (settings: ProviderSettings, resolvedAt: Date) =>
  new Date(resolvedAt.getTime() + settings.cases.reopenWindowDays * 86_400_000);

export const summarize = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= 120 ? line : `${line.slice(0, 117)}…`;
};

async function customerOfCase(
  tx: Tx,
  input: ReturnType<typeof CreateCaseSchema.parse>,
  unverifiedContact: boolean,
): Promise<{ customer: CustomerRow; created: boolean; claim?: ContactClaim }> {
  if (input.customerId) {
    // Locked so a merge committing meanwhile cannot leave the new case on a retired customer.
    const customer = await resolveCustomer(tx, input.customerId, { lock: 'key share', field: 'customerId' });
    return { customer, created: false };
  }
  const contact = input.contact as { kind: 'phone' | 'email' | 'whatsapp' | 'messenger'; address: string };
  const find = unverifiedContact ? findOrCreateCustomerByClaimedContact : findOrCreateCustomerByContact;
  return find(tx, { ...contact, name: input.customerName });
}

const idempotencyConflict = () =>
  new AppError('request.idempotency_conflict', {
    status: 409,
    detail: 'That idempotency key was already used with other details; make a new one',
  });

interface NewCaseRow {
  now: Date;
  requestType: RequestType;
  subtype: string | null;
  channel: Channel;
  customerId: string;
  raisedBy: (typeof RAISED_BY)[number];
  representativeId: string | null;
  raisedByAgentId: string | null;
  areaId: number;
  priority: 'baja' | 'normal' | 'alta' | 'urgente';
  subject: string;
  firstMessage: {
    /** Made by the caller when something else (an inbound receipt) names the message first. */
    id?: string;
    body: string;
    authorAgentId: string | null;
    attachments: Decoded[];
    externalId?: string | null;
    metadata?: Record<string, unknown> | null;
  };
  actor: EventActor;
  followsUpId: string | null;
  /** A contact the sender gave but did not prove; see `cases.claimedContact`. */
  claimedContact?: { kind: string; address: string } | null;
  proposedCustomerId?: string | null;
}

/** What `createCase` hands its `afterOpen`: the case as written, its customer, and whether it is new. */
export type OpenedForRequest = OpenedCase & { customer: CustomerRow; customerCreated: boolean };

export interface OpenedCase {
  row: CaseRow;
  assigneeName: string | null;
  deadlines: Array<typeof caseDeadlines.$inferSelect>;
}

/**
 * Inserts a case with its folio, first message, events and deadlines, already given to an available
 * agent of its area (round-robin) or waiting in the area's queue. Every case and inbound message goes
 * through here, so it keeps round trips few: ids are made here, so the case, its message, deadlines and
 * events go in one statement (foreign keys are checked at its end), after the folio and the agent.
 */
export async function openCaseRow(
  deps: Pick<CaseDeps, 'database' | 'jobs' | 'settings'>,
  tx: Tx,
  row: NewCaseRow,
): Promise<OpenedCase> {
  const { settings } = await deps.settings.current(tx);
  const area = await deps.settings.area(tx, row.areaId);
  const year = yearIn(settings.provider.timeZone, row.now);
  // The folio's number and the agent (round-robin) in one round trip.
  const [next] = await queryRows<{ n: string; agent_id: string | null; agent_name: string | null }>(
    tx,
    sql`with picked as (${pickAgentStatement(row.areaId, row.now)})
      select atiende_next_folio_number(${year})::text as n, picked.id as agent_id, picked.name as agent_name
      from (select 1) as one left join picked on true`,
  );
  if (!next) throw new Error('no folio number');
  const folio = formatFolio(settings.provider.folioPrefix, year, Number(next.n));
  const assignee = next.agent_id ? { id: next.agent_id, name: next.agent_name ?? '' } : undefined;
  const kase: CaseRow = {
    id: randomUUID(),
    folio,
    requestType: row.requestType,
    subtype: row.subtype,
    channel: row.channel,
    customerId: row.customerId,
    raisedBy: row.raisedBy,
    representativeId: row.representativeId,
    raisedByAgentId: row.raisedByAgentId,
    areaId: row.areaId,
    assigneeId: assignee?.id ?? null,
    status: assignee ? 'asignado' : 'nuevo',
    priority: row.priority,
    subject: row.subject,
    causeCode: null,
    claimedContact: row.claimedContact ?? null,
    proposedCustomerId: row.proposedCustomerId ?? null,
    discardReason: null,
    duplicateOfId: null,
    followsUpId: row.followsUpId,
    createdAt: row.now,
    updatedAt: row.now,
    resolvedAt: null,
    closedAt: null,
    // Set from the deadlines below, which need the case's id and opening instant.
    nextDueKind: null,
    nextDueAt: null,
    nextWarnAt: null,
    deadlineMetLate: false,
  };
  const messageId = row.firstMessage.id ?? randomUUID();
  const deadlines = newCaseDeadlines(settings, kase, (area?.calendar ?? null) as CalendarSpecInput | null);
  Object.assign(kase, nextDueColumns(deadlines, settings.deadlines.warnAt));
  const newEvents: NewEvent[] = [
    {
      kind: 'created',
      actor: row.actor,
      caseId: kase.id,
      after: {
        folio,
        requestType: row.requestType,
        subtype: row.subtype,
        channel: row.channel,
        customerId: row.customerId,
        areaId: row.areaId,
        priority: row.priority,
        raisedBy: row.raisedBy,
        representativeId: row.representativeId,
        followsUpId: row.followsUpId,
      },
    },
    {
      kind: 'message_added',
      actor: row.actor,
      caseId: kase.id,
      after: { messageId, kind: 'entrante', attachments: row.firstMessage.attachments.length },
    },
  ];
  if (assignee) {
    newEvents.push({
      kind: 'assigned',
      actor: { kind: 'sistema' },
      caseId: kase.id,
      before: { status: 'nuevo', assigneeId: null },
      after: { status: 'asignado', assigneeId: assignee.id },
      reason: 'round_robin',
    });
  }
  const firstMessage = messageValues({
    id: messageId,
    caseId: kase.id,
    kind: 'entrante',
    channel: row.channel,
    body: row.firstMessage.body,
    authorAgentId: row.firstMessage.authorAgentId,
    externalId: row.firstMessage.externalId,
    metadata: row.firstMessage.metadata,
    at: row.now,
  });
  await tx.execute(
    sql`with new_case as (${tx.insert(cases).values(kase).getSQL()}),
      first_message as (${tx.insert(messages).values(firstMessage).getSQL()}),
      new_deadlines as (${tx.insert(caseDeadlines).values(deadlines).getSQL()})
      ${tx.insert(events).values(eventValues(newEvents, row.now)).getSQL()}`,
  );
  await storeMessageAttachments(deps, tx, messageId, row.firstMessage.attachments);
  await scheduleDeadlineChecks(deps, tx, deadlines, settings.deadlines.warnAt);
  return { row: kase, assigneeName: assignee?.name ?? null, deadlines };
}

async function lockCase(tx: Tx, folio: string): Promise<CaseRow> {
  const parsed = parseFolio(folio);
  const [row] = await tx.select().from(cases).where(eq(cases.folio, parsed.folio)).for('update');
  if (!row)
    throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${parsed.folio}` });
  return row;
}

/** The template that tells the customer about a status change, when it is one they should hear about. */
function customerNotice(from: CaseStatus, to: CaseStatus, discardReason: string | null): string | undefined {
  if (to === 'en_proceso' && (from === 'nuevo' || from === 'asignado')) return 'estado_en_proceso';
  if (to === 'en_espera_cliente' || to === 'resuelto') return `estado_${to}`;
  // Spam gets no answer; a duplicate is told which folio goes on.
  if (to === 'descartado' && discardReason === 'duplicado') return 'estado_descartado';
  return undefined;
}

/** Moves a case along its lifecycle; anything outside the table is a 409, a case of another area a 403. */
export async function changeStatus(deps: CaseDeps, folio: string, input: ChangeStatusRequest, actor: Actor) {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    const to = input.status;
    assertTransition(kase.status, to);
    const { settings } = await deps.settings.current(tx);
    const set: Partial<typeof cases.$inferInsert> = { status: to, updatedAt: now };

    if (to === 'asignado') {
      const assigneeId = input.assigneeId ?? actor.agentId;
      if (assigneeId !== actor.agentId) await assertMaySupervise(tx, actor, kase.areaId);
      await assertAgentInArea(tx, assigneeId, kase.areaId, 'assigneeId');
      set.assigneeId = assigneeId;
    }
    if (to === 'nuevo') set.assigneeId = null;
    if (to === 'en_proceso' && !kase.assigneeId) {
      await assertAgentInArea(tx, actor.agentId, kase.areaId, 'status');
      set.assigneeId = actor.agentId;
    }
    if (to === 'resuelto') {
      if (!input.causeCode && CAUSE_REQUIRED_TYPES.includes(kase.requestType)) {
        throw new AppError('case.cause_required', {
          status: 422,
          field: 'causeCode',
          detail: `Resolving a ${kase.requestType} needs a cause code`,
        });
      }
      if (input.causeCode && !settings.causeCodes.some((c) => c.code === input.causeCode)) {
        throw new AppError('case.unknown_cause', {
          status: 422,
          field: 'causeCode',
          detail: `Unknown cause code ${input.causeCode}`,
        });
      }
      set.causeCode = input.causeCode ?? null;
      set.resolvedAt = now;
      const closeAt = reopenWindowEnd(settings, now);
      await deps.jobs.enqueue(
        tx,
        AUTO_CLOSE_JOB,
        { caseId: kase.id, resolvedAt: now.toISOString() },
        { startAfter: closeAt },
      );
    }
    if (kase.status === 'resuelto' && to === 'en_proceso') {
      set.resolvedAt = null;
      set.causeCode = null;
    }
    if (to === 'cerrado') set.closedAt = now;
    if (to === 'descartado') {
      if (!input.discardReason) {
        throw new AppError('case.discard_reason_required', {
          status: 422,
          field: 'discardReason',
          detail: 'Say why: duplicado or spam',
        });
      }
      set.discardReason = input.discardReason;
      if (input.discardReason === 'duplicado') {
        if (!input.duplicateOfFolio) {
          throw new AppError('case.duplicate_of_required', {
            status: 422,
            field: 'duplicateOfFolio',
            detail: 'Name the folio it duplicates',
          });
        }
        const original = parseFolio(input.duplicateOfFolio, 'duplicateOfFolio');
        const [other] = await tx.select({ id: cases.id }).from(cases).where(eq(cases.folio, original.folio));
        if (!other || other.id === kase.id) {
          throw new AppError('case.duplicate_of_invalid', {
            status: 422,
            field: 'duplicateOfFolio',
            detail: 'No other case has that folio',
          });
        }
        set.duplicateOfId = other.id;
      }
    }
    await tx.update(cases).set(set).where(eq(cases.id, kase.id));
    await deadlinesOnStatus(deps, tx, kase.id, kase.status, to, now);
    const notice = customerNotice(kase.status, to, set.discardReason ?? null);
    if (notice) {
      const due = (await deadlinesOf(deps, tx, [kase.id], now)).get(kase.id)?.resolucion?.dueAt;
      await queueTemplatedNotice(deps, tx, kase, notice, due ? new Date(due) : null, now);
    }
    await appendEvent(
      tx,
      {
        kind: 'status_changed',
        actor: agentActor(actor),
        caseId: kase.id,
        before: { status: kase.status, assigneeId: kase.assigneeId },
        after: {
          status: to,
          assigneeId: set.assigneeId === undefined ? kase.assigneeId : set.assigneeId,
          ...(set.causeCode ? { causeCode: set.causeCode } : {}),
          ...(set.discardReason
            ? { discardReason: set.discardReason, duplicateOfId: set.duplicateOfId ?? null }
            : {}),
        },
        reason: input.note ?? null,
      },
      now,
    );
    return kase.id;
  });
  return getCaseById(deps, id, now);
}

/**
 * Turns a case over to another area ("turnar"), from any non-final state, with a reason. The assignee
 * is cleared and the case is routed again in the new area, unless a target agent of that area is named.
 */
export async function transferCase(
  deps: CaseDeps,
  folio: string,
  input: { areaId: number; reason: string; agentId?: string },
  actor: Actor,
) {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    // A resolved case is reopened first: its resolution and cause code belong to its current area.
    if (isFinal(kase.status) || kase.status === 'resuelto') {
      throw new AppError('case.not_transferable', {
        status: 409,
        detail: `A ${kase.status} case cannot be transferred`,
      });
    }
    const [area] = await tx
      .select()
      .from(areas)
      .where(and(eq(areas.id, input.areaId), eq(areas.active, true)));
    if (!area)
      throw new AppError('area.not_found', { status: 422, field: 'areaId', detail: 'No such active area' });
    if (area.id === kase.areaId) {
      throw new AppError('case.same_area', {
        status: 422,
        field: 'areaId',
        detail: 'The case is already in that area',
      });
    }
    if (input.agentId) await assertAgentInArea(tx, input.agentId, area.id, 'agentId');
    const status: CaseStatus = input.agentId ? 'asignado' : 'nuevo';
    await tx
      .update(cases)
      .set({ areaId: area.id, assigneeId: input.agentId ?? null, status, updatedAt: now })
      .where(eq(cases.id, kase.id));
    await deadlinesOnStatus(deps, tx, kase.id, kase.status, status, now);
    await appendEvent(
      tx,
      {
        kind: 'transferred',
        actor: agentActor(actor),
        caseId: kase.id,
        before: { areaId: kase.areaId, assigneeId: kase.assigneeId, status: kase.status },
        after: { areaId: area.id, assigneeId: input.agentId ?? null, status },
        reason: input.reason,
      },
      now,
    );
    if (!input.agentId) await routeWithinArea(tx, { id: kase.id, areaId: area.id }, now);
    return kase.id;
  });
  return getCaseById(deps, id, now);
}

/**
 * Gives a case to an agent of its area. A `nuevo` case may be taken by an agent of the area for
 * themselves (or given by its supervisor); a case someone already holds is reassigned only by a
 * supervisor, keeping its status.
 */
export async function assignCase(deps: CaseDeps, folio: string, agentId: string, actor: Actor) {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    await assertAgentInArea(tx, agentId, kase.areaId, 'agentId');
    let status: CaseStatus;
    if (kase.status === 'nuevo') {
      if (agentId !== actor.agentId) await assertMaySupervise(tx, actor, kase.areaId);
      status = 'asignado';
    } else if (REASSIGNABLE_STATUSES.includes(kase.status)) {
      await assertMaySupervise(tx, actor, kase.areaId);
      status = kase.status;
    } else {
      throw new AppError('case.not_assignable', {
        status: 409,
        detail: `A ${kase.status} case cannot be assigned`,
      });
    }
    await tx.update(cases).set({ assigneeId: agentId, status, updatedAt: now }).where(eq(cases.id, kase.id));
    await tx.update(agents).set({ lastAssignedAt: now }).where(eq(agents.id, agentId));
    await appendEvent(
      tx,
      {
        kind: 'assigned',
        actor: agentActor(actor),
        caseId: kase.id,
        before: { status: kase.status, assigneeId: kase.assigneeId },
        after: { status, assigneeId: agentId },
      },
      now,
    );
    return kase.id;
  });
  return getCaseById(deps, id, now);
}

/**
 * Changes a case's priority or type. A change of type (or subtype) recomputes its deadlines from when it
 * opened, and both changes are events.
 */
export async function updateCase(deps: CaseDeps, folio: string, input: UpdateCaseRequest, actor: Actor) {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    if (input.priority && kase.priority !== input.priority) {
      await tx.update(cases).set({ priority: input.priority, updatedAt: now }).where(eq(cases.id, kase.id));
      await appendEvent(
        tx,
        {
          kind: 'priority_changed',
          actor: agentActor(actor),
          caseId: kase.id,
          before: { priority: kase.priority },
          after: { priority: input.priority },
        },
        now,
      );
    }
    const requestType = input.requestType ?? kase.requestType;
    const subtype = input.subtype === undefined ? (input.requestType ? null : kase.subtype) : input.subtype;
    if (requestType !== kase.requestType || subtype !== kase.subtype) {
      if (isFinal(kase.status))
        throw new AppError('case.final', { status: 409, detail: `A ${kase.status} case keeps its type` });
      assertSubtype((await deps.settings.current(tx)).settings, requestType, subtype ?? undefined);
      await tx.update(cases).set({ requestType, subtype, updatedAt: now }).where(eq(cases.id, kase.id));
      await setDeadlines(deps, tx, { ...kase, requestType, subtype });
      const due = await deadlinesOf(deps, tx, [kase.id], now);
      await appendEvent(
        tx,
        {
          kind: 'type_changed',
          actor: agentActor(actor),
          caseId: kase.id,
          before: { requestType: kase.requestType, subtype: kase.subtype },
          after: {
            requestType,
            subtype,
            firstResponseDueAt: due.get(kase.id)?.primera_respuesta?.dueAt ?? null,
            resolutionDueAt: due.get(kase.id)?.resolucion?.dueAt ?? null,
          },
        },
        now,
      );
    }
    return kase.id;
  });
  return getCaseById(deps, id, now);
}

/** An agent's reply, internal note, or the record of what the customer said (e.g. on a call). */
export async function addAgentMessage(
  deps: CaseDeps,
  folio: string,
  request: AddMessageRequest,
  actor: Actor,
) {
  const decoded = decodeAll(request.attachments ?? []);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    if (isFinal(kase.status)) {
      throw new AppError('case.final', {
        status: 409,
        detail: `The case is ${kase.status}; open a new case for the customer instead`,
      });
    }
    if (request.kind === 'saliente') {
      const messageId = await queueAgentReply(deps, tx, kase, request, decoded, actor, now);
      // An agent's reply is the first response; automatic acknowledgements never come through here.
      await meetDeadline(deps, tx, kase.id, 'primera_respuesta', now);
      return { caseId: kase.id, messageId };
    }
    const message = await insertMessage(
      deps,
      tx,
      {
        caseId: kase.id,
        kind: request.kind,
        channel: kase.channel,
        body: request.body,
        authorAgentId: actor.agentId,
        at: now,
      },
      decoded,
    );
    await appendEvent(
      tx,
      {
        kind: 'message_added',
        actor: agentActor(actor),
        caseId: kase.id,
        after: { messageId: message.id, kind: request.kind, attachments: message.attachments.length },
      },
      now,
    );
    if (request.kind === 'entrante')
      await customerSpoke(deps, tx, kase, now, { kind: 'agente', agentId: actor.agentId });
    return { caseId: kase.id, messageId: message.id };
  });
}

/**
 * What the customer's words do to a case waiting on them: a case `en_espera_cliente` goes back to
 * `en_proceso`; a `resuelto` one reopens within the reopen window, and is closed once it has passed.
 * Returns false when the case is (or just became) final, so the caller opens a new linked case.
 */
export async function customerSpoke(
  deps: Pick<CaseDeps, 'jobs' | 'settings'>,
  tx: Tx,
  kase: CaseRow,
  now: Date,
  actor: EventActor = { kind: 'cliente' },
): Promise<boolean> {
  const statusEvent = (to: CaseStatus, reason: string, by: EventActor = actor) =>
    appendEvent(
      tx,
      {
        kind: 'status_changed',
        actor: by,
        caseId: kase.id,
        before: { status: kase.status },
        after: { status: to },
        reason,
      },
      now,
    );
  if (kase.status === 'en_espera_cliente') {
    await tx.update(cases).set({ status: 'en_proceso', updatedAt: now }).where(eq(cases.id, kase.id));
    await deadlinesOnStatus(deps, tx, kase.id, kase.status, 'en_proceso', now);
    await statusEvent('en_proceso', 'customer_replied');
    return true;
  }
  if (kase.status === 'resuelto') {
    const { settings } = await deps.settings.current(tx);
    if (now <= reopenWindowEnd(settings, kase.resolvedAt ?? new Date(0))) {
      await tx
        .update(cases)
        .set({ status: 'en_proceso', resolvedAt: null, causeCode: null, updatedAt: now })
        .where(eq(cases.id, kase.id));
      await deadlinesOnStatus(deps, tx, kase.id, kase.status, 'en_proceso', now);
      await statusEvent('en_proceso', 'reopened_by_customer');
      return true;
    }
    await closeResolved(tx, kase.id, now);
    return false;
  }
  return !isFinal(kase.status);
}

/** Closes a resolved case whose reopen window ended; a case reopened (or resolved again) since is left alone. */
export async function autoCloseResolved(deps: CaseDeps, data: { caseId: string; resolvedAt: string }) {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [kase] = await tx.select().from(cases).where(eq(cases.id, data.caseId)).for('update');
    if (kase?.status !== 'resuelto' || kase.resolvedAt?.toISOString() !== data.resolvedAt) return;
    await closeResolved(tx, kase.id, now);
  });
}

/** Closes a resolved case because its reopen window ended, as the system. */
async function closeResolved(tx: Tx, caseId: string, now: Date) {
  await tx
    .update(cases)
    .set({ status: 'cerrado', closedAt: now, updatedAt: now })
    .where(eq(cases.id, caseId));
  await appendEvent(
    tx,
    {
      kind: 'status_changed',
      actor: { kind: 'sistema' },
      caseId,
      before: { status: 'resuelto' },
      after: { status: 'cerrado' },
      reason: 'reopen_window_ended',
    },
    now,
  );
}

const assignee = alias(agents, 'assignee');
const proposedCustomer = alias(customers, 'proposed_customer');
const duplicateOf = alias(cases, 'duplicate_of');
const followsUp = alias(cases, 'follows_up');

const caseView = {
  kase: cases,
  area: { id: areas.id, code: areas.code, name: areas.name },
  customer: { id: customers.id, name: customers.name, accountNumber: customers.accountNumber },
  assigneeName: assignee.name,
  duplicateOfFolio: duplicateOf.folio,
  followsUpFolio: followsUp.folio,
  proposedCustomer: { id: proposedCustomer.id, name: proposedCustomer.name },
};

/** Cases with what their presentation needs (area, customer, assignee, linked folios). */
export const selectCases = (tx: Tx) =>
  tx
    .select(caseView)
    .from(cases)
    .innerJoin(areas, eq(areas.id, cases.areaId))
    .innerJoin(customers, eq(customers.id, cases.customerId))
    .leftJoin(assignee, eq(assignee.id, cases.assigneeId))
    .leftJoin(duplicateOf, eq(duplicateOf.id, cases.duplicateOfId))
    .leftJoin(followsUp, eq(followsUp.id, cases.followsUpId))
    .leftJoin(proposedCustomer, eq(proposedCustomer.id, cases.proposedCustomerId));

type CaseViewRow = Awaited<ReturnType<ReturnType<typeof selectCases>['execute']>>[number];

type Deadlines = Awaited<ReturnType<typeof deadlinesOf>>;

/** The public shape of a case: never a raw row. */
export function presentCase(row: CaseViewRow, deadlines: Deadlines): CaseResponse {
  const k = row.kase;
  const own = deadlines.get(k.id) ?? {};
  const nearest = nearestPendingKind(own);
  return {
    id: k.id,
    folio: k.folio,
    requestType: k.requestType as CaseResponse['requestType'],
    subtype: k.subtype,
    channel: k.channel as CaseResponse['channel'],
    status: k.status,
    priority: k.priority,
    subject: k.subject,
    raisedBy: k.raisedBy,
    customer: row.customer,
    area: row.area,
    assignee: k.assigneeId ? { id: k.assigneeId, name: row.assigneeName } : null,
    causeCode: k.causeCode,
    discardReason: k.discardReason,
    duplicateOfFolio: row.duplicateOfFolio,
    followsUpFolio: row.followsUpFolio,
    claimedContact: k.claimedContact ?? null,
    proposedCustomer: k.proposedCustomerId ? row.proposedCustomer : null,
    createdAt: k.createdAt.toISOString(),
    updatedAt: k.updatedAt.toISOString(),
    resolvedAt: k.resolvedAt?.toISOString() ?? null,
    closedAt: k.closedAt?.toISOString() ?? null,
    deadlines: { primera_respuesta: own.primera_respuesta ?? null, resolucion: own.resolucion ?? null },
    deadline: own.resolucion ?? null,
    nearestDeadline: nearest ? { ...(own[nearest] as DeadlineView), kind: nearest } : null,
  };
}

type ReadDeps = Pick<AppContext, 'db' | 'settings'>;

export async function getCaseById(deps: ReadDeps, id: string, now: Date): Promise<CaseResponse> {
  const [row] = await selectCases(deps.db).where(eq(cases.id, id));
  if (!row) throw new AppError('case.not_found', { status: 404, detail: 'No such case' });
  return presentCase(row, await deadlinesOf(deps, deps.db, [id], now));
}

/** A case by folio (typed loosely; a wrong check digit fails before any query) with its whole timeline. */
export async function getCaseWithTimeline(deps: ReadDeps, folio: string, now: Date) {
  const tx = deps.db;
  const parsed = parseFolio(folio);
  const [row] = await selectCases(tx).where(eq(cases.folio, parsed.folio));
  if (!row)
    throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${parsed.folio}` });
  const messageRows = await tx
    .select()
    .from(messages)
    .where(eq(messages.caseId, row.kase.id))
    .orderBy(asc(messages.createdAt), asc(messages.id));
  const attachmentRows = await tx
    .select({
      messageId: messageAttachments.messageId,
      sha256: messageAttachments.sha256,
      filename: messageAttachments.filename,
      position: messageAttachments.position,
      contentType: attachmentBlobs.contentType,
      size: attachmentBlobs.size,
    })
    .from(messageAttachments)
    .innerJoin(messages, eq(messages.id, messageAttachments.messageId))
    .innerJoin(attachmentBlobs, eq(attachmentBlobs.sha256, messageAttachments.sha256))
    .where(eq(messages.caseId, row.kase.id))
    .orderBy(asc(messageAttachments.position));
  const eventRows = await caseEvents(tx, row.kase.id);
  const timeline = [
    ...messageRows.map((m) => ({
      at: m.createdAt.getTime(),
      order: 0,
      entry: {
        type: 'message' as const,
        message: {
          id: m.id,
          kind: m.kind,
          channel: m.channel as CaseResponse['channel'],
          body: m.body,
          authorAgentId: m.authorAgentId,
          deliveryStatus: m.deliveryStatus,
          deliveryError: m.deliveryError,
          attachments: attachmentRows
            .filter((a) => a.messageId === m.id)
            .map((a) => ({
              sha256: a.sha256,
              filename: a.filename,
              contentType: a.contentType,
              size: a.size,
            })),
          at: m.createdAt.toISOString(),
        },
      },
    })),
    ...eventRows.map((e) => ({
      at: e.createdAt.getTime(),
      order: 1,
      entry: { type: 'event' as const, event: presentEvent(e) },
    })),
  ]
    .sort((a, b) => a.at - b.at || a.order - b.order)
    .map((t) => t.entry);
  return {
    ...presentCase(row, await deadlinesOf(deps, tx, [row.kase.id], now)),
    timeline,
    // Only the message that opened the case carries one (an acknowledgement may share its instant).
    classification: messageRows.map((m) => classificationOf(m.metadata)).find(Boolean) ?? null,
  };
}
