import { describe, expect, it } from 'vitest';
import { type CustomersFileOptions, generateCustomersFile } from '../../../bench/import/customers-file.ts';
import { IMPORT_PROBLEM_CODES, readCustomersCsv } from './rows.ts';

// The bench's generated file, small: every bad row it plants is found, at its line, and nothing else.
describe('a generated customers file of 2,000 rows', () => {
  it.each<Omit<CustomersFileOptions, 'rows'>>([
    { encoding: 'utf8', seed: 1, delimiter: ',', eol: '\n', bom: false },
    { encoding: 'utf8', seed: 2, delimiter: ',', eol: '\r\n', bom: true },
    { encoding: 'windows-1252', seed: 3, delimiter: ',', eol: '\r\n', bom: false },
    { encoding: 'windows-1252', seed: 4, delimiter: ';', eol: '\r\n', bom: false },
  ])('$encoding, "$delimiter", seed $seed: the problems are exactly the planted ones', (options) => {
    const { bytes, badRows } = generateCustomersFile({ rows: 2_000, ...options });
    const file = readCustomersCsv(bytes);
    expect(file).toMatchObject({
      encoding: options.encoding === 'utf8' ? 'utf-8' : 'windows-1252',
      delimiter: options.delimiter,
      ignoredHeaders: [],
      fileProblems: [],
    });

    const rows = [...file.rows()];
    const found = rows.flatMap((row) =>
      row.ok ? [] : row.problems.map((p) => ({ line: p.line, code: p.code })),
    );
    expect(found).toEqual(badRows);
    expect(badRows).toHaveLength(20);
    expect(rows.filter((row) => row.ok)).toHaveLength(1_980);

    // Dealt evenly over the row problems, so 20 bad rows show every one.
    const notPlanted = [
      'empty_file',
      'missing_column',
      'duplicate_column',
      'too_few_columns',
      'contact_taken',
      'missing_cutoff_day',
      'balance_after_cancellation',
      'balance_during_theft',
    ];
    expect([...new Set(badRows.map((row) => row.code))].sort()).toEqual(
      IMPORT_PROBLEM_CODES.filter((code) => !notPlanted.includes(code)).sort(),
    );
  });

  it('writes realistic text: accents, ñ and the en dash survive Windows-1252', () => {
    const { bytes } = generateCustomersFile({
      rows: 2_000,
      encoding: 'windows-1252',
      seed: 5,
      delimiter: ',',
      eol: '\r\n',
      bom: false,
    });
    const records = [...readCustomersCsv(bytes).rows()].flatMap((row) => (row.ok ? [row.record] : []));
    expect(records.some((r) => /ñ/i.test(r.name))).toBe(true);
    expect(records.some((r) => /[áéíóú]/i.test(r.name))).toBe(true);
    expect(records.every((r) => r.zone?.includes(' – '))).toBe(true);
    expect(records.some((r) => r.balanceCentavos < 0) && records.some((r) => r.balanceCentavos > 0)).toBe(
      true,
    );
    expect(new Set(records.map((r) => r.status))).toEqual(
      new Set(['activo', 'suspendido', 'cancelado', 'pendiente_instalacion', null]),
    );
  });
});
