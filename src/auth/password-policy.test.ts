import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from './common-passwords.ts';
import { assertPasswordPolicy, type PasswordWeakness, passwordWeakness } from './password-policy.ts';

const email = 'rosa.garza@monet.mx';

describe('the password policy', () => {
  const cases: Array<[string, { email?: string; current?: string }, PasswordWeakness | undefined]> = [
    ['', {}, 'too_short'],
    ['once chars!', {}, 'too_short'],
    ['doce chars!!', {}, undefined],
    // Code points, not UTF-16 units: eleven emoji are 22 units but still too short.
    ['🔒'.repeat(11), {}, 'too_short'],
    ['🔒'.repeat(12), {}, undefined],
    // A decomposed "ñ" (n + combining tilde) is one character, as the person typed it.
    ['pin\u0303ata12345', {}, 'too_short'],
    ['x'.repeat(200), {}, undefined],
    ['x'.repeat(201), {}, 'too_long'],
    ['ñ'.repeat(200), {}, undefined],
    ['contraseña123', {}, 'common'],
    ['Contraseña123', {}, 'common'],
    ['contrasen\u0303a123', {}, 'common'],
    ['CONTRASENA123', {}, 'common'],
    ['mexico123456', {}, 'common'],
    ['MéxicoLindo123', {}, undefined],
    ['qwerty123456', {}, 'common'],
    ['Password1234', {}, 'common'],
    ['rayados12345', {}, 'common'],
    [email, { email }, 'same_as_email'],
    ['Rosa.Garza@Monet.MX', { email }, 'same_as_email'],
    [`${email}1`, { email }, undefined],
    ['la misma de siempre', { current: 'la misma de siempre' }, 'unchanged'],
    ['la nueva de siempre', { email, current: 'la misma de siempre' }, undefined],
    ['correct horse battery staple', { email }, undefined],
  ];

  it.each(cases)('%j (%j) → %s', (password, context, expected) => {
    expect(passwordWeakness(password, context)).toBe(expected);
  });

  it('ships a list of a few hundred common passwords, Spanish ones included, all long enough to matter', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThanOrEqual(200);
    expect(COMMON_PASSWORDS.size).toBeLessThanOrEqual(1000);
    for (const entry of COMMON_PASSWORDS) {
      expect(entry).toBe(entry.toLowerCase().normalize('NFC'));
      expect([...entry].length).toBeGreaterThanOrEqual(12);
    }
    expect(COMMON_PASSWORDS).toContain('contraseña123');
    expect(COMMON_PASSWORDS).toContain('mexico123456');
  });

  it('refuses as a 422 naming the field, with a stable code and the reason', () => {
    expect(() => assertPasswordPolicy('corta', { field: 'newPassword' })).toThrowError(
      expect.objectContaining({
        code: 'auth.weak_password',
        status: 422,
        field: 'newPassword',
        extra: { reason: 'too_short' },
      }),
    );
    expect(() => assertPasswordPolicy('una frase bastante larga', { field: 'newPassword' })).not.toThrow();
  });
});
