/** The doors a request can come through; `facebook` is Facebook Messenger. */
export const CHANNELS = ['telefono', 'whatsapp', 'email', 'portal', 'facebook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Kinds of address by which a customer is reached and recognised. */
export const CONTACT_KINDS = ['phone', 'email', 'whatsapp', 'messenger'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
