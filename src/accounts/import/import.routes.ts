import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { customerImports } from '../../db/schema.ts';
import { agentActor } from '../../events/events.service.ts';
import type { HttpApp } from '../../http/app.ts';
import { actorOf, requireActor } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import {
  IMPORT_BODY_LIMIT,
  ImportParams,
  ImportStartedResponse,
  ImportStartQuery,
  ImportStatusResponse,
  PROBLEMS_SHOWN,
} from './import.schema.ts';
import {
  failInterruptedImports,
  type ImportCounts,
  progressOf,
  startCustomerImport,
} from './import.service.ts';
import type { ImportProblem } from './rows.ts';

const notFound = () => new AppError('import.not_found', { status: 404, detail: 'No such import' });

const csvField = (value: string) => `"${value.replaceAll('"', '""')}"`;

export function importRoutes(app: HttpApp, ctx: AppContext) {
  const deps = async () => ({
    db: ctx.db,
    clock: ctx.clock,
    timeZone: (await ctx.settings.current(ctx.db)).settings.provider.timeZone,
  });

  // A scope of its own, so only this route takes a file's raw bytes, and up to its own limit.
  app.register(async (scope: FastifyInstance) => {
    const files = scope.withTypeProvider<ZodTypeProvider>();
    files.addContentTypeParser(
      ['text/csv', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    files.post(
      '/imports/customers',
      {
        onRequest: requireActor('admin'),
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags: ['accounts'],
          summary: 'Import customers, services and opening balances from a billing system’s CSV',
          description:
            'The body is the file itself (text/csv or application/octet-stream; UTF-8 or Windows-1252, comma ' +
            'or semicolon). Answers 202 at once and runs in the background: follow it with GET ' +
            '/imports/customers/{id}. A file that cannot be read at all is refused with 422 and nothing written; ' +
            'while another import (not a dry run) is running, 409 `import.running` names it.',
          querystring: ImportStartQuery,
          response: { 202: ImportStartedResponse },
        },
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) {
          throw new AppError('import.content_type', {
            status: 415,
            detail: 'Send the CSV file as the body, as text/csv or application/octet-stream',
          });
        }
        const started = await startCustomerImport(await deps(), {
          bytes: request.body,
          filename: request.query.filename ?? 'clientes.csv',
          dryRun: request.query.dryRun === 'true',
          actor: agentActor(actorOf(request)),
        });
        // In this process, not a queued job: the file's bytes are here already, and storing 20 MB in the
        // database only to read them back would cost more than the import itself.
        started.run().catch((error: unknown) => {
          request.log.error({ err: error, importId: started.importId }, 'customers import failed');
        });
        return reply.status(202).send({ id: started.importId, totalRows: started.totalRows });
      },
    );
  });

  app.get(
    '/imports/customers/:id',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags: ['accounts'],
        summary: 'Progress, counts and the first problems of a customers import',
        params: ImportParams,
        response: { 200: ImportStatusResponse },
      },
    },
    async (request) => {
      await failInterruptedImports(ctx.db, ctx.clock.now());
      const [row] = await ctx.db
        .select({
          run: customerImports,
          problemCount: sql<number>`jsonb_array_length(${customerImports.problems})`,
          firstProblems: sql<ImportProblem[]>`(select coalesce(jsonb_agg(p order by i), '[]'::jsonb)
            from jsonb_array_elements(${customerImports.problems}) with ordinality as t(p, i)
            where i <= ${PROBLEMS_SHOWN})`,
        })
        .from(customerImports)
        .where(eq(customerImports.id, request.params.id));
      if (!row) throw notFound();
      const { run } = row;
      const until = run.finishedAt ?? ctx.clock.now();
      const progress = progressOf(
        run.processedRows,
        run.totalRows,
        until.getTime() - run.startedAt.getTime(),
      );
      return {
        id: run.id,
        filename: run.filename,
        dryRun: run.dryRun,
        status: run.status,
        totalRows: run.totalRows,
        processedRows: run.processedRows,
        percent: run.totalRows > 0 ? Math.floor((run.processedRows / run.totalRows) * 100) : 0,
        rowsPerSecond: progress.rowsPerSecond,
        etaSeconds: run.status === 'en_curso' ? progress.etaSeconds : 0,
        counts: run.counts as ImportCounts,
        problemCount: row.problemCount,
        problems: row.firstProblems,
        startedAt: run.startedAt.toISOString(),
        finishedAt: run.finishedAt?.toISOString() ?? null,
      };
    },
  );

  app.get(
    '/imports/customers/:id/report.csv',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags: ['accounts'],
        summary: 'Every problem of a customers import, as CSV (line, column, code, message)',
        params: ImportParams,
        response: { 200: z.string().describe('text/csv; UTF-8 with a byte-order mark, for Excel') },
      },
    },
    async (request, reply) => {
      const [row] = await ctx.db
        .select({ problems: customerImports.problems })
        .from(customerImports)
        .where(eq(customerImports.id, request.params.id));
      if (!row) throw notFound();
      const lines = (row.problems as ImportProblem[]).map((p) =>
        [String(p.line), p.column ?? '', p.code, csvField(p.message)].join(','),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="importacion-${request.params.id}.csv"`)
        .send(`\ufeff${['linea,columna,codigo,mensaje', ...lines].join('\r\n')}\r\n`);
    },
  );
}
