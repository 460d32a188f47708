import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/database.ts';
import { agentAreas, agents, cases } from '../db/schema.ts';
import { appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';

/**
 * Round-robin within an area: among agents who are `en_linea` and under their cap of open cases, the one
 * who got a case least recently. The chosen agent's row is locked (others skip it), so concurrent routing
 * in several processes spreads cases instead of piling them on one agent.
 */
async function pickAgent(
  tx: Tx,
  areaId: number,
  now: Date,
): Promise<{ id: string; name: string } | undefined> {
  const [row] = await queryRows<{ id: string; name: string }>(tx, pickAgentStatement(areaId, now));
  return row;
}

/** The statement behind `pickAgent`, for callers that run it together with another in one round trip. */
export const pickAgentStatement = (areaId: number, now: Date) =>
  sql`update ${agents} set last_assigned_at = ${now.toISOString()}
      where id = (
        select a.id from ${agents} a
        join ${agentAreas} aa on aa.agent_id = a.id and aa.area_id = ${areaId}
        where a.active and a.presence = 'en_linea'
          and (select count(*) from ${cases} c
               where c.assignee_id = a.id and c.status in ('asignado', 'en_proceso', 'en_espera_cliente')) < a.max_open_cases
        order by a.last_assigned_at asc nulls first, a.id
        limit 1
        for update of a skip locked)
      returning id, name`;

/** Gives a `nuevo` case to the next agent of its area, if one is available; otherwise it waits in the queue. */
export async function routeWithinArea(
  tx: Tx,
  kase: { id: string; areaId: number },
  now: Date,
): Promise<string | undefined> {
  const agentId = (await pickAgent(tx, kase.areaId, now))?.id;
  if (!agentId) return undefined;
  await tx
    .update(cases)
    .set({ status: 'asignado', assigneeId: agentId, updatedAt: now })
    .where(and(eq(cases.id, kase.id), eq(cases.status, 'nuevo')));
  await appendEvent(
    tx,
    {
      kind: 'assigned',
      actor: { kind: 'sistema' },
      caseId: kase.id,
      before: { status: 'nuevo', assigneeId: null },
      after: { status: 'asignado', assigneeId: agentId },
      reason: 'round_robin',
    },
    now,
  );
  return agentId;
}

/** An agent who may take cases of the area: active and a member of it. */
export async function assertAgentInArea(
  tx: Tx,
  agentId: string,
  areaId: number,
  field: string,
): Promise<void> {
  const [row] = await tx
    .select({ id: agents.id })
    .from(agents)
    .innerJoin(agentAreas, and(eq(agentAreas.agentId, agents.id), eq(agentAreas.areaId, areaId)))
    .where(and(eq(agents.id, agentId), eq(agents.active, true)));
  if (!row) {
    throw new AppError('case.agent_not_in_area', {
      status: 422,
      field,
      detail: 'The agent is not an active member of the area',
    });
  }
}
