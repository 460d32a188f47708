import { z } from 'zod';
import { providerToday } from '../accounts/payment-rules.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { rightsSettings } from './rights-settings.ts';
import { confirmSuspensions, latestNotices, proposeSuspensions, recordNotice } from './suspension.service.ts';
import { SUSPENSION_ALLOWING_RULES, SUSPENSION_REFUSING_RULES } from './suspension.ts';

const Proposal = z.object({
  serviceId: z.uuid(),
  customerId: z.uuid(),
  dueDate: z.string().nullable(),
  amountOwedCentavos: z.number().int(),
  decision: z.object({
    allowed: z.boolean(),
    path: z.enum(['falta_de_pago', 'robo_o_extravio']),
    rules: z.array(z.enum([...SUSPENSION_ALLOWING_RULES, ...SUSPENSION_REFUSING_RULES])),
  }),
});
const Notice = z.object({
  id: z.uuid(),
  serviceId: z.uuid(),
  customerId: z.uuid(),
  outcome: z.enum(['entregado', 'no_entregable']),
  noticedOn: z.string(),
});
const Outcome = z.object({ serviceId: z.uuid(), rules: z.array(z.string()) });

export function suspensionRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['rights'];
  app.get(
    '/suspensions/proposals',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary:
          'The non-payment suspensions the rules allow today, and the services owing that the rules hold back, each with its rules',
        response: {
          200: z.object({
            proposed: z.array(Proposal),
            withheld: z.array(Proposal),
            automatic: z
              .boolean()
              .describe('The daily job suspends what the rules allow without waiting for a supervisor'),
            notices: z.array(Notice).describe('The latest prior notices, newest first'),
          }),
        },
      },
    },
    async () => {
      const { settings } = await ctx.settings.current(ctx.db);
      const rules = rightsSettings(settings).suspension;
      const proposals = await proposeSuspensions(ctx, providerToday(settings, ctx.clock.now()), rules);
      return { ...proposals, automatic: rules.automatic, notices: await latestNotices(ctx.db) };
    },
  );
  app.post(
    '/suspensions/confirm',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary:
          'Confirm proposed non-payment suspensions in bulk: each is decided again now and suspended only if the rules still allow it',
        body: z.object({ serviceIds: z.array(z.uuid()).min(1).max(500) }),
        response: { 200: z.object({ suspended: z.array(Outcome), refused: z.array(Outcome) }) },
      },
    },
    async (request) => {
      const { settings } = await ctx.settings.current(ctx.db);
      return confirmSuspensions(
        ctx,
        request.body.serviceIds,
        actorOf(request),
        rightsSettings(settings).suspension,
      );
    },
  );
  app.post(
    '/services/:id/suspension-notices',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary:
          'Record a prior notice of suspension given outside Atiende (on the bill, by phone), and whether it reached the customer',
        params: z.object({ id: z.uuid() }),
        body: z.object({ noticedOn: z.iso.date(), outcome: z.enum(['entregado', 'no_entregable']) }),
        response: { 201: Notice },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await recordNotice(ctx, request.params.id, request.body, actorOf(request))),
  );
}
