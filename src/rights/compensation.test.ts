import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { type CompensationInput, type CompensationReason, compensationFor } from './compensation.ts';

// Expected totals were worked out apart from this code, as exact fractions: monthly price × minutes /
// (period days × 1,440) per part, summed, × (100 + bonus) / 100, rounded once half up.

const mty = (local: string) => `${local}-06:00`;

interface Row {
  name: string;
  price: number;
  start: string;
  restored: string;
  /** Omitted: the start. */
  report?: string;
  cause?: string;
  cutoffDay?: number;
  zone?: string;
  bonus?: number;
  threshold?: number;
  reason: CompensationReason;
  minutes: number;
  /** [period days, counted minutes] of each part. */
  parts: Array<[number, number]>;
  proportional: string;
  total: number;
}

// biome-ignore format: one case a line reads as a table
const ROWS: Row[] = [
  // The worked example of regulation.md: 350.00 MXN, a 30-day period (16 Apr–15 May), 50 h.
  { name: 'worked example', price: 35000, start: mty('2026-04-20T10:00'), restored: mty('2026-04-22T12:00'), reason: 'atribuible_proveedor', minutes: 3000, parts: [[30, 3000]], proportional: '21875/9', total: 2917 },
  { name: 'known start before the report counts from the start', price: 35000, start: mty('2026-04-20T10:00'), report: mty('2026-04-21T08:00'), restored: mty('2026-04-22T12:00'), reason: 'atribuible_proveedor', minutes: 3000, parts: [[30, 3000]], proportional: '21875/9', total: 2917 },
  // Period lengths 28, 29, 31 and 30 days, same 48 h on a 299.00 plan.
  { name: '28-day period (Feb 2026)', price: 29900, start: mty('2026-03-01T00:00'), restored: mty('2026-03-03T00:00'), reason: 'atribuible_proveedor', minutes: 2880, parts: [[28, 2880]], proportional: '14950/7', total: 2563 },
  { name: '29-day period (Feb 2024)', price: 29900, start: mty('2024-03-01T00:00'), restored: mty('2024-03-03T00:00'), reason: 'atribuible_proveedor', minutes: 2880, parts: [[29, 2880]], proportional: '59800/29', total: 2474 },
  { name: '31-day period (16 Mar–15 Apr)', price: 29900, start: mty('2026-04-01T00:00'), restored: mty('2026-04-03T00:00'), reason: 'atribuible_proveedor', minutes: 2880, parts: [[31, 2880]], proportional: '59800/31', total: 2315 },
  { name: '30-day period', price: 29900, start: mty('2026-04-20T00:00'), restored: mty('2026-04-22T00:00'), reason: 'atribuible_proveedor', minutes: 2880, parts: [[30, 2880]], proportional: '5980/3', total: 2392 },
  // Minutes that are not whole hours.
  { name: 'one minute', price: 35000, start: mty('2026-04-20T10:00'), restored: mty('2026-04-20T10:01'), reason: 'atribuible_proveedor', minutes: 1, parts: [[30, 1]], proportional: '175/216', total: 1 },
  { name: '30 minutes', price: 35000, start: mty('2026-04-20T10:00'), restored: mty('2026-04-20T10:30'), reason: 'atribuible_proveedor', minutes: 30, parts: [[30, 30]], proportional: '875/36', total: 29 },
  { name: '1 h 30 min', price: 35000, start: mty('2026-04-20T10:00'), restored: mty('2026-04-20T11:30'), reason: 'atribuible_proveedor', minutes: 90, parts: [[30, 90]], proportional: '875/12', total: 88 },
  { name: '50 h 30 min', price: 35000, start: mty('2026-04-20T10:00'), restored: mty('2026-04-22T12:30'), reason: 'atribuible_proveedor', minutes: 3030, parts: [[30, 3030]], proportional: '88375/36', total: 2946 },
  { name: 'seconds widen to the minute (10:00:30 → 10:01:10 is 2 min)', price: 35000, start: mty('2026-04-20T10:00:30'), restored: mty('2026-04-20T10:01:10'), reason: 'atribuible_proveedor', minutes: 2, parts: [[30, 2]], proportional: '175/108', total: 2 },
  // Bonus above the minimum.
  { name: 'bonus 25 %', price: 35000, bonus: 25, start: mty('2026-04-20T10:00'), restored: mty('2026-04-22T12:00'), reason: 'atribuible_proveedor', minutes: 3000, parts: [[30, 3000]], proportional: '21875/9', total: 3038 },
  { name: 'bonus 50 %', price: 35000, bonus: 50, start: mty('2026-04-20T10:00'), restored: mty('2026-04-22T12:00'), reason: 'atribuible_proveedor', minutes: 3000, parts: [[30, 3000]], proportional: '21875/9', total: 3646 },
  { name: 'bonus 100 %', price: 35000, bonus: 100, start: mty('2026-04-20T10:00'), restored: mty('2026-04-22T12:00'), reason: 'atribuible_proveedor', minutes: 3000, parts: [[30, 3000]], proportional: '21875/9', total: 4861 },
  { name: 'bonus 33 % on 333.33, 29-day period', price: 33333, bonus: 33, start: mty('2024-02-20T00:00'), restored: mty('2024-02-20T16:40'), reason: 'atribuible_proveedor', minutes: 1000, parts: [[29, 1000]], proportional: '277775/348', total: 1062 },
  // Plans.
  { name: '499.00 plan, 72 h, 31-day period', price: 49900, start: mty('2026-05-20T08:00'), restored: mty('2026-05-23T08:00'), reason: 'atribuible_proveedor', minutes: 4320, parts: [[31, 4320]], proportional: '149700/31', total: 5795 },
  { name: '599.00 plan, 72 h, 31-day period', price: 59900, start: mty('2026-05-20T08:00'), restored: mty('2026-05-23T08:00'), reason: 'atribuible_proveedor', minutes: 4320, parts: [[31, 4320]], proportional: '179700/31', total: 6956 },
  { name: '999.00 plan, 10 h', price: 99900, start: mty('2026-04-25T08:00'), restored: mty('2026-04-25T18:00'), reason: 'atribuible_proveedor', minutes: 600, parts: [[30, 600]], proportional: '2775/2', total: 1665 },
  { name: '1,500.00 plan, 7 h 15 min', price: 150000, start: mty('2026-04-25T08:00'), restored: mty('2026-04-25T15:15'), reason: 'atribuible_proveedor', minutes: 435, parts: [[30, 435]], proportional: '18125/12', total: 1813 },
  { name: 'a one-centavo plan owes less than half a centavo', price: 1, start: mty('2026-04-25T00:00'), restored: mty('2026-04-26T00:00'), reason: 'atribuible_proveedor', minutes: 1440, parts: [[30, 1440]], proportional: '1/30', total: 0 },
  { name: '1,000,000.00 plan, 3 h', price: 100000000, start: mty('2026-04-25T00:00'), restored: mty('2026-04-25T03:00'), reason: 'atribuible_proveedor', minutes: 180, parts: [[30, 180]], proportional: '1250000/3', total: 500000 },
  // Half up, exactly at the half and just below it.
  { name: 'exactly 2.5 centavos rounds up to 3', price: 60, bonus: 25, start: mty('2026-04-25T00:00'), restored: mty('2026-04-26T00:00'), reason: 'atribuible_proveedor', minutes: 1440, parts: [[30, 1440]], proportional: '2/1', total: 3 },
  { name: '2.458… centavos rounds down to 2', price: 59, bonus: 25, start: mty('2026-04-25T00:00'), restored: mty('2026-04-26T00:00'), reason: 'atribuible_proveedor', minutes: 1440, parts: [[30, 1440]], proportional: '59/30', total: 2 },
  { name: 'across midnight, same period', price: 35000, start: mty('2026-04-20T20:00'), restored: mty('2026-04-21T04:00'), reason: 'atribuible_proveedor', minutes: 480, parts: [[30, 480]], proportional: '3500/9', total: 467 },
  // A whole period is its price plus the bonus, never more.
  { name: 'a whole 30-day period', price: 35000, start: mty('2026-04-16T00:00'), restored: mty('2026-05-16T00:00'), reason: 'atribuible_proveedor', minutes: 43200, parts: [[30, 43200]], proportional: '35000/1', total: 42000 },
  // Crossing a cut-off: each part priced by its own period.
  { name: 'crossing 15 Apr: 4 h of 31 days + 4 h of 30 days', price: 35000, start: mty('2026-04-15T20:00'), restored: mty('2026-04-16T04:00'), reason: 'atribuible_proveedor', minutes: 480, parts: [[31, 240], [30, 240]], proportional: '106750/279', total: 459 },
  { name: 'crossing 15 Mar 2026: 12 h of 28 days + 36 h of 31 days', price: 35000, start: mty('2026-03-15T12:00'), restored: mty('2026-03-17T12:00'), reason: 'atribuible_proveedor', minutes: 2880, parts: [[28, 720], [31, 2160]], proportional: '71875/31', total: 2782 },
  { name: 'crossing 15 Mar 2024: 12 h of 29 days + 36 h of 31 days', price: 35000, start: mty('2024-03-15T12:00'), restored: mty('2024-03-17T12:00'), reason: 'atribuible_proveedor', minutes: 2880, parts: [[29, 720], [31, 2160]], proportional: '2065000/899', total: 2756 },
  { name: 'ending exactly at the cut-off is one part', price: 35000, start: mty('2026-04-15T12:00'), restored: mty('2026-04-16T00:00'), reason: 'atribuible_proveedor', minutes: 720, parts: [[31, 720]], proportional: '17500/31', total: 677 },
  { name: 'starting exactly after the cut-off belongs to the new period', price: 35000, start: mty('2026-04-16T00:00'), restored: mty('2026-04-16T05:00'), reason: 'atribuible_proveedor', minutes: 300, parts: [[30, 300]], proportional: '4375/18', total: 292 },
  { name: 'four periods: 6 days, two whole periods, 4 days', price: 35000, start: mty('2026-03-10T00:00'), restored: mty('2026-05-20T00:00'), reason: 'atribuible_proveedor', minutes: 102240, parts: [[28, 8640], [31, 44640], [30, 43200], [31, 5760]], proportional: '2542500/31', total: 98419 },
  // Other cut-off days.
  { name: 'cut-off day 31 in February: 1–28 Feb', price: 35000, cutoffDay: 31, start: mty('2026-02-10T00:00'), restored: mty('2026-02-12T00:00'), reason: 'atribuible_proveedor', minutes: 2880, parts: [[28, 2880]], proportional: '2500/1', total: 3000 },
  { name: 'cut-off day 1: 2 Mar–1 Apr', price: 35000, cutoffDay: 1, start: mty('2026-03-10T00:00'), restored: mty('2026-03-12T00:00'), reason: 'atribuible_proveedor', minutes: 2880, parts: [[31, 2880]], proportional: '70000/31', total: 2710 },
  { name: 'cut-off day 31 falls on 30 Apr: 6 h of 30 days + 6 h of 31 days', price: 35000, cutoffDay: 31, start: mty('2026-04-30T18:00'), restored: mty('2026-05-01T06:00'), reason: 'atribuible_proveedor', minutes: 720, parts: [[30, 360], [31, 360]], proportional: '53375/93', total: 689 },
  // A zone with DST: a part never counts more minutes than its days × 24 h.
  { name: 'Matamoros, whole period with the fall-back hour: capped', price: 35000, zone: 'America/Matamoros', start: '2026-10-16T00:00-05:00', restored: '2026-11-16T00:00-06:00', reason: 'atribuible_proveedor', minutes: 44700, parts: [[31, 44640]], proportional: '35000/1', total: 42000 },
  { name: 'Matamoros, whole period missing the spring-forward hour', price: 35000, zone: 'America/Matamoros', start: '2026-02-16T00:00-06:00', restored: '2026-03-16T00:00-05:00', reason: 'atribuible_proveedor', minutes: 40260, parts: [[28, 40260]], proportional: '419375/12', total: 41938 },
  // Restoration before the report.
  { name: 'provider-attributable restored before the report: from the known start', price: 35000, start: mty('2026-04-20T10:00'), restored: mty('2026-04-20T13:00'), report: mty('2026-04-20T15:00'), reason: 'atribuible_proveedor', minutes: 180, parts: [[30, 180]], proportional: '875/6', total: 175 },
  { name: 'force majeure restored before the report: nothing', price: 35000, cause: 'fuerza_mayor', start: mty('2026-04-20T10:00'), restored: mty('2026-04-20T15:00'), report: mty('2026-04-20T18:00'), reason: 'fuerza_mayor_bajo_umbral', minutes: 0, parts: [], proportional: '0/1', total: 0 },
  // Force majeure: more than the threshold after the report, counted from the report.
  { name: 'force majeure, 20 h: below 24 h', price: 35000, cause: 'fuerza_mayor', start: mty('2026-04-20T10:00'), restored: mty('2026-04-21T06:00'), reason: 'fuerza_mayor_bajo_umbral', minutes: 1200, parts: [], proportional: '0/1', total: 0 },
  { name: 'force majeure, exactly 24 h: not more than 24 h', price: 35000, cause: 'fuerza_mayor', start: mty('2026-04-20T10:00'), restored: mty('2026-04-21T10:00'), reason: 'fuerza_mayor_bajo_umbral', minutes: 1440, parts: [], proportional: '0/1', total: 0 },
  { name: 'force majeure, 24 h 1 min', price: 35000, cause: 'fuerza_mayor', start: mty('2026-04-20T10:00'), restored: mty('2026-04-21T10:01'), reason: 'fuerza_mayor_sobre_umbral', minutes: 1441, parts: [[30, 1441]], proportional: '252175/216', total: 1401 },
  { name: 'force majeure, 24 h 30 s: above, the started minute counts', price: 35000, cause: 'fuerza_mayor', start: mty('2026-04-20T10:00:00'), restored: mty('2026-04-21T10:00:30'), reason: 'fuerza_mayor_sobre_umbral', minutes: 1441, parts: [[30, 1441]], proportional: '252175/216', total: 1401 },
  { name: 'force majeure, 50 h after the report, known start 10 h before it', price: 35000, cause: 'fuerza_mayor', start: mty('2026-04-20T00:00'), report: mty('2026-04-20T10:00'), restored: mty('2026-04-22T12:00'), reason: 'fuerza_mayor_sobre_umbral', minutes: 3000, parts: [[30, 3000]], proportional: '21875/9', total: 2917 },
  { name: 'force majeure, threshold 72 h, 50 h', price: 35000, cause: 'fuerza_mayor', threshold: 72, start: mty('2026-04-20T10:00'), restored: mty('2026-04-22T12:00'), reason: 'fuerza_mayor_bajo_umbral', minutes: 3000, parts: [], proportional: '0/1', total: 0 },
  { name: 'force majeure, threshold 72 h, 73 h', price: 35000, cause: 'fuerza_mayor', threshold: 72, start: mty('2026-04-20T10:00'), restored: mty('2026-04-23T11:00'), reason: 'fuerza_mayor_sobre_umbral', minutes: 4380, parts: [[30, 4380]], proportional: '63875/18', total: 4258 },
  { name: 'force majeure across a cut-off: 20 h of 31 days + 10 h of 30 days', price: 35000, cause: 'fuerza_mayor', start: mty('2026-04-15T04:00'), restored: mty('2026-04-16T10:00'), reason: 'fuerza_mayor_sobre_umbral', minutes: 1800, parts: [[31, 1200], [30, 600]], proportional: '398125/279', total: 1712 },
  // Other causes owe nothing.
  { name: 'cause atribuible_cliente', price: 35000, cause: 'atribuible_cliente', start: mty('2026-04-20T10:00'), restored: mty('2026-04-22T12:00'), reason: 'causa_no_compensable', minutes: 3000, parts: [], proportional: '0/1', total: 0 },
  { name: 'cause sin_falla', price: 35000, cause: 'sin_falla', start: mty('2026-04-20T10:00'), restored: mty('2026-04-20T11:00'), reason: 'causa_no_compensable', minutes: 60, parts: [], proportional: '0/1', total: 0 },
];

