import { describe, expect, it } from 'vitest';
import { moveItem, phraseRulesFromDrafts, showValue, splitList } from './drafts.ts';

describe('rule drafts', () => {
  it('splits keyword lists on commas and lines, dropping blanks', () => {
    expect(splitList(' antena, señal,,\n módem \n')).toEqual(['antena', 'señal', 'módem']);
    expect(splitList('  ')).toEqual([]);
  });

  it('moves an item up or down and ignores moves past either end', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    expect(moveItem(['a', 'b'], 1, 2)).toEqual(['a', 'b']);
  });

  it('keeps a phrase with a comma whole and leaves out an empty subtype', () => {
    expect(
      phraseRulesFromDrafts([
        { requestType: 'falla', subtype: ' ', phrasesText: 'sin señal, otra vez\n\n lento ' },
      ]),
    ).toEqual([{ requestType: 'falla', phrases: ['sin señal, otra vez', 'lento'] }]);
    expect(
      phraseRulesFromDrafts([{ requestType: 'falla', subtype: 'lentitud', phrasesText: 'x' }])[0],
    ).toEqual({
      requestType: 'falla',
      subtype: 'lentitud',
      phrases: ['x'],
    });
  });
});

describe('a changed value as shown', () => {
  it('shows text as it is, other values as JSON, nothing for an absent one, and cuts long ones', () => {
    expect(showValue('soporte_tecnico')).toBe('soporte_tecnico');
    expect(showValue(['a', 1])).toBe('["a",1]');
    expect(showValue(false)).toBe('false');
    expect(showValue(undefined)).toBeUndefined();
    expect(showValue('x'.repeat(400))).toHaveLength(301);
  });
});
