import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemActor } from '../../auth/system-rules.ts';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../http/errors.ts';
import { providerSettingsOf } from '../../settings/settings.service.ts';
import { type ImportProgress, type ImportSummary, importCustomers } from './import.service.ts';
import type { ImportProblem } from './rows.ts';

export const IMPORT_USAGE = 'import customers FILE [--dry-run]';

export interface CommandOutput {
  /** The summary and the problems: what a script reads. */
  out(text: string): void;
  /** Progress, for the person waiting. */
  err(text: string): void;
}

const duration = (seconds: number) =>
  seconds >= 60
    ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
    : `${Math.round(seconds)} s`;

export const progressLine = (p: ImportProgress) =>
  `  ${p.processedRows.toLocaleString('en-US')}/${p.totalRows.toLocaleString('en-US')} rows, ` +
  `${p.rowsPerSecond.toLocaleString('en-US')} rows/s` +
  (p.etaSeconds === null || p.etaSeconds === 0 ? '' : `, about ${duration(p.etaSeconds)} left`);

const problemLine = (p: ImportProblem) =>
  `line ${p.line}${p.column ? ` (${p.column})` : ''}: ${p.code}: ${p.message}`;

export function summaryText(summary: ImportSummary): string {
  const c = summary.counts;
  const verb = summary.dryRun ? 'Dry run (nothing written)' : 'Imported';
  return [
    `${verb}: ${summary.totalRows} rows of ${summary.encoding}, delimiter '${summary.delimiter}', in ` +
      `${duration(summary.elapsedSeconds)} (${summary.rowsPerSecond} rows/s); import ${summary.importId}`,
    ...(summary.ignoredHeaders.length > 0
      ? [`Columns not imported: ${summary.ignoredHeaders.join(', ')}`]
      : []),
    `  ${summary.dryRun ? 'would create' : 'created'}: ${c.creado}`,
    `  ${summary.dryRun ? 'would update' : 'updated'}: ${c.actualizado}`,
    `  unchanged: ${c.sin_cambios}`,
    `  refused: ${c.rechazado}`,
    `  new plans: ${c.planes_nuevos}, new zones: ${c.zonas_nuevas}, balance entries: ${c.movimientos_de_saldo}`,
    ...(summary.problems.length > 0 ? ['Problems:', ...summary.problems.map(problemLine)] : []),
  ].join('\n');
}

/**
 * `atiende import customers FILE [--dry-run]`: the exit code is 0 when every row was (or would be)
 * imported and 1 when any was refused, so a script can stop before the real run.
 */
export async function importCommand(
  db: Db,
  clock: Clock,
  args: string[],
  output: CommandOutput,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean', default: false } },
  });
  const [what, file] = positionals;
  if (what !== 'customers' || !file || positionals.length > 2) {
    throw new AppError('cli.usage', { status: 400, detail: IMPORT_USAGE });
  }
  const bytes = await readFile(file);
  const timeZone = (await providerSettingsOf(db)).provider.timeZone;
  let lastShown = 0;
  const summary = await importCustomers(
    { db, clock, timeZone },
    {
      bytes,
      filename: path.basename(file),
      dryRun: values['dry-run'] === true,
      actor: systemActor('linea_de_comandos'),
      onProgress: (p) => {
        // Once a second at most, and the last batch always.
        const now = clock.now().getTime();
        if (now - lastShown < 1000 && p.processedRows < p.totalRows) return;
        lastShown = now;
        output.err(progressLine(p));
      },
    },
  );
  output.out(summaryText(summary));
  return summary.counts.rechazado > 0 ? 1 : 0;
}
