import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import type { Actor } from '../auth/actor.ts';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import { assertMayChange } from '../cases/access.ts';
import { lockCase } from '../cases/case-context.ts';
import { deliverNotice } from '../channels/notices.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases, events, paymentPromises, payments } from '../db/schema.ts';
import { agentActor, appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { billingPeriod } from './billing-cycle.ts';
import { formatMxn } from './money.ts';
import {
  assertOpen,
  formatPlainDateEs,
  paymentSettings,
  providerToday,
  serviceOfCase,
} from './payment-rules.ts';
import { plainDateIn } from './provider-today.ts';

type Deps = Pick<AppContext, 'db' | 'clock' | 'jobs' | 'settings' | 'database'>;
export type PromiseRow = typeof paymentPromises.$inferSelect;

/** Reminds the customer of a promise the day before its date. */
export const PROMISE_REMINDER_JOB = 'promise-reminder';
/** Settles a promise once its date has passed: kept if payments covered it, else broken. */
export const PROMISE_DUE_JOB = 'promise-due';

/** The local hour the day-before reminder goes out: during the day, not at midnight. */
const REMINDER_TIME = '10:00';

export interface NewPromiseInput {
  serviceId: string;
  amountCentavos: number;
  promisedFor: string;
}

const dayAfter = (date: string) => Temporal.PlainDate.from(date).add({ days: 1 }).toString();

export function presentPromise(row: PromiseRow) {
  return {
    id: row.id,
    serviceId: row.serviceId,
    amountCentavos: row.amountCentavos,
    promisedFor: row.promisedFor,
    suspensionHeldUntil: dayAfter(row.promisedFor),
    status: row.status,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

/** When the reminder and the settlement of a promise run, in the provider's time zone. */
export function promiseSchedule(promisedFor: string, timeZone: string) {
  const date = Temporal.PlainDate.from(promisedFor);
  return {
    remindAt: new Date(
      date.subtract({ days: 1 }).toZonedDateTime({ timeZone, plainTime: REMINDER_TIME }).epochMilliseconds,
    ),
    dueAt: new Date(date.add({ days: 1 }).toZonedDateTime({ timeZone }).epochMilliseconds),
  };
}

/**
 * Records the customer's promise to pay by a date, within the provider's limits: no later than the
 * allowed days ahead, one standing promise per service, and a number per billing period. While it stands,
 * suspension for non-payment waits until the day after the date. The reminder (the day before) and the
 * settlement (the day after) are queued with it.
 */
export async function createPromise(deps: Deps, folio: string, input: NewPromiseInput, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    assertOpen(kase);
    // Locked so two agents promising for the same service at once are counted one after the other.
    const service = await serviceOfCase(tx, kase, input.serviceId, true);
    const { settings } = await deps.settings.current(tx);
    const limits = paymentSettings(settings).promises;
    const today = providerToday(settings, now);
    const date = Temporal.PlainDate.from(input.promisedFor);
    if (Temporal.PlainDate.compare(date, Temporal.PlainDate.from(today)) < 0) {
      throw new AppError('promise.date_past', {
        status: 422,
        field: 'promisedFor',
        detail: `A promise is dated today (${today}) or later`,
      });
    }
    const latest = Temporal.PlainDate.from(today).add({ days: limits.maxDaysAhead });
    if (Temporal.PlainDate.compare(date, latest) > 0) {
      throw new AppError('promise.date_too_far', {
        status: 422,
        field: 'promisedFor',
        detail: `A promise is dated at most ${limits.maxDaysAhead} days ahead (${latest})`,
        extra: { latest: latest.toString() },
      });
    }
    const [standing] = await tx
      .select({ id: paymentPromises.id })
      .from(paymentPromises)
      .where(and(eq(paymentPromises.serviceId, service.id), eq(paymentPromises.status, 'vigente')));
    if (standing) {
      throw new AppError('promise.already_standing', {
        status: 409,
        field: 'serviceId',
        detail: 'The service has a standing promise; it is kept or broken before another is made',
      });
    }
    const period = billingPeriod(service.cutoffDay, today);
    const timeZone = settings.provider.timeZone;
    const createdOn = sql`(${paymentPromises.createdAt} at time zone ${timeZone})::date`;
    const [{ count } = { count: 0 }] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(paymentPromises)
      .where(
        and(
          eq(paymentPromises.serviceId, service.id),
          gte(createdOn, period.start),
          lte(createdOn, period.end),
        ),
      );
    if (count >= limits.maxPerPeriod) {
      throw new AppError('promise.limit_reached', {
        status: 409,
        field: 'serviceId',
        detail: `At most ${limits.maxPerPeriod} promise(s) per billing period (${period.start} to ${period.end})`,
      });
    }
    const [created] = await tx
      .insert(paymentPromises)
      .values({
        serviceId: service.id,
        caseId: kase.id,
        amountCentavos: input.amountCentavos,
        promisedFor: input.promisedFor,
        status: 'vigente',
        createdBy: actor.agentId,
        createdAt: now,
      })
      .returning();
    const promise = created as PromiseRow;
    await appendEvent(
      tx,
      {
        kind: 'promise_made',
        actor: agentActor(actor),
        subject: { kind: 'payment_promise', id: promise.id },
        caseId: kase.id,
        customerId: kase.customerId,
        after: {
          promiseId: promise.id,
          serviceId: service.id,
          amountCentavos: promise.amountCentavos,
          promisedFor: promise.promisedFor,
          suspensionHeldUntil: dayAfter(promise.promisedFor),
        },
      },
      now,
    );
    const schedule = promiseSchedule(promise.promisedFor, timeZone);
    const data = { promiseId: promise.id };
    // A promise for today or made after its reminder time has nothing left to remind of.
    if (schedule.remindAt > now) {
      await deps.jobs.enqueue(tx, PROMISE_REMINDER_JOB, data, { startAfter: schedule.remindAt });
    }
    await deps.jobs.enqueue(tx, PROMISE_DUE_JOB, data, { startAfter: schedule.dueAt });
    return presentPromise(promise);
  });
}

/** What confirmed payments dated from the promise's day to its date add up to. */
async function paidTowards(tx: Tx, promise: PromiseRow, timeZone: string): Promise<number> {
  const [row] = await tx
    .select({ total: sql<string>`coalesce(sum(${payments.amountCentavos}), 0)::text` })
    .from(payments)
    .where(
      and(
        eq(payments.serviceId, promise.serviceId),
        eq(payments.status, 'confirmado'),
        gte(payments.paidOn, plainDateIn(timeZone, promise.createdAt)),
        lte(payments.paidOn, promise.promisedFor),
      ),
    );
  return Number(row?.total ?? 0);
}

async function closePromise(
  tx: Tx,
  promise: PromiseRow,
  outcome: 'cumplida' | 'incumplida',
  actor: EventActor,
  paidCentavos: number,
  now: Date,
) {
  await tx
    .update(paymentPromises)
    .set({ status: outcome, closedAt: now })
    .where(eq(paymentPromises.id, promise.id));
  const [kase] = await tx
    .select({ customerId: cases.customerId })
    .from(cases)
    .where(eq(cases.id, promise.caseId as string));
  await appendEvent(
    tx,
    {
      kind: outcome === 'cumplida' ? 'promise_kept' : 'promise_broken',
      actor,
      subject: { kind: 'payment_promise', id: promise.id },
      ...(promise.caseId ? { caseId: promise.caseId } : {}),
      ...(kase ? { customerId: kase.customerId } : {}),
      after: {
        promiseId: promise.id,
        serviceId: promise.serviceId,
        amountCentavos: promise.amountCentavos,
        paidCentavos,
        promisedFor: promise.promisedFor,
      },
    },
    now,
  );
}

/** Marks kept the standing promises of a service that confirmed payments now cover; called on confirmation. */
export async function keepPromises(
  deps: Pick<AppContext, 'settings'>,
  tx: Tx,
  serviceId: string,
  actor: Actor,
  now: Date,
): Promise<void> {
  const standing = await tx
    .select()
    .from(paymentPromises)
    .where(and(eq(paymentPromises.serviceId, serviceId), eq(paymentPromises.status, 'vigente')))
    .for('update');
  if (standing.length === 0) return;
  const { timeZone } = (await deps.settings.current(tx)).settings.provider;
  for (const promise of standing) {
    const paid = await paidTowards(tx, promise, timeZone);
    if (paid >= promise.amountCentavos)
      await closePromise(tx, promise, 'cumplida', agentActor(actor), paid, now);
  }
}

async function lockStanding(tx: Tx, promiseId: string): Promise<PromiseRow | undefined> {
  const [promise] = await tx
    .select()
    .from(paymentPromises)
    .where(eq(paymentPromises.id, promiseId))
    .for('update');
  return promise?.status === 'vigente' ? promise : undefined;
}

/** The day-before reminder of a standing promise, once, on the case it was made on. */
export async function remindPromise(deps: Deps, job: { promiseId: string }): Promise<void> {
  const actor = systemActor('recordatorio_de_promesa');
  assertSystemMay(actor, { kind: 'promise.remind' });
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const promise = await lockStanding(tx, job.promiseId);
    if (!promise?.caseId) return;
    const [reminded] = await tx
      .select({ id: events.id })
      .from(events)
      .where(
        and(
          eq(events.kind, 'promise_reminded'),
          eq(events.subjectKind, 'payment_promise'),
          eq(events.subjectId, promise.id),
        ),
      )
      .limit(1);
    if (reminded) return;
    const [kase] = await tx.select().from(cases).where(eq(cases.id, promise.caseId));
    if (!kase) return;
    const messageId = await deliverNotice(deps, tx, kase, 'recordatorio_promesa', null, now, {
      values: { monto: formatMxn(promise.amountCentavos), fecha: formatPlainDateEs(promise.promisedFor) },
    });
    await appendEvent(
      tx,
      {
        kind: 'promise_reminded',
        actor,
        subject: { kind: 'payment_promise', id: promise.id },
        caseId: kase.id,
        customerId: kase.customerId,
        after: { promiseId: promise.id, messageId: messageId ?? null },
      },
      now,
    );
  });
}

