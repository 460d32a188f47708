import { and, desc, eq } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import {
  type AttachmentInput,
  decodeAttachment,
  storeAttachment,
} from '../attachments/attachments.service.ts';
import type { Actor } from '../auth/actor.ts';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import { assertMayChange } from '../cases/access.ts';
import { type CaseRow, lockCase } from '../cases/case-context.ts';
import { parseFolio } from '../cases/folio.ts';
import { deliverNotice } from '../channels/notices.ts';
import { formatDateEs } from '../channels/templates.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases, deadlineAlerts, deadlines, paymentPromises, payments, services } from '../db/schema.ts';
import type { PaymentMethod } from '../domain/vocabulary.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import type { DeadlineRow, DeadlineSubject } from '../sla/deadline-subjects.ts';
import { registerDeadlineSubject } from '../sla/deadline-subjects.ts';
import { supervisorsOf } from '../sla/deadlines.service.ts';
import {
  type DeadlineSpec,
  type DeadlineView,
  deadlineViews,
  meetDeadlines,
  newDeadline,
  scheduleDeadlineChecks,
  startDeadline,
} from '../sla/subject-deadlines.ts';
import { balancesOf, postLedgerEntries } from './ledger.service.ts';
import { formatMxn } from './money.ts';
import {
  assertOpen,
  formatPlainDateEs,
  paymentSettings,
  providerToday,
  serviceOfCase,
} from './payment-rules.ts';
import { keepPromises, presentPromise } from './promises.service.ts';

export type PaymentDeps = Pick<AppContext, 'db' | 'database' | 'clock' | 'jobs' | 'settings'>;
export type PaymentRow = typeof payments.$inferSelect;

/** The clock a service runs from a payment that cleared its non-payment suspension until it is back. */
export const RECONNECTION = 'reconexion';

/** A receipt dated further back than this is a typo, not a payment the agent has in front of them. */
export const MAX_PAYMENT_AGE_DAYS = 366;

/** What a receipt may be: a photo or a PDF the console can show beside the payment. */
const RECEIPT_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf']);

export interface RegisterPaymentInput {
  serviceId: string;
  amountCentavos: number;
  paidOn: string;
  method: PaymentMethod;
  reference?: string | undefined;
  receipt?: AttachmentInput | undefined;
  onSiteReconnection?: boolean | undefined;
}

const serviceSubject = (id: string): DeadlineSubject => ({ kind: 'service', id });

function assertPaidOn(paidOn: string, today: string): void {
  const day = Temporal.PlainDate.from(paidOn);
  const now = Temporal.PlainDate.from(today);
  if (Temporal.PlainDate.compare(day, now) > 0) {
    throw new AppError('payment.paid_on_future', {
      status: 422,
      field: 'paidOn',
      detail: `A payment cannot be dated after today (${today})`,
    });
  }
  if (Temporal.PlainDate.compare(day, now.subtract({ days: MAX_PAYMENT_AGE_DAYS })) < 0) {
    throw new AppError('payment.paid_on_too_old', {
      status: 422,
      field: 'paidOn',
      detail: `A payment cannot be dated more than ${MAX_PAYMENT_AGE_DAYS} days ago`,
    });
  }
}

function decodeReceipt(receipt: AttachmentInput | undefined) {
  if (!receipt) return undefined;
  const decoded = decodeAttachment(receipt, 'receipt');
  if (!RECEIPT_TYPES.has(decoded.input.contentType)) {
    throw new AppError('payment.receipt_type', {
      status: 415,
      field: 'receipt.contentType',
      detail: 'A receipt is a photo (JPEG, PNG, WebP, HEIC) or a PDF',
    });
  }
  return decoded;
}

/**
 * Registers a payment the customer made elsewhere, from a case, with the receipt's photo. When the
 * provider asks for a second agent's confirmation it waits for it; otherwise it is confirmed at once.
 */
