import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { evidencePdf } from './evidence.pdf.ts';
import { EvidenceParams, EvidenceResponse } from './evidence.schema.ts';
import {
  buildEvidence,
  caseForEvidence,
  type EvidenceFormat,
  recordEvidenceExported,
} from './evidence.service.ts';

/** The file of a case for a PROFECO conciliation, as JSON (to check) and PDF (to read), for its supervisors. */
export function evidenceRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['cases'];

  const build = async (request: FastifyRequest<{ Params: { folio: string } }>) => {
    const kase = await caseForEvidence(ctx.db, request.params.folio, actorOf(request));
    return { kase, data: await buildEvidence(ctx, kase.id) };
  };
  // Recorded once the file is ready to leave, with the manifest it carries.
  const recorded = (
    request: FastifyRequest,
    kase: { id: string; customerId: string },
    format: EvidenceFormat,
    manifest: string,
  ) =>
    recordEvidenceExported(ctx.db, {
      actor: actorOf(request),
      caseId: kase.id,
      customerId: kase.customerId,
      format,
      manifestSha256: manifest,
      at: ctx.clock.now(),
    });
  const attachment = (reply: FastifyReply, name: string) =>
    reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');

  app.get(
    '/cases/:folio/evidence.json',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary:
          'The case’s file for a PROFECO conciliation: customer, case, incident, timeline, messages (no internal notes), attachments, deadlines, compensations; each item hashed, with a manifest hash',
        params: EvidenceParams,
        response: { 200: EvidenceResponse },
      },
    },
    async (request, reply) => {
      const { kase, data } = await build(request);
      await recorded(request, kase, 'json', data.manifestSha256);
      return attachment(reply, `expediente-${data.folio}.json`)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(data, null, 2));
    },
  );

  app.get(
    '/cases/:folio/evidence.pdf',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary:
          'The same file as a PDF in Spanish, each item’s hash printed and the manifest hash on its first page',
        params: EvidenceParams,
      },
    },
    async (request, reply) => {
      const { kase, data } = await build(request);
      const { settings } = await ctx.settings.current(ctx.db);
      const pdf = await evidencePdf(data, { timeZone: settings.provider.timeZone });
      await recorded(request, kase, 'pdf', data.manifestSha256);
      return attachment(reply, `expediente-${data.folio}.pdf`).type('application/pdf').send(pdf);
    },
  );
}
