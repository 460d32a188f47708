import { z } from 'zod';
import { agentAreaIds } from '../agents/agents.service.ts';
import { REQUEST_TYPES } from '../cases/request-types.ts';
import { CHANNELS } from '../channels/channel.ts';
import { ProfileSchema, parseProfile } from '../config/profile.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { CannedReplySchema, cannedRepliesFor, DEFAULT_CANNED_REPLIES } from './canned-replies.ts';
import { exportProfileYaml, previewProfile } from './profile-transfer.ts';
import { currentProfile } from './settings.service.ts';
import { settingsHistory } from './settings-history.ts';
import { tryMessage } from './try-message.ts';

// A value added or removed has no `before` or `after`: JSON has no undefined.
export const ChangeResponse = z.object({
  path: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});
const HistoryResponse = z.object({
  entries: z.array(
    z.object({
      id: z.number().int(),
      at: z.string(),
      source: z.string(),
      actor: z.object({ id: z.string(), name: z.string() }).nullable(),
      changes: z.array(ChangeResponse),
    }),
  ),
  /** Pass as `before` for the next page; null on the last one. */
  nextBefore: z.number().int().nullable(),
});

const PreviewRequest = z
  .object({
    yaml: z
      .string()
      .max(512 * 1024)
      .optional(),
    profile: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((body) => (body.yaml === undefined) !== (body.profile === undefined), {
    message: 'give either yaml or profile',
    path: ['yaml'],
  });

const TryMessageRequest = z.object({
  text: z.string().trim().min(1).max(4000),
  /** Where the message would arrive; chat and e-mail are typed by the phrase rules, as the intake does. */
  channel: z.enum(CHANNELS).optional(),
  /** The type the customer picked (portal, menu): the phrase rules are then not asked. */
  requestType: z.enum(REQUEST_TYPES).optional(),
  /** Unsaved rules to try instead of the saved ones; validated as a profile would be. */
  routingRules: z.array(z.unknown()).max(200).optional(),
  classification: z.object({ rules: z.array(z.unknown()).max(500) }).optional(),
});
const TryMessageResponse = z.object({
  requestType: z.enum(REQUEST_TYPES),
  subtype: z.string().nullable(),
  classification: z.object({ index: z.number().int(), phrase: z.string() }).nullable(),
  routingRule: z.number().int().nullable(),
  area: z.object({ code: z.string(), name: z.string() }).nullable(),
});

const CannedQuery = z.object({
  area: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/)
    .max(60)
    .optional(),
});
const CannedResponse = CannedReplySchema.extend({ area: z.string().nullable() });

/**
 * The administration of settings beyond replacing sections: their history, export and import with the
 * difference shown first, trying the routing on a message, and the canned replies agents are offered.
 */
export function settingsAdminRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['settings'];

  app.get(
    '/settings/changes',
    {
      onRequest: requireActor('admin', 'supervisor'),
      schema: {
        tags,
        summary: 'Who changed the settings or areas, when, and each value before and after; newest first',
        querystring: HistoryQuery,
        response: { 200: HistoryResponse },
      },
    },
    async (request) => {
      const page = await settingsHistory(ctx.db, request.query);
      return { ...page, entries: page.entries.map((e) => ({ ...e, at: e.at.toISOString() })) };
    },
  );

  app.get(
    '/settings/export',
    {
      onRequest: requireActor('admin'),
      schema: { tags, summary: 'The settings as a YAML profile file, to keep or edit and import again' },
    },
    async (_request, reply) => {
      const profile = await currentProfile(ctx.db);
      return reply
        .type('application/yaml; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="perfil-${profile.provider.folioPrefix.toLowerCase()}.yaml"`,
        )
        .send(await exportProfileYaml(ctx.db));
    },
  );

  app.post(
    '/settings/preview',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'What a profile would change if applied with PUT /settings; nothing is written',
        description:
          'The body is `{ yaml }` (a profile file’s text) or `{ profile }` (a profile as JSON). A profile ' +
          'PUT would refuse is refused the same way: 422 `profile.invalid` with the path of the problem in ' +
          '`field`, or `profile.unreadable` for text that is not YAML. The answer carries the profile as JSON ' +
          'with its defaults filled, to send to PUT /settings as it is.',
        body: PreviewRequest,
        response: { 200: z.object({ changes: z.array(ChangeResponse), profile: ProfileSchema }) },
      },
    },
    async (request) => {
      const { yaml, profile } = request.body;
      return previewProfile(ctx.db, yaml !== undefined ? { yaml } : { profile });
    },
  );

  app.post(
    '/settings/try-message',
    {
      onRequest: requireActor('admin', 'supervisor'),
      schema: {
        tags,
        summary: 'The type, subtype and area a customer’s message would get, under the saved or given rules',
        description:
          'Unsaved `routingRules` or `classification` are checked as a profile would be (422 with the full ' +
          'path, e.g. `routingRules.2.area`) and tried instead of the saved ones.',
        body: TryMessageRequest,
        response: { 200: TryMessageResponse },
      },
    },
    async (request) => {
      const { text, requestType, routingRules, classification } = request.body;
      const saved = await currentProfile(ctx.db);
      const profile =
        routingRules || classification
          ? parseProfile({
              ...saved,
              ...(routingRules ? { routingRules } : {}),
              ...(classification ? { classification } : {}),
            })
          : saved;
      return tryMessage(profile, { text, ...(requestType ? { requestType } : {}) });
    },
  );

  app.get(
    '/canned-replies',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Canned replies for an area (or the agent’s areas): the area’s own first, then every area’s',
        description:
          'An agent gets only the replies of their own areas and those for every area; asking for another ' +
          'area answers the latter. Admins get any area’s.',
        querystring: CannedQuery,
        response: { 200: z.array(CannedResponse) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const snapshot = await ctx.settings.current(ctx.db);
      const mine =
        actor.role === 'admin'
          ? 'all'
          : (await agentAreaIds(ctx.db, actor.agentId)).flatMap(
              (id) => snapshot.areasById.get(id)?.code ?? [],
            );
      const wanted = request.query.area;
      const areas = wanted === undefined ? mine : mine === 'all' || mine.includes(wanted) ? [wanted] : [];
      // Settings the running version could not migrate are kept as they were, maybe without this section.
      const replies = snapshot.settings.cannedReplies ?? DEFAULT_CANNED_REPLIES;
      return cannedRepliesFor(replies, areas).map((r) => ({ ...r, area: r.area ?? null }));
    },
  );
}
