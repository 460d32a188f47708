/**
 * The doors a request can come through (`facebook` is Facebook Messenger), and the kinds of address by
 * which a customer is reached and recognised: the domain's lists, kept in src/domain/vocabulary.ts.
 */
export { CHANNELS, type Channel, CONTACT_KINDS, type ContactKind } from '../domain/vocabulary.ts';
