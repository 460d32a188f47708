import { and, asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { assertMayChange } from '../cases/access.ts';
import { lockCase } from '../cases/case-context.ts';
import type { AppContext } from '../context.ts';
import { resolveCustomer } from '../customers/customers.service.ts';
import type { Db, Tx } from '../db/database.ts';
import { cases, plans, services, zones } from '../db/schema.ts';
import { agentActor, appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { cancelService, reactivateService, suspendService } from '../rights/service-suspension.service.ts';
import type {
  ChangeServiceStatusRequest,
  CreatePlanRequest,
  CreateServiceRequest,
  CreateZoneRequest,
  UpdatePlanRequest,
  UpdateServiceRequest,
  UpdateZoneRequest,
} from './accounts.schema.ts';
import { balancesOf } from './ledger.service.ts';
import { lockService } from './service-lock.ts';
import { mayChangeServiceStatus } from './service-status.ts';

export type PlanRow = typeof plans.$inferSelect;
export type ZoneRow = typeof zones.$inferSelect;
export type ServiceRow = typeof services.$inferSelect;

export interface ServiceWithAccount {
  service: ServiceRow;
  plan: PlanRow | null;
  zone: ZoneRow | null;
  balanceCentavos: number;
}

const unprocessable = (code: string, field: string, detail: string) =>
  new AppError(code, { status: 422, field, detail });

/** Only what differs from the row, for an event's before/after and to skip writes that change nothing. */
function changesOf<T extends Record<string, unknown>>(row: T, input: Partial<T>) {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || row[key] === value) continue;
    before[key] = row[key];
    after[key] = value;
  }
  return { before, after, changed: Object.keys(after).length > 0 };
}

export const listPlans = (db: Tx) => db.select().from(plans).orderBy(asc(plans.name), asc(plans.id));

export async function createPlan(
  db: Db,
  input: z.output<typeof CreatePlanRequest>,
  actor: EventActor,
  now: Date,
): Promise<PlanRow> {
  return db.transaction(async (tx) => {
    const [plan] = await tx
      .insert(plans)
      .values({
        code: input.code,
        name: input.name,
        monthlyPriceCentavos: input.monthlyPriceCentavos,
        downloadMbps: input.downloadMbps ?? null,
        uploadMbps: input.uploadMbps ?? null,
        technology: input.technology,
        createdAt: now,
      })
      .onConflictDoNothing({ target: plans.code })
      .returning();
    if (!plan)
      throw new AppError('plan.code_taken', { status: 409, field: 'code', detail: 'A plan has that code' });
    await appendEvent(
      tx,
      {
        kind: 'plan_created',
        actor,
        subject: { kind: 'plan', id: String(plan.id) },
        after: {
          code: plan.code,
          monthlyPriceCentavos: plan.monthlyPriceCentavos,
          technology: plan.technology,
        },
      },
      now,
    );
    return plan;
  });
}

const planNotFound = (field?: string) =>
  field
    ? unprocessable('plan.not_found', field, 'No such plan')
    : new AppError('plan.not_found', { status: 404, detail: 'No such plan' });

export async function updatePlan(
  db: Db,
  id: number,
  input: z.output<typeof UpdatePlanRequest>,
  actor: EventActor,
  now: Date,
): Promise<PlanRow> {
  return db.transaction(async (tx) => {
    const [plan] = await tx.select().from(plans).where(eq(plans.id, id)).for('update');
    if (!plan) throw planNotFound();
    const { before, after, changed } = changesOf(plan, input);
    if (!changed) return plan;
    const [updated] = await tx.update(plans).set(after).where(eq(plans.id, id)).returning();
    await appendEvent(
      tx,
      { kind: 'plan_changed', actor, subject: { kind: 'plan', id: String(id) }, before, after },
      now,
    );
    return updated ?? plan;
  });
}

export const listZones = (db: Tx) => db.select().from(zones).orderBy(asc(zones.name), asc(zones.id));

/** A parent must exist and must not be the zone itself or inside it, so the tree never loops. */
async function assertParent(tx: Tx, zoneId: number | null, parentId: number): Promise<void> {
  const all = await tx.select({ id: zones.id, parentId: zones.parentId }).from(zones);
  const parentOf = new Map(all.map((z) => [z.id, z.parentId]));
  if (!parentOf.has(parentId)) throw unprocessable('zone.not_found', 'parentId', 'No such zone');
  for (let at: number | null | undefined = parentId; at != null; at = parentOf.get(at)) {
    if (at === zoneId) throw unprocessable('zone.cycle', 'parentId', 'A zone cannot be inside itself');
  }
}

