/** How WhatsApp carries a file: the Cloud API's media message type for it, and its size limit. */
export interface WhatsAppMediaRule {
  type: 'image' | 'audio' | 'video' | 'document';
  maxBytes: number;
}

const MB = 1024 * 1024;

/**
 * The file types the Cloud API sends as media messages (Meta's "Supported media types"): GIF, WebP
 * (stickers only) and HEIC pictures are not among them, and pictures are limited to 5 MB.
 */
export const WHATSAPP_MEDIA: Readonly<Record<string, WhatsAppMediaRule>> = {
  'image/jpeg': { type: 'image', maxBytes: 5 * MB },
  'image/png': { type: 'image', maxBytes: 5 * MB },
  'audio/aac': { type: 'audio', maxBytes: 16 * MB },
  'audio/amr': { type: 'audio', maxBytes: 16 * MB },
  'audio/mpeg': { type: 'audio', maxBytes: 16 * MB },
  'audio/mp4': { type: 'audio', maxBytes: 16 * MB },
  'audio/ogg': { type: 'audio', maxBytes: 16 * MB },
  'video/mp4': { type: 'video', maxBytes: 16 * MB },
  'text/plain': { type: 'document', maxBytes: 100 * MB },
  'application/pdf': { type: 'document', maxBytes: 100 * MB },
  'application/msword': { type: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    type: 'document',
    maxBytes: 100 * MB,
  },
  'application/vnd.ms-excel': { type: 'document', maxBytes: 100 * MB },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    type: 'document',
    maxBytes: 100 * MB,
  },
};

/** Media messages that may carry a caption (audio may not). */
export const CAPTIONED = new Set<WhatsAppMediaRule['type']>(['image', 'video', 'document']);
