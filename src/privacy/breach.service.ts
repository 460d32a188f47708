import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { queryRows, type Tx } from '../db/database.ts';
import { breachNoticeRecipients, breachNotices, customers, zones } from '../db/schema.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { Pacing } from '../incidents/broadcast.ts';
import { zonesWithin } from '../incidents/zones.ts';
import type { BreachAffected, BreachNoticeResponse, DeclareBreachNoticeRequest } from './breach.schema.ts';
import {
  carrierCase,
  type FanOutDeps,
  openCarrierCase,
  type Queued,
  runFanOut,
  tellOnCase,
} from './breach-fanout.ts';

export const BREACH_NOTICE_JOB = 'breach-notice';

type BreachRow = typeof breachNotices.$inferSelect;

/** Live customers (not merged away, not erased by an ARCO cancellation) the breach affected. */
async function affectedCustomers(tx: Tx, affected: z.infer<typeof BreachAffected>): Promise<string[]> {
  const live = and(isNull(customers.mergedIntoId), isNull(customers.anonymisedAt));
  if (affected.kind === 'todos') {
    const rows = await tx.select({ id: customers.id }).from(customers).where(live);
    return rows.map((r) => r.id);
  }
  if (affected.kind === 'clientes') {
    const wanted = [...new Set(affected.customerIds)];
    const rows = await tx
      .select({ id: customers.id })
      .from(customers)
      .where(and(inArray(customers.id, wanted), live));
    const found = new Set(rows.map((r) => r.id));
    const missing = wanted.findIndex((id) => !found.has(id));
    if (missing >= 0) {
      throw new AppError('breach.unknown_customer', {
        status: 422,
        field: `affected.customerIds.${affected.customerIds.indexOf(wanted[missing] as string)}`,
        detail: 'No such customer (or merged into another, or erased)',
      });
    }
    return [...found];
  }
  const wanted = [...new Set(affected.zoneIds)];
  const known = await tx.select({ id: zones.id }).from(zones).where(inArray(zones.id, wanted));
  const missing = wanted.find((id) => !known.some((z) => z.id === id));
  if (missing !== undefined) {
    throw new AppError('breach.unknown_zone', {
      status: 422,
      field: `affected.zoneIds.${affected.zoneIds.indexOf(missing)}`,
      detail: `No zone ${missing}`,
    });
  }
  const covered = await zonesWithin(tx, wanted);
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select distinct s.customer_id as id from services s join customers cu on cu.id = s.customer_id
        where s.zone_id in ${covered} and cu.merged_into_id is null and cu.anonymised_at is null`,
  );
  return rows.map((r) => r.id);
}

/**
 * Declares a breach notice (an admin's legal duty, not a use of data: it ignores opt-outs): the notice,
 * one recipient row per affected person, an event, and the job that tells each of them, all in one
 * transaction. Nobody affected is a 422, not an empty notice.
 */
export async function declareBreachNotice(
  deps: FanOutDeps,
  input: z.infer<typeof DeclareBreachNoticeRequest>,
  actor: Actor,
): Promise<z.infer<typeof BreachNoticeResponse>> {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const affected = await affectedCustomers(tx, input.affected);
    if (affected.length === 0) {
      throw new AppError('breach.nobody_affected', {
        status: 422,
        field: 'affected',
        detail: 'No customer matches the affected people given',
      });
    }
    const [notice] = await tx
      .insert(breachNotices)
      .values({
        title: input.title,
        body: input.body,
        declaredByAgentId: actor.agentId,
        affectedCount: affected.length,
        createdAt: now,
      })
      .returning({ id: breachNotices.id });
    if (!notice) throw new Error('breach notice not stored');
    await tx
      .insert(breachNoticeRecipients)
      .values(affected.map((customerId) => ({ breachNoticeId: notice.id, customerId, createdAt: now })));
    await appendEvent(
      tx,
      {
        kind: 'breach_notice_declared',
        actor: agentActor(actor),
        subject: { kind: 'breach_notice', id: notice.id },
        after: {
          affectedCount: affected.length,
          affected: input.affected.kind,
          ...(input.affected.kind === 'zonas' ? { zoneIds: input.affected.zoneIds } : {}),
        },
      },
      now,
    );
    await deps.jobs.enqueue(tx, BREACH_NOTICE_JOB, { breachNoticeId: notice.id });
    return notice.id;
  });
  return breachNoticeDetail(deps, id);
}

/**
 * Tells each affected person once: on their newest open case, else on a `consulta` opened for it, so
 * the notice has a folio the person can follow up and an agent a case to answer questions on. A
 * recipient's row gets its case and message in the transaction that queues the notice, so a re-run
 * (a crash, a retry, a second worker) passes over whoever has a case already.
 */
export async function sendBreachNotice(
  deps: FanOutDeps,
  data: { breachNoticeId: string },
  pacing: Pacing = {},
): Promise<void> {
  const [notice] = await deps.db
    .select()
    .from(breachNotices)
    .where(eq(breachNotices.id, data.breachNoticeId));
  if (!notice) return;
  const { title, body } = notice;
  const text = {
    'es-MX': `${title['es-MX']}\n\n${body['es-MX']}`,
    ...(title.en && body.en ? { en: `${title.en}\n\n${body.en}` } : {}),
  };
  const actor = agentActor({ agentId: notice.declaredByAgentId });
  await runFanOut(
    deps,
    async (tx, limit, now) => {
      const pending = await tx
        .select({ customerId: breachNoticeRecipients.customerId })
        .from(breachNoticeRecipients)
        .where(
          and(eq(breachNoticeRecipients.breachNoticeId, notice.id), isNull(breachNoticeRecipients.caseId)),
        )
        .orderBy(asc(breachNoticeRecipients.customerId))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (pending.length === 0) return undefined;
      const queued: Queued = {};
      for (const { customerId } of pending) {
        const carrier =
          (await carrierCase(tx, customerId, true)) ??
          (await openCarrierCase(deps, tx, customerId, {
            subject: title['es-MX'],
            body: `Aviso de vulneración de datos personales: ${title['es-MX']}`,
            agentId: notice.declaredByAgentId,
            actor,
            now,
          }));
        const told = await tellOnCase(deps, tx, carrier, 'aviso_vulneracion', text, now);
        await tx
          .update(breachNoticeRecipients)
          .set({ caseId: carrier.id, messageId: told.messageId, channel: told.channel })
          .where(
            and(
              eq(breachNoticeRecipients.breachNoticeId, notice.id),
              eq(breachNoticeRecipients.customerId, customerId),
            ),
          );
        await appendEvent(
          tx,
          {
            kind: 'breach_notice_sent',
            actor,
            caseId: carrier.id,
            customerId,
            after: { breachNoticeId: notice.id, messageId: told.messageId, channel: told.channel },
          },
          now,
        );
        if (told.channel) queued[told.channel] = (queued[told.channel] ?? 0) + 1;
      }
      return queued;
    },
    pacing,
  );
}

const present = (
  row: BreachRow,
  counts: { processed: number; queued: number; delivered: number; unreached: number },
): z.infer<typeof BreachNoticeResponse> => ({
  id: row.id,
  title: row.title,
  body: row.body,
  declaredByAgentId: row.declaredByAgentId,
  createdAt: row.createdAt.toISOString(),
  affectedCount: row.affectedCount,
  ...counts,
});

async function countsOf(tx: Tx, ids: string[]) {
  if (ids.length === 0)
    return new Map<string, { processed: number; queued: number; delivered: number; unreached: number }>();
  const rows = await queryRows<{
    id: string;
    processed: number;
    queued: number;
    delivered: number;
    unreached: number;
  }>(
    tx,
    sql`select r.breach_notice_id as id,
          count(r.case_id)::int as processed,
          count(r.message_id)::int as queued,
          count(m.id) filter (where m.delivery_status in ('entregado', 'leido'))::int as delivered,
          count(*) filter (where r.case_id is not null and r.message_id is null)::int as unreached
        from breach_notice_recipients r left join messages m on m.id = r.message_id
        where r.breach_notice_id in ${ids}
        group by r.breach_notice_id`,
  );
  return new Map(rows.map(({ id, ...counts }) => [id, counts]));
}

const NO_COUNTS = { processed: 0, queued: 0, delivered: 0, unreached: 0 };

/** One breach notice with how far telling its people has gone; 404 when unknown. */
export async function breachNoticeDetail(
  deps: Pick<FanOutDeps, 'db'>,
  id: string,
): Promise<z.infer<typeof BreachNoticeResponse>> {
  const [row] = await deps.db.select().from(breachNotices).where(eq(breachNotices.id, id));
  if (!row) throw new AppError('breach.not_found', { status: 404, detail: 'No such breach notice' });
  return present(row, (await countsOf(deps.db, [id])).get(id) ?? NO_COUNTS);
}

/** Every breach notice, newest first, with its counts. */
export async function listBreachNotices(deps: Pick<FanOutDeps, 'db'>) {
  const rows = await deps.db.select().from(breachNotices).orderBy(sql`${breachNotices.createdAt} desc`);
  const counts = await countsOf(
    deps.db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => present(row, counts.get(row.id) ?? NO_COUNTS));
}
