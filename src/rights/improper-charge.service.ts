import { and, eq, ne, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import type { SystemActor } from '../auth/system-rules.ts';
import type { CaseRow } from '../cases/case-context.ts';
import type { Tx } from '../db/database.ts';
import { compensations, ledgerEntries, services } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { calendarFor } from '../sla/policies.ts';
import { type CompensationDeps, type ProposalOutcome, proposeCompensation } from './compensations.service.ts';
import { refundFor } from './refund.ts';
import { rightsSettings } from './rights-settings.ts';

export interface ImproperChargeInput {
  amountCentavos: number;
  ledgerEntryId?: number | undefined;
}

const refused = (field: string, detail: string, code = 'compensation.improper_charge_invalid') =>
  new AppError(code, { status: 422, field: `improperCharge${field ? `.${field}` : ''}`, detail });

/** The service refunded: the named charge's, which must be the case's (or its customer's) service. */
async function serviceOfRefund(tx: Tx, kase: CaseRow, input: ImproperChargeInput): Promise<string> {
  if (input.ledgerEntryId !== undefined) {
    const [entry] = await tx
      .select({
        serviceId: ledgerEntries.serviceId,
        kind: ledgerEntries.kind,
        amountCentavos: ledgerEntries.amountCentavos,
        customerId: services.customerId,
      })
      .from(ledgerEntries)
      .innerJoin(services, eq(services.id, ledgerEntries.serviceId))
      .where(eq(ledgerEntries.id, input.ledgerEntryId))
      // Two claims about one charge resolved at once must see each other's refund.
      .for('update', { of: ledgerEntries });
    const ofCase = kase.serviceId
      ? entry?.serviceId === kase.serviceId
      : entry?.customerId === kase.customerId;
    if (!entry || !ofCase) {
      throw refused('ledgerEntryId', "The entry is not one of the case's service");
    }
    if (entry.kind !== 'cargo') throw refused('ledgerEntryId', `The entry is a ${entry.kind}, not a cargo`);
    // One charge is refunded once: what other cases already refund of it counts against its amount.
    const [already] = await tx
      .select({ centavos: sql<string>`coalesce(sum(${compensations.refundCentavos}), 0)::text` })
      .from(compensations)
      .where(
        and(
          eq(compensations.kind, 'cargo_indebido'),
          ne(compensations.status, 'rechazada'),
          ne(compensations.caseId, kase.id),
          sql`${compensations.formula}->>'ledgerEntryId' = ${String(input.ledgerEntryId)}`,
        ),
      );
    const refundable = entry.amountCentavos - Number(already?.centavos ?? 0);
    if (input.amountCentavos > refundable) {
      throw refused(
        'amountCentavos',
        refundable < entry.amountCentavos
          ? `Other cases already refund part of this charge: at most ${refundable} centavos remain`
          : `The refund cannot exceed the charge (${entry.amountCentavos} centavos)`,
      );
    }
    return entry.serviceId;
  }
  if (kase.serviceId) return kase.serviceId;
  const all = await tx
    .select({ id: services.id })
    .from(services)
    .where(eq(services.customerId, kase.customerId))
    .limit(2);
  if (all.length !== 1 || !all[0]) {
    throw refused(
      '',
      all.length === 0
        ? 'The customer has no service to refund'
        : 'The customer has several services: name the case’s service or the charge',
      'compensation.service_required',
    );
  }
  return all[0].id;
}

/**
 * Proposes the refund of an improper charge resolved in the customer's favour (see `refundFor`): the
 * amount plus its bonus, due within the refund's business days from the claim — the case's creation —
 * in the provider's business calendar.
 */
export async function refundImproperCharge(
  deps: CompensationDeps,
  tx: Tx,
  settings: ProviderSettings,
  kase: CaseRow,
  input: ImproperChargeInput,
  actor: Actor | SystemActor,
  now: Date,
): Promise<ProposalOutcome> {
  if (kase.requestType !== 'aclaracion' || kase.subtype !== 'cargo_indebido') {
    throw refused('', 'Only an aclaracion of subtype cargo_indebido refunds an improper charge');
  }
  const serviceId = await serviceOfRefund(tx, kase, input);
  const rules = rightsSettings(settings).refund;
  const refund = refundFor({
    amountCentavos: input.amountCentavos,
    claimedAt: kase.createdAt.toISOString(),
    calendar: calendarFor(settings.deadlines.businessCalendar),
    settings: rules,
  });
  return proposeCompensation(
    deps,
    tx,
    {
      caseId: kase.id,
      serviceId,
      kind: 'cargo_indebido',
      creditCentavos: 0,
      refundCentavos: refund.amountCentavos,
      bonusCentavos: refund.bonusCentavos,
      formula: {
        amountCentavos: refund.amountCentavos,
        ledgerEntryId: input.ledgerEntryId ?? null,
        bonusPercent: refund.bonusPercent,
        bonus: refund.bonus,
        bonusCentavos: refund.bonusCentavos,
        totalCentavos: refund.totalCentavos,
        businessDays: refund.businessDays,
        dueAt: refund.dueAt,
        source: refund.source,
      },
      explanation: refund.explanation,
      refund: { businessDays: refund.businessDays, from: kase.createdAt, source: rules.source },
      // Without the charge named nothing checks the amount against the ledger: a supervisor does.
      requireApproval: input.ledgerEntryId === undefined,
    },
    actor,
    now,
  );
}
