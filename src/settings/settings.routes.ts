import { z } from 'zod';
import { ProfileSchema } from '../config/profile.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { applyProfile, currentProfile } from './settings.service.ts';

const ChangeResponse = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() });

export function settingsRoutes(app: HttpApp, ctx: AppContext) {
  app.get(
    '/settings',
    {
      onRequest: requireActor(),
      schema: {
        tags: ['settings'],
        summary: "The provider's settings, in profile form",
        response: { 200: ProfileSchema },
      },
    },
    async () => currentProfile(ctx.db),
  );

  app.put(
    '/settings',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags: ['settings'],
        summary: 'Replace the settings; the difference is recorded and returned',
        body: ProfileSchema,
        response: { 200: z.object({ changes: z.array(ChangeResponse) }) },
      },
    },
    async (request) => ({
      changes: await applyProfile(ctx.db, request.body, {
        source: 'api',
        actorAgentId: actorOf(request).agentId,
      }),
    }),
  );
}
