import type { Channel, ContactPoint } from '../../shared/types.ts';
import { WRITABLE_CHANNELS } from './lifecycle.ts';

export type ReplyKind = 'whatsapp' | 'email' | 'messenger';

/** One way to answer: the case's own channel (the server finds the address), or a chosen contact point. */
export type ReplyOption =
  | { value: 'case'; channel: Channel }
  | { value: string; channel: Channel; via: { kind: ReplyKind; address: string } }
  | { value: 'record'; channel: null };

const CHANNEL_OF: Record<ReplyKind, Channel> = {
  whatsapp: 'whatsapp',
  email: 'email',
  messenger: 'facebook',
};
const KIND_OF: Partial<Record<Channel, ReplyKind>> = {
  whatsapp: 'whatsapp',
  email: 'email',
  facebook: 'messenger',
};
// After the case's own channel: WhatsApp, which people read at once, then e-mail, then Messenger.
const PREFERENCE: ReplyKind[] = ['whatsapp', 'email', 'messenger'];

/**
 * The ways an agent can answer a case, the default first: the case's channel when it carries replies,
 * else the customer's WhatsApp, else their e-mail, else Messenger; a contact given (unproven) with the
 * case counts too. A phone or portal case can also just be recorded for the portal.
 */
export function replyOptions(
  caseChannel: Channel,
  points: Array<Pick<ContactPoint, 'kind' | 'address'>>,
  claimed: { kind: string; address: string } | null | undefined,
): ReplyOption[] {
  const own = WRITABLE_CHANNELS.includes(caseChannel) ? KIND_OF[caseChannel] : undefined;
  const candidates = [...points];
  if (claimed?.kind === 'email') candidates.push({ kind: 'email', address: claimed.address });
  if (claimed?.kind === 'phone') candidates.push({ kind: 'whatsapp', address: claimed.address });
  const seen = new Set<string>();
  const others: ReplyOption[] = [];
  for (const kind of PREFERENCE) {
    // The case's channel answers the address the customer wrote from; other addresses are other routes.
    if (kind === own) continue;
    for (const point of candidates) {
      const value = `${kind}:${point.address}`;
      if (point.kind !== kind || seen.has(value)) continue;
      seen.add(value);
      others.push({ value, channel: CHANNEL_OF[kind], via: { kind, address: point.address } });
    }
  }
  if (own) return [{ value: 'case', channel: caseChannel }, ...others];
  return [...others, { value: 'record', channel: null }];
}
