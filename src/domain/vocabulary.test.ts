import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, isOneOf } from './vocabulary.ts';

describe('the domain’s vocabulary', () => {
  it('tells a known code from anything else', () => {
    expect(isOneOf(EVENT_KINDS, 'created')).toBe(true);
    expect(isOneOf(EVENT_KINDS, 'a_kind_from_the_future')).toBe(false);
    expect(isOneOf(EVENT_KINDS, 42)).toBe(false);
  });
});
