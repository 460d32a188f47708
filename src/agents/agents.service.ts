import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { assertPasswordPolicy } from '../auth/password-policy.ts';
import { hashPassword, randomToken } from '../auth/secrets.ts';
import { assertSystemMay, systemActor } from '../auth/system-rules.ts';
import { EmailAddress } from '../config/email-address.ts';
import type { Db, Tx } from '../db/database.ts';
import { AGENT_ROLES, agentAreas, agents, apiTokens, areas, sessions } from '../db/schema.ts';
import { appendEvent, appendEvents, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { IntId } from '../http/int-id.ts';

export const CreateAgentInput = z.object({
  email: EmailAddress,
  name: z.string().trim().min(1).max(200),
  // The password policy, not the schema, says what is wrong with a password (422 `auth.weak_password`).
  password: z.string().max(1000),
  role: z.enum(AGENT_ROLES).default('agent'),
  areaIds: z.array(IntId).max(50).default([]),
  maxOpenCases: z.number().int().min(0).max(1000).default(20),
});
export type CreateAgentInput = z.input<typeof CreateAgentInput>;

export type AgentRow = typeof agents.$inferSelect;

/**
 * Who may administer agents and tokens: an admin through the API (checked by the route), or the system on
 * a rule that allows it (first install, the command line, the demo). Each change is an `agent` event.
 */
export function assertMayAdministerAgents(by: EventActor): void {
  if (by.kind === 'sistema') assertSystemMay(by, { kind: 'agent.admin' });
}

/** Creates an agent; a password the policy refuses is a 422, an e-mail already in use a 409. */
export async function createAgent(db: Db, input: CreateAgentInput, by: EventActor): Promise<AgentRow> {
  assertMayAdministerAgents(by);
  const data = CreateAgentInput.parse(input);
  assertPasswordPolicy(data.password, { field: 'password', email: data.email });
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(agents)
      .values({
        email: data.email,
        name: data.name,
        passwordHash,
        role: data.role,
        maxOpenCases: data.maxOpenCases,
      })
      .onConflictDoNothing({ target: agents.email })
      .returning();
    const agent = inserted[0];
    if (!agent) {
      throw new AppError('agent.email_taken', {
        status: 409,
        field: 'email',
        detail: 'That e-mail already has an agent',
      });
    }
    await assertAreasExist(tx, data.areaIds);
    if (data.areaIds.length > 0) {
      await tx.insert(agentAreas).values(data.areaIds.map((areaId) => ({ agentId: agent.id, areaId })));
    }
    await appendEvent(tx, {
      kind: 'agent_created',
      actor: by,
      subject: { kind: 'agent', id: agent.id },
      after: { role: agent.role, areaIds: data.areaIds, maxOpenCases: agent.maxOpenCases },
    });
    return agent;
  });
}

export async function countAgents(db: Tx): Promise<number> {
  const [row] = await db.select({ n: count() }).from(agents);
  return row?.n ?? 0;
}

export async function findAgent(db: Tx, id: string): Promise<AgentRow | undefined> {
  const [agent] = await db.select().from(agents).where(eq(agents.id, id));
  return agent;
}

/**
 * Makes sure somebody can log in on a fresh install: the configured admin, or `admin@localhost` with a
 * random password that is returned once so the caller can print it.
 */
export async function ensureInitialAdmin(
  db: Db,
  configured: { email: string; password: string } | undefined,
): Promise<{ email: string; generatedPassword?: string } | undefined> {
  if ((await countAgents(db)) > 0) return undefined;
  if (configured) {
    try {
      await createAgent(
        db,
        { ...configured, name: 'Administrador', role: 'admin' },
        systemActor('instalacion_inicial'),
      );
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'auth.weak_password') throw error;
      throw new AppError(error.code, {
        status: error.status,
        field: 'ATIENDE_ADMIN_PASSWORD',
        detail: `ATIENDE_ADMIN_PASSWORD: ${error.detail}`,
        extra: error.extra,
      });
    }
    return { email: configured.email };
  }
  const password = randomToken().slice(0, 20);
  await createAgent(
    db,
    { email: 'admin@localhost', password, name: 'Administrador', role: 'admin' },
    systemActor('instalacion_inicial'),
  );
  return { email: 'admin@localhost', generatedPassword: password };
}

