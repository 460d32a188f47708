import { describe, expect, it } from 'vitest';
import { decimalPesos, ledgerCsv } from './ledger-csv.ts';

describe('ledger CSV for the billing system', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [35_000, '350.00'],
    [-35_050, '-350.50'],
    [123_456_789, '1234567.89'],
    [-9, '-0.09'],
  ])('%i centavos are %s pesos', (centavos, pesos) => {
    expect(decimalPesos(centavos)).toBe(pesos);
  });

  it('starts with a BOM, ends lines with CRLF, quotes what needs it and defuses formulas', () => {
    const csv = ledgerCsv(
      [
        {
          id: 7,
          account: 'MON-1',
          externalRef: null,
          kind: 'bonificacion',
          amountCentavos: -35_000,
          effectiveDate: '2026-11-30',
          // 05:59 UTC on 1 December is still 30 November in Monterrey.
          postedAt: new Date('2026-12-01T05:59:00Z'),
          reference: 'Falla, "torre 3"',
          caseFolio: 'MON-2026-000001-7',
        },
        {
          id: 8,
          account: '=1+1',
          externalRef: 'S-2',
          kind: 'pago',
          amountCentavos: -100,
          effectiveDate: '2026-12-01',
          postedAt: new Date('2026-12-01T18:00:00Z'),
          reference: null,
          caseFolio: null,
        },
      ],
      'America/Monterrey',
    );
    expect(csv).toBe(
      '\uFEFFid,cuenta,referencia_servicio,tipo,importe,fecha_efectiva,fecha_registro,referencia,folio\r\n' +
        '7,MON-1,,bonificacion,-350.00,2026-11-30,2026-11-30,"Falla, ""torre 3""",MON-2026-000001-7\r\n' +
        "8,'=1+1,S-2,pago,-1.00,2026-12-01,2026-12-01,,\r\n",
    );
  });
});
