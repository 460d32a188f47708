/** WhatsApp webhook payloads in Meta's documented shape, for tests that need their own ids and senders. */

let counter = 0;
export const uniqueWamid = (label = 'IN') => `wamid.TEST-${label}-${process.pid}-${++counter}-${Date.now()}`;

/** A `521…` WhatsApp id (the old mobile prefix Meta still sends for many Mexican numbers). */
export const waId = (n: number) => `52181${String(10_000_000 + n).slice(-8)}`;

export function waMessagesPayload(
  from: string,
  name: string,
  messages: Array<Record<string, unknown>>,
  timestamp = Math.floor(Date.now() / 1000),
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '100000000000001',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '528147746333', phone_number_id: '200000000000001' },
              contacts: [{ profile: { name }, wa_id: from }],
              messages: messages.map((m) => ({
                from,
                id: uniqueWamid(),
                timestamp: String(timestamp),
                ...m,
              })),
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

export const waText = (body: string) => ({ type: 'text', text: { body } });
export const waImage = (mediaId: string, caption?: string) => ({
  type: 'image',
  image: { mime_type: 'image/jpeg', sha256: 'x', id: mediaId, ...(caption ? { caption } : {}) },
});

export function waStatusPayload(
  externalId: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
  recipient: string,
  errors?: Array<{ code: number; title: string; message?: string; error_data?: { details: string } }>,
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '100000000000001',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '528147746333', phone_number_id: '200000000000001' },
              statuses: [
                {
                  id: externalId,
                  status,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: recipient,
                  ...(errors ? { errors } : {}),
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}
