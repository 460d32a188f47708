import { describe, expect, it } from 'vitest';
import { isNeverOpen, parseDay, parseWeek, weekText } from './hours.ts';

describe('opening hours as typed in the console', () => {
  it('reads intervals separated by commas, with any dash, padding the hour', () => {
    expect(parseDay('9:00-14:00, 16:00–18:30')).toEqual([
      { from: '09:00', to: '14:00' },
      { from: '16:00', to: '18:30' },
    ]);
    expect(parseDay('  ')).toEqual([]);
    expect(parseDay('08:00 — 24:00')).toEqual([{ from: '08:00', to: '24:00' }]);
  });

  it('refuses text that is not a list of intervals', () => {
    expect(parseDay('de 9 a 6')).toBeUndefined();
    expect(parseDay('09:00-18:00, abierto')).toBeUndefined();
    expect(parseDay('0900-1800')).toBeUndefined();
  });

  it('writes a week back as it reads it, and tells a week that never opens', () => {
    const week = { monday: [{ from: '09:00', to: '18:00' }], saturday: [] };
    const text = weekText(week);
    expect(text.monday).toBe('09:00–18:00');
    expect(text.sunday).toBe('');
    const parsed = parseWeek({ ...text, tuesday: 'mañana' });
    expect(parsed.invalid).toEqual(['tuesday']);
    expect(parsed.week.monday).toEqual(week.monday);
    expect(isNeverOpen(parseWeek(weekText({})).week)).toBe(true);
    expect(isNeverOpen(parsed.week)).toBe(false);
  });
});