export async function createZone(
  db: Db,
  input: z.output<typeof CreateZoneRequest>,
  actor: EventActor,
  now: Date,
): Promise<ZoneRow> {
  return db.transaction(async (tx) => {
    if (input.parentId != null) await assertParent(tx, null, input.parentId);
    const [zone] = await tx
      .insert(zones)
      .values({
        code: input.code,
        name: input.name,
        parentId: input.parentId ?? null,
        timeZone: input.timeZone,
        createdAt: now,
      })
      .onConflictDoNothing({ target: zones.code })
      .returning();
    if (!zone)
      throw new AppError('zone.code_taken', { status: 409, field: 'code', detail: 'A zone has that code' });
    await appendEvent(
      tx,
      {
        kind: 'zone_created',
        actor,
        subject: { kind: 'zone', id: String(zone.id) },
        after: { code: zone.code, parentId: zone.parentId, timeZone: zone.timeZone },
      },
      now,
    );
    return zone;
  });
}

export async function updateZone(
  db: Db,
  id: number,
  input: z.output<typeof UpdateZoneRequest>,
  actor: EventActor,
  now: Date,
): Promise<ZoneRow> {
  return db.transaction(async (tx) => {
    // Zone changes are rare: locking the whole table keeps two moves from making a loop together.
    const all = await tx.select().from(zones).for('update');
    const zone = all.find((z) => z.id === id);
    if (!zone) throw new AppError('zone.not_found', { status: 404, detail: 'No such zone' });
    if (input.parentId != null) await assertParent(tx, id, input.parentId);
    const { before, after, changed } = changesOf(zone, input);
    if (!changed) return zone;
    const [updated] = await tx.update(zones).set(after).where(eq(zones.id, id)).returning();
    await appendEvent(
      tx,
      { kind: 'zone_changed', actor, subject: { kind: 'zone', id: String(id) }, before, after },
      now,
    );
    return updated ?? zone;
  });
}

async function withAccounts(tx: Tx, rows: ServiceRow[], today: string): Promise<ServiceWithAccount[]> {
  const planIds = [...new Set(rows.flatMap((r) => (r.planId == null ? [] : [r.planId])))];
  const zoneIds = [...new Set(rows.flatMap((r) => (r.zoneId == null ? [] : [r.zoneId])))];
  const [planRows, zoneRows, balances] = await Promise.all([
    planIds.length ? tx.select().from(plans).where(inArray(plans.id, planIds)) : [],
    zoneIds.length ? tx.select().from(zones).where(inArray(zones.id, zoneIds)) : [],
    balancesOf(
      tx,
      rows.map((r) => r.id),
      today,
    ),
  ]);
  return rows.map((service) => ({
    service,
    plan: planRows.find((p) => p.id === service.planId) ?? null,
    zone: zoneRows.find((z) => z.id === service.zoneId) ?? null,
    balanceCentavos: balances.get(service.id) ?? 0,
  }));
}

/** A customer's services (following a merge), oldest first, with plan, zone and today's balance. */
export async function listServices(db: Tx, customerId: string, today: string): Promise<ServiceWithAccount[]> {
  const customer = await resolveCustomer(db, customerId);
  const rows = await db
    .select()
    .from(services)
    .where(eq(services.customerId, customer.id))
    .orderBy(asc(services.createdAt), asc(services.id));
  return withAccounts(db, rows, today);
}

export async function getService(db: Tx, id: string, today: string): Promise<ServiceWithAccount> {
  const [row] = await db.select().from(services).where(eq(services.id, id));
  if (!row) throw serviceNotFound();
  const [found] = await withAccounts(db, [row], today);
  if (!found) throw serviceNotFound();
  return found;
}

export const serviceNotFound = (field?: string) =>
  field
    ? unprocessable('service.not_found', field, 'No such service')
    : new AppError('service.not_found', { status: 404, detail: 'No such service' });

async function assertCatalog(tx: Tx, input: { planId?: number | null; zoneId?: number | null }) {
  if (input.planId != null) {
    const [plan] = await tx.select({ id: plans.id }).from(plans).where(eq(plans.id, input.planId));
    if (!plan) throw planNotFound('planId');
  }
  if (input.zoneId != null) {
    const [zone] = await tx.select({ id: zones.id }).from(zones).where(eq(zones.id, input.zoneId));
    if (!zone) throw unprocessable('zone.not_found', 'zoneId', 'No such zone');
  }
}

export async function createService(
  db: Db,
  customerId: string,
  input: z.output<typeof CreateServiceRequest>,
  actor: EventActor,
  now: Date,
): Promise<string> {
  return db.transaction(async (tx) => {
    const customer = await resolveCustomer(tx, customerId, { lock: 'key share' });
    await assertCatalog(tx, input);
    const [service] = await tx
      .insert(services)
      .values({
        customerId: customer.id,
        externalRef: input.externalRef ?? null,
        planId: input.planId ?? null,
        zoneId: input.zoneId ?? null,
        installAddress: input.installAddress ?? null,
        status: input.status,
        billingDay: input.billingDay ?? null,
        cutoffDay: input.cutoffDay,
        startDate: input.startDate ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: services.externalRef })
      .returning();
    if (!service) {
      throw new AppError('service.external_ref_taken', {
        status: 409,
        field: 'externalRef',
        detail: 'Another service has that billing reference',
      });
    }
    await appendEvent(
      tx,
      {
        kind: 'service_created',
        actor,
        subject: { kind: 'service', id: service.id },
        customerId: customer.id,
        after: {
          planId: service.planId,
          zoneId: service.zoneId,
          status: service.status,
          cutoffDay: service.cutoffDay,
        },
      },
      now,
    );
    return service.id;
  });
}

