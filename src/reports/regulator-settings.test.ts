import { describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '../domain/vocabulary.ts';
import { categoryOf, defaultRegulatorReport, RegulatorReportSettingsSchema } from './regulator-settings.ts';

const general = (code: string, requestTypes: string[]) => ({ code, name: code, requestTypes });

describe('the regulator report’s categories', () => {
  it('defaults to one category per request type, named as the console names them', () => {
    const settings = RegulatorReportSettingsSchema.parse(undefined);
    expect(settings).toEqual(defaultRegulatorReport());
    expect(settings.categories.map((c) => c.requestTypes)).toEqual(REQUEST_TYPES.map((t) => [t]));
    expect(settings.categories.find((c) => c.code === 'falla')?.name).toBe('Reporte de falla');
  });

  it.each([
    ['a type in no category', REQUEST_TYPES.slice(1).map((t) => general(t, [t])), /duda is in 0/],
    [
      'a type in two categories',
      [...REQUEST_TYPES.map((t) => general(t, [t])), general('dudas', ['duda'])],
      /duda is in 2/,
    ],
    [
      'a repeated code',
      [...REQUEST_TYPES.map((t) => general(t, [t])), { ...general('falla', ['falla']), subtypes: ['x'] }],
      /duplicate falla/,
    ],
    [
      'a subtype claimed twice',
      [
        ...REQUEST_TYPES.map((t) => general(t, [t])),
        { ...general('lenta', ['falla']), subtypes: ['lentitud'] },
        { ...general('lenta2', ['falla']), subtypes: ['lentitud'] },
      ],
      /falla\/lentitud is already/,
    ],
  ])('refuses %s', (_, categories, message) => {
    const result = RegulatorReportSettingsSchema.safeParse({ categories, generationHour: 6 });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });

  it('puts a case in its subtype’s category, else its type’s general one', () => {
    const categories = [
      ...REQUEST_TYPES.map((t) => ({ code: t, name: t, requestTypes: [t] })),
      { code: 'lentitud', name: 'Lentitud', requestTypes: ['falla' as const], subtypes: ['lentitud'] },
    ];
    expect(RegulatorReportSettingsSchema.safeParse({ categories, generationHour: 6 }).success).toBe(true);
    expect(categoryOf(categories, 'falla', 'lentitud')?.code).toBe('lentitud');
    expect(categoryOf(categories, 'falla', 'sin_servicio')?.code).toBe('falla');
    expect(categoryOf(categories, 'falla', null)?.code).toBe('falla');
  });
});
