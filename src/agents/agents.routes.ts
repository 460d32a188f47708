import { z } from 'zod';
import { resetPassword } from '../auth/password.service.ts';
import type { AppContext } from '../context.ts';
import { AGENT_ROLES, agents, PRESENCES } from '../db/schema.ts';
import { agentActor } from '../events/events.service.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import {
  agentAreaIds,
  CreateAgentInput,
  createAgent,
  findAgent,
  presentAgent,
  shareAnArea,
  UpdateAgentInput,
  updateAgent,
} from './agents.service.ts';
import { heartbeat, setPresence } from './presence.service.ts';

export const AgentResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(AGENT_ROLES),
  active: z.boolean(),
  presence: z.enum(PRESENCES),
  maxOpenCases: z.number().int(),
  areaIds: z.array(z.number().int()),
  createdAt: z.string(),
});
const PresenceRequest = z.object({ presence: z.enum(PRESENCES) });
// The body is optional: an empty POST asks for a generated password.
export const PasswordResetRequest = z
  .object({
    /** A temporary password of the admin's choosing; without it one is generated. */
    password: z.string().max(1000).optional(),
  })
  .nullish();
export const PasswordResetResponse = z.object({
  /** The generated temporary password: shown in this answer only. Absent when the admin gave one. */
  temporaryPassword: z.string().optional(),
  mustChangePassword: z.literal(true),
  sessionsEnded: z.number().int(),
});
const IdParams = z.object({ id: z.uuid() });

export function agentsRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['agents'];
  const present = async (id: string) => {
    const agent = await findAgent(ctx.db, id);
    if (!agent) throw new AppError('agent.not_found', { status: 404, detail: 'No such agent' });
    return presentAgent(agent, await agentAreaIds(ctx.db, id));
  };

  app.post(
    '/agents',
    {
      onRequest: requireActor('admin'),
      schema: { tags, summary: 'Create an agent', body: CreateAgentInput, response: { 201: AgentResponse } },
    },
    async (request, reply) => {
      const agent = await createAgent(ctx.db, request.body, agentActor(actorOf(request)));
      return reply.status(201).send(presentAgent(agent, request.body.areaIds));
    },
  );

  app.get(
    '/agents',
    {
      onRequest: requireActor(),
      schema: { tags, summary: 'List agents', response: { 200: z.array(AgentResponse) } },
    },
    async () => {
      const rows = await ctx.db.query.agents.findMany({ orderBy: agents.createdAt });
      const links = await ctx.db.query.agentAreas.findMany();
      return rows.map((agent) =>
        presentAgent(
          agent,
          links.filter((l) => l.agentId === agent.id).map((l) => l.areaId),
        ),
      );
    },
  );

  app.get(
    '/agents/me',
    {
      onRequest: requireActor(),
      schema: { tags, summary: 'The calling agent', response: { 200: AgentResponse } },
    },
    async (request) => present(actorOf(request).agentId),
  );

  app.patch(
    '/agents/:id',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'Change an agent (areas, role, cap, deactivate)',
        params: IdParams,
        body: UpdateAgentInput,
        response: { 200: AgentResponse },
      },
    },
    async (request) => {
      await updateAgent(
        ctx.db,
        request.params.id,
        request.body,
        ctx.clock.now(),
        agentActor(actorOf(request)),
      );
      if (request.body.active === false) {
        await setPresence(ctx, request.params.id, 'desconectado', {
          kind: 'agente',
          agentId: actorOf(request).agentId,
        });
      }
      return present(request.params.id);
    },
  );

  app.put(
    '/agents/me/presence',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Set my presence (en_linea, ausente, desconectado)',
        body: PresenceRequest,
        response: { 200: AgentResponse },
      },
    },
    async (request) => {
      const { agentId } = actorOf(request);
      await setPresence(ctx, agentId, request.body.presence, { kind: 'agente', agentId });
      return present(agentId);
    },
  );

  app.post(
    '/agents/me/heartbeat',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: "The console's heartbeat; without one for 2 minutes the agent is desconectado",
        response: { 200: z.object({ presence: z.enum(PRESENCES) }) },
      },
    },
    async (request) => ({ presence: await heartbeat(ctx, actorOf(request).agentId) }),
  );

  app.put(
    '/agents/:id/presence',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary: "Set an agent's presence (supervisors, admins)",
        params: IdParams,
        body: PresenceRequest,
        response: { 200: AgentResponse },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const target = await findAgent(ctx.db, request.params.id);
      if (!target) throw new AppError('agent.not_found', { status: 404, detail: 'No such agent' });
      if (
        actor.role !== 'admin' &&
        actor.agentId !== target.id &&
        !(await shareAnArea(ctx.db, actor.agentId, target.id))
      ) {
        throw new AppError('auth.forbidden', {
          status: 403,
          detail: 'Supervisors set the presence of agents of their own areas only',
        });
      }
      await setPresence(ctx, target.id, request.body.presence, { kind: 'agente', agentId: actor.agentId });
      return present(target.id);
    },
  );

  app.post(
    '/agents/:id/password-reset',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'Give an agent a temporary password, to change at their next login; ends their sessions',
        params: IdParams,
        body: PasswordResetRequest,
        response: { 200: PasswordResetResponse },
      },
    },
    async (request) => {
      const result = await resetPassword(
        ctx.db,
        { agentId: request.params.id },
        { password: request.body?.password, now: ctx.clock.now(), by: agentActor(actorOf(request)) },
      );
      return {
        ...(result.temporaryPassword ? { temporaryPassword: result.temporaryPassword } : {}),
        mustChangePassword: true as const,
        sessionsEnded: result.sessionsEnded,
      };
    },
  );
}