/** Settles a promise whose date has passed: kept when confirmed payments covered it, otherwise broken. */
export async function settleDuePromise(deps: Deps, job: { promiseId: string }): Promise<void> {
  const actor = systemActor('recordatorio_de_promesa');
  assertSystemMay(actor, { kind: 'promise.close' });
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const promise = await lockStanding(tx, job.promiseId);
    if (!promise) return;
    const { settings } = await deps.settings.current(tx);
    // A job run early (a clock put back, a retry) leaves a promise whose date has not passed alone.
    if (providerToday(settings, now) <= promise.promisedFor) return;
    const paid = await paidTowards(tx, promise, settings.provider.timeZone);
    await closePromise(
      tx,
      promise,
      paid >= promise.amountCentavos ? 'cumplida' : 'incumplida',
      actor,
      paid,
      now,
    );
  });
}

/**
 * The day a non-payment suspension of the service may happen at the earliest because of a standing
 * promise (the day after its date), or null when no promise holds it.
 */
export async function suspensionHeldUntil(tx: Tx, serviceId: string): Promise<string | null> {
  const [promise] = await tx
    .select({ promisedFor: paymentPromises.promisedFor })
    .from(paymentPromises)
    .where(and(eq(paymentPromises.serviceId, serviceId), eq(paymentPromises.status, 'vigente')));
  return promise ? dayAfter(promise.promisedFor) : null;
}
