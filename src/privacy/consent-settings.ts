import { z } from 'zod';
import type { ConsentPurpose } from '../domain/vocabulary.ts';

const ConsentText = z.object({ 'es-MX': z.string().min(1), en: z.string().min(1).optional() });

/**
 * The privacy notice's version and the words a person reads before consenting to each use. A consent
 * records the version it was given under, so a new notice (a new version) shows who consented to which.
 */
export const ConsentSettingsSchema = z.object({
  /** Changed whenever `provider.privacyNotice` or these texts change, e.g. `2026-12-01`. */
  noticeVersion: z.string().trim().min(1).max(40),
  /** The day the notice in force was published, shown beside it (YYYY-MM-DD). */
  noticeDate: z.iso.date(),
  texts: z.object({ promocionales: ConsentText, encuestas: ConsentText }),
});
export type ConsentSettings = z.infer<typeof ConsentSettingsSchema>;

export const defaultConsentSettings = (): ConsentSettings => ({
  noticeVersion: '2026-01-01',
  noticeDate: '2026-01-01',
  texts: {
    promocionales: {
      'es-MX':
        'Acepto recibir ofertas y promociones del proveedor por WhatsApp, Messenger o correo electrónico. Puedo retirar este consentimiento en cualquier momento.',
      en: 'I agree to receive offers and promotions from the provider by WhatsApp, Messenger or e-mail. I may withdraw this consent at any time.',
    },
    encuestas: {
      'es-MX':
        'Acepto que el proveedor me envíe encuestas sobre la calidad de su servicio. Puedo retirar este consentimiento en cualquier momento.',
      en: 'I agree that the provider may send me surveys about the quality of its service. I may withdraw this consent at any time.',
    },
  },
});

/** The consent settings, with the defaults for settings stored before the section existed. */
export const consentSettings = (settings: { consent?: ConsentSettings }): ConsentSettings =>
  settings.consent ?? defaultConsentSettings();

/** The words of one purpose in the asked language, Spanish when there is no English. */
export const consentText = (settings: ConsentSettings, purpose: ConsentPurpose, language: 'es' | 'en') => {
  const text = settings.texts[purpose];
  return language === 'en' && text.en ? text.en : text['es-MX'];
};
