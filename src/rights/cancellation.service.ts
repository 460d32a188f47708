import { and, asc, eq, ne } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import { balancesOf } from '../accounts/ledger.service.ts';
import { formatPlainDateEs } from '../accounts/payment-rules.ts';
import { plainDateIn, startOfDayIn } from '../accounts/provider-today.ts';
import { mayChangeServiceStatus } from '../accounts/service-status.ts';
import type { Actor } from '../auth/actor.ts';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import { assertMayChange } from '../cases/access.ts';
import { type CaseRow, lockCase } from '../cases/case-context.ts';
import { parseFolio } from '../cases/folio.ts';
import { WRITABLE_CHANNELS } from '../channels/channel.ts';
import { deliverNotice } from '../channels/notices.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cancellations, cases, eventNotes, events, messages, services } from '../db/schema.ts';
import { agentActor, appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { cancellationTerms } from './cancellation.ts';
import { rightsSettings } from './rights-settings.ts';
import { cancelService } from './service-suspension.service.ts';

/** Cancels the service once its cancellation's effective date has ended (an add-on's: by its deadline). */
export const CANCELLATION_JOB = 'cancellation-effect';

/** The notice telling the customer the folio and the effective date. */
export const CANCELLATION_NOTICE = 'cancelacion_registrada';

type Deps = Pick<AppContext, 'db' | 'clock' | 'jobs' | 'settings' | 'database'>;
type NoticeDeps = Pick<AppContext, 'jobs' | 'settings' | 'database'>;
export type CancellationRow = typeof cancellations.$inferSelect;

/** Written channels a withdrawal may come through: what the customer typed, never an agent's note of a call. */
const WRITTEN_CHANNELS: readonly string[] = [...WRITABLE_CHANNELS, 'portal'];

export interface RecordCancellationInput {
  serviceId?: string | undefined;
  chosenDate?: string | undefined;
  equipment?: string[] | undefined;
}

/**
 * When the job cancels the service: once the effective date (the last day of service) has ended; an
 * add-on whose switching off may wait is cancelled as its deadline day starts, still within it.
 */
export function effectAt(row: Pick<CancellationRow, 'effectiveDate' | 'carryOutBy'>, timeZone: string): Date {
  const dayAfter = Temporal.PlainDate.from(row.effectiveDate).add({ days: 1 });
  const deadline = Temporal.PlainDate.from(row.carryOutBy);
  return startOfDayIn(
    timeZone,
    (Temporal.PlainDate.compare(deadline, dayAfter) > 0 ? deadline : dayAfter).toString(),
  );
}

export function presentCancellation(row: CancellationRow) {
  return {
    id: row.id,
    caseId: row.caseId,
    serviceId: row.serviceId,
    scope: row.scope,
    status: row.status,
    requestedAt: row.requestedAt.toISOString(),
    effectiveDate: row.effectiveDate,
    carryOutBy: row.carryOutBy,
    withdrawalMessageId: row.withdrawalMessageId,
    withdrawnAt: row.withdrawnAt?.toISOString() ?? null,
    effectedAt: row.effectedAt?.toISOString() ?? null,
    equipment: row.equipment,
    equipmentReturnedAt: row.equipmentReturnedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

function assertCancellationCase(kase: CaseRow) {
  if (kase.requestType !== 'cancelacion') {
    throw new AppError('cancellation.not_cancellation_case', {
      status: 409,
      detail: `The case is a ${kase.requestType}, not a cancelacion`,
    });
  }
}

async function cancellationOf(tx: Tx, caseId: string, lock = false) {
  const query = tx.select().from(cancellations).where(eq(cancellations.caseId, caseId));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

async function requireCancellation(tx: Tx, caseId: string): Promise<CancellationRow> {
  const row = await cancellationOf(tx, caseId, true);
  if (!row) {
    throw new AppError('cancellation.not_found', {
      status: 404,
      detail: 'No cancellation was recorded on this case',
    });
  }
  return row;
}

/**
 * Inserts the case's cancellation with its terms, tells the customer the folio and the effective date,
 * and queues the job that cancels the service. A case has one cancellation: a repeat returns the first.
 */
async function insertCancellation(
  deps: NoticeDeps,
  tx: Tx,
  settings: ProviderSettings,
  kase: CaseRow,
  service: { id: string },
  input: { chosenDate?: string | undefined; equipment?: string[] | undefined },
  actor: EventActor,
  now: Date,
): Promise<{ row: CancellationRow; created: boolean }> {
  const timeZone = settings.provider.timeZone;
  const scope = kase.subtype === 'servicio_adicional' ? 'servicio_adicional' : 'contrato';
  // The customer asked when the case was opened, whenever an agent gets to record it.
  const terms = cancellationTerms({
    scope,
    requestDate: plainDateIn(timeZone, kase.createdAt),
    chosenDate: input.chosenDate ?? null,
    settings: rightsSettings(settings).cancellation,
  });
  const [inserted] = await tx
    .insert(cancellations)
    .values({
      caseId: kase.id,
      serviceId: service.id,
      scope,
      status: 'en_curso',
      requestedAt: kase.createdAt,
      effectiveDate: terms.effectiveDate,
      carryOutBy: terms.carryOutBy,
      equipment: input.equipment ?? [],
      createdBy: actor.kind === 'agente' ? actor.agentId : null,
      createdAt: now,
    })
    .onConflictDoNothing({ target: cancellations.caseId })
    .returning();
  if (!inserted) return { row: (await cancellationOf(tx, kase.id)) as CancellationRow, created: false };
  await appendEvent(
    tx,
    {
      kind: 'cancellation_requested',
      actor,
      subject: { kind: 'cancellation', id: inserted.id },
      caseId: kase.id,
      customerId: kase.customerId,
      after: {
        serviceId: service.id,
        scope,
        effectiveDate: terms.effectiveDate,
        carryOutBy: terms.carryOutBy,
        equipment: inserted.equipment.length,
        explanation: terms.explanation,
      },
    },
    now,
  );
  await deps.jobs.enqueue(
    tx,
    CANCELLATION_JOB,
    { cancellationId: inserted.id },
    { startAfter: effectAt(inserted, timeZone) },
  );
  await deliverNotice(deps, tx, kase, CANCELLATION_NOTICE, null, now, {
    values: { fecha_efectiva: formatPlainDateEs(terms.effectiveDate) },
  });
  return { row: inserted, created: true };
}

/**
 * An agent of the case's area records the customer's cancellation for the case's service (or the one
 * named): the terms of `cancellationTerms` in the provider's zone, the equipment to return, the notice
 * with the effective date and the job that carries it out. Nothing the provider offers stops it.
 */
export async function recordCancellation(
  deps: Deps,
  folio: string,
  input: RecordCancellationInput,
  actor: Actor,
) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    assertCancellationCase(kase);
    const existing = await cancellationOf(tx, kase.id);
    if (existing) return { cancellation: presentCancellation(existing), created: false };
    const service = await serviceToCancel(tx, kase, input.serviceId);
    const { settings } = await deps.settings.current(tx);
    const { row, created } = await insertCancellation(
      deps,
      tx,
      settings,
      kase,
      service,
      input,
      agentActor(actor),
      now,
    );
    return { cancellation: presentCancellation(row), created };
  });
}

/** The service named, else the case's, else the customer's only one still running; 422 otherwise. */
async function serviceToCancel(tx: Tx, kase: CaseRow, named: string | undefined) {
  const id = named ?? kase.serviceId;
  if (id) {
    const [service] = await tx
      .select()
      .from(services)
      .where(and(eq(services.id, id), eq(services.customerId, kase.customerId)));
    if (!service) {
      throw new AppError('cancellation.service_not_of_customer', {
        status: 422,
        field: 'serviceId',
        detail: "The service is not one of the case customer's",
      });
    }
    if (service.status === 'cancelado') {
      throw new AppError('cancellation.service_cancelled', {
        status: 409,
        field: 'serviceId',
        detail: 'The service is already cancelled',
      });
    }
    return service;
  }
  const running = await runningServices(tx, kase.customerId);
  if (running.length !== 1 || !running[0]) {
    throw new AppError('cancellation.service_required', {
      status: 422,
      field: 'serviceId',
      detail: 'Name the service to cancel: the customer has none or several',
    });
  }
  return running[0];
}

const runningServices = (tx: Tx, customerId: string) =>
  tx
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.customerId, customerId), ne(services.status, 'cancelado')))
    .limit(2);

