import { describe, expect, it } from 'vitest';
import type { ConsentPurpose } from '../domain/vocabulary.ts';
import { type ConsentFact, consentInForce } from './consent-rule.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 16, minute));
const row = (purpose: ConsentPurpose, granted: boolean, minute: number): ConsentFact => ({
  purpose,
  granted,
  recordedAt: at(minute),
});

describe('the consent in force for a use', () => {
  it.each([
    ['no row at all: no consent', [], 'promocionales', false],
    ['a consent', [row('promocionales', true, 0)], 'promocionales', true],
    ['a consent to another use only', [row('encuestas', true, 0)], 'promocionales', false],
    [
      'a withdrawal after a consent',
      [row('promocionales', true, 0), row('promocionales', false, 5)],
      'promocionales',
      false,
    ],
    [
      'a consent again after a withdrawal',
      [row('promocionales', false, 0), row('promocionales', true, 5)],
      'promocionales',
      true,
    ],
    [
      'the newest decides whatever the order given',
      [row('promocionales', false, 9), row('promocionales', true, 5)],
      'promocionales',
      false,
    ],
    [
      'a refusal and a consent at one instant: the refusal',
      [row('encuestas', true, 3), row('encuestas', false, 3)],
      'encuestas',
      false,
    ],
    [
      'the same, given the other way round',
      [row('encuestas', false, 3), row('encuestas', true, 3)],
      'encuestas',
      false,
    ],
    [
      'an opposition to surveys leaves promotions as they were',
      [row('promocionales', true, 0), row('encuestas', false, 5)],
      'promocionales',
      true,
    ],
  ] as const)('%s', (_case, rows, purpose, expected) => {
    expect(consentInForce(rows, purpose)).toBe(expected);
  });
});
