import { and, eq, ne, sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.ts';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import { queryRows, type Tx } from '../db/database.ts';
import { agentAreas, agents, areas, cases } from '../db/schema.ts';
import { agentActor, appendEvent } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { deadlinesOnStatus } from '../sla/deadlines.service.ts';
import { assertMayChange, assertMaySupervise } from './access.ts';
import { type CaseDeps, lockCase } from './case-context.ts';
import { getCaseById } from './case-read.ts';
import { type CaseStatus, isFinal, REASSIGNABLE_STATUSES } from './lifecycle.ts';

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
        where a.active and a.presence = 'en_linea' and a.role <> 'tecnico'
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
  const actor = systemActor('reparto_automatico');
  assertSystemMay(actor, { kind: 'case.assign' });
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
      actor,
      caseId: kase.id,
      before: { status: 'nuevo', assigneeId: null },
      after: { status: 'asignado', assigneeId: agentId },
      reason: 'round_robin',
    },
    now,
  );
  return agentId;
}

/** An agent who may take cases of the area: active, a member of it, and not a field technician. */
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
    .where(and(eq(agents.id, agentId), eq(agents.active, true), ne(agents.role, 'tecnico')));
  if (!row) {
    throw new AppError('case.agent_not_in_area', {
      status: 422,
      field,
      detail: 'The agent is not an active member of the area',
    });
  }
}

/**
 * Turns a case over to another area ("turnar"), from any non-final state, with a reason. The assignee
 * is cleared and the case is routed again in the new area, unless a target agent of that area is named.
 */
export async function transferCase(
  deps: CaseDeps,
  folio: string,
  input: { areaId: number; reason: string; agentId?: string },
  actor: Actor,
) {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    // A resolved case is reopened first: its resolution and cause code belong to its current area.
    if (isFinal(kase.status) || kase.status === 'resuelto') {
      throw new AppError('case.not_transferable', {
        status: 409,
        detail: `A ${kase.status} case cannot be transferred`,
      });
    }
    const [area] = await tx
      .select()
      .from(areas)
      .where(and(eq(areas.id, input.areaId), eq(areas.active, true)));
    if (!area)
      throw new AppError('area.not_found', { status: 422, field: 'areaId', detail: 'No such active area' });
    if (area.id === kase.areaId) {
      throw new AppError('case.same_area', {
        status: 422,
        field: 'areaId',
        detail: 'The case is already in that area',
      });
    }
    if (input.agentId) await assertAgentInArea(tx, input.agentId, area.id, 'agentId');
    const status: CaseStatus = input.agentId ? 'asignado' : 'nuevo';
    await tx
      .update(cases)
      .set({ areaId: area.id, assigneeId: input.agentId ?? null, status, updatedAt: now })
      .where(eq(cases.id, kase.id));
    await deadlinesOnStatus(deps, tx, kase.id, kase.status, status, now);
    await appendEvent(
      tx,
      {
        kind: 'transferred',
        actor: agentActor(actor),
        caseId: kase.id,
        before: { areaId: kase.areaId, assigneeId: kase.assigneeId, status: kase.status },
        after: { areaId: area.id, assigneeId: input.agentId ?? null, status },
        note: input.reason,
      },
      now,
    );
    if (!input.agentId) await routeWithinArea(tx, { id: kase.id, areaId: area.id }, now);
    return kase.id;
  });
  return getCaseById(deps, id, now);
}

/**
 * Gives a case to an agent of its area. A `nuevo` case may be taken by an agent of the area for
 * themselves (or given by its supervisor); a case someone already holds is reassigned only by a
 * supervisor, keeping its status.
 */
export async function assignCase(deps: CaseDeps, folio: string, agentId: string, actor: Actor) {
  const now = deps.clock.now();
  const id = await deps.db.transaction(async (tx) => {
    const kase = await lockCase(tx, folio);
    await assertMayChange(tx, actor, kase.areaId);
    await assertAgentInArea(tx, agentId, kase.areaId, 'agentId');
    let status: CaseStatus;
    if (kase.status === 'nuevo') {
      if (agentId !== actor.agentId) await assertMaySupervise(tx, actor, kase.areaId);
      status = 'asignado';
    } else if (REASSIGNABLE_STATUSES.includes(kase.status)) {
      await assertMaySupervise(tx, actor, kase.areaId);
      status = kase.status;
    } else {
      throw new AppError('case.not_assignable', {
        status: 409,
        detail: `A ${kase.status} case cannot be assigned`,
      });
    }
    await tx.update(cases).set({ assigneeId: agentId, status, updatedAt: now }).where(eq(cases.id, kase.id));
    await tx.update(agents).set({ lastAssignedAt: now }).where(eq(agents.id, agentId));
    await appendEvent(
      tx,
      {
        kind: 'assigned',
        actor: agentActor(actor),
        caseId: kase.id,
        before: { status: kase.status, assigneeId: kase.assigneeId },
        after: { status, assigneeId: agentId },
      },
      now,
    );
    return kase.id;
  });
  return getCaseById(deps, id, now);
}
