import { describe, expect, it } from 'vitest';
import { DEFAULT_BUSINESS_CALENDAR } from '../config/profile.ts';
import { AppError } from '../http/errors.ts';
import { compileCalendar } from '../sla/calendar.ts';
import { type InstallationInput, installationDue, installationOutcome } from './installation.ts';

// Monday to Friday 09:00–18:00 in Monterrey (UTC−6), closed on Mexican rest days.
const calendar = compileCalendar(DEFAULT_BUSINESS_CALENDAR);
const mty = (local: string) => `${local}-06:00`;
const SETTINGS = { businessDays: 10, refundBusinessDays: 30, bonusPercent: 20 };

describe('installation due: 10 business days from signing', () => {
  // [case, signed (local), due (UTC instant)]
  it.each<[string, string, string]>([
    ['Monday 10:00 → two weeks later', '2026-12-07T10:00', '2026-12-21T16:00:00Z'],
    ['over 25 December', '2026-12-14T10:00', '2026-12-29T16:00:00Z'],
    ['over 16 September', '2026-09-07T10:00', '2026-09-22T16:00:00Z'],
    ['signed on a Saturday: counted from Monday 09:00', '2026-12-05T10:00', '2026-12-21T15:00:00Z'],
  ])('%s', (_name, signed, due) => {
    const result = installationDue(mty(signed), calendar, SETTINGS);
    expect(result.dueAt).toBe(due);
    expect(result.dueDate).toBe(due.slice(0, 10));
    expect(result.source).toContain('10 días hábiles');
  });
});

interface Row {
  name: string;
  installed: string | null;
  now: string;
  paid: number;
  bonus?: number;
  late: boolean;
  bonusCentavos?: number;
  total?: number;
}

// Signed Monday 7 December 2026, 10:00; due Monday 21 December, 10:00.
const SIGNED = mty('2026-12-07T10:00');
// biome-ignore format: one case a line reads as a table
const ROWS: Row[] = [
  { name: 'installed the next day', installed: mty('2026-12-08T12:00'), now: mty('2026-12-30T10:00'), paid: 150000, late: false },
  { name: 'installed exactly at the due instant', installed: mty('2026-12-21T10:00'), now: mty('2026-12-30T10:00'), paid: 150000, late: false },
  { name: 'installed a minute late', installed: mty('2026-12-21T10:01'), now: mty('2026-12-30T10:00'), paid: 150000, late: true, bonusCentavos: 30000, total: 180000 },
  { name: 'not installed, not yet due', installed: null, now: mty('2026-12-18T10:00'), paid: 150000, late: false },
  { name: 'not installed, due now', installed: null, now: mty('2026-12-21T10:00'), paid: 150000, late: false },
  { name: 'not installed, past due', installed: null, now: mty('2026-12-21T10:01'), paid: 150000, late: true, bonusCentavos: 30000, total: 180000 },
  { name: 'late with nothing paid', installed: null, now: mty('2027-01-05T10:00'), paid: 0, late: true, bonusCentavos: 0, total: 0 },
  { name: '350.01 paid: 70.002 rounds down', installed: null, now: mty('2027-01-05T10:00'), paid: 35001, late: true, bonusCentavos: 7000, total: 42001 },
  { name: '123.45 paid at 25 %: 30.8625 rounds up', installed: null, now: mty('2027-01-05T10:00'), paid: 12345, bonus: 25, late: true, bonusCentavos: 3086, total: 15431 },
  { name: '0.10 paid at 25 %: 2.5 rounds half up', installed: null, now: mty('2027-01-05T10:00'), paid: 10, bonus: 25, late: true, bonusCentavos: 3, total: 13 },
];

const inputOf = (row: Row): InstallationInput => ({
  signedAt: SIGNED,
  installedAt: row.installed,
  now: row.now,
  paidCentavos: row.paid,
  calendar,
  settings: { ...SETTINGS, bonusPercent: row.bonus ?? 20 },
});

describe('a late installation: refund of what was paid + 20 % within 30 business days, proposed', () => {
  it.each(ROWS)('$name', (row) => {
    const outcome = installationOutcome(inputOf(row));
    expect(outcome.late).toBe(row.late);
    expect(outcome.due.dueAt).toBe('2026-12-21T16:00:00Z');
    if (!outcome.late) return;
    expect(outcome.proposal).toMatchObject({
      installedAt: row.installed ? new Date(row.installed).toISOString().replace('.000Z', 'Z') : null,
      amountCentavos: row.paid,
      bonusCentavos: row.bonusCentavos,
      totalCentavos: row.total,
      // 30 business days from the due instant, over 25 December, 1 January and 1 February.
      refundDueAt: '2027-02-04T16:00:00Z',
      refundDueDate: '2027-02-04',
    });
  });

  it('explains the proposal in the customer words and money format', () => {
    const outcome = installationOutcome(inputOf(ROWS[2] as Row));
    expect(outcome.late && outcome.proposal.explanation).toBe(
      'Instalación fuera de plazo (vencía el 21 de diciembre de 2026): devolución de $1,500.00 MXN + 20 % ($300.00 MXN) = $1,800.00 MXN, a más tardar el 4 de febrero de 2027',
    );
  });

  it.each<[string, Partial<InstallationInput>, string]>([
    ['an installation before signing', { installedAt: mty('2026-12-06T10:00') }, 'installedAt'],
    ['a negative payment', { paidCentavos: -1 }, 'paidCentavos'],
    ['a bonus below 20 %', { settings: { ...SETTINGS, bonusPercent: 10 } }, 'settings.bonusPercent'],
    ['more than 10 business days', { settings: { ...SETTINGS, businessDays: 11 } }, 'settings.businessDays'],
    [
      'more than 30 business days to refund',
      { settings: { ...SETTINGS, refundBusinessDays: 31 } },
      'settings.refundBusinessDays',
    ],
    ['a signing that is not an instant', { signedAt: '7 de diciembre' }, 'signedAt'],
  ])('refuses %s', (_name, change, field) => {
    let error: unknown;
    try {
      installationOutcome({ ...inputOf(ROWS[0] as Row), ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'installation.invalid', status: 422, field });
  });
});
