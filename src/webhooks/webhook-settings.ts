import { z } from 'zod';

/** Outbound webhooks: where they may point, how failed deliveries are retried and when a URL is given up. */
export const WebhookSettingsSchema = z.object({
  /**
   * Whether a subscription may point at a loopback, private or link-local address. Off, an admin's URL
   * cannot make the server call the provider's own network (or a cloud's metadata endpoint).
   */
  allowPrivateNetworks: z.boolean().default(false),
  /** Seconds to wait after each failed attempt before the next; when the list runs out, the delivery fails. */
  retryDelaysSeconds: z
    .array(
      z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 3600),
    )
    .max(10)
    .default(() => [...DEFAULT_RETRY_DELAYS_SECONDS]),
  /** Failed deliveries in a row after which a subscription is switched off and admins are told. */
  disableAfterFailures: z.number().int().min(1).max(1000).default(10),
});

export type WebhookSettings = z.infer<typeof WebhookSettingsSchema>;

const DEFAULT_RETRY_DELAYS_SECONDS = [30, 120, 600, 3600, 6 * 3600] as const;

export const defaultWebhookSettings = (): WebhookSettings => ({
  allowPrivateNetworks: false,
  retryDelaysSeconds: [...DEFAULT_RETRY_DELAYS_SECONDS],
  disableAfterFailures: 10,
});

/** The webhook settings, with the defaults for settings stored before the section existed. */
export const webhookSettings = (settings: { webhooks?: WebhookSettings }): WebhookSettings =>
  settings.webhooks ?? defaultWebhookSettings();
