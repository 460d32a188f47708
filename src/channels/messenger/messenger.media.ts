/** Messenger's attachment types, by the file's type; anything else goes as a plain `file`. */
export type MessengerAttachmentType = 'image' | 'audio' | 'video' | 'file';

/** The Send API's limit for an uploaded attachment. */
export const MESSENGER_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** Messenger shows pictures, plays audio and video, and offers everything else as a download. */
export function messengerAttachmentType(contentType: string): MessengerAttachmentType {
  if (contentType.startsWith('image/') && contentType !== 'image/heic') return 'image';
  if (contentType.startsWith('audio/')) return 'audio';
  if (contentType.startsWith('video/')) return 'video';
  return 'file';
}
