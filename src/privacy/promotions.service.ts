import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { queryRows, type Tx } from '../db/database.ts';
import { promotionRecipients, promotions } from '../db/schema.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import type { Pacing } from '../incidents/broadcast.ts';
import { carrierCase, type FanOutDeps, type Queued, runFanOut, tellOnCase } from './breach-fanout.ts';
import type { SendPromotionRequest, SendPromotionResponse } from './promotions.schema.ts';

export const PROMOTION_JOB = 'promotional-message';

export interface PromotionJob {
  promotionId: string;
}

/**
 * Live customers whose newest `promocionales` row grants consent (a refusal wins a tie, as in
 * `consentInForce`), not yet sent this promotion (no `promotion_recipients` row), in id order.
 */
const consenting = (tx: Tx, promotionId: string | null, limit: number | null) =>
  queryRows<{ id: string }>(
    tx,
    sql`select cu.id from customers cu
        where cu.merged_into_id is null and cu.anonymised_at is null
          and (select k.granted from consents k
               where k.customer_id = cu.id and k.purpose = 'promocionales'
               order by k.recorded_at desc, k.granted asc limit 1) is true
          ${
            promotionId
              ? sql`and not exists (select 1 from promotion_recipients r where r.customer_id = cu.id
                      and r.promotion_id = ${promotionId})`
              : sql``
          }
        order by cu.id
        ${limit === null ? sql`` : sql`limit ${limit}`}`,
  );

/**
 * An admin's promotional message: stored, with an event on the admin, and handed to a job that sends it
 * only to customers with consent in force (express consent for promotions). Answers how many had it now.
 */
export async function sendPromotion(
  deps: FanOutDeps,
  input: z.infer<typeof SendPromotionRequest>,
  actor: Actor,
): Promise<z.infer<typeof SendPromotionResponse>> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const audience = (await consenting(tx, null, null)).length;
    const [promotion] = await tx
      .insert(promotions)
      .values({ text: input.text, declaredByAgentId: actor.agentId, audience, createdAt: now })
      .returning({ id: promotions.id });
    if (!promotion) throw new Error('promotion not stored');
    const promotionId = promotion.id;
    await appendEvent(
      tx,
      {
        kind: 'promotion_declared',
        actor: agentActor(actor),
        subject: { kind: 'agent', id: actor.agentId },
        after: { promotionId, audience },
      },
      now,
    );
    const job: PromotionJob = { promotionId };
    await deps.jobs.enqueue(tx, PROMOTION_JOB, job);
    return { promotionId, audience };
  });
}

/**
 * Sends a promotion to each consenting customer once, on their newest case (open or not; a promotion
 * opens none, so a customer who never had one is recorded as not reached). Consent is read again at
 * each batch and by the notice mechanism itself, so a withdrawal or an opposition while it runs holds.
 * Each recipient's row (and `promotion_sent` event) is written with their notice; runs of one promotion
 * take turns on an advisory lock, so a retry beside a live run tells nobody twice.
 */
export async function runPromotion(deps: FanOutDeps, job: PromotionJob, pacing: Pacing = {}): Promise<void> {
  const [promotion] = await deps.db.select().from(promotions).where(eq(promotions.id, job.promotionId));
  if (!promotion) return;
  const actor = agentActor({ agentId: promotion.declaredByAgentId });
  await runFanOut(
    deps,
    async (tx, limit, now) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`promotion:${job.promotionId}`}))`);
      const targets = await consenting(tx, job.promotionId, limit);
      if (targets.length === 0) return undefined;
      const queued: Queued = {};
      for (const { id: customerId } of targets) {
        const carrier = await carrierCase(tx, customerId, false);
        const told = carrier
          ? await tellOnCase(deps, tx, carrier, 'mensaje_promocional', promotion.text, now, 'promocionales')
          : { messageId: null, channel: null };
        await tx.insert(promotionRecipients).values({
          promotionId: promotion.id,
          customerId,
          caseId: carrier?.id ?? null,
          messageId: told.messageId,
          channel: told.channel,
          createdAt: now,
        });
        await appendEvent(
          tx,
          {
            kind: 'promotion_sent',
            actor,
            ...(carrier ? { caseId: carrier.id } : {}),
            customerId,
            after: { promotionId: job.promotionId, messageId: told.messageId, channel: told.channel },
            ...(carrier ? {} : { reason: 'sin_caso' }),
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