export async function registerPayment(
  deps: PaymentDeps,
  folio: string,
  input: RegisterPaymentInput,
  actor: Actor,
) {
  const receipt = decodeReceipt(input.receipt);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    assertOpen(kase);
    await serviceOfCase(tx, kase, input.serviceId);
    const { settings } = await deps.settings.current(tx);
    assertPaidOn(input.paidOn, providerToday(settings, now));
    const stored = receipt ? await storeAttachment(deps.database, tx, receipt) : undefined;
    const confirmNow = !paymentSettings(settings).requireConfirmation;
    const [payment] = await tx
      .insert(payments)
      .values({
        serviceId: input.serviceId,
        caseId: kase.id,
        amountCentavos: input.amountCentavos,
        paidOn: input.paidOn,
        method: input.method,
        reference: input.reference ?? null,
        receiptSha256: stored?.sha256 ?? null,
        status: confirmNow ? 'confirmado' : 'por_confirmar',
        registeredBy: actor.agentId,
        confirmedBy: confirmNow ? actor.agentId : null,
        confirmedAt: confirmNow ? now : null,
        onSiteReconnection: input.onSiteReconnection ?? false,
        createdAt: now,
      })
      .returning();
    const row = payment as PaymentRow;
    await appendEvent(
      tx,
      {
        kind: 'payment_registered',
        actor: agentActor(actor),
        subject: { kind: 'payment', id: row.id },
        caseId: kase.id,
        customerId: kase.customerId,
        after: paymentFacts(row),
      },
      now,
    );
    if (confirmNow) return presentPayment(await settleConfirmed(deps, tx, row, kase, actor, now));
    return presentPayment(row);
  });
}

const paymentFacts = (row: PaymentRow) => ({
  paymentId: row.id,
  serviceId: row.serviceId,
  amountCentavos: row.amountCentavos,
  paidOn: row.paidOn,
  method: row.method,
  status: row.status,
});

async function lockPayment(tx: Tx, id: string) {
  const [payment] = await tx.select().from(payments).where(eq(payments.id, id)).for('update');
  if (!payment) throw new AppError('payment.not_found', { status: 404, detail: 'No such payment' });
  const [kase] = await tx
    .select()
    .from(cases)
    .where(eq(cases.id, payment.caseId as string));
  if (!kase) throw new AppError('payment.not_found', { status: 404, detail: 'No such payment' });
  return { payment, kase };
}

/** Records a second agent's decision on a payment waiting for one, with its event. */
async function decide(
  tx: Tx,
  payment: PaymentRow,
  kase: CaseRow,
  decision: 'confirmado' | 'rechazado',
  actor: Actor,
  now: Date,
): Promise<PaymentRow> {
  const [decided] = await tx
    .update(payments)
    .set({ status: decision, confirmedBy: actor.agentId, confirmedAt: now })
    .where(eq(payments.id, payment.id))
    .returning();
  const row = decided as PaymentRow;
  await appendEvent(
    tx,
    {
      kind: decision === 'confirmado' ? 'payment_confirmed' : 'payment_rejected',
      actor: agentActor(actor),
      subject: { kind: 'payment', id: payment.id },
      caseId: kase.id,
      customerId: kase.customerId,
      after: paymentFacts(row),
    },
    now,
  );
  return row;
}

/**
 * A second agent confirms a payment waiting for it: it reaches the ledger and what follows from it. The
 * agent who registered it cannot confirm it; confirming one already confirmed changes nothing.
 */
export async function confirmPayment(deps: PaymentDeps, id: string, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const { payment, kase } = await lockPayment(tx, id);
    await assertMayChange(tx, actor, kase.areaId);
    if (payment.status === 'confirmado') return presentPayment(payment);
    if (payment.status === 'rechazado') {
      throw new AppError('payment.rejected', { status: 409, detail: 'The payment was rejected' });
    }
    if (payment.registeredBy === actor.agentId) {
      throw new AppError('payment.same_agent', {
        status: 403,
        detail: 'A payment is confirmed by an agent other than the one who registered it',
      });
    }
    const row = await decide(tx, payment, kase, 'confirmado', actor, now);
    return presentPayment(await settleConfirmed(deps, tx, row, kase, actor, now));
  });
}

/** Refuses a payment waiting for confirmation (a receipt that does not match the bank's records). */
export async function rejectPayment(deps: PaymentDeps, id: string, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const { payment, kase } = await lockPayment(tx, id);
    await assertMayChange(tx, actor, kase.areaId);
    if (payment.status === 'rechazado') return presentPayment(payment);
    if (payment.status === 'confirmado') {
      throw new AppError('payment.confirmed', {
        status: 409,
        detail: 'A confirmed payment is in the ledger; correct it with another entry',
      });
    }
    return presentPayment(await decide(tx, payment, kase, 'rechazado', actor, now));
  });
}

/**
 * What a confirmed payment sets off, once: the `pago` entry (its source key makes a second posting find
 * the first), the promises it keeps, the reconnection clock when it clears a service suspended for
 * non-payment, and the customer's notice.
 */
