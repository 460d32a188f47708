import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { agents } from '../db/schema.ts';
import type { HttpApp } from '../http/app.ts';
import { requireActor } from '../http/auth.ts';
import { CreateAgentInput, createAgent, presentAgent } from './agents.service.ts';

export const AgentResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'supervisor', 'agent']),
  active: z.boolean(),
  presence: z.enum(['en_linea', 'ausente', 'desconectado']),
  maxOpenCases: z.number().int(),
  areaIds: z.array(z.number().int()),
  createdAt: z.string(),
});

export function agentsRoutes(app: HttpApp, ctx: AppContext) {
  app.post(
    '/agents',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags: ['agents'],
        summary: 'Create an agent',
        body: CreateAgentInput,
        response: { 201: AgentResponse },
      },
    },
    async (request, reply) => {
      const agent = await createAgent(ctx.db, request.body);
      return reply.status(201).send(presentAgent(agent, request.body.areaIds));
    },
  );

  app.get(
    '/agents',
    {
      onRequest: requireActor('admin'),
      schema: { tags: ['agents'], summary: 'List agents', response: { 200: z.array(AgentResponse) } },
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
}
