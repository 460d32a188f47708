import type { paths } from '../shared/api-types.ts';
import { useAsync } from '../shared/hooks.ts';
import type { Channel } from '../shared/types.ts';
import { api } from './api.ts';

/**
 * A canned reply from the provider's profile: the warm "tú" form for WhatsApp and Messenger and the
 * formal "usted" form for e-mail, the portal and phone-call records. Placeholders: {folio}, {nombre}
 * (" " and the first name, or empty: "Hola{nombre}"), {plazo} (the resolution deadline).
 */
export type CannedReply =
  paths['/api/v1/canned-replies']['get']['responses'][200]['content']['application/json'][number];

/** The replies offered on a case of the given area: its own first, then those for every area. */
export function useCannedReplies(areaCode: string): CannedReply[] {
  const replies = useAsync(() => api.get<CannedReply[]>('/canned-replies', { area: areaCode }), [areaCode]);
  return replies.data ?? [];
}

/** WhatsApp and Messenger speak as "tú"; everything else as "usted". */
export const toneOf = (channel: Channel): 'tu' | 'usted' =>
  channel === 'whatsapp' || channel === 'facebook' ? 'tu' : 'usted';

/** A reply's title in the console's language, Spanish when it has none in that language. */
export const cannedTitle = (reply: Pick<CannedReply, 'title'>, language: string) =>
  (language.startsWith('en') ? reply.title.en : undefined) ?? reply.title.es;
