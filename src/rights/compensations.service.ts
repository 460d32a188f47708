import { and, asc, eq, gt, inArray, or, type SQL } from 'drizzle-orm';
import { nextCutoff } from '../accounts/billing-cycle.ts';
import { type NewLedgerEntry, postLedgerEntries } from '../accounts/ledger.service.ts';
import { formatMxn } from '../accounts/money.ts';
import { formatPlainDateEs } from '../accounts/payment-rules.ts';
import { plainDateIn } from '../accounts/provider-today.ts';
import { agentAreaIds } from '../agents/agents.service.ts';
import type { Actor } from '../auth/actor.ts';
import { assertSystemMay, type SystemActor, systemActor } from '../auth/system-rules.ts';
import { assertMayChange, assertMaySupervise } from '../cases/access.ts';
import { parseFolio } from '../cases/folio.ts';
import { deliverNotice } from '../channels/notices.ts';
import type { AppContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { cases, compensations, services } from '../db/schema.ts';
import type { CompensationKind, CompensationStatus, PaymentMethod } from '../domain/vocabulary.ts';
import { agentActor, appendEvent, type EventActor, type NewEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { type DeadlineSubject, registerDeadlineSubject } from '../sla/deadline-subjects.ts';
import { caseRecipientColumns, recipientsThroughCase } from '../sla/deadlines.service.ts';
import { closeDeadlines, deadlineViews, meetDeadlines, startDeadline } from '../sla/subject-deadlines.ts';
import { rightsSettings } from './rights-settings.ts';

export type CompensationDeps = Pick<AppContext, 'jobs' | 'settings'>;
export type CompensationRow = typeof compensations.$inferSelect;

/** The refund clock of a compensation that pays money back. */
export const REFUND_CLOCK = 'reembolso';

export interface CompensationProposal {
  caseId: string;
  serviceId: string;
  kind: CompensationKind;
  /** The proportional credit (falla, equipo_en_reparacion); 0 for refunds. */
  creditCentavos: number;
  /** Money to pay back (cargo_indebido, instalacion_tardia); 0 otherwise. */
  refundCentavos: number;
  bonusCentavos: number;
  formula: Record<string, unknown>;
  explanation: string;
  /**
   * Refunds: the money is due back within these business days counted from `from` (the deadline
   * mechanism's clock, subject 'compensation', kind 'reembolso').
   */
  refund?: { businessDays: number; from: Date; source?: string };
  /** Wait for a supervisor whatever the automatic amount (a late installation is always proposed). */
  requireApproval?: boolean;
}

/** What was posted to the ledger when a compensation was applied, as the customer is told. */
export interface PostedCompensation {
  kind: CompensationKind;
  totalCentavos: number;
  /** The part cancelling a charge (refunds); the rest is the bonificación. */
  refundCentavos: number;
  bonusCentavos: number;
  effectiveDate: string;
}

export interface ProposalOutcome {
  id: string;
  status: CompensationStatus;
  /** False when the case already had one of this kind: the call changed nothing. */
  created: boolean;
  /** Only when this call applied it. */
  posted?: PostedCompensation;
  /** When the money is due back, for refunds: the instant, and its date in the provider's zone. */
  refundDueAt?: Date;
  refundDueDate?: string;
}

export const compensationSubject = (id: string): DeadlineSubject => ({ kind: 'compensation', id });

const isSystem = (actor: Actor | SystemActor): actor is SystemActor => 'kind' in actor;
export const eventActorOf = (actor: Actor | SystemActor): EventActor =>
  isSystem(actor) ? actor : agentActor(actor);

/**
 * The refund part of what is applied: a supervisor's adjustment below the computed total cuts the bonus
 * first, since the charge itself is owed back in full whenever the refund is granted at all.
 */
export function appliedParts(row: Pick<CompensationRow, 'refundCentavos'>, appliedCentavos: number) {
  const refund = Math.min(row.refundCentavos, appliedCentavos);
  return { refundCentavos: refund, restCentavos: appliedCentavos - refund };
}

/**
 * The ledger's source key of each entry of a compensation: stable, so a retried request posts nothing
 * twice. A failure's credit keeps the key it had before compensations were recorded, so a case credited
 * then is not credited again.
 */
export const sourceKeyOf = (
  row: Pick<CompensationRow, 'caseId' | 'kind'>,
  part: 'credito' | 'ajuste' | 'bono',
) =>
  row.kind === 'falla' && part === 'credito'
    ? `compensation:${row.caseId}`
    : `compensation:${row.caseId}:${row.kind}:${part}`;

/**
 * Posts an approved compensation: a credit as one `bonificacion` at the service's next cut-off (as the
 * contract model asks, shown on the next statement); a refund as an `ajuste` cancelling the charge today
 * plus a `bonificacion` for the rest, so the customer's balance is in their favour until the money is paid
 * back (`reembolso`). Returns what was posted; nothing when the entries were posted before.
 */
export async function applyCompensation(
  tx: Tx,
  settings: ProviderSettings,
  row: CompensationRow,
  appliedCentavos: number,
  ledgerActor: EventActor,
  now: Date,
): Promise<PostedCompensation | undefined> {
  const [kase] = await tx.select({ folio: cases.folio }).from(cases).where(eq(cases.id, row.caseId));
  const [service] = await tx
    .select({ cutoffDay: services.cutoffDay })
    .from(services)
    .where(eq(services.id, row.serviceId));
  const effectiveDate = effectiveDateOf(settings, row, service?.cutoffDay, now);
  const entries = compensationEntries(row, appliedCentavos, effectiveDate, kase?.folio ?? null);
  await tx.update(compensations).set({ effectiveDate }).where(eq(compensations.id, row.id));
  const posted = await postLedgerEntries(tx, entries, ledgerActor, now);
  if (posted.length === 0) return undefined;
  await appendEvent(tx, postedEvent(row, appliedCentavos, effectiveDate, posted, ledgerActor), now);
  return postedOutcome(row, appliedCentavos, effectiveDate);
}

/** When an applied compensation takes effect: a refund today, a credit at the service's next cut-off. */
export function effectiveDateOf(
  settings: ProviderSettings,
  row: Pick<CompensationRow, 'refundCentavos'>,
  cutoffDay: number | undefined,
  now: Date,
): string {
  const today = plainDateIn(settings.provider.timeZone, now);
  return row.refundCentavos > 0 || cutoffDay === undefined ? today : nextCutoff(cutoffDay, today);
}

/** The ledger entries an applied compensation posts (see `applyCompensation`). */
export function compensationEntries(
  row: Pick<CompensationRow, 'caseId' | 'kind' | 'serviceId' | 'refundCentavos' | 'explanation'>,
  appliedCentavos: number,
  effectiveDate: string,
  folio: string | null,
): NewLedgerEntry[] {
  const isRefund = row.refundCentavos > 0;
  const { refundCentavos, restCentavos } = appliedParts(row, appliedCentavos);
  const common = {
    serviceId: row.serviceId,
    effectiveDate,
    reference: folio,
    caseId: row.caseId,
    note: row.explanation,
  };
  const entries: NewLedgerEntry[] = [];
  if (refundCentavos > 0) {
    entries.push({
      ...common,
      kind: 'ajuste',
      amountCentavos: -refundCentavos,
      sourceKey: sourceKeyOf(row, 'ajuste'),
    });
  }
  if (restCentavos > 0) {
    entries.push({
      ...common,
      kind: 'bonificacion',
      amountCentavos: -restCentavos,
      sourceKey: sourceKeyOf(row, isRefund ? 'bono' : 'credito'),
    });
  }
  return entries;
}

/** The event of a compensation posted to the ledger, naming the entries posted. */
export function postedEvent(
  row: Pick<CompensationRow, 'id' | 'caseId' | 'kind' | 'formula'>,
  appliedCentavos: number,
  effectiveDate: string,
  posted: Array<{ id: number }>,
  ledgerActor: EventActor,
): NewEvent {
  return {
    kind: 'compensation_posted',
    actor: ledgerActor,
    caseId: row.caseId,
    after: {
      ...(row.formula as Record<string, unknown>),
      compensationId: row.id,
      compensationKind: row.kind,
      appliedCentavos,
      // What was posted, which a supervisor's adjustment may make differ from the rule's total.
      totalCentavos: appliedCentavos,
      effectiveDate,
      ledgerEntryId: posted[0]?.id,
      ledgerEntryIds: posted.map((e) => e.id),
    },
  };
}

/** What the customer is told was posted. */
export function postedOutcome(
  row: Pick<CompensationRow, 'kind' | 'refundCentavos'>,
  appliedCentavos: number,
  effectiveDate: string,
): PostedCompensation {
  const { refundCentavos, restCentavos } = appliedParts(row, appliedCentavos);
  return {
    kind: row.kind,
    totalCentavos: appliedCentavos,
    refundCentavos,
    bonusCentavos: restCentavos,
    effectiveDate,
  };
}

/** Whether a proposal is applied at once by the system's rule rather than waiting for a supervisor. */
export const isAutomatic = (settings: ProviderSettings, proposal: CompensationProposal) =>
  !proposal.requireApproval &&
  proposalTotal(proposal) <= rightsSettings(settings).compensation.autoApproveUpToCentavos;

export const proposalTotal = (proposal: CompensationProposal) =>
  proposal.creditCentavos + proposal.refundCentavos + proposal.bonusCentavos;

/** The event of a proposal recorded. */
export function proposedEvent(
  row: Pick<CompensationRow, 'id' | 'caseId' | 'kind' | 'serviceId'>,
  proposal: CompensationProposal,
  automatic: boolean,
  actor: Actor | SystemActor,
): NewEvent {
  return {
    kind: 'compensation_proposed',
    actor: eventActorOf(actor),
    subject: compensationSubject(row.id),
    caseId: row.caseId,
    after: {
      compensationKind: row.kind,
      serviceId: row.serviceId,
      computedCentavos: proposalTotal(proposal),
      creditCentavos: proposal.creditCentavos,
      refundCentavos: proposal.refundCentavos,
      bonusCentavos: proposal.bonusCentavos,
      automatic,
    },
  };
}

/**
 * Records what a rule computed for a case, once per case and kind: a second proposal (a retried request,
 * a case resolved again) returns the first and changes nothing. Up to the automatic amount, and unless
 * approval is required, it is applied at once by the system's rule; above it, it waits for a supervisor
 * (`decideCompensation`). A refund starts its clock here, whatever the decision will be: the money is owed
 * from the claim, not from the approval.
 */
export async function proposeCompensation(
  deps: CompensationDeps,
  tx: Tx,
  proposal: CompensationProposal,
  actor: Actor | SystemActor,
  now: Date,
): Promise<ProposalOutcome> {
  const { settings } = await deps.settings.current(tx);
  const computed = proposalTotal(proposal);
  const [row] = await tx
    .insert(compensations)
    .values({
      caseId: proposal.caseId,
      serviceId: proposal.serviceId,
      kind: proposal.kind,
      status: 'por_aprobar',
      computedCentavos: computed,
      refundCentavos: proposal.refundCentavos,
      bonusCentavos: proposal.bonusCentavos,
      formula: proposal.formula,
      explanation: proposal.explanation,
      createdAt: now,
    })
    .onConflictDoNothing({ target: [compensations.caseId, compensations.kind] })
    .returning();
  if (!row) {
    const [existing] = await tx
      .select({ id: compensations.id, status: compensations.status })
      .from(compensations)
      .where(and(eq(compensations.caseId, proposal.caseId), eq(compensations.kind, proposal.kind)));
    return { ...(existing as { id: string; status: CompensationStatus }), created: false };
  }
  const automatic = isAutomatic(settings, proposal);
  await appendEvent(tx, proposedEvent(row, proposal, automatic, actor), now);
  let due: { refundDueAt: Date; refundDueDate: string } | undefined;
  if (proposal.refund) {
    const clock = await startDeadline(deps, tx, compensationSubject(row.id), {
      kind: REFUND_CLOCK,
      target: { amount: proposal.refund.businessDays, unit: 'days', clock: 'business' },
      source: proposal.refund.source ?? rightsSettings(settings).refund.source,
      pausable: false,
      startedAt: proposal.refund.from,
    });
    due = { refundDueAt: clock.dueAt, refundDueDate: plainDateIn(settings.provider.timeZone, clock.dueAt) };
  }
  if (!automatic) return { id: row.id, status: 'por_aprobar', created: true, ...due };

  const rule = systemActor('bonificacion_automatica');
  assertSystemMay(rule, { kind: 'ledger.credit' });
  await tx
    .update(compensations)
    .set({ status: 'aplicada', appliedCentavos: computed, decidedAt: now })
    .where(eq(compensations.id, row.id));
  const posted = await applyCompensation(tx, settings, row, computed, rule, now);
  return { id: row.id, status: 'aplicada', created: true, ...(posted ? { posted } : {}), ...due };
}

/**
 * The sentence a resolution notice's `{bonificacion}` adds: the amounts applied with it, or that they are
 * being reviewed — never an amount not yet approved; empty when nothing was proposed with it.
 */
export function compensationSentence(outcome: ProposalOutcome | undefined, kind: CompensationKind): string {
  if (!outcome) return '';
  const refund = kind === 'cargo_indebido' || kind === 'instalacion_tardia';
  if (outcome.status === 'por_aprobar') {
    return refund
      ? ' Un supervisor está revisando el reembolso que te corresponde; te avisaremos del monto.'
      : ' Un supervisor está revisando la bonificación que te corresponde; te avisaremos del monto.';
  }
  const posted = outcome.posted;
  if (!posted) return '';
  if (refund) {
    const due = outcome.refundDueDate ? `, a más tardar el ${formatPlainDateEs(outcome.refundDueDate)}` : '';
    return ` Te devolveremos ${formatMxn(posted.refundCentavos)} del cargo indebido${due}, más una bonificación de ${formatMxn(posted.bonusCentavos)} (total ${formatMxn(posted.totalCentavos)}).`;
  }
  return ` Se aplicará una bonificación de ${formatMxn(posted.totalCentavos)} en la próxima fecha de corte (${formatPlainDateEs(posted.effectiveDate)}).`;
}

// Registered where the refund clock starts; the job registry reaches this module through the case
// lifecycle, so every process that runs deadline checks knows whom a refund concerns.
registerDeadlineSubject('compensation', {
  /** The case's assignee (or, with nobody assigned, the area's supervisors) is warned; a breach goes to both. */
  async recipients(tx, compensationId) {
    const [row] = await tx
      .select({ ...caseRecipientColumns, customerId: cases.customerId })
      .from(compensations)
      .innerJoin(cases, eq(cases.id, compensations.caseId))
      .where(eq(compensations.id, compensationId));
    return recipientsThroughCase(tx, row);
  },
});

export type CompensationReadDeps = Pick<AppContext, 'db' | 'settings' | 'clock'>;
export type CompensationWriteDeps = Pick<AppContext, 'db' | 'settings' | 'clock' | 'jobs' | 'database'>;

/** The notice that tells the customer the amount a supervisor approved or adjusted. */
export const APPROVED_NOTICE = 'compensacion_aprobada';

/** A supervisor may give more than the rule computed (goodwill), up to this many times it: beyond is a typo. */
export const MAX_ADJUSTMENT_FACTOR = 3;

export interface DecisionInput {
  decision: 'aprobar' | 'ajustar' | 'rechazar';
  amountCentavos?: number | undefined;
  reason?: string | undefined;
}

export interface RefundMadeInput {
  method?: PaymentMethod | undefined;
  reference?: string | undefined;
}

type Listed = CompensationRow & { folio: string };

async function presentAll(deps: CompensationReadDeps, rows: Listed[]) {
  const now = deps.clock.now();
  const clocks = await deadlineViews<typeof REFUND_CLOCK>(
    deps,
    deps.db,
    'compensation',
    rows.filter((r) => r.refundCentavos > 0).map((r) => r.id),
    now,
  );
  return rows.map((row) => ({
    id: row.id,
    caseId: row.caseId,
    folio: row.folio,
    serviceId: row.serviceId,
    kind: row.kind,
    status: row.status,
    computedCentavos: row.computedCentavos,
    refundCentavos: row.refundCentavos,
    bonusCentavos: row.bonusCentavos,
    appliedCentavos: row.appliedCentavos,
    formula: row.formula as Record<string, unknown>,
    explanation: row.explanation,
    effectiveDate: row.effectiveDate,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    refundedAt: row.refundedAt?.toISOString() ?? null,
    refundDeadline: clocks.get(row.id)?.[REFUND_CLOCK] ?? null,
    createdAt: row.createdAt.toISOString(),
  }));
}
export type CompensationView = Awaited<ReturnType<typeof presentAll>>[number];

const listed = (tx: Tx) =>
  tx
    .select({ row: compensations, folio: cases.folio })
    .from(compensations)
    .innerJoin(cases, eq(cases.id, compensations.caseId));
const flat = (rows: Array<{ row: CompensationRow; folio: string }>): Listed[] =>
  rows.map(({ row, folio }) => ({ ...row, folio }));

/** The compensations of a case, oldest first. */
export async function caseCompensations(deps: CompensationReadDeps, folio: string) {
  const parsed = parseFolio(folio);
  const [kase] = await deps.db.select({ id: cases.id }).from(cases).where(eq(cases.folio, parsed.folio));
  if (!kase)
    throw new AppError('case.not_found', { status: 404, detail: `No case with folio ${parsed.folio}` });
  const rows = await listed(deps.db)
    .where(eq(compensations.caseId, kase.id))
    .orderBy(asc(compensations.createdAt));
  return presentAll(deps, flat(rows));
}

/**
 * Compensations in a status, oldest first (the longest waiting on top), after a cursor: a supervisor sees
 * those of their areas' cases, an admin all.
 */
export async function listCompensations(
  deps: CompensationReadDeps,
  actor: Actor,
  query: { status: CompensationStatus; limit: number; after?: string | undefined },
) {
  const areaIds = actor.role === 'admin' ? undefined : await agentAreaIds(deps.db, actor.agentId);
  if (areaIds?.length === 0) return { items: [], next: null };
  let cursor: SQL | undefined;
  if (query.after) {
    const [at] = await deps.db
      .select({ createdAt: compensations.createdAt, id: compensations.id })
      .from(compensations)
      .where(eq(compensations.id, query.after));
    if (!at)
      throw new AppError('compensation.bad_cursor', {
        status: 400,
        field: 'after',
        detail: 'Unknown cursor',
      });
    cursor = or(
      gt(compensations.createdAt, at.createdAt),
      and(eq(compensations.createdAt, at.createdAt), gt(compensations.id, at.id)),
    );
  }
  const rows = await listed(deps.db)
    .where(
      and(
        eq(compensations.status, query.status),
        areaIds ? inArray(cases.areaId, areaIds) : undefined,
        cursor,
      ),
    )
    .orderBy(asc(compensations.createdAt), asc(compensations.id))
    .limit(query.limit + 1);
  const page = flat(rows.slice(0, query.limit));
  return {
    items: await presentAll(deps, page),
    next: rows.length > query.limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** The compensation and its case's area, locked for the rest of the transaction; 404 when there is none. */
async function lockCompensation(tx: Tx, id: string) {
  const [row] = await tx.select().from(compensations).where(eq(compensations.id, id)).for('update');
  if (!row) throw new AppError('compensation.not_found', { status: 404, detail: 'No such compensation' });
  const [kase] = await tx.select({ areaId: cases.areaId }).from(cases).where(eq(cases.id, row.caseId));
  return { row, areaId: kase?.areaId as number };
}

async function viewOf(deps: CompensationReadDeps, id: string) {
  const rows = await listed(deps.db).where(eq(compensations.id, id));
  return (await presentAll(deps, flat(rows)))[0] as CompensationView;
}

/** The amount a decision applies: the computed one, or a supervisor's within bounds. */
function decidedAmount(row: CompensationRow, input: DecisionInput): number | null {
  if (input.decision === 'rechazar') return null;
  if (input.decision === 'aprobar') return row.computedCentavos;
  const amount = input.amountCentavos;
  if (amount === undefined) {
    throw new AppError('compensation.amount_required', {
      status: 422,
      field: 'amountCentavos',
      detail: 'Adjusting needs the amount to apply',
    });
  }
  if (amount > row.computedCentavos * MAX_ADJUSTMENT_FACTOR) {
    throw new AppError('compensation.amount_too_large', {
      status: 422,
      field: 'amountCentavos',
      detail: `At most ${MAX_ADJUSTMENT_FACTOR} times the computed ${row.computedCentavos} centavos`,
    });
  }
  return amount;
}

/**
 * A supervisor of the case's area (or an admin) approves, adjusts or rejects a compensation waiting for
 * approval; approving or adjusting posts it at once. Decided once: a second decision is a 409.
 */
export async function decideCompensation(
  deps: CompensationWriteDeps,
  id: string,
  input: DecisionInput,
  actor: Actor,
) {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const { row, areaId } = await lockCompensation(tx, id);
    await assertMaySupervise(tx, actor, areaId);
    if (row.status !== 'por_aprobar') {
      throw new AppError('compensation.already_decided', {
        status: 409,
        detail: `The compensation is already ${row.status}`,
      });
    }
    if (input.decision !== 'aprobar' && !input.reason) {
      throw new AppError('compensation.reason_required', {
        status: 422,
        field: 'reason',
        detail: 'Say why the amount is adjusted or rejected',
      });
    }
    const applied = decidedAmount(row, input);
    const status: CompensationStatus = applied === null ? 'rechazada' : 'aplicada';
    await tx
      .update(compensations)
      .set({ status, appliedCentavos: applied, decidedBy: actor.agentId, decidedAt: now })
      .where(eq(compensations.id, row.id));
    const by = agentActor(actor);
    await appendEvent(
      tx,
      {
        kind: 'compensation_decided',
        actor: by,
        subject: compensationSubject(row.id),
        caseId: row.caseId,
        before: { status: row.status, computedCentavos: row.computedCentavos },
        after: { status, decision: input.decision, compensationKind: row.kind, appliedCentavos: applied },
        note: input.reason ?? null,
      },
      now,
    );
    if (applied !== null && applied > 0) {
      const { settings } = await deps.settings.current(tx);
      const posted = await applyCompensation(tx, settings, row, applied, by, now);
      // The resolution told the customer the amount was under review: the decision tells them what it is.
      const [kase] = await tx
        .select({
          id: cases.id,
          channel: cases.channel,
          requestType: cases.requestType,
          customerId: cases.customerId,
        })
        .from(cases)
        .where(eq(cases.id, row.caseId));
      if (posted && kase) {
        await deliverNotice(deps, tx, kase, APPROVED_NOTICE, null, now, {
          values: {
            monto: formatMxn(posted.totalCentavos),
            fecha: formatPlainDateEs(posted.effectiveDate),
          },
        });
      }
    }
    // A rejected refund owes nothing back: its clock no longer measures anything.
    if (status === 'rechazada' && row.refundCentavos > 0) {
      await closeDeadlines(deps, tx, compensationSubject(row.id), now, 'cancelled');
    }
  });
  return viewOf(deps, id);
}

/**
 * Records that the money of an applied refund was paid back: a `reembolso` of its refund part (the
 * customer's balance in their favour is paid out), meeting the refund's clock. Once.
 */
export async function recordRefundMade(
  deps: CompensationWriteDeps,
  id: string,
  input: RefundMadeInput,
  actor: Actor,
) {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const { row, areaId } = await lockCompensation(tx, id);
    await assertMayChange(tx, actor, areaId);
    const { refundCentavos } = appliedParts(row, row.appliedCentavos ?? 0);
    if (row.status !== 'aplicada' || refundCentavos === 0) {
      throw new AppError('compensation.not_refundable', {
        status: 409,
        detail: 'Only an applied refund is paid back',
      });
    }
    if (row.refundedAt) {
      throw new AppError('compensation.already_refunded', {
        status: 409,
        detail: 'The refund was already recorded',
      });
    }
    const [kase] = await tx.select({ folio: cases.folio }).from(cases).where(eq(cases.id, row.caseId));
    const { settings } = await deps.settings.current(tx);
    const by = agentActor(actor);
    const [entry] = await postLedgerEntries(
      tx,
      [
        {
          serviceId: row.serviceId,
          kind: 'reembolso',
          amountCentavos: refundCentavos,
          effectiveDate: plainDateIn(settings.provider.timeZone, now),
          reference: kase?.folio ?? null,
          caseId: row.caseId,
          sourceKey: `compensation:${row.caseId}:${row.kind}:reembolso`,
          note: row.explanation,
        },
      ],
      by,
      now,
    );
    await tx.update(compensations).set({ refundedAt: now }).where(eq(compensations.id, row.id));
    await meetDeadlines(deps, tx, compensationSubject(row.id), now, REFUND_CLOCK);
    await appendEvent(
      tx,
      {
        kind: 'refund_made',
        actor: by,
        subject: compensationSubject(row.id),
        caseId: row.caseId,
        after: {
          compensationKind: row.kind,
          refundCentavos,
          method: input.method ?? null,
          ledgerEntryId: entry?.id ?? null,
        },
        note: input.reference ?? null,
      },
      now,
    );
  });
  return viewOf(deps, id);
}
