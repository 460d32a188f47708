import type { ContactKind } from '../domain/vocabulary.ts';

/**
 * The doors a request can come through (`facebook` is Facebook Messenger), and the kinds of address by
 * which a customer is reached and recognised: the domain's lists, kept in src/domain/vocabulary.ts.
 */
export { CHANNELS, type Channel, CONTACT_KINDS, type ContactKind } from '../domain/vocabulary.ts';

/** Channels Atiende writes back through; a phone call or the portal has no outbound transport. */
export const WRITABLE_CHANNELS = ['whatsapp', 'email', 'facebook'] as const;
export type WritableChannel = (typeof WRITABLE_CHANNELS)[number];

/** The kind of a customer's contact point each written channel reaches. */
export const CONTACT_KIND_OF: Record<WritableChannel, ContactKind> = {
  whatsapp: 'whatsapp',
  email: 'email',
  facebook: 'messenger',
};
