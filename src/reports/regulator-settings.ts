import { z } from 'zod';
import { REQUEST_TYPES, type RequestType } from '../domain/vocabulary.ts';

const Code = z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _');

/**
 * A line of the regulator's report that groups request types. A category naming `subtypes` takes only
 * the cases of those subtypes of its types; the others fall into the type's category without subtypes.
 */
export const RegulatorCategorySchema = z.object({
  code: Code,
  name: z.string().min(1).max(120),
  requestTypes: z.array(z.enum(REQUEST_TYPES)).min(1),
  subtypes: z.array(Code).min(1).optional(),
});
export type RegulatorCategory = z.infer<typeof RegulatorCategorySchema>;

/** The names the console shows for each type, so the default report reads as the agents' screens do. */
const DEFAULT_NAMES: Record<RequestType, string> = {
  duda: 'Duda',
  consulta: 'Consulta',
  aclaracion: 'Aclaración',
  queja: 'Queja',
  falla: 'Reporte de falla',
  sugerencia: 'Sugerencia',
  contratacion: 'Contratación',
  saldo: 'Consulta de saldo',
  cancelacion: 'Cancelación',
  suspension: 'Suspensión',
  arco: 'Derechos ARCO',
};

export const defaultRegulatorReport = () => ({
  categories: REQUEST_TYPES.map((type) => ({ code: type, name: DEFAULT_NAMES[type], requestTypes: [type] })),
  generationHour: 6,
});

export const RegulatorReportSettingsSchema = z
  .object({
    categories: z.array(RegulatorCategorySchema).min(1).max(100),
    /**
     * The hour (provider's time zone) of the 1st of each month from which the previous month's report is
     * generated; later hours and days of the first week retry if the server was down.
     */
    generationHour: z.number().int().min(0).max(23),
  })
  .superRefine((settings, ctx) => {
    const codes = new Set<string>();
    settings.categories.forEach((category, i) => {
      if (codes.has(category.code))
        ctx.addIssue({
          code: 'custom',
          path: ['categories', i, 'code'],
          message: `duplicate ${category.code}`,
        });
      codes.add(category.code);
    });
    // Each type needs exactly one category that takes whatever subtype its cases have, or some case would
    // be counted twice or nowhere.
    for (const type of REQUEST_TYPES) {
      const general = settings.categories.filter((c) => !c.subtypes && c.requestTypes.includes(type));
      if (general.length !== 1)
        ctx.addIssue({
          code: 'custom',
          path: ['categories'],
          message: `request type ${type} is in ${general.length} categories without subtypes; it must be in exactly one`,
        });
    }
    const pairs = new Set<string>();
    settings.categories.forEach((category, i) => {
      for (const type of category.requestTypes)
        for (const subtype of category.subtypes ?? []) {
          const pair = `${type}/${subtype}`;
          if (pairs.has(pair))
            ctx.addIssue({
              code: 'custom',
              path: ['categories', i, 'subtypes'],
              message: `${pair} is already in another category`,
            });
          pairs.add(pair);
        }
    });
  })
  .default(defaultRegulatorReport);
export type RegulatorReportSettings = z.infer<typeof RegulatorReportSettingsSchema>;

/** The report's settings, with the defaults for settings stored before the section existed. */
export const regulatorReportSettings = (settings: {
  regulatorReport?: RegulatorReportSettings;
}): RegulatorReportSettings => settings.regulatorReport ?? defaultRegulatorReport();

/** The category a case of this type and subtype is counted in. */
export function categoryOf(
  categories: readonly RegulatorCategory[],
  requestType: string,
  subtype: string | null,
): RegulatorCategory | undefined {
  const matches = categories.filter((c) => (c.requestTypes as readonly string[]).includes(requestType));
  return (
    (subtype ? matches.find((c) => c.subtypes?.includes(subtype)) : undefined) ??
    matches.find((c) => !c.subtypes)
  );
}
