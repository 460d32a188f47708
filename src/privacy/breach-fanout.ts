import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { areaForRequest } from '../cases/open-case.ts';
import { openCaseRow } from '../cases/open-case-row.ts';
import { CONTACT_KIND_OF, type WritableChannel } from '../channels/channel.ts';
import { deliverNotice } from '../channels/notices.ts';
import { defaultNotices } from '../config/profile.ts';
import type { AppContext } from '../context.ts';
import { queryRows, type Tx } from '../db/database.ts';
import type { ConsentPurpose } from '../domain/vocabulary.ts';
import type { EventActor } from '../events/events.service.ts';
import { type Pacing, paceDelayMs } from '../incidents/broadcast.ts';
import { incidentSettings } from '../incidents/incident-settings.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';

export type FanOutDeps = Pick<AppContext, 'db' | 'clock' | 'jobs' | 'database' | 'settings'>;

/** How many messages one batch handed each channel, for pacing. */
export type Queued = Partial<Record<WritableChannel, number>>;

/**
 * Runs a fan-out in batches, each its own transaction, until a batch finds nobody left; each channel is
 * handed at most the incident broadcasts' `broadcastPerSecond` (one rate per channel, whatever the
 * message). A batch records each recipient in the same transaction that queues their notice, so a run
 * killed halfway, retried, finds them told and queues nothing more for them.
 */
export async function runFanOut(
  deps: FanOutDeps,
  batch: (tx: Tx, limit: number, now: Date) => Promise<Queued | undefined>,
  pacing: Pacing = {},
): Promise<void> {
  const { settings } = await deps.settings.current(deps.db);
  const perSecond = incidentSettings(settings).broadcastPerSecond;
  const batchSize = pacing.batchSize ?? Math.min(100, ...Object.values(perSecond));
  const elapsed = pacing.elapsedMs ?? (() => performance.now());
  const wait = pacing.wait ?? sleep;
  for (;;) {
    const startedAt = elapsed();
    const queued = await deps.db.transaction((tx) => batch(tx, batchSize, deps.clock.now()));
    if (!queued) return;
    const delay = paceDelayMs(queued, perSecond, elapsed() - startedAt);
    if (delay > 0) await wait(delay);
  }
}

/** The case a notice to a customer rides on; the notice mechanism needs one (a folio, a channel). */
export interface Carrier {
  id: string;
  channel: string;
  requestType: string;
  customerId: string;
  folio: string;
  customerName: string | null;
  language: 'es' | 'en' | null;
}

/**
 * The customer's newest case not on the portal (a portal case is told nothing by notices: its customer
 * reads it there), open ones first unless `openOnly` is false, when a closed one serves too.
 */
export async function carrierCase(
  tx: Tx,
  customerId: string,
  openOnly: boolean,
): Promise<Carrier | undefined> {
  const [row] = await queryRows<Carrier>(
    tx,
    sql`select c.id, c.channel, c.request_type as "requestType", c.customer_id as "customerId", c.folio,
          cu.name as "customerName", cu.language
        from cases c join customers cu on cu.id = c.customer_id
        where c.customer_id = ${customerId} and c.channel <> 'portal'
          ${openOnly ? sql`and c.status not in ('resuelto', 'cerrado', 'descartado')` : sql``}
        order by (c.status in ('resuelto', 'cerrado', 'descartado')), c.created_at desc, c.id desc
        limit 1`,
  );
  return row;
}

/**
 * Opens a `consulta` for a customer with no open case, on the first written channel of the notice
 * fallback order they have a contact point for (by phone when none, so an agent calls them), raised by
 * the agent who sent the message; its first message says what the case is for.
 */
export async function openCarrierCase(
  deps: FanOutDeps,
  tx: Tx,
  customerId: string,
  input: { subject: string; body: string; agentId: string; actor: EventActor; now: Date },
): Promise<Carrier> {
  const snapshot = await deps.settings.current(tx);
  const kinds = await queryRows<{ kind: string }>(
    tx,
    sql`select distinct kind from contact_points where customer_id = ${customerId}`,
  );
  // Settings stored before notices had a section fall back to its defaults, as `deliverNotice` does.
  const order = ((snapshot.settings as Partial<ProviderSettings>).notices ?? defaultNotices()).fallbackOrder;
  const channel = order.find((c) => kinds.some((k) => k.kind === CONTACT_KIND_OF[c])) ?? 'telefono';
  const opened = await openCaseRow(deps, tx, {
    now: input.now,
    requestType: 'consulta',
    requestTypeStated: true,
    subtype: null,
    channel,
    customerId,
    raisedBy: 'agente',
    representativeId: null,
    raisedByAgentId: input.agentId,
    areaId: areaForRequest(snapshot, 'consulta', input.body).id,
    priority: 'normal',
    subject: input.subject,
    firstMessage: { body: input.body, authorAgentId: input.agentId, attachments: [] },
    actor: input.actor,
    followsUpId: null,
  });
  const carrier = await carrierCase(tx, customerId, true);
  if (!carrier || carrier.id !== opened.row.id) throw new Error('carrier case not found after opening');
  return carrier;
}

/**
 * Queues one notice on the carrier case with the admin's words in the customer's language; a `purpose`
 * makes it a use of their data, sent only with their consent in force (see `deliverNotice`). Returns the
 * message and its channel, or nulls when it could not go out (recorded on the case).
 */
export async function tellOnCase(
  deps: FanOutDeps,
  tx: Tx,
  carrier: Carrier,
  key: string,
  text: { 'es-MX': string; en?: string | undefined },
  now: Date,
  purpose?: ConsentPurpose,
): Promise<{ messageId: string | null; channel: WritableChannel | null }> {
  const mensaje = carrier.language === 'en' && text.en ? text.en : text['es-MX'];
  const messageId = await deliverNotice(deps, tx, carrier, key, null, now, {
    values: { mensaje },
    subject: { folio: carrier.folio, requestType: carrier.requestType, customerName: carrier.customerName },
    ...(purpose ? { purpose } : {}),
  });
  if (!messageId) return { messageId: null, channel: null };
  const [message] = await queryRows<{ channel: WritableChannel }>(
    tx,
    sql`select channel from messages where id = ${messageId}`,
  );
  return { messageId, channel: message?.channel ?? null };
}
