import { agentAreaIds } from '../agents/agents.service.ts';
import type { Actor } from '../auth/actor.ts';
import type { Tx } from '../db/database.ts';
import { AppError } from '../http/errors.ts';

/**
 * Every agent may read every case (a caller may ask anyone about any folio), but only agents of the
 * case's area change it; admins change any case. A refusal is a 403: the case exists, the agent saw it.
 */
export async function assertMayChange(tx: Tx, actor: Actor, areaId: number): Promise<void> {
  if (actor.role === 'admin') return;
  if (!(await agentAreaIds(tx, actor.agentId)).includes(areaId)) {
    throw new AppError('case.forbidden', {
      status: 403,
      detail: "Only agents of the case's area may change it",
    });
  }
}

/** Supervisors of the case's area (and admins) may hand a case to another agent. */
export async function assertMaySupervise(tx: Tx, actor: Actor, areaId: number): Promise<void> {
  if (actor.role === 'admin') return;
  if (actor.role !== 'supervisor' || !(await agentAreaIds(tx, actor.agentId)).includes(areaId)) {
    throw new AppError('case.forbidden', {
      status: 403,
      detail: "Only a supervisor of the case's area may reassign it",
    });
  }
}