/**
 * Records a cancellation as its case is opened, from any channel, when the customer has exactly one
 * service still running: the customer is told the effective date at once, with the folio. With none or
 * several, an agent records it on the case. Never refuses the case: the request is taken either way.
 * The caller passes only a case whose type the customer or an agent stated, never one guessed from the
 * words of a message. An add-on's is left to the agent: which add-on only a person can tell.
 */
export async function recordCancellationAtOpening(
  deps: NoticeDeps,
  tx: Tx,
  kase: CaseRow,
  actor: EventActor,
  now: Date,
): Promise<void> {
  if (kase.requestType !== 'cancelacion' || kase.subtype === 'servicio_adicional') return;
  const running = kase.serviceId ? [{ id: kase.serviceId }] : await runningServices(tx, kase.customerId);
  if (running.length !== 1 || !running[0]) return;
  const { settings } = await deps.settings.current(tx);
  await insertCancellation(deps, tx, settings, kase, running[0], {}, actor, now);
}

/** Why a cancellation in course was voided: its case became another type, or was discarded. */
export type CancellationVoidReason = 'reclasificado' | 'descartado';

/**
 * Voids the case's cancellation still in course (`anulada`), in the caller's transaction, when the case
 * stops being a request to cancel: an agent reclassified it or discarded it. Its job then changes
 * nothing, and the charge guard no longer counts it. One carried out, withdrawn or absent is left alone.
 */
