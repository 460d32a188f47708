import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { requireActor } from '../http/auth.ts';
import { backupEmbedded } from './backup.service.ts';

export function backupRoutes(app: HttpApp, ctx: AppContext) {
  app.post(
    '/admin/backup',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags: ['admin'],
        summary: 'Download a consistent archive of the embedded database while the server runs',
        description: 'On PostgreSQL this answers 422: use pg_dump.',
        response: { 200: z.any().describe('application/gzip archive') },
      },
    },
    async (_request, reply) => {
      const archive = await backupEmbedded(ctx.database);
      const stamp = ctx.clock.now().toISOString().replace(/[:.]/g, '-');
      return reply
        .type('application/gzip')
        .header('content-disposition', `attachment; filename="atiende-backup-${stamp}.tar.gz"`)
        .send(archive);
    },
  );
}
