import type { LedgerKind } from '../domain/vocabulary.ts';
import { assertCentavos } from './money.ts';
import { plainDateIn } from './provider-today.ts';

/**
 * The export for the billing system: UTF-8 with a byte-order mark (Excel otherwise reads it as
 * Windows-1252 and breaks accents), commas (the list separator of Windows in es-MX, where the decimal
 * mark is a dot), CRLF lines and RFC 4180 quoting. One line per ledger entry, keyed by the entry's id, so
 * the billing system can take the same line twice without posting it twice.
 */
export const LEDGER_CSV_HEADER = [
  'id',
  'cuenta',
  'referencia_servicio',
  'tipo',
  'importe',
  'fecha_efectiva',
  'fecha_registro',
  'referencia',
  'folio',
] as const;

export interface LedgerCsvLine {
  id: number;
  account: string | null;
  externalRef: string | null;
  kind: LedgerKind;
  amountCentavos: number;
  effectiveDate: string;
  postedAt: Date;
  reference: string | null;
  caseFolio: string | null;
}

/** Pesos with two decimals and the ledger's sign ("-350.00" is a credit to the customer), no grouping. */
export function decimalPesos(centavos: number): string {
  assertCentavos(centavos);
  const magnitude = Math.abs(centavos);
  return `${centavos < 0 ? '-' : ''}${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}

/**
 * A text field quoted when it holds a separator, quote or line break; one starting like a formula gets a
 * leading apostrophe, since a spreadsheet would otherwise run a reference someone typed as `=HYPERLINK(…)`.
 */
function field(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function ledgerCsv(lines: Iterable<LedgerCsvLine>, timeZone: string): string {
  const out = [`\uFEFF${LEDGER_CSV_HEADER.join(',')}`];
  for (const line of lines) {
    out.push(
      [
        String(line.id),
        field(line.account),
        field(line.externalRef),
        line.kind,
        decimalPesos(line.amountCentavos),
        line.effectiveDate,
        plainDateIn(timeZone, line.postedAt),
        field(line.reference),
        field(line.caseFolio),
      ].join(','),
    );
  }
  return `${out.join('\r\n')}\r\n`;
}
