import { z } from 'zod';
import { WEBHOOK_DELIVERY_STATUSES } from '../domain/vocabulary.ts';
import { WEBHOOK_EVENT_KINDS } from './webhook-kinds.ts';

const Kinds = z
  .array(z.enum(WEBHOOK_EVENT_KINDS))
  .min(1)
  .max(WEBHOOK_EVENT_KINDS.length)
  .transform((kinds) => [...new Set(kinds)]);

const Url = z.string().trim().min(1).max(2000);

export const CreateWebhookRequest = z.object({
  url: Url,
  description: z.string().trim().max(200).default(''),
  eventKinds: Kinds,
});

export const UpdateWebhookRequest = z
  .object({
    url: Url.optional(),
    description: z.string().trim().max(200).optional(),
    eventKinds: Kinds.optional(),
    /** Switching a subscription back on forgets its failures in a row. */
    active: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to change' });

export const WebhookParams = z.object({ id: z.uuid() });

export const WebhookResponse = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string(),
  eventKinds: z.array(z.string()),
  active: z.boolean(),
  consecutiveFailures: z.number().int(),
  disabledAt: z.string().nullable(),
  createdAt: z.string(),
});

/** A subscription as created or after its secret is rotated: the only answers that carry the secret. */
export const WebhookWithSecretResponse = WebhookResponse.extend({ secret: z.string() });

export const WebhookListResponse = z.object({
  items: z.array(WebhookResponse),
  /** The kinds a subscription may choose. */
  availableKinds: z.array(z.enum(WEBHOOK_EVENT_KINDS)),
});

export const WebhookDeliveriesQuery = z.object({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const WebhookDeliveryResponse = z.object({
  id: z.uuid(),
  eventId: z.number().int(),
  eventKind: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});

export const WebhookTestResponse = z.object({
  delivered: z.boolean(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
});
