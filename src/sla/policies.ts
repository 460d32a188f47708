import { z } from 'zod';
import { REQUEST_TYPES } from '../cases/request-types.ts';
import {
  ALWAYS_OPEN_CALENDAR,
  addBusinessDays,
  addBusinessMillis,
  type Calendar,
  compileCalendar,
} from './calendar.ts';
import type { CalendarSpecInput } from './calendar-spec.ts';

/** A deadline target: an amount of minutes, hours or days, counted in business time or around the clock. */
export const TargetSchema = z
  .object({
    amount: z.number().positive().max(10_000),
    unit: z.enum(['minutes', 'hours', 'days']),
    clock: z.enum(['business', 'calendar']),
  })
  .refine((t) => t.unit !== 'days' || Number.isInteger(t.amount), {
    message: 'days are whole',
    path: ['amount'],
  });
export type Target = z.infer<typeof TargetSchema>;

export const DeadlinePolicySchema = z.object({
  requestType: z.enum(REQUEST_TYPES),
  /** Narrows the policy to one subtype; the policy without subtype covers the rest of the type. */
  subtype: z.string().optional(),
  firstResponse: TargetSchema,
  resolution: TargetSchema,
  /** Where the figure comes from (contract model, law, regulator's guidance, or the provider's own choice). */
  source: z.string().min(1),
});
export type DeadlinePolicy = z.infer<typeof DeadlinePolicySchema>;

const business = (amount: number, unit: Target['unit']): Target => ({ amount, unit, clock: 'business' });
const calendar = (amount: number, unit: Target['unit']): Target => ({ amount, unit, clock: 'calendar' });
const FIRST_RESPONSE = business(4, 'hours');
const PROVIDER_CHOICE = 'Default of Atiende, editable by the provider (no regulated figure)';

/**
 * Defaults from regulation.md, each with its source. Figures marked unconfirmed there are kept as
 * defaults and said so, for the provider to confirm.
 */
export const DEFAULT_DEADLINE_POLICIES: DeadlinePolicy[] = [
  {
    requestType: 'falla',
    firstResponse: calendar(2, 'hours'),
    resolution: calendar(24, 'hours'),
    source:
      'Repair within 24 h of the report: fixed-internet adhesion contract model registered with PROFECO (NOM-184-SCFI-2018), e.g. reg. 484-2023',
  },
  {
    requestType: 'queja',
    firstResponse: FIRST_RESPONSE,
    resolution: business(5, 'days'),
    source: 'Answer within 5 business days: PROFECO public guidance (unconfirmed as a general rule)',
  },
  {
    requestType: 'aclaracion',
    subtype: 'cargo_indebido',
    firstResponse: FIRST_RESPONSE,
    resolution: business(5, 'days'),
    source:
      'Refund of an improper charge within 5 business days of the claim, plus 20%: contract model (NOM-184-SCFI-2018)',
  },
  {
    requestType: 'aclaracion',
    firstResponse: FIRST_RESPONSE,
    resolution: business(5, 'days'),
    source: 'Same term as an improper-charge claim: contract model (NOM-184-SCFI-2018)',
  },
  {
    requestType: 'cancelacion',
    subtype: 'servicio_adicional',
    firstResponse: FIRST_RESPONSE,
    resolution: calendar(5, 'days'),
    source: 'Cancel an add-on service within 5 calendar days of the request: contract model',
  },
  {
    requestType: 'cancelacion',
    firstResponse: FIRST_RESPONSE,
    resolution: business(1, 'days'),
    source:
      'Cancellation at any time with folio and effective date (Carta de Derechos Mínimos item 9); 1 business day is Atiende’s default',
  },
  {
    requestType: 'suspension',
    subtype: 'robo_extravio',
    firstResponse: calendar(1, 'hours'),
    resolution: calendar(1, 'hours'),
    source: 'Theft or loss: immediate suspension, no further charges (Carta de Derechos Mínimos item 35)',
  },
  {
    requestType: 'suspension',
    firstResponse: FIRST_RESPONSE,
    resolution: business(2, 'days'),
    source: PROVIDER_CHOICE,
  },
  {
    requestType: 'contratacion',
    firstResponse: FIRST_RESPONSE,
    resolution: business(10, 'days'),
    source: 'Installation within 10 business days of signing: contract model',
  },
  {
    requestType: 'arco',
    firstResponse: business(1, 'days'),
    resolution: business(20, 'days'),
    source:
      'Answer ARCO requests within 20 business days: LFPDPPP (old law’s figure, unconfirmed under the 2025 law)',
  },
  {
    requestType: 'saldo',
    firstResponse: FIRST_RESPONSE,
    resolution: business(1, 'days'),
    source: 'Free balance inquiries (Carta item 15); 1 business day is Atiende’s default',
  },
  {
    requestType: 'duda',
    firstResponse: FIRST_RESPONSE,
    resolution: business(2, 'days'),
    source: PROVIDER_CHOICE,
  },
  {
    requestType: 'consulta',
    firstResponse: FIRST_RESPONSE,
    resolution: business(2, 'days'),
    source: PROVIDER_CHOICE,
  },
  {
    requestType: 'sugerencia',
    firstResponse: business(1, 'days'),
    resolution: business(5, 'days'),
    source: PROVIDER_CHOICE,
  },
];

/** The policy for a request: the one for its subtype if there is one, else the type's general one. */
export function policyFor(
  policies: readonly DeadlinePolicy[],
  requestType: string,
  subtype: string | null | undefined,
): DeadlinePolicy | undefined {
  return (
    (subtype ? policies.find((p) => p.requestType === requestType && p.subtype === subtype) : undefined) ??
    policies.find((p) => p.requestType === requestType && !p.subtype)
  );
}

const compiled = new Map<string, Calendar>();
// The same spec object (from the cached settings) comes back on every case: found without serialising it.
const compiledBySpec = new WeakMap<object, Calendar>();

/** A compiled calendar per distinct spec, kept for the life of the process (compiling precomputes intervals). */
export function calendarFor(spec: CalendarSpecInput): Calendar {
  const known = compiledBySpec.get(spec);
  if (known) return known;
  const key = JSON.stringify(spec);
  let calendar = compiled.get(key);
  if (!calendar) {
    calendar = compileCalendar(spec);
    compiled.set(key, calendar);
  }
  compiledBySpec.set(spec, calendar);
  return calendar;
}

/** The calendar a target counts in: the area's business calendar, or around the clock. */
export const calendarOfTarget = (target: Target, businessCalendar: Calendar) =>
  target.clock === 'business' ? businessCalendar : ALWAYS_OPEN_CALENDAR;

/** When a target falls due, counted from `start` in the target's calendar. */
export function dueAt(target: Target, businessCalendar: Calendar, start: Date): Date {
  const cal = calendarOfTarget(target, businessCalendar);
  if (target.unit === 'days') {
    // Calendar days are whole 24-hour days; business days keep the local time on the N-th open day.
    return new Date(
      target.clock === 'calendar'
        ? addBusinessMillis(cal, start, target.amount * 86_400_000)
        : addBusinessDays(cal, start, target.amount),
    );
  }
  const ms = target.amount * (target.unit === 'hours' ? 3_600_000 : 60_000);
  return new Date(addBusinessMillis(cal, start, ms));
}