async function settleConfirmed(
  deps: PaymentDeps,
  tx: Tx,
  payment: PaymentRow,
  kase: CaseRow,
  actor: Actor,
  now: Date,
): Promise<PaymentRow> {
  const [entry] = await postLedgerEntries(
    tx,
    [
      {
        serviceId: payment.serviceId,
        kind: 'pago',
        amountCentavos: -payment.amountCentavos,
        effectiveDate: payment.paidOn,
        reference: payment.reference,
        caseId: kase.id,
        sourceKey: `payment:${payment.id}`,
      },
    ],
    agentActor(actor),
    now,
  );
  if (!entry) return payment;
  const [posted] = await tx
    .update(payments)
    .set({ ledgerEntryId: entry.id })
    .where(eq(payments.id, payment.id))
    .returning();
  await keepPromises(deps, tx, payment.serviceId, actor, now);
  const { settings } = await deps.settings.current(tx);
  const reconnection = await startReconnectionIfCleared(deps, tx, payment, kase, now);
  await deliverNotice(deps, tx, kase, reconnection ? 'reconexion_en_curso' : 'pago_registrado', null, now, {
    values: {
      monto: formatMxn(payment.amountCentavos),
      fecha: reconnection
        ? formatDateEs(reconnection.dueAt, settings.provider.timeZone)
        : formatPlainDateEs(payment.paidOn),
      ...(payment.reference ? { referencia: payment.reference } : {}),
    },
  });
  return posted as PaymentRow;
}

/**
 * Starts the reconnection clock of a service suspended for non-payment whose balance the payment
 * cleared: 48 h of calendar time, or 72 h when reconnecting needs a visit (the settings say, with their
 * source). A clock already running is left as it is; one that ended in an earlier suspension runs again
 * from now, since a service has one reconnection clock.
 */
async function startReconnectionIfCleared(
  deps: PaymentDeps,
  tx: Tx,
  payment: PaymentRow,
  kase: CaseRow,
  now: Date,
): Promise<DeadlineRow | undefined> {
  const [service] = await tx.select().from(services).where(eq(services.id, payment.serviceId)).for('update');
  if (service?.status !== 'suspendido' || service.suspensionReason !== 'falta_de_pago') return undefined;
  const { settings } = await deps.settings.current(tx);
  const balance = (await balancesOf(tx, [service.id], providerToday(settings, now))).get(service.id) ?? 0;
  if (balance > 0) return undefined;
  const actor = systemActor('reconexion_por_pago');
  assertSystemMay(actor, { kind: 'service.reconnection' });
  const { reconnection } = paymentSettings(settings);
  const spec: DeadlineSpec = {
    kind: RECONNECTION,
    target: {
      amount: payment.onSiteReconnection ? reconnection.onSiteHours : reconnection.hours,
      unit: 'hours',
      clock: 'calendar',
    },
    source: reconnection.source,
    pausable: false,
    startedAt: now,
  };
  const subject = serviceSubject(service.id);
  const [existing] = await tx
    .select()
    .from(deadlines)
    .where(
      and(
        eq(deadlines.subjectKind, 'service'),
        eq(deadlines.subjectId, service.id),
        eq(deadlines.kind, RECONNECTION),
      ),
    );
  if (existing && !existing.metAt && !existing.cancelledAt) return undefined;
  const started = existing
    ? await restartDeadline(deps, tx, existing, spec, settings)
    : await startDeadline(deps, tx, subject, spec);
  await appendEvent(
    tx,
    {
      kind: 'reconnection_started',
      actor,
      subject,
      caseId: kase.id,
      customerId: kase.customerId,
      after: {
        serviceId: service.id,
        paymentId: payment.id,
        hours: spec.target.amount,
        onSite: payment.onSiteReconnection,
        dueAt: started.dueAt.toISOString(),
      },
    },
    now,
  );
  return started;
}

/**
 * Runs an ended clock again from the spec's start, as a new one. Its old alert goes: it was cleared when
 * the clock ended, the events keep its history, and a new warning must be able to take its place.
 */
async function restartDeadline(
  deps: PaymentDeps,
  tx: Tx,
  existing: DeadlineRow,
  spec: DeadlineSpec,
  settings: ProviderSettings,
): Promise<DeadlineRow> {
  const {
    id: _id,
    subjectKind: _kind,
    subjectId: _subject,
    ...fresh
  } = newDeadline(serviceSubject(existing.subjectId), spec, settings.deadlines.businessCalendar);
  await tx.delete(deadlineAlerts).where(eq(deadlineAlerts.deadlineId, existing.id));
  const [row] = await tx.update(deadlines).set(fresh).where(eq(deadlines.id, existing.id)).returning();
  await scheduleDeadlineChecks(deps, tx, [row as DeadlineRow], settings.deadlines.warnAt);
  return row as DeadlineRow;
}