const inputOf = (row: Row): CompensationInput => ({
  monthlyPriceCentavos: row.price,
  cutoffDay: row.cutoffDay ?? 15,
  timeZone: row.zone ?? 'America/Monterrey',
  failureStartedAt: row.start,
  reportedAt: row.report ?? row.start,
  restoredAt: row.restored,
  cause: row.cause ?? 'atribuible_proveedor',
  settings: { bonusPercent: row.bonus ?? 20, forceMajeureThresholdHours: row.threshold ?? 24 },
});

describe('compensation (bonificación) to the centavo', () => {
  it('has at least 40 cases', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(ROWS)('$name', (row) => {
    const result = compensationFor(inputOf(row));
    expect(result.reason).toBe(row.reason);
    expect(result.owed).toBe(
      row.reason === 'atribuible_proveedor' || row.reason === 'fuerza_mayor_sobre_umbral',
    );
    expect(result.affectedMinutes).toBe(row.minutes);
    expect(result.affectedHours * 60 + result.affectedRemainderMinutes).toBe(row.minutes);
    expect(result.parts.map((p) => [p.periodDays, p.minutes])).toEqual(row.parts);
    expect(`${result.proportional.numerator}/${result.proportional.denominator}`).toBe(row.proportional);
    expect(result.totalCentavos).toBe(row.total);
    expect(result.bonusPercent).toBe(row.bonus ?? 20);
    expect(result.source).toContain('NOM-184-SCFI-2018');
  });
});

describe('what the agent and the customer read', () => {
  it('writes the worked example as the formula with the one money format', () => {
    const result = compensationFor(inputOf(ROWS[0] as Row));
    expect(result.explanation).toBe(
      'Bonificación: 50 h sin servicio × $350.00 MXN / 720 h + 20 % = $29.17 MXN',
    );
    expect(result.bonus).toEqual({ numerator: '4375', denominator: '9' });
    expect(result.countedFrom).toBe('2026-04-20T16:00:00Z');
    expect(result.restoredAt).toBe('2026-04-22T18:00:00Z');
  });

  it('writes each part of an outage across a cut-off, with its period', () => {
    const row = ROWS.find((r) => r.name.startsWith('crossing 15 Apr')) as Row;
    const result = compensationFor(inputOf(row));
    expect(result.explanation).toBe(
      'Bonificación: (4 h sin servicio × $350.00 MXN / 744 h + 4 h sin servicio × $350.00 MXN / 720 h) + 20 % = $4.59 MXN',
    );
    expect(result.parts.map((p) => [p.periodStart, p.periodEnd, p.from, p.to])).toEqual([
      ['2026-03-16', '2026-04-15', '2026-04-16T02:00:00Z', '2026-04-16T06:00:00Z'],
      ['2026-04-16', '2026-05-15', '2026-04-16T06:00:00Z', '2026-04-16T10:00:00Z'],
    ]);
  });

  it('says force majeure counts from the report, and why nothing is owed', () => {
    const above = ROWS.find((r) => r.name.startsWith('force majeure, 50 h')) as Row;
    const result = compensationFor(inputOf(above));
    expect(result.countedFrom).toBe('2026-04-20T16:00:00Z');
    expect(result.explanation).toBe(
      'Bonificación (fuerza mayor, desde el reporte): 50 h sin servicio × $350.00 MXN / 720 h + 20 % = $29.17 MXN',
    );
    const below = compensationFor(inputOf(ROWS.find((r) => r.name.startsWith('force majeure, 20 h')) as Row));
    expect(below.explanation).toBe(
      'Sin bonificación: 20 h sin servicio desde el reporte, no más de 24 h (fuerza mayor).',
    );
    const other = compensationFor(inputOf(ROWS.find((r) => r.name === 'cause sin_falla') as Row));
    expect(other.explanation).toBe('Sin bonificación: la causa (sin_falla) no da lugar a bonificación.');
  });

  it('writes minutes that are not whole hours', () => {
    const result = compensationFor(inputOf(ROWS.find((r) => r.name === '1 h 30 min') as Row));
    expect(result.explanation).toBe(
      'Bonificación: 1 h 30 min sin servicio × $350.00 MXN / 720 h + 20 % = $0.88 MXN',
    );
    const short = compensationFor(inputOf(ROWS.find((r) => r.name === '30 minutes') as Row));
    expect(short.explanation).toContain('30 min sin servicio');
  });
});

describe('inputs that cannot be right', () => {
  const valid = inputOf(ROWS[0] as Row);
  it.each<[string, Partial<CompensationInput>, string]>([
    ['restored at the start', { restoredAt: mty('2026-04-20T10:00') }, 'restoredAt'],
    ['restored before the start', { restoredAt: mty('2026-04-19T10:00') }, 'restoredAt'],
    ['a start after the report', { reportedAt: mty('2026-04-20T09:00') }, 'failureStartedAt'],
    ['an instant without offset', { failureStartedAt: '2026-04-20T10:00' }, 'failureStartedAt'],
    ['a restoration that is not an instant', { restoredAt: 'ayer' }, 'restoredAt'],
    ['an outage over 366 days', { restoredAt: mty('2027-04-22T12:00') }, 'restoredAt'],
    ['a price of zero', { monthlyPriceCentavos: 0 }, 'monthlyPriceCentavos'],
    ['a negative price', { monthlyPriceCentavos: -35000 }, 'monthlyPriceCentavos'],
    ['a fraction of a centavo', { monthlyPriceCentavos: 350.5 }, 'monthlyPriceCentavos'],
    ['cut-off day 0', { cutoffDay: 0 }, 'cutoffDay'],
    ['cut-off day 32', { cutoffDay: 32 }, 'cutoffDay'],
    ['an unknown zone', { timeZone: 'Mars/Olympus' }, 'timeZone'],
    [
      'a bonus below 20 %',
      { settings: { bonusPercent: 19, forceMajeureThresholdHours: 24 } },
      'settings.bonusPercent',
    ],
    [
      'a zero threshold',
      { settings: { bonusPercent: 20, forceMajeureThresholdHours: 0 } },
      'settings.forceMajeureThresholdHours',
    ],
  ])('refuses %s, naming the field', (_name, change, field) => {
    let error: unknown;
    try {
      compensationFor({ ...valid, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'compensation.invalid', status: 422, field });
  });
});
