import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { systemActor } from '../auth/system-rules.ts';
import type { Channel } from '../channels/channel.ts';
import type { CustomerRow } from '../customers/customers.service.ts';
import { queryRows, type Tx } from '../db/database.ts';
import { cases, deadlines as deadlineTable, events, messages, type RAISED_BY } from '../db/schema.ts';
import { type EventActor, eventValues, type NewEvent } from '../events/events.service.ts';
import { afterOpening, type OutageLink, outageAtOpening } from '../incidents/outage-intake.ts';
import { recordCancellationAtOpening } from '../rights/cancellation.service.ts';
import type { CalendarSpecInput } from '../sla/calendar-spec.ts';
import { newCaseDeadlines, scheduleDeadlineChecks } from '../sla/deadlines.service.ts';
import { nextDueColumns } from '../sla/next-due.ts';
import { pickAgentStatement } from './case-assignment.ts';
import type { CaseDeps, CaseRow } from './case-context.ts';
import { formatFolio } from './folio.ts';
import { type DecodedAttachment, messageValues, storeMessageAttachments } from './messages.ts';
import type { RequestType } from './request-types.ts';

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

interface NewCaseRow {
  now: Date;
  requestType: RequestType;
  /**
   * Whether the customer or an agent stated the type (a form, a menu choice), rather than it being
   * guessed from the words of a message: only a stated cancellation is recorded at opening.
   */
  requestTypeStated: boolean;
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
    attachments: DecodedAttachment[];
    externalId?: string | null;
    metadata?: Record<string, unknown> | null;
  };
  actor: EventActor;
  followsUpId: string | null;
  /** The customer's service the case is about, already checked to be theirs. */
  serviceId?: string | null;
  /** A contact the sender gave but did not prove; see `cases.claimedContact`. */
  claimedContact?: { kind: string; address: string } | null;
  proposedCustomerId?: string | null;
}

/** What `createCase` hands its `afterOpen`: the case as written, its customer, and whether it is new. */
export type OpenedForRequest = OpenedCase & { customer: CustomerRow; customerCreated: boolean };

export interface OpenedCase {
  row: CaseRow;
  assigneeName: string | null;
  deadlines: Array<typeof deadlineTable.$inferSelect>;
  /** The outage the case was linked to as it opened, for its acknowledgement. */
  incident?: OutageLink;
}

/**
 * Inserts a case with its folio, first message, events and deadlines, already given to an available
 * agent of its area (round-robin) or waiting in the area's queue. Every case and inbound message goes
 * through here, so it keeps round trips few: ids are made here, so the case, its message, deadlines and
 * events go in one statement (foreign keys are checked at its end), after the folio and the agent.
 */
export async function openCaseRow(deps: CaseDeps, tx: Tx, row: NewCaseRow): Promise<OpenedCase> {
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
    incidentId: null,
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
    serviceId: row.serviceId ?? null,
    createdAt: row.now,
    updatedAt: row.now,
    resolvedAt: null,
    closedAt: null,
    failureStartedAt: null,
    serviceRestoredAt: null,
    // Set from the deadlines below, which need the case's id and opening instant.
    nextDueKind: null,
    nextDueAt: null,
    nextWarnAt: null,
    deadlineMetLate: false,
  };
  const messageId = row.firstMessage.id ?? randomUUID();
  const outage = await outageAtOpening(tx, kase, `${row.subject}\n${row.firstMessage.body}`);
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
  if (outage.event) newEvents.push(outage.event);
  if (assignee) {
    newEvents.push({
      kind: 'assigned',
      actor: systemActor('reparto_automatico'),
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
      new_deadlines as (${tx.insert(deadlineTable).values(deadlines).getSQL()})
      ${tx.insert(events).values(eventValues(newEvents, row.now)).getSQL()}`,
  );
  await storeMessageAttachments(deps, tx, messageId, row.firstMessage.attachments);
  await scheduleDeadlineChecks(deps, tx, deadlines, settings.deadlines.warnAt);
  await afterOpening(deps, tx, kase, outage);
  // The customer gets the effective date at once, on every channel, when the service is beyond doubt
  // and cancelling is what they chose: a keyword's guess ("cancelar el cargo") must not end a contract.
  if (row.requestTypeStated) await recordCancellationAtOpening(deps, tx, kase, row.actor, row.now);
  return {
    row: kase,
    assigneeName: assignee?.name ?? null,
    deadlines,
    ...(outage.link ? { incident: outage.link } : {}),
  };
}
