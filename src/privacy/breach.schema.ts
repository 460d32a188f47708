import { z } from 'zod';

/** A text for the affected people, in Spanish and optionally English (sent by each one's language). */
export const Localized = (max: number) =>
  z.object({ 'es-MX': z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max).optional() });

/** Who a breach affected: every customer, the customers with a service in some zones (and below), or a list. */
export const BreachAffected = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('todos') }),
  z.object({ kind: z.literal('zonas'), zoneIds: z.array(z.number().int().positive()).min(1).max(500) }),
  z.object({ kind: z.literal('clientes'), customerIds: z.array(z.uuid()).min(1).max(10_000) }),
]);

export const DeclareBreachNoticeRequest = z.object({
  title: Localized(200),
  body: Localized(3000),
  affected: BreachAffected,
});

export const BreachNoticeParams = z.object({ id: z.uuid() });

export const BreachNoticeResponse = z.object({
  id: z.uuid(),
  title: z.object({ 'es-MX': z.string(), en: z.string().optional() }),
  body: z.object({ 'es-MX': z.string(), en: z.string().optional() }),
  declaredByAgentId: z.uuid(),
  createdAt: z.string(),
  affectedCount: z.number().int(),
  /** People whose notice was handled: queued on a written channel, or recorded as not deliverable. */
  processed: z.number().int(),
  /** Notices queued on a written channel. */
  queued: z.number().int(),
  /** Notices the channel reported delivered or read. */
  delivered: z.number().int(),
  /** Notices no written channel could carry (an agent follows up on the recipient's case). */
  unreached: z.number().int(),
});
