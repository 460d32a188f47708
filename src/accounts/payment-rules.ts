import { eq } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import type { CaseRow } from '../cases/case-context.ts';
import { isFinal } from '../cases/lifecycle.ts';
import { MONTHS_ES } from '../channels/templates.ts';
import { defaultPayments } from '../config/profile.ts';
import type { Tx } from '../db/database.ts';
import { services } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';
import { plainDateIn } from './provider-today.ts';

// What payments and promises share: their settings, the provider's today, and the service of the case.

/** Payment settings, with the defaults for settings stored before they existed. */
export const paymentSettings = (settings: ProviderSettings): ProviderSettings['payments'] =>
  (settings as Partial<ProviderSettings>).payments ?? defaultPayments();

/** Today in the provider's time zone: payments and promises are dated as the customer's receipt is. */
export const providerToday = (settings: ProviderSettings, now: Date) =>
  plainDateIn(settings.provider.timeZone, now);

/** A plain date as customers read it: "25 de noviembre de 2026". */
export function formatPlainDateEs(date: string): string {
  const day = Temporal.PlainDate.from(date);
  return `${day.day} de ${MONTHS_ES[day.month - 1]} de ${day.year}`;
}

/** The service, if it is the case customer's; otherwise a 422 on the field that named it. */
export async function serviceOfCase(tx: Tx, kase: CaseRow, serviceId: string, lock = false) {
  const query = tx.select().from(services).where(eq(services.id, serviceId));
  const [service] = lock ? await query.for('update') : await query;
  if (!service || service.customerId !== kase.customerId) {
    throw new AppError('payment.service_not_of_customer', {
      status: 422,
      field: 'serviceId',
      detail: "The service is not one of the case customer's",
    });
  }
  return service;
}

/** Money is registered on an open case: a closed one is the record of a finished request. */
export function assertOpen(kase: CaseRow): void {
  if (isFinal(kase.status)) {
    throw new AppError('case.final', {
      status: 409,
      detail: `The case is ${kase.status}; open a new case for the customer instead`,
    });
  }
}
