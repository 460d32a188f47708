import { describe, expect, it } from 'vitest';
import { fillPlaceholders, formatDateTime, formatDuration, formatPhone, groupHours } from './format.ts';

describe('dates as customers and agents read them', () => {
  it.each([
    ['es-MX', '2026-11-25T16:02:00Z', '25 de noviembre de 2026, 10:02 h'],
    ['en', '2026-11-25T16:02:00Z', 'November 25, 2026, 10:02'],
    ['es-MX', '2026-01-01T05:30:00Z', '31 de diciembre de 2025, 23:30 h'],
  ] as const)('%s %s → %s (Monterrey time)', (language, iso, expected) => {
    expect(formatDateTime(iso, language, 'America/Monterrey')).toBe(expected);
  });
});

describe('countdowns', () => {
  it.each([
    [0, '0 min'],
    [59_000, '0 min'],
    [12 * 60_000, '12 min'],
    [3 * 3_600_000 + 15 * 60_000, '3 h 15 min'],
    [2 * 3_600_000, '2 h'],
    [2 * 86_400_000 + 3 * 3_600_000 + 59 * 60_000, '2 d 3 h'],
    [-(90 * 60_000), '1 h 30 min'],
  ])('%i ms → %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('Mexican phone numbers', () => {
  it.each([
    ['+528147746333', '(81) 4774 6333'],
    ['+528446887331', '(844) 688 7331'],
    ['+5215512345678', '(55) 1234 5678'],
    ['+14155550100', '+14155550100'],
  ])('%s → %s', (address, expected) => {
    expect(formatPhone(address)).toBe(expected);
  });
});

describe('opening hours on a notice board', () => {
  it('folds runs of days with the same hours, and closed days', () => {
    const weekday = [{ from: '08:00', to: '21:00' }];
    expect(
      groupHours({
        monday: weekday,
        tuesday: weekday,
        wednesday: weekday,
        thursday: weekday,
        friday: weekday,
        saturday: [{ from: '08:00', to: '19:00' }],
      }),
    ).toEqual([
      { from: 'monday', to: 'friday', ranges: ['08:00–21:00'] },
      { from: 'saturday', to: 'saturday', ranges: ['08:00–19:00'] },
      { from: 'sunday', to: 'sunday', ranges: [] },
    ]);
  });
});

describe('canned replies', () => {
  it('fills known placeholders and leaves unknown ones visible', () => {
    expect(
      fillPlaceholders('Hola{nombre}, tu folio {folio} vence el {plazo}. {otro}', {
        nombre: ' Ana',
        folio: 'MON-1',
        plazo: 'mañana',
      }),
    ).toBe('Hola Ana, tu folio MON-1 vence el mañana. {otro}');
  });
});
