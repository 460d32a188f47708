import { z } from 'zod';

/**
 * What the satisfaction survey says, per language. `{proveedor}`, `{folio}` and `{enlace}` (the survey's
 * page) are filled in where they appear.
 */
export const CsatTextsSchema = z.object({
  /** The question sent on WhatsApp and Messenger, answered by tapping a score. */
  question: z.string().min(1).max(900),
  /** The same question with the survey page's address, for e-mail, the portal and a closed chat window. */
  questionWithLink: z
    .string()
    .min(1)
    .max(900)
    .refine((text) => text.includes('{enlace}'), 'must contain {enlace}, the survey page’s address'),
  /** WhatsApp's list button. */
  button: z.string().min(1).max(20),
  /** The five scores' titles, worst first (list rows and quick replies show at most 20 characters). */
  scores: z.tuple([
    z.string().min(1).max(20),
    z.string().min(1).max(20),
    z.string().min(1).max(20),
    z.string().min(1).max(20),
    z.string().min(1).max(20),
  ]),
  thanks: z.string().min(1).max(900),
});
export type CsatTexts = z.infer<typeof CsatTextsSchema>;

const ES: CsatTexts = {
  question:
    '¿Cómo calificas la atención que recibiste en tu folio {folio}? Elige de 1 (muy mala) a 5 (excelente).',
  questionWithLink:
    '¿Cómo calificas la atención que recibiste en tu folio {folio}? Cuéntanos en un minuto: {enlace}',
  button: 'Calificar',
  scores: ['1 · Muy mala', '2 · Mala', '3 · Regular', '4 · Buena', '5 · Excelente'],
  thanks: 'Gracias por tu respuesta. Nos ayuda a mejorar.',
};

const EN: CsatTexts = {
  question:
    'How would you rate the service you got on folio {folio}? Pick from 1 (very poor) to 5 (excellent).',
  questionWithLink: 'How would you rate the service you got on folio {folio}? Tell us in a minute: {enlace}',
  button: 'Rate',
  scores: ['1 · Very poor', '2 · Poor', '3 · Fair', '4 · Good', '5 · Excellent'],
  thanks: 'Thank you for your answer. It helps us improve.',
};

export const defaultCsat = () => ({
  enabled: true,
  periodDays: 30,
  expiresAfterHours: 72,
  texts: { es: ES, en: EN },
});

/**
 * The satisfaction survey sent once a case is closed. A customer is asked at most once per `periodDays`,
 * and an unanswered survey expires after `expiresAfterHours`. Outside WhatsApp's 24-hour window the
 * approved template named by `whatsappTemplate` carries the link, if there is one.
 */
export const CsatSettingsSchema = z.object({
  enabled: z.boolean().default(true),
  periodDays: z.number().int().min(0).max(365).default(30),
  expiresAfterHours: z
    .number()
    .int()
    .min(1)
    .max(30 * 24)
    .default(72),
  whatsappTemplate: z
    .string()
    .regex(/^[a-z0-9_]+$/)
    .optional(),
  texts: z
    .object({ es: CsatTextsSchema.default(ES), en: CsatTextsSchema.default(EN) })
    .default({ es: ES, en: EN }),
});
export type CsatSettings = z.infer<typeof CsatSettingsSchema>;

/** The survey settings, with the defaults for settings stored before the section existed. */
export const csatSettings = (settings: { csat?: CsatSettings }): CsatSettings =>
  settings.csat ?? defaultCsat();