export const presentAgent = (agent: AgentRow, areaIds: number[] = []) => ({
  id: agent.id,
  email: agent.email,
  name: agent.name,
  role: agent.role,
  active: agent.active,
  presence: agent.presence,
  maxOpenCases: agent.maxOpenCases,
  areaIds,
  createdAt: agent.createdAt.toISOString(),
});

export const UpdateAgentInput = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    role: z.enum(AGENT_ROLES).optional(),
    active: z.boolean().optional(),
    areaIds: z.array(IntId).max(50).optional(),
    maxOpenCases: z.number().int().min(0).max(1000).optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), {
    message: 'nothing to change',
    path: ['name'],
  });
export type UpdateAgentInput = z.infer<typeof UpdateAgentInput>;

async function assertAreasExist(tx: Tx, areaIds: number[]) {
  if (areaIds.length === 0) return;
  const found = await tx.select({ id: areas.id }).from(areas).where(inArray(areas.id, areaIds));
  if (found.length !== new Set(areaIds).size) {
    throw new AppError('area.not_found', { status: 422, field: 'areaIds', detail: 'Unknown area id' });
  }
}

/**
 * Changes an agent. Deactivating one also ends their sessions and revokes their API tokens for good, so
 * a later reactivation brings back the person, not an integration nobody remembers.
 */
export async function updateAgent(
  db: Db,
  id: string,
  input: UpdateAgentInput,
  now: Date,
  by: EventActor,
): Promise<AgentRow> {
  assertMayAdministerAgents(by);
  return db.transaction(async (tx) => {
    const { areaIds, ...fields } = input;
    const [before] = await tx.select().from(agents).where(eq(agents.id, id)).for('update');
    const areasBefore = areaIds ? await agentAreaIds(tx, id) : undefined;
    const [agent] = Object.values(fields).some((v) => v !== undefined)
      ? await tx.update(agents).set(fields).where(eq(agents.id, id)).returning()
      : await tx.select().from(agents).where(eq(agents.id, id));
    if (!agent) throw new AppError('agent.not_found', { status: 404, detail: 'No such agent' });
    if (areaIds) {
      await assertAreasExist(tx, areaIds);
      await tx.delete(agentAreas).where(eq(agentAreas.agentId, id));
      if (areaIds.length > 0) {
        await tx.insert(agentAreas).values([...new Set(areaIds)].map((areaId) => ({ agentId: id, areaId })));
      }
    }
    const revoked =
      input.active === false
        ? await (async () => {
            await tx.delete(sessions).where(eq(sessions.agentId, id));
            return tx
              .update(apiTokens)
              .set({ revokedAt: now })
              .where(and(eq(apiTokens.agentId, id), isNull(apiTokens.revokedAt)))
              .returning({ id: apiTokens.id });
          })()
        : [];
    // Names are personal data: the trail says that one changed, not what it became.
    const { name, ...codes } = fields;
    await appendEvents(
      tx,
      [
        {
          kind: 'agent_changed',
          actor: by,
          subject: { kind: 'agent', id },
          before: {
            ...Object.fromEntries(Object.keys(codes).map((k) => [k, before?.[k as keyof typeof codes]])),
            ...(areasBefore ? { areaIds: areasBefore } : {}),
          },
          after: {
            ...codes,
            ...(areaIds ? { areaIds: [...new Set(areaIds)] } : {}),
            ...(name !== undefined ? { nameChanged: true } : {}),
          },
        },
        ...revoked.map((token) => ({
          kind: 'api_token_revoked' as const,
          actor: by,
          subject: { kind: 'api_token' as const, id: token.id },
          after: { agentId: id },
          reason: 'agent_deactivated',
        })),
      ],
      now,
    );
    return agent;
  });
}

export async function agentAreaIds(db: Tx, agentId: string): Promise<number[]> {
  const rows = await db
    .select({ areaId: agentAreas.areaId })
    .from(agentAreas)
    .where(eq(agentAreas.agentId, agentId));
  return rows.map((r) => r.areaId);
}

/** Whether two agents belong to at least one common area. */
export async function shareAnArea(db: Tx, agentId: string, otherId: string): Promise<boolean> {
  const theirs = await agentAreaIds(db, otherId);
  if (theirs.length === 0) return false;
  const [row] = await db
    .select({ n: count() })
    .from(agentAreas)
    .where(and(eq(agentAreas.agentId, agentId), inArray(agentAreas.areaId, theirs)));
  return (row?.n ?? 0) > 0;
}
