import { describe, expect, it } from 'vitest';
import { formatDateEs, placeholdersOf, renderTemplate } from './templates.ts';

describe('templates', () => {
  it.each([
    ['2026-11-25T16:02:00Z', 'America/Monterrey', '25 de noviembre de 2026, 10:02 h'],
    ['2026-01-01T05:59:00Z', 'America/Monterrey', '31 de diciembre de 2025, 23:59 h'],
    ['2026-07-01T15:00:00Z', 'America/Matamoros', '1 de julio de 2026, 10:00 h'],
  ])('formats %s in %s as %s', (iso, zone, expected) => {
    expect(formatDateEs(new Date(iso), zone)).toBe(expected);
  });

  it.each([
    ['¡Hola{nombre}! Tu folio es {folio}: guárdalo. Folio {folio}.', ['nombre', 'folio']],
    ['Recibimos {monto} el {fecha}', ['monto', 'fecha']],
    ['Con espacios { folio } no es uno', []],
    ['', []],
  ])('finds the placeholders of %j', (text, names) => {
    expect(placeholdersOf(text)).toEqual(names);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(
      renderTemplate('Folio {folio}, plazo {plazo}, {otro}', { folio: 'MON-2026-000042-6', plazo: 'mañana' }),
    ).toBe('Folio MON-2026-000042-6, plazo mañana, {otro}');
  });
});
