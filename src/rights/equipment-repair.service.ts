import { eq } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import { assertOpen, serviceOfCase } from '../accounts/payment-rules.ts';
import { plainDateIn } from '../accounts/provider-today.ts';
import type { Actor } from '../auth/actor.ts';
import { assertMayChange } from '../cases/access.ts';
import { type CaseRow, lockCase } from '../cases/case-context.ts';
import type { Tx } from '../db/database.ts';
import { plans, services } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { MAX_OUTAGE_DAYS, repairCreditFor } from './compensation.ts';
import {
  type CompensationView,
  type CompensationWriteDeps,
  caseCompensations,
  proposeCompensation,
} from './compensations.service.ts';

export interface EquipmentRepairInput {
  /** A date (the whole day, in the provider's zone) or an instant. */
  from: string;
  /** A date (through the end of that day) or an instant. */
  to: string;
  serviceId?: string | undefined;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const invalid = (field: string, detail: string) =>
  new AppError('compensation.repair_period_invalid', { status: 422, field, detail });

/** A date's start (or, for `to`, the next day's start) in the zone, or the instant as given. */
function instantOf(text: string, field: 'from' | 'to', timeZone: string): Temporal.Instant {
  try {
    if (!DATE.test(text)) return Temporal.Instant.from(text);
    const day = Temporal.PlainDate.from(text);
    return (field === 'to' ? day.add({ days: 1 }) : day).toZonedDateTime({ timeZone }).toInstant();
  } catch {
    throw invalid(field, 'A date (YYYY-MM-DD) or an instant with its offset');
  }
}

/** The service the repair concerns: named, the case's, or the customer's only one. */
async function serviceOfRepair(tx: Tx, kase: CaseRow, serviceId: string | undefined) {
  const id = serviceId ?? kase.serviceId;
  if (id) return (await serviceOfCase(tx, kase, id)).id;
  const all = await tx
    .select({ id: services.id })
    .from(services)
    .where(eq(services.customerId, kase.customerId))
    .limit(2);
  if (all.length !== 1 || !all[0]) {
    throw new AppError('compensation.service_required', {
      status: 422,
      field: 'serviceId',
      detail: 'Name the service whose equipment was under repair',
    });
  }
  return all[0].id;
}

/**
 * Records on a case the period the provider's equipment at the customer's home was under repair, which
 * proposes the `equipo_en_reparacion` compensation: the proportional price of that time (no charge is due
 * for it), through the same approval path as any compensation. One per case: recording it again returns
 * the first.
 */
export async function recordEquipmentRepair(
  deps: CompensationWriteDeps,
  folio: string,
  input: EquipmentRepairInput,
  actor: Actor,
): Promise<{ created: boolean; compensation: CompensationView }> {
  const now = deps.clock.now();
  const { created, id } = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    assertOpen(kase);
    const { settings } = await deps.settings.current(tx);
    const timeZone = settings.provider.timeZone;
    const from = instantOf(input.from, 'from', timeZone);
    const to = instantOf(input.to, 'to', timeZone);
    const today = Temporal.PlainDate.from(plainDateIn(timeZone, now));
    const endOfToday = today.add({ days: 1 }).toZonedDateTime({ timeZone }).toInstant();
    if (Temporal.Instant.compare(to, from) <= 0) throw invalid('to', 'The repair must end after it started');
    if (Temporal.Instant.compare(to, endOfToday) > 0) {
      throw invalid('to', 'A repair is recorded once it ended: not after today');
    }
    const oldest = today.subtract({ days: MAX_OUTAGE_DAYS }).toZonedDateTime({ timeZone }).toInstant();
    if (Temporal.Instant.compare(from, oldest) < 0) {
      throw invalid('from', `A repair that started more than ${MAX_OUTAGE_DAYS} days ago is a typo`);
    }
    const serviceId = await serviceOfRepair(tx, kase, input.serviceId);
    const [service] = await tx
      .select({ cutoffDay: services.cutoffDay, price: plans.monthlyPriceCentavos })
      .from(services)
      .leftJoin(plans, eq(plans.id, services.planId))
      .where(eq(services.id, serviceId));
    if (!service || service.price === null || service.price === undefined) {
      throw new AppError('compensation.service_without_plan', {
        status: 422,
        field: 'serviceId',
        detail: 'The service has no plan with a price to prorate',
      });
    }
    const credit = repairCreditFor({
      monthlyPriceCentavos: service.price,
      cutoffDay: service.cutoffDay,
      timeZone,
      from: from.toString(),
      to: to.toString(),
    });
    const outcome = await proposeCompensation(
      deps,
      tx,
      {
        caseId: kase.id,
        serviceId,
        kind: 'equipo_en_reparacion',
        creditCentavos: credit.totalCentavos,
        refundCentavos: 0,
        bonusCentavos: 0,
        formula: {
          serviceId,
          from: from.toString(),
          to: to.toString(),
          monthlyPriceCentavos: service.price,
          affectedMinutes: credit.affectedMinutes,
          parts: credit.parts.map((p) => ({ periodDays: p.periodDays, minutes: p.minutes })),
          proportional: credit.proportional,
          totalCentavos: credit.totalCentavos,
          source: credit.source,
        },
        explanation: credit.explanation,
      },
      actor,
      now,
    );
    return outcome;
  });
  const compensation = (await caseCompensations(deps, folio)).find((c) => c.id === id) as CompensationView;
  return { created, compensation };
}
