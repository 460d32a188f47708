import { randomUUID } from 'node:crypto';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { readAttachment } from '../attachments/attachments.service.ts';
import { type DecodedAttachment, messageValues, storeMessageAttachments } from '../cases/messages.ts';
import { REQUEST_TYPE_LABELS_ES, type RequestType } from '../cases/request-types.ts';
import type { AppContext } from '../context.ts';
import { queryRows, type Tx } from '../db/database.ts';
import {
  cases,
  channelStates,
  contactPoints,
  customers,
  events,
  messageAttachments,
  messages,
  outboundStatuses,
} from '../db/schema.ts';
import { appendEvent, eventValues } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import type { DeliveryStatus, OutgoingMessage, StatusUpdate } from './adapter.ts';
import type { Channel, ContactKind } from './channel.ts';
import { formatDateEs, renderTemplate, templateText } from './templates.ts';

/** The job that sends one stored outbound message through its channel. */
export const SEND_JOB = 'channel-send';
/** Attempts before a send that keeps failing is given up and shown as failed on the case. */
export const SEND_RETRY_LIMIT = 6;

/** Channels Atiende writes back through; a phone call or the portal has no outbound transport. */
export const WRITABLE_CHANNELS: readonly Channel[] = ['whatsapp', 'email', 'facebook'];
const CONTACT_KIND_OF: Partial<Record<Channel, ContactKind>> = {
  whatsapp: 'whatsapp',
  email: 'email',
  facebook: 'messenger',
};
/** WhatsApp's and Messenger's customer-service window: free text only within 24 h of the customer's last message. */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3_600_000;
/** Messenger's HUMAN_AGENT tag: a person may still answer within 7 days of the customer's last message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 3_600_000;
/** Chat channels where automatic messages may only go inside the customer-service window. */
const WINDOWED_CHANNELS: readonly string[] = ['whatsapp', 'facebook'];

