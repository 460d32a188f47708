import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { messageAttachments } from '../db/schema.ts';
import type { HttpApp } from '../http/app.ts';
import { requireActor } from '../http/auth.ts';
import { readAttachment } from './attachments.service.ts';

/** Types a browser shows itself and that run nothing: the console previews these in the case. */
const PREVIEWABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf']);

export function attachmentsRoutes(app: HttpApp, ctx: AppContext) {
  app.get(
    '/attachments/:sha256',
    {
      onRequest: requireActor(),
      schema: {
        tags: ['cases'],
        summary: 'Download an attachment of a case message (agents read every case)',
        params: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
        querystring: z.object({
          inline: z
            .enum(['1'])
            .optional()
            .describe('1: show a picture or PDF in the browser instead of downloading it'),
        }),
      },
    },
    async (request, reply) => {
      const { bytes, contentType } = await readAttachment(ctx.database, request.params.sha256);
      const [named] = await ctx.db
        .select({ filename: messageAttachments.filename })
        .from(messageAttachments)
        .where(eq(messageAttachments.sha256, request.params.sha256))
        .limit(1);
      const filename = named?.filename ?? request.params.sha256;
      // Header values are Latin-1: an ASCII fallback for old clients, the real name in RFC 5987 form.
      const ascii =
        filename
          .normalize('NFD')
          .replace(/[^\x20-\x7e]/g, '')
          .replace(/["\\]/g, '_') || 'adjunto';
      const disposition =
        request.query.inline === '1' && PREVIEWABLE.has(contentType) ? 'inline' : 'attachment';
      return reply
        .type(contentType)
        .header(
          'content-disposition',
          `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );
}
