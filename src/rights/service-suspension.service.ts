import { and, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { providerToday } from '../accounts/payment-rules.ts';
import { onServiceReactivated } from '../accounts/payments.service.ts';
import { lockService } from '../accounts/service-lock.ts';
import { mayChangeServiceStatus } from '../accounts/service-status.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { plans, serviceOrders, serviceSuspensions, services } from '../db/schema.ts';
import type { SuspensionReason } from '../domain/vocabulary.ts';
import { appendEvent, appendEvents, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { closeDeadlines } from '../sla/subject-deadlines.ts';
import { reconnectionFeeCap } from './reconnection-fee.ts';
import { rightsSettings } from './rights-settings.ts';

/**
 * The one place a service is suspended or put back: the `service_suspensions` row, the service's status
 * and its event change together, in the caller's transaction, so the dates the customer sees and the
 * charge guard that reads the open row never disagree with the service's status.
 */

export type SuspensionRow = typeof serviceSuspensions.$inferSelect;
type Deps = Pick<AppContext, 'jobs' | 'settings'>;

/** The reference of the reconnection fee's `cargo`, as the statement shows it. */
export const RECONNECTION_FEE_REFERENCE = 'reconexion';

/** The ledger's source key of a suspension's reconnection fee: one fee per suspension, automatic or by hand. */
export const reconnectionFeeKey = (suspensionId: string) => `reconnection-fee:${suspensionId}`;

export interface SuspendInput {
  serviceId: string;
  reason: SuspensionReason;
  actor: EventActor;
  now: Date;
  /** The case it was asked on: the event goes on its timeline too. */
  caseId?: string | null;
  /** A suspension at the customer's request ends by itself on this date. */
  reactivateOn?: string | null;
  /** The rules that allowed it, as the decision table named them. */
  rules?: readonly string[];
  /** Facts the event keeps beside the rules (the debt's due date and amount). */
  details?: Record<string, unknown>;
}

const transitionRefused = (from: string, to: string) =>
  new AppError('service.transition', { status: 409, detail: `A ${from} service cannot become ${to}` });

/** The service's suspension in force, if any. */
export async function openSuspension(tx: Tx, serviceId: string): Promise<SuspensionRow | undefined> {
  const [row] = await tx
    .select()
    .from(serviceSuspensions)
    .where(and(eq(serviceSuspensions.serviceId, serviceId), isNull(serviceSuspensions.endedAt)));
  return row;
}

/** Ends the suspension in force (none for a service suspended before these rows existed). */
async function endOpenSuspension(tx: Tx, serviceId: string, now: Date): Promise<SuspensionRow | undefined> {
  const [row] = await tx
    .update(serviceSuspensions)
    .set({ endedAt: now })
    .where(and(eq(serviceSuspensions.serviceId, serviceId), isNull(serviceSuspensions.endedAt)))
    .returning();
  return row;
}

/**
 * Suspends an active service from `now`. Theft or loss also replaces a suspension already in force (the
 * customer stops owing charges from the report even when cut off for non-payment); any other reason needs
 * the service active.
 */
export async function suspendService(tx: Tx, input: SuspendInput): Promise<SuspensionRow> {
  const service = await lockService(tx, input.serviceId);
  const replacing = service.status === 'suspendido' && input.reason === 'robo_o_extravio';
  if (!replacing && !mayChangeServiceStatus(service.status, 'suspendido'))
    throw transitionRefused(service.status, 'suspendido');
  if (replacing && service.suspensionReason === 'robo_o_extravio') {
    throw new AppError('suspension.already', {
      status: 409,
      detail: 'The service is already suspended for theft or loss',
    });
  }
  const replaced = replacing ? await endOpenSuspension(tx, service.id, input.now) : undefined;
  const actor = input.actor;
  const [row] = await tx
    .insert(serviceSuspensions)
    .values({
      serviceId: service.id,
      caseId: input.caseId ?? null,
      reason: input.reason,
      startedAt: input.now,
      reactivateOn: input.reactivateOn ?? null,
      rules: [...(input.rules ?? [])],
      actorKind: actor.kind,
      actorAgentId: actor.kind === 'agente' ? actor.agentId : null,
      actorRule: actor.kind === 'sistema' ? actor.rule : null,
    })
    .returning();
  const suspension = row as SuspensionRow;
  await tx
    .update(services)
    .set({ status: 'suspendido', suspensionReason: input.reason, updatedAt: input.now })
    .where(eq(services.id, service.id));
  await appendEvent(
    tx,
    {
      kind: 'service_suspended',
      actor,
      subject: { kind: 'service', id: service.id },
      ...(input.caseId ? { caseId: input.caseId } : {}),
      customerId: service.customerId,
      before: { status: service.status, suspensionReason: service.suspensionReason },
      after: {
        status: 'suspendido',
        suspensionReason: input.reason,
        suspensionId: suspension.id,
        reactivateOn: suspension.reactivateOn,
        rules: suspension.rules,
        ...(replaced ? { replacedSuspensionId: replaced.id } : {}),
        ...input.details,
      },
      // A supervisor confirming what the rules proposed acts under the same rule the job would.
      reason:
        actor.kind === 'sistema'
          ? actor.rule
          : input.reason === 'falta_de_pago'
            ? 'suspension_por_falta_de_pago'
            : null,
    },
    input.now,
  );
  return suspension;
}

export interface ReactivateInput {
  serviceId: string;
  actor: EventActor;
  now: Date;
  caseId?: string | null;
}

/**
 * Puts a suspended service back in service: the suspension ends, the reconnection clock a payment started
 * is met, and, when that payment is what ended a non-payment suspension, the provider's reconnection fee
 * is charged if it has one and it is within the cap of the service's monthly payment. A fee above the cap
 * (settings changed, a cheaper plan) is not charged and the event says why: the customer is reconnected
 * whatever the fee's fate, since reconnection has its own deadline.
 */
export async function reactivateService(deps: Deps, tx: Tx, input: ReactivateInput) {
  const service = await lockService(tx, input.serviceId);
  if (service.status !== 'suspendido') throw transitionRefused(service.status, 'activo');
  const ended = await endOpenSuspension(tx, service.id, input.now);
  await tx
    .update(services)
    .set({ status: 'activo', suspensionReason: null, updatedAt: input.now })
    .where(eq(services.id, service.id));
  const paid = await onServiceReactivated(deps, tx, service.id, input.now);
  const fee =
    paid && service.suspensionReason === 'falta_de_pago'
      ? await chargeReconnectionFee(deps, tx, service, ended?.id ?? null, input)
      : null;
  await appendEvent(
    tx,
    {
      kind: 'service_reactivated',
      actor: input.actor,
      subject: { kind: 'service', id: service.id },
      ...(input.caseId ? { caseId: input.caseId } : {}),
      customerId: service.customerId,
      before: { status: 'suspendido', suspensionReason: service.suspensionReason },
      after: {
        status: 'activo',
        suspensionId: ended?.id ?? null,
        reconnectionMet: paid,
        ...(fee ? { reconnectionFee: fee } : {}),
      },
      reason: input.actor.kind === 'sistema' ? input.actor.rule : null,
    },
    input.now,
  );
  return { suspension: ended ?? null, reconnectionFee: fee };
}

async function chargeReconnectionFee(
  deps: Deps,
  tx: Tx,
  service: typeof services.$inferSelect,
  suspensionId: string | null,
  input: ReactivateInput,
) {
  const { settings } = await deps.settings.current(tx);
  const feeSettings = rightsSettings(settings).reconnectionFee;
  if (feeSettings.amountCentavos === 0) return null;
  const price = await monthlyPriceOf(tx, service.planId);
  if (price === null) return { amountCentavos: feeSettings.amountCentavos, charged: false, why: 'sin_plan' };
  const cap = reconnectionFeeCap(price, feeSettings);
  if (feeSettings.amountCentavos > cap.capCentavos) {
    return {
      amountCentavos: feeSettings.amountCentavos,
      capCentavos: cap.capCentavos,
      charged: false,
      why: 'excede_tope',
    };
  }
  const [entry] = await postLedgerEntries(
    tx,
    [
      {
        serviceId: service.id,
        kind: 'cargo',
        amountCentavos: feeSettings.amountCentavos,
        effectiveDate: providerToday(settings, input.now),
        reference: RECONNECTION_FEE_REFERENCE,
        caseId: input.caseId ?? null,
        // One fee per suspension, however often the reactivation is retried.
        sourceKey: suspensionId ? reconnectionFeeKey(suspensionId) : null,
      },
    ],
    input.actor,
    input.now,
  );
  if (entry) {
    await appendEvent(
      tx,
      {
        kind: 'ledger_entry_posted',
        actor: input.actor,
        subject: { kind: 'service', id: service.id },
        customerId: service.customerId,
        ...(input.caseId ? { caseId: input.caseId } : {}),
        after: {
          entryId: entry.id,
          kind: entry.kind,
          amountCentavos: entry.amountCentavos,
          effectiveDate: entry.effectiveDate,
          correctsId: null,
          capCentavos: cap.capCentavos,
        },
        reason: RECONNECTION_FEE_REFERENCE,
      },
      input.now,
    );
  }
  return {
    amountCentavos: feeSettings.amountCentavos,
    capCentavos: cap.capCentavos,
    charged: entry !== undefined,
    ledgerEntryId: entry?.id ?? null,
  };
}

export async function monthlyPriceOf(tx: Tx, planId: number | null): Promise<number | null> {
  if (planId === null) return null;
  const [plan] = await tx
    .select({ price: plans.monthlyPriceCentavos })
    .from(plans)
    .where(eq(plans.id, planId));
  return plan?.price ?? null;
}

/**
 * The one way a service ends (an agent's change, a cancellation's effective date): an open suspension
 * ends with it, and its pending clocks (installation, reconnection) are cancelled, since nothing is owed
 * on a service that no longer exists — no breach alert is ever raised about one. For the same reason its
 * field orders still to be done are closed `no_procede` with their clocks cancelled: no technician is
 * sent to a cancelled service, nor chased for not going.
 */
export async function cancelService(
  deps: Deps,
  tx: Tx,
  input: { serviceId: string; actor: EventActor; now: Date; reason?: string },
): Promise<void> {
  const service = await lockService(tx, input.serviceId);
  if (!mayChangeServiceStatus(service.status, 'cancelado')) {
    throw transitionRefused(service.status, 'cancelado');
  }
  if (service.status === 'suspendido') await endOpenSuspension(tx, service.id, input.now);
  await tx
    .update(services)
    .set({ status: 'cancelado', suspensionReason: null, updatedAt: input.now })
    .where(eq(services.id, service.id));
  await closeDeadlines(deps, tx, { kind: 'service', id: service.id }, input.now, 'cancelled');
  await closeServiceOrders(deps, tx, service, input.actor, input.now);
  await appendEvent(
    tx,
    {
      kind: 'service_status_changed',
      actor: input.actor,
      subject: { kind: 'service', id: service.id },
      customerId: service.customerId,
      before: { status: service.status, suspensionReason: service.suspensionReason },
      after: { status: 'cancelado', suspensionReason: null },
      ...(input.reason ? { reason: input.reason } : {}),
    },
    input.now,
  );
}

/** Why an order is closed without a visit, as its `service_order_closed` event says. */
export const ORDER_CLOSED_SERVICE_CANCELLED = 'servicio_cancelado';

/** Closes the service's orders not yet done (`realizada` and `no_procede` are the statuses that end one). */
async function closeServiceOrders(
  deps: Deps,
  tx: Tx,
  service: { id: string; customerId: string },
  actor: EventActor,
  now: Date,
) {
  const closed = await tx
    .update(serviceOrders)
    .set({ status: 'no_procede', updatedAt: now })
    .where(
      and(
        eq(serviceOrders.serviceId, service.id),
        notInArray(serviceOrders.status, ['realizada', 'no_procede']),
      ),
    )
    .returning({ id: serviceOrders.id, number: serviceOrders.number, caseId: serviceOrders.caseId });
  if (closed.length === 0) return;
  for (const order of closed) {
    await closeDeadlines(deps, tx, { kind: 'service_order', id: order.id }, now, 'cancelled');
  }
  await appendEvents(
    tx,
    closed.map((order) => ({
      kind: 'service_order_closed' as const,
      actor,
      subject: { kind: 'service_order' as const, id: order.id },
      caseId: order.caseId,
      customerId: service.customerId,
      after: { number: order.number, status: 'no_procede', reason: ORDER_CLOSED_SERVICE_CANCELLED },
      reason: ORDER_CLOSED_SERVICE_CANCELLED,
    })),
    now,
  );
}

/**
 * Makes the records agree with services whose status was written in bulk by the customers import, from
 * the billing system's file: a record left open on a service no longer suspended for that reason ends, and
 * a suspended service without an open record gets one from `now`, with the file's reason.
 */
export async function reconcileSuspensions(tx: Tx, serviceIds: string[], actor: EventActor, now: Date) {
  if (serviceIds.length === 0) return;
  await tx
    .update(serviceSuspensions)
    .set({ endedAt: now })
    .where(
      and(
        inArray(serviceSuspensions.serviceId, serviceIds),
        isNull(serviceSuspensions.endedAt),
        sql`not exists (select 1 from ${services} where ${services.id} = ${serviceSuspensions.serviceId}
          and ${services.status} = 'suspendido' and ${services.suspensionReason} = ${serviceSuspensions.reason})`,
      ),
    );
  const bare = await tx
    .select({ id: services.id, reason: services.suspensionReason })
    .from(services)
    .where(
      and(
        inArray(services.id, serviceIds),
        eq(services.status, 'suspendido'),
        sql`${services.suspensionReason} is not null`,
        sql`not exists (select 1 from ${serviceSuspensions} where ${serviceSuspensions.serviceId} = ${services.id}
          and ${serviceSuspensions.endedAt} is null)`,
      ),
    );
  if (bare.length === 0) return;
  await tx.insert(serviceSuspensions).values(
    bare.map((s) => ({
      serviceId: s.id,
      reason: s.reason as SuspensionReason,
      startedAt: now,
      actorKind: actor.kind,
      actorAgentId: actor.kind === 'agente' ? actor.agentId : null,
      actorRule: actor.kind === 'sistema' ? actor.rule : null,
    })),
  );
}