export async function voidCancellation(
  tx: Tx,
  kase: Pick<CaseRow, 'id' | 'customerId'>,
  reason: CancellationVoidReason,
  actor: EventActor,
  now: Date,
): Promise<void> {
  const [voided] = await tx
    .update(cancellations)
    .set({ status: 'anulada' })
    .where(and(eq(cancellations.caseId, kase.id), eq(cancellations.status, 'en_curso')))
    .returning({ id: cancellations.id });
  if (!voided) return;
  await appendEvent(
    tx,
    {
      kind: 'cancellation_withdrawn',
      actor,
      subject: { kind: 'cancellation', id: voided.id },
      caseId: kase.id,
      customerId: kase.customerId,
      before: { status: 'en_curso' },
      after: { status: 'anulada', reason },
    },
    now,
  );
}

/** Whether a case still asks to cancel what its cancellation covers; else why the cancellation is void. */
export function cancellationVoidReason(
  kase: Pick<CaseRow, 'requestType' | 'subtype' | 'status'>,
  scope: string,
): CancellationVoidReason | null {
  if (kase.status === 'descartado') return 'descartado';
  if (kase.requestType !== 'cancelacion') return 'reclasificado';
  // An add-on case turned into the contract's, or back: the recorded scope no longer matches the request.
  const caseScope = kase.subtype === 'servicio_adicional' ? 'servicio_adicional' : 'contrato';
  return caseScope === scope ? null : 'reclasificado';
}

