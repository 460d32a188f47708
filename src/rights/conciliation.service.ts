import { and, desc, eq, gte, inArray, isNull, lte, or } from 'drizzle-orm';
import { providerToday } from '../accounts/payment-rules.ts';
import type { Actor } from '../auth/actor.ts';
import type { AppContext } from '../context.ts';
import { assertMayEditCustomer } from '../customers/access.ts';
import { resolveCustomer } from '../customers/customers.service.ts';
import type { Tx } from '../db/database.ts';
import { conciliations, services } from '../db/schema.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import type { OpenConciliationRequest } from './conciliation.schema.ts';

type Deps = Pick<AppContext, 'db' | 'clock' | 'settings'>;
type ConciliationRow = typeof conciliations.$inferSelect;

export const presentConciliation = (row: ConciliationRow) => ({
  id: row.id,
  customerId: row.customerId,
  serviceId: row.serviceId,
  expediente: row.expediente,
  openedOn: row.openedOn,
  closedOn: row.closedOn,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
});

function assertNotAfterToday(date: string, today: string, field: string) {
  if (date > today) {
    throw new AppError('conciliation.date_future', {
      status: 422,
      field,
      detail: `A conciliation is recorded as it happened: ${date} is after today (${today})`,
    });
  }
}

export async function listConciliations(deps: Pick<Deps, 'db'>, customerId: string) {
  const customer = await resolveCustomer(deps.db, customerId);
  const rows = await deps.db
    .select()
    .from(conciliations)
    .where(eq(conciliations.customerId, customer.id))
    .orderBy(desc(conciliations.openedOn), desc(conciliations.createdAt));
  return rows.map(presentConciliation);
}

/**
 * Records a PROFECO conciliation the customer opened; from its opening day no service it covers is
 * suspended for non-payment.
 */
export async function openConciliation(
  deps: Deps,
  customerId: string,
  input: OpenConciliationRequest,
  actor: Actor,
) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    await assertMayEditCustomer(tx, actor, customerId);
    const customer = await resolveCustomer(tx, customerId);
    const { settings } = await deps.settings.current(tx);
    assertNotAfterToday(input.openedOn, providerToday(settings, now), 'openedOn');
    if (input.serviceId) {
      const [service] = await tx.select().from(services).where(eq(services.id, input.serviceId));
      if (service?.customerId !== customer.id) {
        throw new AppError('conciliation.service_not_of_customer', {
          status: 422,
          field: 'serviceId',
          detail: "The service is not one of the customer's",
        });
      }
    }
    const [row] = await tx
      .insert(conciliations)
      .values({
        customerId: customer.id,
        serviceId: input.serviceId ?? null,
        expediente: input.expediente,
        openedOn: input.openedOn,
        createdBy: actor.agentId,
        createdAt: now,
      })
      .returning();
    const created = row as ConciliationRow;
    await appendEvent(
      tx,
      {
        kind: 'conciliation_opened',
        actor: agentActor(actor),
        subject: { kind: 'conciliation', id: created.id },
        customerId: customer.id,
        after: { expediente: created.expediente, openedOn: created.openedOn, serviceId: created.serviceId },
      },
      now,
    );
    return presentConciliation(created);
  });
}

export async function closeConciliation(
  deps: Deps,
  customerId: string,
  conciliationId: string,
  closedOn: string,
  actor: Actor,
) {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    await assertMayEditCustomer(tx, actor, customerId);
    const customer = await resolveCustomer(tx, customerId);
    const [row] = await tx
      .select()
      .from(conciliations)
      .where(and(eq(conciliations.id, conciliationId), eq(conciliations.customerId, customer.id)))
      .for('update');
    if (!row) throw new AppError('conciliation.not_found', { status: 404, detail: 'No such conciliation' });
    if (row.closedOn) {
      throw new AppError('conciliation.closed', {
        status: 409,
        detail: `The conciliation was closed on ${row.closedOn}`,
      });
    }
    const { settings } = await deps.settings.current(tx);
    assertNotAfterToday(closedOn, providerToday(settings, now), 'closedOn');
    if (closedOn < row.openedOn) {
      throw new AppError('conciliation.closed_before_opened', {
        status: 422,
        field: 'closedOn',
        detail: `It opened on ${row.openedOn}`,
      });
    }
    const [updated] = await tx
      .update(conciliations)
      .set({ closedOn })
      .where(eq(conciliations.id, row.id))
      .returning();
    await appendEvent(
      tx,
      {
        kind: 'conciliation_closed',
        actor: agentActor(actor),
        subject: { kind: 'conciliation', id: row.id },
        customerId: customer.id,
        before: { closedOn: null },
        after: { expediente: row.expediente, openedOn: row.openedOn, closedOn },
      },
      now,
    );
    return presentConciliation(updated as ConciliationRow);
  });
}

/**
 * The services (of those given) that an open conciliation covers on `date`: one about the service, or
 * about the whole account. Its closing day still counts: a suspension that day would look like retaliation
 * for an agreement just reached.
 */
export async function servicesUnderConciliation(
  tx: Tx,
  serviceIds: string[],
  date: string,
): Promise<Set<string>> {
  if (serviceIds.length === 0) return new Set();
  const rows = await tx
    .selectDistinct({ serviceId: services.id })
    .from(services)
    .innerJoin(
      conciliations,
      and(
        eq(conciliations.customerId, services.customerId),
        or(isNull(conciliations.serviceId), eq(conciliations.serviceId, services.id)),
      ),
    )
    .where(
      and(
        inArray(services.id, serviceIds),
        lte(conciliations.openedOn, date),
        or(isNull(conciliations.closedOn), gte(conciliations.closedOn, date)),
      ),
    );
  return new Set(rows.map((r) => r.serviceId));
}
