import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { areas, settingsChanges } from '../db/schema.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { IntIdParam } from '../http/int-id.ts';
import { diffJson } from '../settings/diff.ts';
import { settingsChanged } from '../settings/settings.cache.ts';
import { CalendarSpecSchema, ConfiguredCalendarSpecSchema } from '../sla/calendar-spec.ts';

export const AreaResponse = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  active: z.boolean(),
  calendar: CalendarSpecSchema.nullable(),
});
const CreateAreaRequest = z.object({
  code: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _')
    .max(60),
  name: z.string().trim().min(1).max(120),
  calendar: ConfiguredCalendarSpecSchema.optional(),
});
const UpdateAreaRequest = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    active: z.boolean().optional(),
    calendar: ConfiguredCalendarSpecSchema.nullable().optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), {
    message: 'nothing to change',
    path: ['name'],
  });

const present = (row: typeof areas.$inferSelect) => ({
  id: row.id,
  code: row.code,
  name: row.name,
  active: row.active,
  calendar: (row.calendar as z.infer<typeof CalendarSpecSchema> | null) ?? null,
});

/** Areas are part of the provider's settings, so every change is recorded like a profile import. */
export function areasRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['areas'];
  app.get(
    '/areas',
    {
      onRequest: requireActor(),
      schema: { tags, summary: 'Areas cases are routed to', response: { 200: z.array(AreaResponse) } },
    },
    async () => (await ctx.db.select().from(areas).orderBy(asc(areas.id))).map(present),
  );

  app.post(
    '/areas',
    {
      onRequest: requireActor('admin'),
      schema: { tags, summary: 'Create an area', body: CreateAreaRequest, response: { 201: AreaResponse } },
    },
    async (request, reply) => {
      const row = await ctx.db.transaction(async (tx) => {
        const [created] = await tx
          .insert(areas)
          .values({
            code: request.body.code,
            name: request.body.name,
            calendar: request.body.calendar ?? null,
          })
          .onConflictDoNothing()
          .returning();
        if (!created)
          throw new AppError('area.code_taken', {
            status: 409,
            field: 'code',
            detail: 'An area has that code',
          });
        await tx.insert(settingsChanges).values({
          source: 'api',
          actorAgentId: actorOf(request).agentId,
          createdAt: ctx.clock.now(),
          diff: diffJson({}, { areas: { [created.code]: present(created) } }),
        });
        return created;
      });
      settingsChanged();
      return reply.status(201).send(present(row));
    },
  );

  app.patch(
    '/areas/:id',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'Rename, (de)activate or set the business calendar of an area',
        params: z.object({ id: IntIdParam }),
        body: UpdateAreaRequest,
        response: { 200: AreaResponse },
      },
    },
    async (request) => {
      const row = await ctx.db.transaction(async (tx) => {
        const [before] = await tx.select().from(areas).where(eq(areas.id, request.params.id)).for('update');
        if (!before) throw new AppError('area.not_found', { status: 404, detail: 'No such area' });
        const [after] = await tx.update(areas).set(request.body).where(eq(areas.id, before.id)).returning();
        if (!after) throw new AppError('area.not_found', { status: 404, detail: 'No such area' });
        await tx.insert(settingsChanges).values({
          source: 'api',
          actorAgentId: actorOf(request).agentId,
          createdAt: ctx.clock.now(),
          diff: diffJson(
            { areas: { [before.code]: present(before) } },
            { areas: { [after.code]: present(after) } },
          ),
        });
        return after;
      });
      settingsChanged();
      return present(row);
    },
  );
}
