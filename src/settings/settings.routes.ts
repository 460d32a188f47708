import { z } from 'zod';
import { ProfileSchema } from '../config/profile.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import {
  applyProfile,
  applySection,
  currentProfile,
  SETTINGS_SECTIONS,
  type SettingsSection,
} from './settings.service.ts';
import { ChangeResponse, settingsAdminRoutes } from './settings-admin.routes.ts';

/** Sections a supervisor may change: whether payments need a second agent is theirs to decide. */
const SUPERVISOR_SECTIONS = new Set<SettingsSection>(['payments', 'incidents']);

export function settingsRoutes(app: HttpApp, ctx: AppContext) {
  settingsAdminRoutes(app, ctx);

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
        at: ctx.clock.now(),
      }),
    }),
  );

  app.patch(
    '/settings/:section',
    {
      onRequest: requireActor('admin', 'supervisor'),
      schema: {
        tags: ['settings'],
        summary: 'Replace one section of the settings; the whole result is validated and returned',
        description:
          'The body is the new value of the section, in profile form (an object or a list). A result that ' +
          'is not a valid profile is a 422 whose `field` is the full path, e.g. `routingRules.2.area`. ' +
          'Supervisors may change the sections they run day to day (`payments`, `incidents`); admins, any.',
        params: z.object({ section: z.enum(SETTINGS_SECTIONS) }),
        body: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]),
        response: { 200: ProfileSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (actor.role !== 'admin' && !SUPERVISOR_SECTIONS.has(request.params.section)) {
        throw new AppError('auth.forbidden', { status: 403, detail: 'Requires role admin' });
      }
      return (
        await applySection(ctx.db, request.params.section, request.body, {
          source: 'api',
          actorAgentId: actor.agentId,
          at: ctx.clock.now(),
        })
      ).profile;
    },
  );
}
