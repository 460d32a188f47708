import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { requireActor } from '../http/auth.ts';
import { replayQuarantined } from './deliveries.service.ts';
import { getQuarantined, listOpenQuarantine } from './quarantine.service.ts';

export const QuarantinedMessageResponse = z.object({
  id: z.uuid(),
  channel: z.string(),
  externalId: z.string().nullable(),
  reason: z.string(),
  createdAt: z.string(),
  replayedAt: z.string().nullable(),
  /** Bytes of the raw message. */
  size: z.number().int(),
});
export const QuarantinedMessageDetailResponse = QuarantinedMessageResponse.extend({
  /** The message exactly as quarantined (an e-mail, or a webhook payload of that one message). */
  rawBase64: z.string(),
});
export const ReplayResponse = z.object({
  id: z.uuid(),
  outcome: z.enum(['stored', 'duplicate', 'ignored', 'refused']),
  /** Whether it left the quarantine: everything but `refused`. */
  resolved: z.boolean(),
  folio: z.string().optional(),
  reason: z.string().optional(),
});
const IdParams = z.object({ id: z.uuid() });

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/**
 * Messages that could not be taken in, for admins only: they hold what customers wrote. Replaying one
 * runs it through the intake again, after whatever refused it was fixed.
 */
export function quarantineRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['admin'];

  app.get(
    '/admin/quarantine',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'Quarantined messages still open, oldest first',
        response: { 200: z.array(QuarantinedMessageResponse) },
      },
    },
    async () =>
      (await listOpenQuarantine(ctx.db)).map((row) => ({
        ...row,
        createdAt: row.createdAt.toISOString(),
        replayedAt: iso(row.replayedAt),
      })),
  );

  app.get(
    '/admin/quarantine/:id',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'One quarantined message with its raw bytes',
        params: IdParams,
        response: { 200: QuarantinedMessageDetailResponse },
      },
    },
    async (request) => {
      const row = await getQuarantined(ctx.db, request.params.id);
      return {
        id: row.id,
        channel: row.channel,
        externalId: row.externalId,
        reason: row.reason,
        createdAt: row.createdAt.toISOString(),
        replayedAt: iso(row.replayedAt),
        size: row.raw.length,
        rawBase64: row.raw.toString('base64'),
      };
    },
  );

  app.post(
    '/admin/quarantine/:id/replay',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'Run a quarantined message through the intake again',
        description: 'Resolved unless refused again, in which case the reason is updated.',
        params: IdParams,
        response: { 200: ReplayResponse },
      },
    },
    async (request) => {
      const result = await replayQuarantined(ctx, request.params.id);
      return {
        id: request.params.id,
        outcome: result.outcome,
        resolved: result.outcome !== 'refused',
        ...('folio' in result && result.folio ? { folio: result.folio } : {}),
        ...('reason' in result ? { reason: result.reason } : {}),
      };
    },
  );
}
