import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { decodeAttachment } from '../attachments/attachments.service.ts';
import type { CaseDeps } from '../cases/case-context.ts';
import { classifyRequest } from '../cases/classification.ts';
import { addCustomerMessage, customerSpoke } from '../cases/customer-messages.ts';
import { parseFolio } from '../cases/folio.ts';
import { isFinal } from '../cases/lifecycle.ts';
import type { DecodedAttachment } from '../cases/messages.ts';
import { areaForRequest, summarize } from '../cases/open-case.ts';
import { openCaseRow } from '../cases/open-case-row.ts';
import type { AppContext } from '../context.ts';
import { handleMenuTurn } from '../conversations/conversations.service.ts';
import { takeSurveyReply } from '../csat/csat.service.ts';
import { findOrCreateCustomerByContact } from '../customers/customer-lookup.ts';
import type { CustomerRow } from '../customers/customers.service.ts';
import {
  actingAs,
  afterRepresentativeOpened,
  type Representation,
  representationOf,
} from '../customers/representation.ts';
import type { Tx } from '../db/database.ts';
import { cases, contactPoints, customers, inboundReceipts, messages } from '../db/schema.ts';
import { answerAppointment } from '../field/appointment-reply.service.ts';
import { AppError } from '../http/errors.ts';
import { openOutageCaseOf, outageNoticeValues } from '../incidents/outage-intake.ts';
import type { IncomingMessage } from './adapter.ts';
import { deliverNotice } from './notices.ts';

/** The job that fetches a message's media from its transport once the message is safely stored. */
export const MEDIA_FETCH_JOB = 'channel-media-fetch';

export interface Received {
  externalId: string;
  /** A redelivery of a message already stored: nothing was done. */
  duplicate: boolean;
  caseId?: string;
  folio?: string;
  newCase?: boolean;
  messageId?: string;
}

/** The intake's needs: a case's, and where customers reach the server (links in acknowledgements). */
export type IntakeDeps = CaseDeps & Pick<AppContext, 'config'>;

/**
 * The one intake path of every channel. For each message: claim its transport id (a redelivery stops
 * here), identify the sender by contact point (unknown senders become prospects), thread it into the
 * customer's case on that channel (or, during an outage, the case linked to it) or open a new one
 * (routed, with deadlines, acknowledged on the same channel), and queue its media. Everything commits in
 * one transaction, before the transport is answered, so an acknowledged message is always stored and a
 * failure leaves nothing half-stored.
 */
export async function receiveMessages(deps: IntakeDeps, incoming: IncomingMessage[]): Promise<Received[]> {
  if (incoming.length === 0) return [];
  return deps.db.transaction(async (tx) => {
    const results: Received[] = [];
    for (const message of incoming) {
      results.push(await receiveOne(deps, tx, message));
    }
    return results;
  });
}