/** What the case's panel shows: the cancellation, its final balance once carried out, and the offers made. */
export async function caseCancellation(deps: Pick<Deps, 'db'>, folio: string) {
  const tx = deps.db;
  const kase = await caseByFolio(tx, folio);
  const row = await cancellationOf(tx, kase.id);
  const offers = await tx
    .select({ at: events.createdAt, agentId: events.actorAgentId, text: eventNotes.body })
    .from(events)
    .leftJoin(eventNotes, eq(eventNotes.id, events.noteId))
    .where(and(eq(events.caseId, kase.id), eq(events.kind, 'retention_offer_recorded')))
    .orderBy(asc(events.createdAt), asc(events.id));
  const finalBalanceCentavos = row
    ? ((await balancesOf(tx, [row.serviceId], row.effectiveDate)).get(row.serviceId) ?? 0)
    : null;
  return {
    cancellation: row ? presentCancellation(row) : null,
    finalBalanceCentavos,
    retentionOffers: offers.map((o) => ({
      at: o.at.toISOString(),
      agentId: o.agentId,
      text: o.text ?? null,
    })),
  };
}

async function caseByFolio(tx: Tx, folio: string): Promise<CaseRow> {
  const [row] = await tx
    .select()
    .from(cases)
    .where(eq(cases.folio, parseFolio(folio).folio));
  if (!row) throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${folio}` });
  return row;
}

/** An offer to keep the customer, recorded for the record only: the cancellation goes on regardless. */
export async function recordRetentionOffer(deps: Deps, folio: string, text: string, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    assertCancellationCase(kase);
    const row = await cancellationOf(tx, kase.id);
    await appendEvent(
      tx,
      {
        kind: 'retention_offer_recorded',
        actor: agentActor(actor),
        ...(row ? { subject: { kind: 'cancellation' as const, id: row.id } } : {}),
        caseId: kase.id,
        customerId: kase.customerId,
        after: { cancellationId: row?.id ?? null },
        note: text,
      },
      now,
    );
    return { at: now.toISOString(), agentId: actor.agentId, text };
  });
}

/**
 * Stops a cancellation on the customer's written word on the case: a message they sent (a written
 * channel or the portal) after asking to cancel. A phone call noted by an agent, or an agent's message,
 * is not the customer's writing. On the effective date it is still in time; after it, too late.
 */
export async function withdrawCancellation(deps: Deps, folio: string, messageId: string, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    const row = await requireCancellation(tx, kase.id);
    if (row.status !== 'en_curso') {
      throw new AppError('cancellation.not_in_course', {
        status: 409,
        detail: `The cancellation is ${row.status}`,
      });
    }
    const { settings } = await deps.settings.current(tx);
    const today = plainDateIn(settings.provider.timeZone, now);
    if (today > row.effectiveDate) {
      throw new AppError('cancellation.too_late', {
        status: 409,
        detail: `The cancellation took effect on ${row.effectiveDate}`,
      });
    }
    const [message] = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.id, messageId), eq(messages.caseId, kase.id)));
    if (
      message?.kind !== 'entrante' ||
      message.authorAgentId !== null ||
      !WRITTEN_CHANNELS.includes(message.channel) ||
      message.createdAt <= row.requestedAt
    ) {
      throw new AppError('cancellation.withdrawal_not_written', {
        status: 422,
        field: 'messageId',
        detail: 'A withdrawal is a message the customer wrote on this case after asking to cancel',
      });
    }
    const [updated] = await tx
      .update(cancellations)
      .set({ status: 'retirada', withdrawnAt: now, withdrawalMessageId: message.id })
      .where(eq(cancellations.id, row.id))
      .returning();
    await appendEvent(
      tx,
      {
        kind: 'cancellation_withdrawn',
        actor: agentActor(actor),
        subject: { kind: 'cancellation', id: row.id },
        caseId: kase.id,
        customerId: kase.customerId,
        before: { status: row.status },
        after: { status: 'retirada', messageId: message.id, channel: message.channel },
      },
      now,
    );
    return presentCancellation(updated as CancellationRow);
  });
}

/** Records that the provider's equipment came back; a repeat changes nothing. */
export async function markEquipmentReturned(deps: Deps, folio: string, actor: Actor) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    const row = await requireCancellation(tx, kase.id);
    if (row.equipment.length === 0) {
      throw new AppError('cancellation.no_equipment', {
        status: 409,
        detail: 'No equipment to return was listed on the cancellation',
      });
    }
    if (row.equipmentReturnedAt) return presentCancellation(row);
    const [updated] = await tx
      .update(cancellations)
      .set({ equipmentReturnedAt: now })
      .where(eq(cancellations.id, row.id))
      .returning();
    await appendEvent(
      tx,
      {
        kind: 'equipment_returned',
        actor: agentActor(actor),
        subject: { kind: 'cancellation', id: row.id },
        caseId: kase.id,
        customerId: kase.customerId,
        after: { equipment: row.equipment.length },
      },
      now,
    );
    return presentCancellation(updated as CancellationRow);
  });
}

/**
 * The job: once the effective date has ended, cancels the service through its status lifecycle and
 * records the final balance (the ledger's at the effective date) and the equipment still to return. A
 * withdrawn or already carried-out cancellation, or a redelivery, changes nothing; a run before its time
 * (a clock put back) queues itself again for then.
 */
export async function effectCancellation(deps: Deps, job: { cancellationId: string }): Promise<void> {
  const actor = systemActor('cancelacion_programada');
  assertSystemMay(actor, { kind: 'service.cancel' });
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(cancellations)
      .where(eq(cancellations.id, job.cancellationId))
      .for('update');
    if (row?.status !== 'en_curso') return;
    const { settings } = await deps.settings.current(tx);
    const due = effectAt(row, settings.provider.timeZone);
    if (now < due) {
      await deps.jobs.enqueue(tx, CANCELLATION_JOB, job, { startAfter: due });
      return;
    }
    // The case may have been reclassified or discarded since; a job queued before then must not act.
    const [kase] = await tx.select().from(cases).where(eq(cases.id, row.caseId));
    if (!kase) return;
    const voidReason = cancellationVoidReason(kase, row.scope);
    if (voidReason) {
      await voidCancellation(tx, kase, voidReason, actor, now);
      return;
    }
    const [service] = await tx.select().from(services).where(eq(services.id, row.serviceId)).for('update');
    if (!service) return;
    // Only the contract's cancellation ends the service; an add-on is switched off by the provider.
    if (row.scope === 'contrato' && mayChangeServiceStatus(service.status, 'cancelado')) {
      await cancelService(deps, tx, {
        serviceId: service.id,
        actor,
        now,
        reason: 'cancelacion_programada',
      });
    }
    const finalBalance = (await balancesOf(tx, [row.serviceId], row.effectiveDate)).get(row.serviceId) ?? 0;
    await tx
      .update(cancellations)
      .set({ status: 'efectuada', effectedAt: now })
      .where(eq(cancellations.id, row.id));
    await appendEvent(
      tx,
      {
        kind: 'cancellation_effected',
        actor,
        subject: { kind: 'cancellation', id: row.id },
        caseId: row.caseId,
        customerId: service.customerId,
        before: { status: 'en_curso', serviceStatus: service.status },
        after: {
          status: 'efectuada',
          // An add-on's: the service goes on, and the provider switches the add-on off.
          scope: row.scope,
          serviceId: row.serviceId,
          effectiveDate: row.effectiveDate,
          finalBalanceCentavos: finalBalance,
          equipment: row.equipment.length,
          equipmentReturned: row.equipmentReturnedAt !== null,
        },
        // Descriptions an agent typed: kept where they can be erased.
        note:
          row.equipment.length > 0 && !row.equipmentReturnedAt
            ? `Equipo por devolver: ${row.equipment.join('; ')}`
            : null,
      },
      now,
    );
  });
}