type Deps = Pick<AppContext, 'jobs' | 'database' | 'settings'>;
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
    deliveryStatus: WRITABLE_CHANNELS.includes(message.channel as Channel) ? 'pendiente' : null,
    metadata: {
      automatic: message.automatic,
      ...(message.template ? { template: message.template } : {}),
      ...(message.messagingTag ? { messagingTag: message.messagingTag } : {}),
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
          : { kind: 'sistema' },
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
  if (WRITABLE_CHANNELS.includes(message.channel as Channel)) {
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

/**
 * Queues an automatic message to the customer from a template (acknowledgement, status notice) on the
 * case's channel, when that channel can carry one and the provider has the template. Returns its id.
 */
export async function queueTemplatedNotice(
  deps: Deps,
  tx: Tx,
  kase: { id: string; channel: string; requestType: string; customerId: string },
  key: string,
  dueAt: Date | null,
  at: Date,
  options: {
    withCustomerData?: boolean;
    /** Known to the caller (e.g. the case it just opened), so not read again. */
    subject?: TemplateSubject;
    /** The customer has just written on this channel, so its reply window is open. */
    customerJustWrote?: boolean;
  } = {},
): Promise<string | undefined> {
  if (!WRITABLE_CHANNELS.includes(kase.channel as Channel)) return undefined;
  if (
    WINDOWED_CHANNELS.includes(kase.channel) &&
    !options.customerJustWrote &&
    !(await windowOpen(tx, kase.customerId, kase.channel, at))
  )
    return undefined;
  const { settings } = await deps.settings.current(tx);
  const text = templateText(settings, key, kase.channel, kase.requestType);
  if (!text) return undefined;
  const values = templateValues(settings, options.subject ?? (await templateSubjectOf(tx, kase.id)), dueAt);
  // A reply to an unverified sender carries nothing about the customer on file, not even the name.
  if (options.withCustomerData === false) values.nombre = '';
  const body = renderTemplate(text, values);
  return queueOutbound(deps, tx, { caseId: kase.id, channel: kase.channel, body, automatic: true, at });
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

/** The address the customer last wrote from on a case's channel, as its inbound messages recorded it. */
const lastSenderOf = (caseId: SQL, channel: SQL) =>
  sql<OutgoingMessage['to'] | null>`(select m.metadata -> 'sender' from ${messages} m
    where m.case_id = ${caseId} and m.kind = 'entrante' and m.channel = ${channel}
    order by m.created_at desc limit 1)`;

/** Where a message goes: the address the customer last wrote from on that channel, else their contact point. */
async function recipientOf(
  tx: Tx,
  kase: { customerId: string },
  channel: string,
  lastSender: OutgoingMessage['to'] | null,
) {
  if (lastSender) return lastSender;
  const kind = CONTACT_KIND_OF[channel as Channel];
  if (!kind) return undefined;
  const [point] = await tx
    .select({ address: contactPoints.address })
    .from(contactPoints)
    .where(and(eq(contactPoints.customerId, kase.customerId), eq(contactPoints.kind, kind)))
    .limit(1);
  return point ? { kind, address: point.address } : undefined;
}

const RANK: Record<string, number> = { pendiente: 0, enviado: 1, entregado: 2, leido: 3, fallido: 4 };
const rank = (status: string | null) => RANK[status ?? 'pendiente'] ?? 0;

async function markFailed(
  tx: Tx,
  messageId: string,
  caseId: string,
  reason: string,
  code: string | number | undefined,
  now: Date,
) {
  const [changed] = await tx
    .update(messages)
    .set({ deliveryStatus: 'fallido', deliveryError: reason })
    .where(and(eq(messages.id, messageId), sql`${messages.deliveryStatus} is distinct from 'fallido'`))
    .returning({ id: messages.id });
  if (changed) {
    await appendEvent(
      tx,
      {
        kind: 'delivery_failed',
        actor: { kind: 'sistema' },
        caseId,
        // The transport's wording often quotes the address: it stays on the message, out of the audit trail.
        after: { messageId, code: code ?? null },
      },
      now,
    );
  }
}

/** Records that a channel's credentials were refused, for every process's health report. */
export async function setChannelState(
  tx: Tx,
  channel: string,
  status: 'ok' | 'error',
  detail: string | null,
) {
  await tx
    .insert(channelStates)
    .values({ channel, status, detail })
    .onConflictDoUpdate({ target: channelStates.channel, set: { status, detail, updatedAt: sql`now()` } });
}

/**
 * Sends a stored outbound message. Success records the transport's id (and any delivery report that
 * raced ahead of it); a temporary failure throws so the job is retried with back-off; a permanent one,
 * or the last attempt, marks the message failed on its case with the reason.
 */
export async function sendOutbound(
  deps: Pick<AppContext, 'db' | 'database' | 'clock' | 'channels'>,
  job: { messageId: string },
  attempt: { retryCount: number },
): Promise<void> {
  const [row] = await deps.db
    .select({
      message: messages,
      kase: cases,
      lastSender: lastSenderOf(sql`${cases.id}`, sql`${messages.channel}`),
    })
    .from(messages)
    .innerJoin(cases, eq(cases.id, messages.caseId))
    .where(eq(messages.id, job.messageId));
  if (row?.message.deliveryStatus === 'enviado' && row.message.externalId) {
    // Sent by an earlier run of this job that stopped before applying a report that came ahead of it.
    return applyStoredReport(deps, row.message.channel as Channel, row.message.externalId, deps.clock.now());
  }
  if (row?.message.deliveryStatus !== 'pendiente') return;
  const { message, kase, lastSender } = row;
  const now = () => deps.clock.now();
  const adapter = deps.channels.get(message.channel as Channel);
  const fail = (reason: string, code?: string | number) =>
    deps.db.transaction((tx) => markFailed(tx, message.id, kase.id, reason, code, now()));
  if (!adapter || adapter.health().status === 'off')
    return fail(`The ${message.channel} channel is not configured`);
  const metadata = (message.metadata ?? {}) as {
    automatic?: boolean;
    template?: Template;
    messagingTag?: 'HUMAN_AGENT';
    to?: OutgoingMessage['to'];
    attachments?: number;
  };
  const to = metadata.to ?? (await recipientOf(deps.db, kase, message.channel, lastSender));
  if (!to) return fail('The customer has no address on this channel');
  const thread =
    message.channel === 'email'
      ? await emailThread(deps, kase, message.id)
      : metadata.attachments
        ? { files: await filesOf(deps, message.id) }
        : {};
  const result = await adapter.send({
    channel: message.channel as Channel,
    to,
    text: message.body,
    template: metadata.template,
    folio: kase.folio,
    automatic: metadata.automatic ?? false,
    messagingTag: metadata.messagingTag,
    ...thread,
  });
  if (result.ok) {
    // One statement for the common case, since every acknowledgement comes through here: the message is
    // marked sent, an error recorded for the channel is cleared (only then is its row locked, so
    // concurrent sends do not queue on it), and a delivery report that raced ahead of the send is found.
    // An error being recorded by a concurrent, uncommitted send is not waited for: it stays until the
    // next success, which is what a token refused for one send and not another calls for anyway.
    const [waiting] = await queryRows<{ waiting: number }>(
      deps.db,
      sql`with sent as (${deps.db
        .update(messages)
        .set({ externalId: result.externalId, deliveryStatus: 'enviado' })
        .where(eq(messages.id, message.id))
        .getSQL()}),
      recovered as (${deps.db
        .update(channelStates)
        .set({ status: 'ok', detail: null, updatedAt: sql`now()` })
        .where(and(eq(channelStates.channel, message.channel), eq(channelStates.status, 'error')))
        .getSQL()})
      select 1 as waiting from ${outboundStatuses}
      where ${outboundStatuses.channel} = ${message.channel} and ${outboundStatuses.externalId} = ${result.externalId}`,
    );
    // Should this fail or the process die now, the job runs again and finds the message sent (above).
    if (waiting) await applyStoredReport(deps, message.channel as Channel, result.externalId, now());
    return;
  }
  const retry = result.retryable && attempt.retryCount < SEND_RETRY_LIMIT;
  const reason = result.needsTemplate
    ? `Outside WhatsApp's 24-hour window: send an approved template instead (${result.reason})`
    : result.reason;
  // The channel's state and the message's failure change together: health and case never disagree.
  if (result.channelDown || !retry) {
    await deps.db.transaction(async (tx) => {
      if (result.channelDown) await setChannelState(tx, message.channel, 'error', result.reason);
      if (!retry) await markFailed(tx, message.id, kase.id, reason, result.code, now());
    });
  }
  if (retry) throw new Error(`send failed, will retry: ${result.reason}`);
}

/** What an e-mail reply needs to thread in the customer's mail client: subject, references and files. */
async function emailThread(
  deps: Pick<AppContext, 'db' | 'database'>,
  kase: { id: string; subject: string },
  messageId: string,
) {
  const caseId = kase.id;
  const earlier = await deps.db
    .select({ externalId: messages.externalId })
    .from(messages)
    .where(
      and(
        eq(messages.caseId, caseId),
        eq(messages.channel, 'email'),
        sql`${messages.externalId} is not null`,
      ),
    )
    .orderBy(messages.createdAt);
  return {
    subject: kase.subject,
    references: earlier.map((m) => m.externalId as string),
    files: await filesOf(deps, messageId),
  };
}

/** The files of a stored message, in order, with their bytes. */
async function filesOf(deps: Pick<AppContext, 'db' | 'database'>, messageId: string) {
  const attached = await deps.db
    .select()
    .from(messageAttachments)
    .where(eq(messageAttachments.messageId, messageId))
    .orderBy(messageAttachments.position);
  const files = [];
  for (const a of attached) {
    const { bytes, contentType } = await readAttachment(deps.database, a.sha256);
    files.push({ filename: a.filename, contentType, content: bytes });
  }
  return files;
}

/** Applies a delivery report stored because it arrived before its message was known to be sent. */
async function applyStoredReport(
  deps: Pick<AppContext, 'db'>,
  channel: Channel,
  externalId: string,
  now: Date,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const [stored] = await tx
      .select()
      .from(outboundStatuses)
      .where(and(eq(outboundStatuses.channel, channel), eq(outboundStatuses.externalId, externalId)));
    if (stored)
      await applyStatusToMessage(
        tx,
        { ...stored, channel, error: (stored.error as StatusUpdate['error']) ?? undefined },
        now,
      );
  });
}

async function applyStatusToMessage(tx: Tx, update: StatusUpdate, now: Date) {
  const [target] = await tx
    .select({ id: messages.id, caseId: messages.caseId, status: messages.deliveryStatus })
    .from(messages)
    .where(and(eq(messages.channel, update.channel), eq(messages.externalId, update.externalId)))
    .for('update');
  if (!target || rank(update.status) <= rank(target.status)) return;
  if (update.status === 'fallido') {
    const needsTemplate = update.error?.code === 131047;
    const reason = needsTemplate
      ? "Outside WhatsApp's 24-hour window: send an approved template instead"
      : (update.error?.detail ?? update.error?.title ?? 'The channel reported the message as failed');
    await markFailed(tx, target.id, target.caseId, reason, update.error?.code, now);
    return;
  }
  await tx
    .update(messages)
    .set({ deliveryStatus: update.status as DeliveryStatus })
    .where(eq(messages.id, target.id));
}

/** Messenger's read receipt: every message sent to that person before the watermark has been read. */
async function markReadUpTo(tx: Tx, channel: string, address: string, at: Date) {
  await tx.execute(sql`
    update ${messages} m set delivery_status = 'leido'
    where m.channel = ${channel} and m.kind = 'saliente' and m.created_at <= ${at.toISOString()}::timestamptz
      and m.delivery_status in ('enviado', 'entregado')
      and exists (select 1 from ${messages} i where i.case_id = m.case_id and i.kind = 'entrante'
                  and i.metadata->'sender'->>'address' = ${address})`);
}

/**
 * Applies delivery reports. Each is kept by the transport's id first (the latest by rank wins), so a
 * report arriving before its send call returned is applied when it does, and one arriving out of order
 * never moves a message backwards.
 */
export async function applyStatuses(
  deps: Pick<AppContext, 'db' | 'clock'>,
  updates: StatusUpdate[],
): Promise<void> {
  if (updates.length === 0) return;
  await deps.db.transaction(async (tx) => {
    for (const update of updates) {
      if (update.readUpTo) {
        await markReadUpTo(tx, update.channel, update.readUpTo.address, update.at);
        continue;
      }
      const [existing] = await tx
        .select()
        .from(outboundStatuses)
        .where(
          and(
            eq(outboundStatuses.channel, update.channel),
            eq(outboundStatuses.externalId, update.externalId),
          ),
        )
        .for('update');
      if (!existing) {
        await tx
          .insert(outboundStatuses)
          .values({
            channel: update.channel,
            externalId: update.externalId,
            status: update.status,
            at: update.at,
            error: update.error ?? null,
          })
          .onConflictDoNothing();
      } else if (rank(update.status) > rank(existing.status)) {
        await tx
          .update(outboundStatuses)
          .set({ status: update.status, at: update.at, error: update.error ?? null })
          .where(
            and(
              eq(outboundStatuses.channel, update.channel),
              eq(outboundStatuses.externalId, update.externalId),
            ),
          );
      }
      await applyStatusToMessage(tx, update, deps.clock.now());
    }
  });
}
