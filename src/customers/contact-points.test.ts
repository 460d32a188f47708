import { describe, expect, it } from 'vitest';
import { type ContactKind, normalizeContactAddress } from './contact-points.ts';

describe('normalizeContactAddress', () => {
  it.each<[ContactKind, string, string]>([
    ['phone', '(81) 1234 5678', '+528112345678'],
    ['phone', '81-1234-5678', '+528112345678'],
    ['phone', '8112345678', '+528112345678'],
    ['phone', '  +52 81 1234 5678 ', '+528112345678'],
    ['phone', '+52 1 81 1234 5678', '+528112345678'],
    ['phone', '+5218112345678', '+528112345678'],
    ['phone', '044 55 1234 5678', '+525512345678'],
    ['phone', '045 (55) 1234-5678', '+525512345678'],
    ['phone', '01 55 1234 5678', '+525512345678'],
    ['phone', '55.1234.5678', '+525512345678'],
    ['phone', '+1 415 555 2671', '+14155552671'],
    ['whatsapp', '5215512345678', '+525512345678'],
    ['whatsapp', '525512345678', '+525512345678'],
    ['whatsapp', '+5215512345678', '+525512345678'],
    ['whatsapp', '14155552671', '+14155552671'],
    ['email', '  Ana.Lopez@Example.MX ', 'ana.lopez@example.mx'],
    ['email', 'soporte@localhost', 'soporte@localhost'],
    ['messenger', ' 6543210987654321 ', '6543210987654321'],
  ])('%s %j → %s', (kind, raw, expected) => {
    expect(normalizeContactAddress(kind, raw)).toBe(expected);
  });

  it.each<[ContactKind, string]>([
    ['phone', ''],
    ['phone', '55 1234'],
    ['phone', '1234567890123456'],
    ['phone', 'call me'],
    ['phone', '81 1234 5678 ext 3'],
    ['whatsapp', '+52 55 1234 5678'],
    ['whatsapp', 'wa-5215512345678'],
    ['whatsapp', '5255'],
    ['email', 'ana.lopez'],
    ['email', 'ana lopez@example.mx'],
    ['email', '@example.mx'],
    ['messenger', 'ana.lopez'],
    ['messenger', ''],
  ])('refuses %s %j with a 400 naming the field', (kind, raw) => {
    expect(() => normalizeContactAddress(kind, raw, 'contactPoints.0.address')).toThrow(
      expect.objectContaining({
        code: 'contact_point.invalid',
        status: 400,
        field: 'contactPoints.0.address',
      }),
    );
  });
});