export async function updateService(
  db: Db,
  id: string,
  input: z.output<typeof UpdateServiceRequest>,
  actor: EventActor,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const service = await lockService(tx, id);
    await assertCatalog(tx, input);
    const { before, after, changed } = changesOf(service, input);
    if (!changed) return;
    // The address is the customer's personal data: the event says it changed, not what it says.
    const redact = (values: Record<string, unknown>) =>
      'installAddress' in values
        ? { ...values, installAddress: values.installAddress == null ? null : 'changed' }
        : values;
    await tx
      .update(services)
      .set({ ...after, updatedAt: now })
      .where(eq(services.id, id));
    await appendEvent(
      tx,
      {
        kind: 'service_changed',
        actor,
        subject: { kind: 'service', id },
        customerId: service.customerId,
        before: redact(before),
        after: redact(after),
      },
      now,
    );
  });
}

export async function changeServiceStatus(
  deps: Pick<AppContext, 'db' | 'jobs' | 'settings'>,
  id: string,
  input: z.output<typeof ChangeServiceStatusRequest>,
  actor: EventActor,
  now: Date,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const service = await lockService(tx, id);
    if (!mayChangeServiceStatus(service.status, input.status)) {
      throw new AppError('service.transition', {
        status: 409,
        field: 'status',
        detail: `A ${service.status} service cannot become ${input.status}`,
      });
    }
    // An installation has its instant, its contract's clock and maybe a late refund: only the
    // contratación case's installation (or the field visit that does it) records all of them.
    if (service.status === 'pendiente_instalacion' && input.status === 'activo') {
      throw new AppError('service.installation_required', {
        status: 409,
        field: 'status',
        detail: 'Record the installation on its contratación case: POST /api/v1/cases/{folio}/installation',
      });
    }
    if (input.status === 'suspendido') {
      if (!input.suspensionReason) {
        throw unprocessable(
          'service.suspension_reason',
          'suspensionReason',
          'Say why the service is suspended',
        );
      }
      // Non-payment has rules of its own (days past due, notice, conciliation, promise): only they suspend.
      if (input.suspensionReason === 'falta_de_pago') {
        throw unprocessable(
          'service.suspension_by_rule',
          'suspensionReason',
          'A suspension for non-payment is proposed by the rules and confirmed by a supervisor',
        );
      }
      await suspendService(tx, { serviceId: id, reason: input.suspensionReason, actor, now });
      return;
    }
    if (service.status === 'suspendido' && input.status === 'activo') {
      await reactivateService(deps, tx, { serviceId: id, actor, now });
      return;
    }
    if (input.status === 'cancelado') {
      await cancelService(deps, tx, { serviceId: id, actor, now });
      return;
    }
    await tx
      .update(services)
      .set({ status: input.status, suspensionReason: null, updatedAt: now })
      .where(eq(services.id, id));
    await appendEvent(
      tx,
      {
        kind: 'service_status_changed',
        actor,
        subject: { kind: 'service', id },
        customerId: service.customerId,
        before: { status: service.status, suspensionReason: service.suspensionReason },
        after: { status: input.status, suspensionReason: null },
      },
      now,
    );
  });
}

/** Refuses (422 on `field`) a service that is not one of the customer's. */
export async function assertServiceOfCustomer(
  tx: Tx,
  serviceId: string,
  customerId: string,
  field: string,
): Promise<void> {
  const [row] = await tx
    .select({ id: services.id })
    .from(services)
    .where(and(eq(services.id, serviceId), eq(services.customerId, customerId)));
  if (!row)
    throw unprocessable('service.not_of_customer', field, 'That service is not one of the case customer’s');
}

/** Names (or clears) the service a case is about; agents of the case's area, as for any change of the case. */
export async function setCaseService(
  db: Db,
  folio: string,
  serviceId: string | null,
  actor: Actor,
  now: Date,
): Promise<{ folio: string; serviceId: string | null }> {
  return db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    if (serviceId) await assertServiceOfCustomer(tx, serviceId, kase.customerId, 'serviceId');
    if (kase.serviceId !== serviceId) {
      await tx.update(cases).set({ serviceId, updatedAt: now }).where(eq(cases.id, kase.id));
      await appendEvent(
        tx,
        {
          kind: 'case_service_changed',
          actor: agentActor(actor),
          caseId: kase.id,
          customerId: kase.customerId,
          before: { serviceId: kase.serviceId },
          after: { serviceId },
        },
        now,
      );
    }
    return { folio: kase.folio, serviceId };
  });
}
