import { and, eq, type SQL, sql } from 'drizzle-orm';
import { readAttachment } from '../attachments/attachments.service.ts';
import type { AppContext } from '../context.ts';
import { queryRows, type Tx } from '../db/database.ts';
import {
  cases,
  channelStates,
  contactPoints,
  messageAttachments,
  messages,
  outboundStatuses,
} from '../db/schema.ts';
import { isOneOf } from '../domain/vocabulary.ts';
import type { OutgoingMessage } from './adapter.ts';
import { type Channel, CONTACT_KIND_OF, WRITABLE_CHANNELS } from './channel.ts';
import { applyStoredReport, markFailed } from './delivery-reports.ts';

/** The job that sends one stored outbound message through its channel. */
export const SEND_JOB = 'channel-send';
/** Attempts before a send that keeps failing is given up and shown as failed on the case. */
export const SEND_RETRY_LIMIT = 6;

type Template = NonNullable<OutgoingMessage['template']>;

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
  if (!isOneOf(WRITABLE_CHANNELS, channel)) return undefined;
  const kind = CONTACT_KIND_OF[channel];
  const [point] = await tx
    .select({ address: contactPoints.address })
    .from(contactPoints)
    .where(and(eq(contactPoints.customerId, kase.customerId), eq(contactPoints.kind, kind)))
    .limit(1);
  return point ? { kind, address: point.address } : undefined;
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
    choices?: OutgoingMessage['choices'];
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
    ...(metadata.choices ? { choices: metadata.choices } : {}),
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
