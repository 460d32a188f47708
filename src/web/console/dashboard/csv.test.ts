import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('a chart’s CSV', () => {
  it('writes plain numbers and quotes only what needs it', () => {
    expect(toCsv(['Periodo', 'Casos'], [['2026-12-07', 1234.5]])).toBe(
      '\uFEFFPeriodo,Casos\r\n2026-12-07,1234.5\r\n',
    );
  });

  it('escapes quotes, commas and line breaks', () => {
    expect(toCsv(['Área'], [['Soporte "técnico", norte'], ['dos\nlíneas']])).toBe(
      '\uFEFFÁrea\r\n"Soporte ""técnico"", norte"\r\n"dos\nlíneas"\r\n',
    );
  });

  it('keeps a spreadsheet from running a name as a formula', () => {
    expect(toCsv(['Agente'], [['=HYPERLINK("x")'], ['@SUM(A1)'], [-3]])).toBe(
      '\uFEFFAgente\r\n"\'=HYPERLINK(""x"")"\r\n\'@SUM(A1)\r\n-3\r\n',
    );
  });

  it('leaves missing values and non-finite numbers empty', () => {
    expect(toCsv(['a', 'b'], [[null, Number.NaN]])).toBe('\uFEFFa,b\r\n,\r\n');
  });
});
