import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { agentActor } from '../events/events.service.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { PORTAL_RATE_LIMIT } from '../portal/portal.routes.ts';
import { PortalLookup } from '../portal/portal.schema.ts';
import schema from './access-export.schema.json' with { type: 'json' };
import {
  ACCESS_EXPORT_FORMATS,
  ACCESS_EXPORT_SCHEMA_PATH,
  type AccessExport,
  type AccessExportFormat,
  authorizeAccessDownload,
  buildAccessExport,
  recordExportDelivered,
} from './access-export.ts';
import { accessExportPdf } from './access-export-pdf.ts';

const Format = z.enum(ACCESS_EXPORT_FORMATS).default('json');

/**
 * The right of access's delivery: the published schema of the export (public, so anyone can check a
 * file against it), the person's own download from the portal once their `acceso` request was carried
 * out, and the supervisors' and admins' copy from the console.
 */
export function accessExportRoutes(app: HttpApp, ctx: AppContext) {
  const schemaUrl = `${ctx.config.publicUrl}${ACCESS_EXPORT_SCHEMA_PATH}`;

  const send = async (reply: FastifyReply, data: AccessExport, format: AccessExportFormat, name: string) => {
    if (format === 'pdf') {
      const { settings } = await ctx.settings.current(ctx.db);
      const pdf = await accessExportPdf(data, {
        name: settings.provider.name,
        timeZone: settings.provider.timeZone,
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${name}.pdf"`)
        .send(pdf);
    }
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}.json"`)
      .send(JSON.stringify(data, null, 2));
  };

  app.get(
    '/schemas/access-export.json',
    {
      schema: {
        tags: ['privacy'],
        security: [],
        summary: 'The JSON Schema (draft 2020-12) every access export declares in `$schema`',
      },
    },
    async (_request, reply) => reply.type('application/schema+json').send(JSON.stringify(schema)),
  );

  // A POST like the receipt's: the folio and its second factor travel in the body, never in a URL that
  // browsers, proxies and histories keep.
  app.post(
    '/portal/access-export',
    {
      config: { rateLimit: PORTAL_RATE_LIMIT },
      schema: {
        tags: ['portal'],
        security: [],
        summary:
          'The folio of a carried-out access (ARCO) request with the phone or e-mail on file → everything held about the person, as JSON or PDF',
        body: PortalLookup.extend({ format: Format }),
      },
    },
    async (request, reply) => {
      const allowed = await authorizeAccessDownload(ctx, request.body, request.ip);
      const now = ctx.clock.now();
      const data = await buildAccessExport(ctx.db, allowed.customerId, now, { schemaUrl });
      await recordExportDelivered(ctx.db, {
        actor: { kind: 'cliente' },
        customerId: data.customer.id,
        format: request.body.format,
        request: { id: allowed.requestId, caseId: allowed.caseId },
        at: now,
      });
      return send(reply, data, request.body.format, `datos-personales-${allowed.folio}`);
    },
  );

  app.get(
    '/customers/:id/access-export',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags: ['privacy'],
        summary: 'Everything held about a customer, as the right of access delivers it (JSON or PDF)',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ format: Format }),
      },
    },
    async (request, reply) => {
      const now = ctx.clock.now();
      const data = await buildAccessExport(ctx.db, request.params.id, now, { schemaUrl });
      await recordExportDelivered(ctx.db, {
        actor: agentActor(actorOf(request)),
        customerId: data.customer.id,
        format: request.query.format,
        at: now,
      });
      return send(reply, data, request.query.format, `datos-personales-${data.customer.id}`);
    },
  );
}
