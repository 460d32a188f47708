import { z } from 'zod';
import { providerToday } from '../accounts/payment-rules.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { rightsSettings } from './rights-settings.ts';
import { confirmSuspensions, proposeSuspensions } from './suspension.service.ts';
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
        response: { 200: z.object({ proposed: z.array(Proposal), withheld: z.array(Proposal) }) },
      },
    },
    async () => {
      const { settings } = await ctx.settings.current(ctx.db);
      return proposeSuspensions(
        ctx,
        providerToday(settings, ctx.clock.now()),
        rightsSettings(settings).suspension,
      );
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
}
