import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { systemActor } from '../auth/system-rules.ts';
import { type DecodedAttachment, messageValues, storeMessageAttachments } from '../cases/messages.ts';
import { REQUEST_TYPE_LABELS_ES, type RequestType } from '../cases/request-types.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases, customers, events, messages } from '../db/schema.ts';
import { isOneOf } from '../domain/vocabulary.ts';
import { eventValues } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import type { OutgoingMessage } from './adapter.ts';
import { type ContactKind, WRITABLE_CHANNELS } from './channel.ts';
import { SEND_JOB, SEND_RETRY_LIMIT } from './outbound-send.ts';
import { formatDateEs } from './templates.ts';

/** WhatsApp's and Messenger's customer-service window: free text only within 24 h of the customer's last message. */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3_600_000;
/** Messenger's HUMAN_AGENT tag: a person may still answer within 7 days of the customer's last message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 3_600_000;
type Template = NonNullable<OutgoingMessage['template']>;

/**
 * Stores an outbound message (pending) with its event, and enqueues its sending in the same transaction:
 * the message exists exactly when its send job does.
 */
export async function queueOutbound(
  deps: Pick<AppContext, 'jobs' | 'database'>,
  tx: Tx,
  message: {
    caseId: string;
    channel: string;
    body: string;
    automatic: boolean;
    authorAgentId?: string | null;
    template?: Template;
    messagingTag?: 'HUMAN_AGENT';
    /** Options to tap (a survey's scores), for WhatsApp and Messenger inside the 24-hour window. */
    choices?: OutgoingMessage['choices'];
    /** The customer's address the agent chose to answer on; otherwise found when sending. */
    to?: { kind: ContactKind; address: string };
    at: Date;
  },
  attachments: DecodedAttachment[] = [],
): Promise<string> {
  const messageId = randomUUID();
  const stored = messageValues({
    id: messageId,
    caseId: message.caseId,
    kind: 'saliente',
    channel: message.channel,
    body: message.body,
    authorAgentId: message.authorAgentId ?? null,
    // The portal shows replies itself and a phone case has no written transport: nothing to deliver.
    deliveryStatus: isOneOf(WRITABLE_CHANNELS, message.channel) ? 'pendiente' : null,
    metadata: {
      automatic: message.automatic,
      ...(message.template ? { template: message.template } : {}),
      ...(message.messagingTag ? { messagingTag: message.messagingTag } : {}),
      ...(message.choices ? { choices: message.choices } : {}),
      ...(message.to ? { to: message.to } : {}),
      // Lets the send skip looking for files on the many messages (acknowledgements) that have none.
      ...(attachments.length > 0 ? { attachments: attachments.length } : {}),
    },
    at: message.at,
  });
  const added = eventValues(
    [
      {
        kind: 'message_added',
        actor: message.authorAgentId
          ? { kind: 'agente', agentId: message.authorAgentId }
          : systemActor('aviso_automatico'),
        caseId: message.caseId,
        after: { messageId, kind: 'saliente', automatic: message.automatic, attachments: attachments.length },
      },
    ],
    message.at,
  );
  // The message and its event in one statement: every acknowledgement and reply goes through here.
  await tx.execute(
    sql`with outbound as (${tx.insert(messages).values(stored).getSQL()}) ${tx.insert(events).values(added).getSQL()}`,
  );
  await storeMessageAttachments(deps, tx, messageId, attachments);
  if (isOneOf(WRITABLE_CHANNELS, message.channel)) {
    await deps.jobs.enqueue(
      tx,
      SEND_JOB,
      { messageId },
      { retryLimit: SEND_RETRY_LIMIT, retryDelay: 5, retryBackoff: true },
    );
  }
  return messageId;
}

/** What templates say about a case: its folio, type and the customer's name. */
export interface TemplateSubject {
  folio: string;
  requestType: string;
  customerName: string | null;
}

export async function templateSubjectOf(tx: Tx, caseId: string): Promise<TemplateSubject> {
  const [row] = await tx
    .select({ folio: cases.folio, requestType: cases.requestType, customerName: customers.name })
    .from(cases)
    .innerJoin(customers, eq(customers.id, cases.customerId))
    .where(eq(cases.id, caseId));
  if (!row) throw new AppError('case.not_found', { status: 404, detail: 'No such case' });
  return row;
}

/** The values templates may use for a case. */
export function templateValues(
  settings: ProviderSettings,
  subject: TemplateSubject,
  dueAt: Date | null,
): Record<string, string> {
  const firstName = subject.customerName?.trim().split(/\s+/)[0];
  return {
    folio: subject.folio,
    nombre: firstName ? ` ${firstName}` : '',
    plazo: dueAt ? formatDateEs(dueAt, settings.provider.timeZone) : 'la fecha que te indique tu asesor',
    tipo: REQUEST_TYPE_LABELS_ES[subject.requestType as RequestType] ?? subject.requestType,
    proveedor: settings.provider.name,
  };
}

/** When the customer last wrote to the provider on a channel (any of their cases), if ever. */
export async function lastCustomerMessageAt(
  tx: Tx,
  customerId: string,
  channel: string,
): Promise<Date | undefined> {
  const [row] = await tx
    .select({ at: sql<Date>`max(${messages.createdAt})` })
    .from(messages)
    .innerJoin(cases, eq(cases.id, messages.caseId))
    .where(
      and(eq(cases.customerId, customerId), eq(messages.channel, channel), eq(messages.kind, 'entrante')),
    );
  return row?.at ? new Date(row.at) : undefined;
}

/** Whether the customer wrote within the last 24 h on a chat channel, so free text may still go out. */
export async function windowOpen(tx: Tx, customerId: string, channel: string, now: Date): Promise<boolean> {
  const last = await lastCustomerMessageAt(tx, customerId, channel);
  return Boolean(last && now.getTime() - last.getTime() <= CUSTOMER_SERVICE_WINDOW_MS);
}
