import { and, asc, eq, inArray, isNotNull, lt, ne } from 'drizzle-orm';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import { routeWithinArea } from '../cases/case-assignment.ts';
import type { CaseDeps } from '../cases/case-context.ts';
import type { Tx } from '../db/database.ts';
import { agents, cases, type PRESENCES } from '../db/schema.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { agentAreaIds } from './agents.service.ts';

export type Presence = (typeof PRESENCES)[number];

/** An agent whose console stopped sending heartbeats for this long is taken as `desconectado`. */
export const PRESENCE_TIMEOUT_MS = 2 * 60_000;
export const PRESENCE_SWEEP_JOB = 'agent-presence-sweep';

/**
 * Sets an agent's presence. Going `desconectado` returns the cases they were given but had not started
 * (`asignado`) to their area's queue, routed again to whoever is available; cases `en_proceso` stay.
 * Coming `en_linea` lets the agent take waiting cases of their areas, up to their cap.
 */
export async function setPresence(
  deps: Pick<CaseDeps, 'db' | 'clock'>,
  agentId: string,
  presence: Presence,
  by: EventActor,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [agent] = await tx.select().from(agents).where(eq(agents.id, agentId)).for('update');
    if (!agent) throw new AppError('agent.not_found', { status: 404, detail: 'No such agent' });
    await tx
      .update(agents)
      .set({ presence, lastSeenAt: presence === 'desconectado' ? agent.lastSeenAt : now })
      .where(eq(agents.id, agentId));
    if (presence === 'desconectado') await returnAssignedCases(tx, agentId, now, by);
    if (presence === 'en_linea') await drainQueues(tx, agentId, now);
  });
}

/** A console heartbeat: keeps the agent's presence alive (and brings a disconnected agent back on line). */
export async function heartbeat(deps: Pick<CaseDeps, 'db' | 'clock'>, agentId: string): Promise<Presence> {
  const [agent] = await deps.db.select().from(agents).where(eq(agents.id, agentId));
  if (!agent) throw new AppError('agent.not_found', { status: 404, detail: 'No such agent' });
  if (agent.presence === 'desconectado') {
    await setPresence(deps, agentId, 'en_linea', { kind: 'agente', agentId });
    return 'en_linea';
  }
  await deps.db.update(agents).set({ lastSeenAt: deps.clock.now() }).where(eq(agents.id, agentId));
  return agent.presence;
}

/** Disconnects agents whose heartbeats stopped (a closed browser, a lost network). */
export async function sweepStalePresence(deps: Pick<CaseDeps, 'db' | 'clock'>): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - PRESENCE_TIMEOUT_MS);
  const stale = await deps.db
    .select({ id: agents.id })
    .from(agents)
    .where(
      and(ne(agents.presence, 'desconectado'), isNotNull(agents.lastSeenAt), lt(agents.lastSeenAt, cutoff)),
    );
  for (const { id } of stale) await setPresence(deps, id, 'desconectado', systemActor('agente_desconectado'));
  return stale.length;
}

async function returnAssignedCases(tx: Tx, agentId: string, now: Date, by: EventActor) {
  if (by.kind === 'sistema') assertSystemMay(by, { kind: 'case.unassign' });
  const held = await tx
    .select({ id: cases.id, areaId: cases.areaId })
    .from(cases)
    .where(and(eq(cases.assigneeId, agentId), eq(cases.status, 'asignado')))
    .for('update');
  for (const kase of held) {
    await tx
      .update(cases)
      .set({ status: 'nuevo', assigneeId: null, updatedAt: now })
      .where(eq(cases.id, kase.id));
    await appendEvent(
      tx,
      {
        kind: 'assigned',
        actor: by,
        caseId: kase.id,
        before: { status: 'asignado', assigneeId: agentId },
        after: { status: 'nuevo', assigneeId: null },
        reason: 'agent_disconnected',
      },
      now,
    );
    await routeWithinArea(tx, kase, now);
  }
}

async function drainQueues(tx: Tx, agentId: string, now: Date) {
  const areaIds = await agentAreaIds(tx, agentId);
  if (areaIds.length === 0) return;
  const waiting = await tx
    .select({ id: cases.id, areaId: cases.areaId })
    .from(cases)
    .where(and(eq(cases.status, 'nuevo'), inArray(cases.areaId, areaIds)))
    .orderBy(asc(cases.createdAt))
    .limit(200)
    .for('update', { skipLocked: true });
  for (const kase of waiting) {
    await routeWithinArea(tx, kase, now);
  }
}
