import { describe, expect, it } from 'vitest';
import consoleEn from '../console/locales/en.json';
import consoleEs from '../console/locales/es-MX.json';
import portalEn from '../portal/locales/en.json';
import portalEs from '../portal/locales/es-MX.json';
import commonEn from './locales/en.json';
import commonEs from './locales/es-MX.json';

const keysOf = (tree: object, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keysOf(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );

const placeholdersOf = (tree: object): Record<string, string[]> =>
  Object.fromEntries(
    keysOf(tree).map((key) => {
      const value = key
        .split('.')
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree);
      return [key, [...String(value).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort()];
    }),
  );

describe.each([
  ['common', commonEs, commonEn],
  ['console', consoleEs, consoleEn],
  ['portal', portalEs, portalEn],
])('the %s strings', (_name, spanish, english) => {
  // The code is type-checked against the Spanish file; English must say the same things.
  it('have the same keys in English as in Spanish', () => {
    expect(keysOf(english).sort()).toEqual(keysOf(spanish).sort());
  });

  it('use the same placeholders in both languages', () => {
    expect(placeholdersOf(english)).toEqual(placeholdersOf(spanish));
  });
});
