import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { AppContext } from '../context.ts';
import { resolveCustomer } from '../customers/customers.service.ts';
import { plans, services } from '../db/schema.ts';
import { serviceRights } from '../rights/portal-rights.ts';
import { accountStatement } from './ledger.service.ts';
import type { PortalBalance } from './pin.schema.ts';
import { plainDateIn } from './provider-today.ts';

/** Movements the portal shows per service: enough to recognise the last bills and payments. */
const PORTAL_MOVEMENTS = 5;

/**
 * A balance inquiry as the customer sees it (free on every channel): per service of the account holder,
 * the balance today, the next cut-off and what is due by it, the latest movements, and what the service
 * is owed or waits for (`serviceRights`). Only ids the caller proved (a folio's customer, a PIN's account)
 * reach here; nothing names another customer. `onlyServiceId` narrows a folio's answer to the service its
 * case is about, so a folio shared with a relative about one home shows nothing of the holder's others.
 */
export async function customerBalance(
  ctx: Pick<AppContext, 'db' | 'settings' | 'clock'>,
  customerId: string,
  onlyServiceId?: string | null,
): Promise<z.infer<typeof PortalBalance>> {
  const holder = await resolveCustomer(ctx.db, customerId);
  const { settings } = await ctx.settings.current(ctx.db);
  const today = plainDateIn(settings.provider.timeZone, ctx.clock.now());
  const rows = await ctx.db
    .select({
      id: services.id,
      reference: services.externalRef,
      status: services.status,
      suspensionReason: services.suspensionReason,
      contractSignedOn: services.contractSignedOn,
      installedAt: services.installedAt,
      plan: plans.name,
    })
    .from(services)
    .leftJoin(plans, eq(plans.id, services.planId))
    .where(
      and(eq(services.customerId, holder.id), onlyServiceId ? eq(services.id, onlyServiceId) : undefined),
    )
    .orderBy(asc(services.createdAt), asc(services.id));
  const list = [];
  for (const row of rows) {
    const statement = await accountStatement(ctx.db, row.id, today, PORTAL_MOVEMENTS);
    list.push({
      reference: row.reference,
      plan: row.plan,
      status: row.status,
      balanceCentavos: statement.balanceCentavos,
      nextCutoff: statement.nextCutoff,
      amountDueCentavos: statement.amountDueCentavos,
      creditCentavos: statement.creditCentavos,
      movements: statement.movements.map((m) => ({
        id: m.id,
        kind: m.kind,
        amountCentavos: m.amountCentavos,
        effectiveDate: m.effectiveDate,
        reference: m.reference,
      })),
      ...(await serviceRights(ctx.db, row)),
    });
  }
  return { accountNumber: holder.accountNumber, timeZone: settings.provider.timeZone, services: list };
}