/**
 * Meets a service's reconnection clock: called, in the same transaction, by whatever puts the service
 * back to `activo`. True if a clock was running.
 */
export const onServiceReactivated = (
  deps: Pick<AppContext, 'jobs' | 'settings'>,
  tx: Tx,
  serviceId: string,
  now: Date,
) => meetDeadlines(deps, tx, serviceSubject(serviceId), now, RECONNECTION);

// Registered where the clock starts; the job registry imports this module, so every process that runs
// deadline checks knows whom a service's reconnection concerns.
registerDeadlineSubject('service', {
  /**
   * The case of the latest confirmed payment on the service (what a reconnection follows), else the latest
   * case about the service (the contratacion case an installation follows): its assignee (or, with nobody
   * assigned, the area's supervisors) is warned; a breach goes to the supervisors and the assignee.
   */
  async recipients(tx, serviceId) {
    const [service] = await tx
      .select({ customerId: services.customerId })
      .from(services)
      .where(eq(services.id, serviceId));
    if (!service) return null;
    const caseColumns = { id: cases.id, areaId: cases.areaId, assigneeId: cases.assigneeId };
    const [paid] = await tx
      .select(caseColumns)
      .from(payments)
      .innerJoin(cases, eq(cases.id, payments.caseId))
      .where(and(eq(payments.serviceId, serviceId), eq(payments.status, 'confirmado')))
      .orderBy(desc(payments.confirmedAt))
      .limit(1);
    const kase =
      paid ??
      (
        await tx
          .select(caseColumns)
          .from(cases)
          .where(eq(cases.serviceId, serviceId))
          .orderBy(desc(cases.createdAt))
          .limit(1)
      )[0];
    if (!kase) return { warn: [], escalate: [], timelines: { customerId: service.customerId } };
    const supervisors = await supervisorsOf(tx, kase.areaId);
    const assignee = kase.assigneeId ? [kase.assigneeId] : [];
    return {
      warn: kase.assigneeId ? assignee : supervisors,
      escalate: [...supervisors, ...assignee],
      areaId: kase.areaId,
      timelines: { caseId: kase.id, customerId: service.customerId },
    };
  },
});

export function presentPayment(row: PaymentRow) {
  return {
    id: row.id,
    serviceId: row.serviceId,
    amountCentavos: row.amountCentavos,
    paidOn: row.paidOn,
    method: row.method,
    reference: row.reference,
    receiptSha256: row.receiptSha256,
    status: row.status,
    registeredBy: row.registeredBy,
    confirmedBy: row.confirmedBy,
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    onSiteReconnection: row.onSiteReconnection,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * What the case page shows of money: the payments and promises registered from the case, and the
 * reconnection clocks of the services they concern (and of the service the case is about).
 */
export async function casePayments(deps: Pick<AppContext, 'db' | 'settings' | 'clock'>, folio: string) {
  const now = deps.clock.now();
  const tx = deps.db;
  const kase = await caseByFolio(tx, folio);
  const paymentRows = await tx
    .select()
    .from(payments)
    .where(eq(payments.caseId, kase.id))
    .orderBy(desc(payments.createdAt));
  const promiseRows = await tx
    .select()
    .from(paymentPromises)
    .where(eq(paymentPromises.caseId, kase.id))
    .orderBy(desc(paymentPromises.createdAt));
  const serviceIds = [
    ...new Set([
      ...(kase.serviceId ? [kase.serviceId] : []),
      ...paymentRows.map((p) => p.serviceId),
      ...promiseRows.map((p) => p.serviceId),
    ]),
  ];
  const views = await deadlineViews(deps, tx, 'service', serviceIds, now);
  const { settings } = await deps.settings.current(tx);
  const reconnections: Array<{ serviceId: string; deadline: DeadlineView }> = [];
  for (const serviceId of serviceIds) {
    const deadline = views.get(serviceId)?.[RECONNECTION];
    if (deadline) reconnections.push({ serviceId, deadline });
  }
  return {
    requireConfirmation: paymentSettings(settings).requireConfirmation,
    payments: paymentRows.map(presentPayment),
    promises: promiseRows.map(presentPromise),
    reconnections,
  };
}

async function caseByFolio(tx: Tx, folio: string) {
  const parsed = parseFolio(folio);
  const [kase] = await tx.select().from(cases).where(eq(cases.folio, parsed.folio));
  if (!kase)
    throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${parsed.folio}` });
  return kase;
}
