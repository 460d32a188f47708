import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { type CancellationInput, type CancellationScope, cancellationTerms } from './cancellation.ts';

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('the effective date of a cancellation', () => {
  // [case, scope, request date, chosen date, add-on days, effective date, carry out by]
  it.each<[string, CancellationScope, string, string | null, number, string, string]>([
    ['a contract, today', 'contrato', '2026-12-07', null, 5, '2026-12-07', '2026-12-07'],
    [
      'a contract, the same day chosen',
      'contrato',
      '2026-12-07',
      '2026-12-07',
      5,
      '2026-12-07',
      '2026-12-07',
    ],
    [
      'a contract, a later date chosen',
      'contrato',
      '2026-12-07',
      '2026-12-31',
      5,
      '2026-12-31',
      '2026-12-31',
    ],
    ['a contract on 29 February', 'contrato', '2028-02-29', null, 5, '2028-02-29', '2028-02-29'],
    [
      'an add-on: billing stops today, switched off within 5 days',
      'servicio_adicional',
      '2026-12-07',
      null,
      5,
      '2026-12-07',
      '2026-12-12',
    ],
    [
      'an add-on across the new year',
      'servicio_adicional',
      '2026-12-29',
      null,
      5,
      '2026-12-29',
      '2027-01-03',
    ],
    ['an add-on across 29 February', 'servicio_adicional', '2028-02-27', null, 5, '2028-02-27', '2028-03-03'],
    [
      'an add-on, a date within the 5 days chosen',
      'servicio_adicional',
      '2026-12-07',
      '2026-12-09',
      5,
      '2026-12-09',
      '2026-12-12',
    ],
    [
      'an add-on, the fifth day chosen',
      'servicio_adicional',
      '2026-12-07',
      '2026-12-12',
      5,
      '2026-12-12',
      '2026-12-12',
    ],
    [
      'an add-on, a date after the 5 days chosen',
      'servicio_adicional',
      '2026-12-07',
      '2026-12-20',
      5,
      '2026-12-20',
      '2026-12-20',
    ],
    [
      'an add-on, a provider promising 2 days',
      'servicio_adicional',
      '2026-12-07',
      null,
      2,
      '2026-12-07',
      '2026-12-09',
    ],
    [
      'an add-on, a provider switching it off the same day',
      'servicio_adicional',
      '2026-12-07',
      null,
      0,
      '2026-12-07',
      '2026-12-07',
    ],
    [
      'a contract, a year after the request at most',
      'contrato',
      '2026-12-07',
      '2027-12-07',
      5,
      '2027-12-07',
      '2027-12-07',
    ],
  ])('%s', (_name, scope, requestDate, chosenDate, addOnCalendarDays, effective, carryOutBy) => {
    const terms = cancellationTerms({ scope, requestDate, chosenDate, settings: { addOnCalendarDays } });
    expect(terms).toMatchObject({ scope, requestDate, effectiveDate: effective, carryOutBy });
  });

  it('tells the customer the effective date and that nothing is charged after it', () => {
    const terms = cancellationTerms({
      scope: 'contrato',
      requestDate: '2026-12-07',
      settings: { addOnCalendarDays: 5 },
    });
    expect(terms.explanation).toBe(
      'El contrato se cancela con fecha efectiva 7 de diciembre de 2026; no se cobra nada después de esa fecha.',
    );
    expect(terms.source).toContain('Carta de Derechos Mínimos, punto 9');
  });

  const valid: CancellationInput = {
    scope: 'contrato',
    requestDate: '2026-12-07',
    settings: { addOnCalendarDays: 5 },
  };
  it.each<[string, Partial<CancellationInput>, string]>([
    ['a date before the request', { chosenDate: '2026-12-06' }, 'chosenDate'],
    ['a date more than 365 days after the request', { chosenDate: '2027-12-08' }, 'chosenDate'],
    ['a request date that does not exist', { requestDate: '2026-02-30' }, 'requestDate'],
    ['a request date-time', { requestDate: '2026-12-07T10:00' }, 'requestDate'],
    ['a chosen date that is not a date', { chosenDate: 'fin de mes' }, 'chosenDate'],
    ['more than 5 days for an add-on', { settings: { addOnCalendarDays: 6 } }, 'settings.addOnCalendarDays'],
  ])('refuses %s', (_name, change, field) => {
    const error = thrown(() => cancellationTerms({ ...valid, ...change }));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'cancellation.invalid', status: 422, field });
  });
});
