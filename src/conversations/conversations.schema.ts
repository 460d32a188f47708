import { z } from 'zod';
import {
  CONVERSATION_CLOSE_REASONS,
  DELIVERY_STATUSES,
  LANGUAGES,
  MESSAGE_KINDS,
} from '../domain/vocabulary.ts';

export const ConversationsParams = z.object({ id: z.uuid() });

/** A menu conversation as the customer page shows it: its turns both ways and the case it led to. */
export const ConversationResponse = z.object({
  id: z.uuid(),
  channel: z.string(),
  language: z.enum(LANGUAGES),
  startedAt: z.string(),
  lastActivityAt: z.string(),
  closedAt: z.string().nullable(),
  closeReason: z.enum(CONVERSATION_CLOSE_REASONS).nullable(),
  /** The case the conversation opened (a request or a hand-over), if any. */
  folio: z.string().nullable(),
  turns: z.array(
    z.object({
      kind: z.enum(MESSAGE_KINDS),
      body: z.string(),
      deliveryStatus: z.enum(DELIVERY_STATUSES).nullable(),
      createdAt: z.string(),
    }),
  ),
});
export const ConversationsResponse = z.array(ConversationResponse);
