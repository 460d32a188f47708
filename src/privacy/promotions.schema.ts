import { z } from 'zod';
import { Localized } from './breach.schema.ts';

/** An admin's promotional message, in Spanish and optionally English, for customers who consented. */
export const SendPromotionRequest = z.object({ text: Localized(1000) });

export const SendPromotionResponse = z.object({
  promotionId: z.uuid(),
  /** Customers with consent in force when it was sent; the job tells each once. */
  audience: z.number().int(),
});
