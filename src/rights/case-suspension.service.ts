import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import { postLedgerEntries } from '../accounts/ledger.service.ts';
import { assertOpen, providerToday } from '../accounts/payment-rules.ts';
import { startOfDayIn } from '../accounts/provider-today.ts';
import type { Actor } from '../auth/actor.ts';
import { assertMayChange } from '../cases/access.ts';
import { type CaseRow, lockCase } from '../cases/case-context.ts';
import { parseFolio } from '../cases/folio.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases, serviceSuspensions, services } from '../db/schema.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { assertReconnectionFee, reconnectionFeeCap } from './reconnection-fee.ts';
import { rightsSettings } from './rights-settings.ts';
import {
  monthlyPriceOf,
  openSuspension,
  RECONNECTION_FEE_REFERENCE,
  reactivateService,
  reconnectionFeeKey,
  type SuspensionRow,
  suspendService,
} from './service-suspension.service.ts';
import { decideSuspension } from './suspension.ts';
import { REACTIVATION_JOB } from './suspension-jobs.ts';

type Deps = Pick<AppContext, 'db' | 'clock' | 'jobs' | 'settings'>;

/** The subtype of a `suspension` case reporting stolen or lost equipment or service. */
export const THEFT_OR_LOSS_SUBTYPE = 'robo_extravio';

/** Suspensions an agent may end from the case: those the customer asked for, never one for non-payment. */
const ENDED_ON_REQUEST: readonly string[] = ['solicitud_del_cliente', 'robo_o_extravio'];

const addDays = (date: string, days: number) => Temporal.PlainDate.from(date).add({ days }).toString();

export function presentSuspension(row: SuspensionRow) {
  return {
    id: row.id,
    serviceId: row.serviceId,
    caseId: row.caseId,
    reason: row.reason,
    startedAt: row.startedAt.toISOString(),
    reactivateOn: row.reactivateOn,
    endedAt: row.endedAt?.toISOString() ?? null,
    rules: row.rules,
    actorKind: row.actorKind,
  };
}

function assertSuspensionCase(kase: CaseRow): void {
  if (kase.requestType !== 'suspension') {
    throw new AppError('suspension.not_a_suspension_case', {
      status: 409,
      detail: `The case is a ${kase.requestType}, not a suspension`,
    });
  }
}

/** The service named, else the case's: one of the case customer's, or a 422 on `serviceId`. */
async function serviceOf(tx: Tx, kase: CaseRow, named: string | undefined) {
  const id = named ?? kase.serviceId;
  if (!id) {
    throw new AppError('suspension.service_required', {
      status: 422,
      field: 'serviceId',
      detail: 'Name the service: the case is about none',
    });
  }
  const [service] = await tx.select().from(services).where(eq(services.id, id));
  if (!service || service.customerId !== kase.customerId) {
    throw new AppError('suspension.service_not_of_customer', {
      status: 422,
      field: 'serviceId',
      detail: "The service is not one of the case customer's",
    });
  }
  return service;
}

/** The first and last dates a suspension asked for today may end on. */
function requestWindow(today: string, settings: { requestMinDays: number; requestMaxDays: number }) {
  return { min: addDays(today, settings.requestMinDays), max: addDays(today, settings.requestMaxDays) };
}

export interface RequestSuspensionInput {
  serviceId?: string | undefined;
  reactivateOn?: string | undefined;
}

/**
 * Suspends the case's service as its customer asked. Theft or loss (subtype `robo_extravio`, Carta item
 * 35) takes effect at this instant and has no end date: only an agent reactivates it, once the customer
 * has the equipment or a new line. Otherwise the suspension is temporary, ending on a date within the
 * settings' limits, when a job queued here, in the same transaction, puts the service back.
 */
export async function requestSuspension(
  deps: Deps,
  folio: string,
  input: RequestSuspensionInput,
  actor: Actor,
) {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    assertOpen(kase);
    assertSuspensionCase(kase);
    const service = await serviceOf(tx, kase, input.serviceId);
    const { settings } = await deps.settings.current(tx);
    if (kase.subtype === THEFT_OR_LOSS_SUBTYPE) {
      if (input.reactivateOn !== undefined) {
        throw new AppError('suspension.theft_without_date', {
          status: 422,
          field: 'reactivateOn',
          detail: 'A suspension for theft or loss has no end date: an agent reactivates it',
        });
      }
      const decision = decideSuspension({
        today: providerToday(settings, now),
        dueDate: null,
        amountOwedCentavos: 0,
        notice: null,
        conciliationOpen: false,
        promiseInForceUntil: null,
        theftOrLoss: true,
      });
      await suspendService(tx, {
        serviceId: service.id,
        reason: 'robo_o_extravio',
        actor: agentActor(actor),
        now,
        caseId: kase.id,
        rules: decision.rules,
      });
      return;
    }
    const window = requestWindow(providerToday(settings, now), rightsSettings(settings).suspension);
    const on = input.reactivateOn;
    if (on === undefined || on < window.min || on > window.max) {
      throw new AppError('suspension.reactivate_on', {
        status: 422,
        field: 'reactivateOn',
        detail: `The suspension ends on a date from ${window.min} to ${window.max}`,
        extra: { min: window.min, max: window.max },
      });
    }
    const suspension = await suspendService(tx, {
      serviceId: service.id,
      reason: 'solicitud_del_cliente',
      actor: agentActor(actor),
      now,
      caseId: kase.id,
      reactivateOn: on,
    });
    await deps.jobs.enqueue(
      tx,
      REACTIVATION_JOB,
      { suspensionId: suspension.id },
      { startAfter: startOfDayIn(settings.provider.timeZone, on) },
    );
  });
  return caseSuspension(deps, folio);
}

