import { z } from 'zod';
import { CUSTOMER_COLUMNS } from './columns.ts';
import { IMPORT_PROBLEM_CODES } from './rows.ts';

/** The problems an import's status shows; the rest are in the report. */
export const PROBLEMS_SHOWN = 200;

/** A realistic 100,000-row export is about 18 MB (bench/import); this leaves room for longer rows. */
export const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;

export const ImportProblemResponse = z.object({
  line: z.number().int(),
  column: z.enum(CUSTOMER_COLUMNS).nullable(),
  code: z.enum(IMPORT_PROBLEM_CODES),
  message: z.string().describe('In Spanish, for the person importing; never the field’s value'),
});

export const ImportCountsResponse = z.object({
  creado: z.number().int(),
  actualizado: z.number().int(),
  sin_cambios: z.number().int(),
  rechazado: z.number().int(),
  planes_nuevos: z.number().int(),
  zonas_nuevas: z.number().int(),
  movimientos_de_saldo: z
    .number()
    .int()
    .describe('Ledger entries posted for opening balances or differences'),
});

export const ImportStartQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .default('true')
    .describe('true (the default): check and count what would change, writing nothing but the import record'),
  filename: z.string().trim().min(1).max(255).optional().describe('The uploaded file’s name, for the record'),
});

export const ImportStartedResponse = z.object({
  id: z.uuid(),
  totalRows: z.number().int(),
});

export const ImportParams = z.object({ id: z.uuid() });

export const ImportStatusResponse = z.object({
  id: z.uuid(),
  filename: z.string(),
  dryRun: z.boolean(),
  status: z.enum(['en_curso', 'terminada', 'fallida']),
  totalRows: z.number().int(),
  processedRows: z.number().int(),
  percent: z.number().int().min(0).max(100),
  rowsPerSecond: z.number().int(),
  etaSeconds: z.number().int().nullable().describe('Null until the first batch gives a rate'),
  counts: ImportCountsResponse,
  problemCount: z.number().int(),
  problems: z.array(ImportProblemResponse).describe(`The first ${PROBLEMS_SHOWN}; all are in report.csv`),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
