import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { messageAttachments } from '../db/schema.ts';
import type { HttpApp } from '../http/app.ts';
import { requireActor } from '../http/auth.ts';
import { readAttachment } from './attachments.service.ts';

export function attachmentsRoutes(app: HttpApp, ctx: AppContext) {
  app.get(
    '/attachments/:sha256',
    {
      onRequest: requireActor(),
      schema: {
        tags: ['cases'],
        summary: 'Download an attachment of a case message (agents read every case)',
        params: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
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
      return reply
        .type(contentType)
        .header(
          'content-disposition',
          `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );
}