/**
 * Ends, from the case, a suspension the customer asked for (earlier than its date, or after theft or
 * loss). A non-payment suspension ends with the payment and the reconnection, not here.
 */
export async function reactivateFromCase(
  deps: Deps,
  folio: string,
  input: { serviceId?: string | undefined },
  actor: Actor,
) {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    assertOpen(kase);
    assertSuspensionCase(kase);
    const service = await serviceOf(tx, kase, input.serviceId);
    const open = await openSuspension(tx, service.id);
    if (!open || !ENDED_ON_REQUEST.includes(open.reason)) {
      throw new AppError('suspension.not_by_request', {
        status: 409,
        detail: 'The service has no suspension the customer asked for',
      });
    }
    await reactivateService(deps, tx, {
      serviceId: service.id,
      actor: agentActor(actor),
      now,
      caseId: kase.id,
    });
  });
  return caseSuspension(deps, folio);
}

/**
 * Posts a reconnection fee by hand on the case, refused (422) above the cap of the service's monthly
 * payment, as the automatic one is. A fee is owed for a reconnection only: the service's latest ended
 * suspension for non-payment, else 409. It takes the same source key as the automatic fee of that
 * suspension, so one reconnection is charged once whichever way (409 when it already was).
 */
export async function postReconnectionFee(
  deps: Deps,
  folio: string,
  input: { serviceId?: string | undefined; feeCentavos: number },
  actor: Actor,
) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    assertOpen(kase);
    const service = await serviceOf(tx, kase, input.serviceId);
    const [suspension] = await tx
      .select({ id: serviceSuspensions.id })
      .from(serviceSuspensions)
      .where(
        and(
          eq(serviceSuspensions.serviceId, service.id),
          eq(serviceSuspensions.reason, 'falta_de_pago'),
          isNotNull(serviceSuspensions.endedAt),
        ),
      )
      .orderBy(desc(serviceSuspensions.endedAt))
      .limit(1);
    if (!suspension) {
      throw new AppError('reconnection_fee.no_reconnection', {
        status: 409,
        field: 'serviceId',
        detail: 'The service was never reconnected after a suspension for non-payment',
      });
    }
    const price = await monthlyPriceOf(tx, service.planId);
    if (price === null) {
      throw new AppError('reconnection_fee.no_plan', {
        status: 422,
        field: 'serviceId',
        detail: 'The service has no plan, so no monthly payment to cap the fee by',
      });
    }
    const { settings } = await deps.settings.current(tx);
    const cap = assertReconnectionFee(input.feeCentavos, price, rightsSettings(settings).reconnectionFee);
    const by = agentActor(actor);
    const [entry] = await postLedgerEntries(
      tx,
      [
        {
          serviceId: service.id,
          kind: 'cargo',
          amountCentavos: input.feeCentavos,
          effectiveDate: providerToday(settings, now),
          reference: RECONNECTION_FEE_REFERENCE,
          caseId: kase.id,
          sourceKey: reconnectionFeeKey(suspension.id),
        },
      ],
      by,
      now,
    );
    if (!entry) {
      throw new AppError('reconnection_fee.already_charged', {
        status: 409,
        detail: 'The fee of the service’s last reconnection is charged already',
      });
    }
    await appendEvent(
      tx,
      {
        kind: 'ledger_entry_posted',
        actor: by,
        subject: { kind: 'service', id: service.id },
        customerId: service.customerId,
        caseId: kase.id,
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
      now,
    );
    return {
      entryId: entry.id,
      serviceId: service.id,
      feeCentavos: entry.amountCentavos,
      capCentavos: cap.capCentavos,
      effectiveDate: entry.effectiveDate,
    };
  });
}

/**
 * What the case page shows: the service's suspension in force and its past ones, the dates a request made
 * today may end on, and the reconnection fee the settings charge against the service's cap.
 */
export async function caseSuspension(deps: Pick<AppContext, 'db' | 'clock' | 'settings'>, folio: string) {
  const tx = deps.db;
  const parsed = parseFolio(folio);
  const [kase] = await tx.select().from(cases).where(eq(cases.folio, parsed.folio));
  if (!kase)
    throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${parsed.folio}` });
  const { settings } = await deps.settings.current(tx);
  const rights = rightsSettings(settings);
  const today = providerToday(settings, deps.clock.now());
  const [service] = kase.serviceId
    ? await tx.select().from(services).where(eq(services.id, kase.serviceId))
    : [];
  const history = service
    ? await tx
        .select()
        .from(serviceSuspensions)
        .where(eq(serviceSuspensions.serviceId, service.id))
        .orderBy(desc(serviceSuspensions.startedAt))
        .limit(20)
    : [];
  const price = service ? await monthlyPriceOf(tx, service.planId) : null;
  const current = history.find((s) => s.endedAt === null);
  return {
    theftOrLoss: kase.requestType === 'suspension' && kase.subtype === THEFT_OR_LOSS_SUBTYPE,
    window: requestWindow(today, rights.suspension),
    service: service
      ? { id: service.id, status: service.status, suspensionReason: service.suspensionReason }
      : null,
    current: current ? presentSuspension(current) : null,
    history: history.map(presentSuspension),
    reconnectionFee: {
      amountCentavos: rights.reconnectionFee.amountCentavos,
      capCentavos: price === null ? null : reconnectionFeeCap(price, rights.reconnectionFee).capCentavos,
    },
  };
}
