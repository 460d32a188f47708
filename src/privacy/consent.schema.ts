import { z } from 'zod';
import { PortalAccountLogin } from '../accounts/pin.schema.ts';
import { CHANNELS, CONSENT_PURPOSES } from '../domain/vocabulary.ts';

const Localized = z.object({ 'es-MX': z.string(), en: z.string().optional() });

export const ConsentCustomerParams = z.object({ id: z.uuid() });

/** An agent records what the customer said about one use, on the channel they said it. */
export const RecordConsentRequest = z.object({
  purpose: z.enum(CONSENT_PURPOSES),
  granted: z.boolean(),
  channel: z.enum(CHANNELS),
});

export const ConsentRecordResponse = z.object({
  id: z.uuid(),
  purpose: z.enum(CONSENT_PURPOSES),
  granted: z.boolean(),
  channel: z.string(),
  textVersion: z.string(),
  /** The opposition (ARCO) request this row carried out, if it came from one. */
  arcoRequestId: z.uuid().nullable(),
  recordedByAgentId: z.uuid().nullable(),
  recordedAt: z.string(),
});

const InForce = z.object({ promocionales: z.boolean(), encuestas: z.boolean() });

export const CustomerConsentsResponse = z.object({
  inForce: InForce,
  /** Every row, newest first. */
  history: z.array(ConsentRecordResponse),
});

/** The privacy notice's version and the day it was published, shown beside it. */
export const PrivacyNoticeVersionResponse = z.object({ noticeVersion: z.string(), noticeDate: z.string() });

/** What the portal shows: the notice's version and date, and per use its text and whether consent is in force. */
export const PortalConsentsResponse = z.object({
  noticeVersion: z.string(),
  noticeDate: z.string(),
  purposes: z.array(z.object({ purpose: z.enum(CONSENT_PURPOSES), text: Localized, granted: z.boolean() })),
});

/**
 * The customer gives or withdraws consent with the account number and PIN, naming the version of the
 * notice they were shown: a consent to words the customer did not read is refused (409).
 */
export const PortalRecordConsentRequest = PortalAccountLogin.extend({
  purpose: z.enum(CONSENT_PURPOSES),
  granted: z.boolean(),
  textVersion: z.string().trim().min(1).max(40),
});