async function receiveOne(deps: IntakeDeps, tx: Tx, message: IncomingMessage): Promise<Received> {
  const now = deps.clock.now();
  // The message's id is made now, so the receipt names it from the start.
  const messageId = randomUUID();
  const [claimed] = await tx
    .insert(inboundReceipts)
    .values({ channel: message.channel, externalId: message.externalId, receivedAt: now, messageId })
    .onConflictDoNothing()
    .returning({ externalId: inboundReceipts.externalId });
  if (!claimed) return { externalId: message.externalId, duplicate: true };
  // A tapped survey score belongs to a closed case: it must neither reopen it nor open another.
  const survey = await takeSurveyReply(deps, tx, message, messageId, now);
  if (survey) return survey;
  // The self-service menu answers what needs no agent; a request it takes opens its case there.
  const menu = await handleMenuTurn(deps, tx, message, messageId, now);
  if (menu) return menu;

  const { customer, created, representation } = await identifySender(tx, message, now);
  const { target, mentionedFolio } = message.thread
    ? await explicitThread(tx, message, customer.id)
    : {
        // A sender met just now has no cases yet.
        target: created
          ? undefined
          : await latestCaseOnChannel(tx, customer.id, message.channel, representation?.representative.id),
        mentionedFolio: undefined,
      };
  const metadata: Record<string, unknown> = {
    ...message.metadata,
    sender: {
      kind: message.sender.kind,
      address: message.sender.address,
      conversationKey: message.sender.conversationKey,
    },
    contentType: message.contentType,
    sentAt: message.sentAt.toISOString(),
    ...(message.unverified ? { unverified: true } : {}),
    ...(mentionedFolio ? { mentionedFolio } : {}),
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
  };

  // A file type Atiende does not take is noted for the agent instead of refusing the whole message.
  const files: DecodedAttachment[] = [];
  const refused: string[] = [];
  for (const [i, file] of (message.files ?? []).entries()) {
    try {
      files.push(
        decodeAttachment(
          { filename: file.filename, contentType: file.contentType, data: file.content.toString('base64') },
          `files.${i}`,
        ),
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refused.push(`${file.filename} (${error.detail})`);
    }
  }
  if (refused.length > 0) metadata.refusedFiles = refused;

  let into =
    target && !isFinal(target.status) && (await customerSpoke(deps, tx, target, now)) ? target : undefined;
  const snapshot = await deps.settings.current(tx);
  // Without a type the customer picked, the text decides (a failure gets the repair clock, not a
  // consulta's); the phrase that decided is kept on the first message for the agent to see.
  const classified =
    into || message.requestType
      ? undefined
      : classifyRequest([message.subject, message.text].filter(Boolean).join('\n'), snapshot.settings);
  if (classified) metadata.classification = classified;
  const requestType = message.requestType ?? classified?.requestType ?? 'consulta';
  // During an outage a customer writes again, maybe on another channel, about the same failure: it joins
  // the case already linked to it, unless they clearly ask for something else (a payment, a cancellation).
  const aboutTheOutage =
    message.requestType === undefined ? !classified || requestType === 'falla' : requestType === 'falla';
  if (!into && !created && aboutTheOutage) {
    const outageCase = await openOutageCaseOf(tx, customer.id);
    if (outageCase && (await customerSpoke(deps, tx, outageCase, now))) into = outageCase;
  }

  let result: Received;
  if (into) {
    await addCustomerMessage(
      deps,
      tx,
      {
        id: messageId,
        caseId: into.id,
        channel: message.channel,
        body: message.text,
        externalId: message.externalId,
        metadata,
        at: now,
      },
      files,
    );
    await answerAppointment(deps, tx, into, { ...message, id: messageId, customerId: customer.id }, now);
    result = {
      externalId: message.externalId,
      duplicate: false,
      caseId: into.id,
      folio: into.folio,
      newCase: false,
      messageId,
    };
  } else {
    const acting = await actingAs(tx, {
      customer,
      representation,
      sender: message.sender,
      requestType,
      now,
    });
    const opened = await openCaseRow(deps, tx, {
      now,
      requestType,
      // A menu choice (WhatsApp, Messenger) is the customer's own; a classification is only a guess.
      requestTypeStated: message.requestType !== undefined,
      subtype: classified?.subtype ?? null,
      channel: message.channel,
      customerId: acting.customerId,
      raisedBy: acting.raisedBy,
      representativeId: acting.representativeId,
      raisedByAgentId: null,
      areaId: areaForRequest(snapshot, requestType, message.text).id,
      priority: 'normal',
      subject: summarize(message.subject?.trim() || message.text || `Mensaje de ${message.channel}`),
      firstMessage: {
        id: messageId,
        body: message.text,
        authorAgentId: null,
        attachments: files,
        externalId: message.externalId,
        metadata,
      },
      actor: acting.actor,
      // A customer writing about a closed or discarded case gets a new one, linked to it.
      followsUpId: target?.id ?? null,
    });
    const due = opened.deadlines.find((d) => d.kind === 'resolucion')?.dueAt ?? null;
    // A report an outage explains is told what is known of it instead of a bare acknowledgement.
    await deliverNotice(deps, tx, opened.row, opened.incident ? 'acuse_incidente' : 'acuse', due, now, {
      ...(opened.incident
        ? {
            publicValues: outageNoticeValues(
              opened.incident,
              snapshot.settings.provider.timeZone,
              deps.config.publicUrl,
            ),
          }
        : {}),
      withCustomerData: !message.unverified,
      subject: { folio: opened.row.folio, requestType, customerName: customer.name },
      customerJustWrote: true,
    });
    await afterRepresentativeOpened(deps, tx, opened.row, acting, now);
    result = {
      externalId: message.externalId,
      duplicate: false,
      caseId: opened.row.id,
      folio: opened.row.folio,
      newCase: true,
      messageId,
    };
  }

  for (const media of message.media ?? []) {
    await deps.jobs.enqueue(
      tx,
      MEDIA_FETCH_JOB,
      { channel: message.channel, messageId: result.messageId, ...media },
      { retryLimit: 8, retryDelay: 10, retryBackoff: true },
    );
  }
  return result;
}

type CaseRow = typeof cases.$inferSelect;

/**
 * The customer a message comes from. An unverified sender is never linked to a customer who has an
 * account (anyone can forge a From line): the message gets a prospect of its own, with no contact point,
 * and replies go back to the address it came from. A proven sender who is a customer's representative
 * writes for that customer (see `representationOf`); replies still go to the address they wrote from.
 */
async function identifySender(
  tx: Tx,
  message: IncomingMessage,
  now: Date,
): Promise<{ customer: CustomerRow; created: boolean; representation?: Representation }> {
  if (!message.unverified) {
    const representation = await representationOf(tx, message.sender, now);
    if (representation) return { customer: representation.customer, created: false, representation };
  }
  if (message.unverified) {
    const [known] = await tx
      .select({ customer: customers })
      .from(contactPoints)
      .innerJoin(customers, eq(customers.id, contactPoints.customerId))
      .where(
        and(eq(contactPoints.kind, message.sender.kind), eq(contactPoints.address, message.sender.address)),
      );
    if (known?.customer.accountNumber) {
      const [prospect] = await tx
        .insert(customers)
        .values({ name: message.sender.name ?? null })
        .returning();
      if (!prospect)
        throw new AppError('customer.insert', { status: 500, detail: 'Prospect insert returned nothing' });
      return { customer: prospect, created: true };
    }
  }
  // Locked for update of its threads: one customer's messages are threaded one at a time, so several
  // photos sent together (delivered concurrently, maybe to different processes) open one case, not one each.
  return findOrCreateCustomerByContact(tx, {
    kind: message.sender.kind,
    address: message.sender.address,
    name: message.sender.name,
    lock: 'no key update',
    now,
  });
}

/**
 * Chat channels are one conversation per writer: the newest case on the channel that the customer raised,
 * or that their representative raised when it is the representative writing (replies go to whoever wrote).
 */
async function latestCaseOnChannel(
  tx: Tx,
  customerId: string,
  channel: string,
  representativeId?: string,
): Promise<CaseRow | undefined> {
  const [latest] = await tx
    .select()
    .from(cases)
    .where(
      and(
        eq(cases.customerId, customerId),
        eq(cases.channel, channel),
        representativeId ? eq(cases.representativeId, representativeId) : isNull(cases.representativeId),
      ),
    )
    .orderBy(desc(cases.createdAt))
    .limit(1)
    .for('update');
  return latest;
}

/**
 * E-mail threading: first by the ids the message refers to (our sent Message-IDs, or the customer's
 * earlier mails), then by a folio in the subject — only when the sender is that case's customer, since a
 * folio alone proves nothing. A folio that does not match is kept for the agent to see.
 */
async function explicitThread(
  tx: Tx,
  message: IncomingMessage,
  customerId: string,
): Promise<{ target?: CaseRow; mentionedFolio?: string }> {
  const references = message.thread?.references ?? [];
  if (references.length > 0) {
    const [byReference] = await tx
      .select({ kase: cases })
      .from(messages)
      .innerJoin(cases, eq(cases.id, messages.caseId))
      // Only the case's own customer threads by reference: a forwarded reply from someone else opens a case of their own.
      .where(
        and(
          eq(messages.channel, message.channel),
          inArray(messages.externalId, references),
          eq(cases.customerId, customerId),
        ),
      )
      .orderBy(desc(messages.createdAt))
      .limit(1);
    if (byReference) {
      const [locked] = await tx.select().from(cases).where(eq(cases.id, byReference.kase.id)).for('update');
      return { target: locked };
    }
  }
  const mentioned = message.thread?.folio;
  if (!mentioned) return {};
  let folio: string;
  try {
    folio = parseFolio(mentioned).folio;
  } catch {
    return { mentionedFolio: mentioned };
  }
  const [byFolio] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.folio, folio), eq(cases.customerId, customerId)))
    .for('update');
  return byFolio ? { target: byFolio } : { mentionedFolio: folio };
}
