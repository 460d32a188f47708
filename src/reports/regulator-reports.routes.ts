import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  GenerateRegulatorReportRequest,
  RegulatorReportParams,
  RegulatorReportResponse,
} from './regulator-reports.schema.ts';
import {
  generateRegulatorReport,
  listRegulatorReports,
  regulatorReportFile,
} from './regulator-reports.service.ts';

const FORMATS = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** The monthly reports for the regulators: archived once, listed and downloaded by admins. */
export function regulatorReportsRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['reports'];
  app.get(
    '/regulator-reports',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'The archived monthly reports for the regulators, newest month first, with their hashes',
        response: { 200: z.array(RegulatorReportResponse) },
      },
    },
    async () => listRegulatorReports(ctx),
  );
  app.post(
    '/regulator-reports',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary:
          'Generate and archive the report of a finished month (provider’s time zone); once stored it never changes',
        body: GenerateRegulatorReportRequest,
        response: { 201: RegulatorReportResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await generateRegulatorReport(ctx, { period: request.body.period, actor: actorOf(request) })),
  );
  for (const format of ['csv', 'xlsx'] as const) {
    app.get(
      `/regulator-reports/:period/${format}`,
      {
        onRequest: requireActor('admin'),
        schema: {
          tags,
          summary: `A month's report as archived (${format.toUpperCase()}), its SHA-256 in X-Content-SHA256`,
          params: RegulatorReportParams,
        },
      },
      async (request, reply) => {
        const { period } = request.params;
        const file = await regulatorReportFile(ctx, period, format);
        return reply
          .type(FORMATS[format])
          .header('content-disposition', `attachment; filename="reporte-regulador-${period}.${format}"`)
          .header('x-content-sha256', file.sha256)
          .send(file.bytes);
      },
    );
  }
}
