import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { requireActor } from '../http/auth.ts';
import { mexicanRestDays } from '../sla/holidays.ts';
import { DEFAULT_DEADLINE_POLICIES, DeadlinePolicySchema } from '../sla/policies.ts';

const HolidaysQuery = z.object({
  year: z.coerce.number().int().min(1900).max(2200),
});

/**
 * What the console's settings pages show beside the provider's own values. The holiday library and
 * the policies' module are server code (zod, the calendar arithmetic), so the console asks for them.
 */
export function settingsPreviewRoutes(app: HttpApp, _ctx: AppContext) {
  app.get(
    '/settings/holidays',
    {
      onRequest: requireActor('admin', 'supervisor'),
      schema: {
        tags: ['settings'],
        summary: 'The Mexican mandatory rest days of a year, as business calendars observe them',
        description:
          'Ley Federal del Trabajo art. 74, with the change of federal executive on 1 October from 2024 on. ' +
          'Election days are not included: providers add them as closures of their calendar.',
        querystring: HolidaysQuery,
        response: { 200: z.object({ year: z.number().int(), days: z.array(z.iso.date()) }) },
      },
    },
    async (request) => ({ year: request.query.year, days: mexicanRestDays(request.query.year) }),
  );

  app.get(
    '/settings/deadline-defaults',
    {
      onRequest: requireActor('admin', 'supervisor'),
      schema: {
        tags: ['settings'],
        summary: "Atiende's default deadline policies, each with where its figure comes from",
        description:
          'What a provider starts with, so the console can tell which policies the provider changed.',
        response: { 200: z.array(DeadlinePolicySchema) },
      },
    },
    async () => DEFAULT_DEADLINE_POLICIES,
  );
}
