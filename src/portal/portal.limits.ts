import { type AttachmentInput, MAX_ATTACHMENT_BYTES } from '../attachments/attachments.service.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderSettings } from '../settings/settings.service.ts';

export interface PortalAttachmentLimits {
  maxAttachments: number;
  maxAttachmentBytes: number;
}

/** What the portal takes when the provider's settings say nothing (they predate the setting). */
export const DEFAULT_PORTAL_ATTACHMENTS: PortalAttachmentLimits = {
  maxAttachments: 3,
  maxAttachmentBytes: MAX_ATTACHMENT_BYTES,
};

/** The most the settings may allow: a route's fixed ceiling, under the limit of the settings in force. */
export const LARGEST_PORTAL_ATTACHMENTS: PortalAttachmentLimits = {
  maxAttachments: 5,
  maxAttachmentBytes: MAX_ATTACHMENT_BYTES,
};

export const portalAttachmentLimits = (settings: ProviderSettings): PortalAttachmentLimits =>
  settings.portal ?? DEFAULT_PORTAL_ATTACHMENTS;

// The text of a request or reply as JSON at its worst: every character of the 5,000 of a description
// and of the other fields escaped as \uXXXX (6 bytes).
const TEXT_HEADROOM = 64 * 1024;
// A file's name and type, escaped the same way, and its JSON punctuation.
const FILE_HEADROOM = 4 * 1024;

/** The largest body of a portal request or reply: the files allowed, base64-encoded, and their text. */
export function portalBodyLimit(limits: PortalAttachmentLimits): number {
  const base64 = Math.ceil(limits.maxAttachmentBytes / 3) * 4;
  return TEXT_HEADROOM + limits.maxAttachments * (base64 + FILE_HEADROOM);
}

/** Refuses more files, or larger ones, than the provider's portal takes; names the offending field. */
export function assertPortalAttachments(limits: PortalAttachmentLimits, attachments: AttachmentInput[]) {
  if (attachments.length > limits.maxAttachments) {
    throw new AppError('attachment.too_many', {
      status: 422,
      field: 'attachments',
      detail: `At most ${limits.maxAttachments} files`,
    });
  }
  attachments.forEach((attachment, i) => {
    if (Buffer.byteLength(attachment.data, 'base64') > limits.maxAttachmentBytes) {
      throw new AppError('attachment.size', {
        status: 413,
        field: `attachments.${i}.data`,
        detail: `Attachments must be at most ${Math.floor(limits.maxAttachmentBytes / 1024)} KB`,
      });
    }
  });
}
