import type { Tx } from '../db/database.ts';
import type { LedgerKind } from '../domain/vocabulary.ts';
import { AppError } from '../http/errors.ts';
import { providerSettingsOf } from '../settings/settings.service.ts';
import { EXPORT_DEFAULT_KINDS, ExportQuery } from './accounts.schema.ts';
import { ledgerCsv } from './ledger-csv.ts';
import { ledgerForExport } from './ledger-entries.service.ts';

/** The export's file for a checked query; the HTTP route and the command line both write these bytes. */
export async function ledgerExportFile(
  db: Tx,
  query: { from: string; to: string; kinds?: string | undefined },
  timeZone: string,
): Promise<string> {
  const kinds = (query.kinds?.split(',') ?? EXPORT_DEFAULT_KINDS) as LedgerKind[];
  return ledgerCsv(await ledgerForExport(db, { from: query.from, to: query.to, kinds, timeZone }), timeZone);
}

/** `atiende ledger export`: the route's checks, a bad option named in the error. */
export async function exportLedgerCsv(
  db: Tx,
  options: { from?: string; to?: string; kinds?: string },
): Promise<string> {
  const parsed = ExportQuery.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? 'from');
    throw new AppError('cli.usage', {
      status: 400,
      field,
      detail: `--${field}: ${issue?.message ?? 'invalid'}`,
    });
  }
  return ledgerExportFile(db, parsed.data, (await providerSettingsOf(db)).provider.timeZone);
}
