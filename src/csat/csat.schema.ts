import { z } from 'zod';
import { CSAT_STATUSES } from '../domain/vocabulary.ts';

/** The link's token: what `randomToken` makes (43 base64url characters), with room to spare. */
export const SurveyTokenParams = z.object({
  token: z
    .string()
    .min(20)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/),
});

export const SurveyAnswer = z.object({
  score: z.number().int().min(1).max(5),
  comment: z.string().max(2000).optional(),
});

const SurveyTexts = z.object({
  question: z.string(),
  scores: z.array(z.string()),
  thanks: z.string(),
});

export const SurveyView = z.object({
  folio: z.string(),
  provider: z.string(),
  status: z.enum(CSAT_STATUSES),
  score: z.number().int().nullable(),
  texts: z.object({ es: SurveyTexts, en: SurveyTexts }),
});
