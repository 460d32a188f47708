import { z } from 'zod';

/**
 * The `privacy` section of a profile: the ARCO clocks and what is kept after a cancellation, each with the
 * text it comes from and whether that text is confirmed (../shared/domain/regulation.md), so the console
 * and the API show an unconfirmed figure as such.
 */

export const PRIVACY_SOURCES = {
  arco: 'LFPDPPP (DOF 05-07-2010), arts. 32 y 33: 20 días hábiles para comunicar la respuesta a una solicitud ARCO y 15 días hábiles más para hacerla efectiva si procede. Cifras de la ley anterior, *sin confirmar* en la LFPDPPP del 20-03-2025 y su reglamento.',
  retention:
    'Código Fiscal de la Federación, art. 30: la contabilidad y su documentación (comprobantes, registros de cobro) se conservan 5 años. Es un ajuste del proveedor: lo que se conserva (importes, número de cuenta, nombre fiscal) se anonimiza al vencer.',
} as const;

export const ArcoClockSettingsSchema = z.object({
  /** Business days, in the provider's calendar, to answer a request from its receipt. */
  answerBusinessDays: z.number().int().min(1).max(60).default(20),
  /** Business days to carry out a granted request, from its answer. */
  executeBusinessDays: z.number().int().min(1).max(60).default(15),
  /** Whether the figures are confirmed under the law in force; false until a primary text says them. */
  confirmed: z.boolean().default(false),
  source: z.string().min(1).default(PRIVACY_SOURCES.arco),
});

export const RetentionSettingsSchema = z.object({
  /** Years the billing records of an erased customer are kept before they are anonymised too. */
  billingYears: z.number().int().min(0).max(20).default(5),
  confirmed: z.boolean().default(true),
  source: z.string().min(1).default(PRIVACY_SOURCES.retention),
});

export const defaultPrivacy = () => ({
  arco: ArcoClockSettingsSchema.parse({}),
  retention: RetentionSettingsSchema.parse({}),
});

export const PrivacySettingsSchema = z
  .object({
    arco: ArcoClockSettingsSchema.default(() => defaultPrivacy().arco),
    retention: RetentionSettingsSchema.default(() => defaultPrivacy().retention),
  })
  .default(defaultPrivacy);

export type PrivacySettings = z.infer<typeof PrivacySettingsSchema>;

/** The privacy settings, with the defaults for settings stored before the section existed. */
export const privacySettings = (settings: { privacy?: PrivacySettings }): PrivacySettings =>
  settings.privacy ?? defaultPrivacy();
