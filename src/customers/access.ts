import { and, eq, inArray, or, type SQL } from 'drizzle-orm';
import { agentAreaIds } from '../agents/agents.service.ts';
import type { Actor } from '../auth/actor.ts';
import type { Tx } from '../db/database.ts';
import { cases } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { resolveCustomer } from './customers.service.ts';

/**
 * A customer's name, contact points and representatives are what the portal and the representatives'
 * checks trust, so only those serving the customer change them: agents (and supervisors) of an area one
 * of the customer's cases is in, or who raised one of them (a call taken for another area), and admins.
 * A customer without cases yet is still being set up by whoever met them. Every agent may read every
 * customer, so a refusal is a 403.
 */
export async function assertMayEditCustomer(tx: Tx, actor: Actor, customerId: string): Promise<void> {
  const customer = await resolveCustomer(tx, customerId);
  if (actor.role === 'admin') return;
  const areaIds = await agentAreaIds(tx, actor.agentId);
  const serving: SQL[] = [eq(cases.raisedByAgentId, actor.agentId)];
  if (areaIds.length > 0) serving.push(inArray(cases.areaId, areaIds));
  const [own] = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.customerId, customer.id), or(...serving)))
    .limit(1);
  if (own) return;
  const [any] = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(eq(cases.customerId, customer.id))
    .limit(1);
  if (!any) return;
  throw new AppError('customer.forbidden', {
    status: 403,
    detail: "Only agents of an area serving one of the customer's cases may change the customer",
  });
}
