import { z } from 'zod';
import { AttachmentInput } from '../attachments/attachments.service.ts';
import { DeadlineResponse } from '../cases/cases.schema.ts';
import { PAYMENT_METHODS, PAYMENT_STATUSES, PROMISE_STATUSES } from '../domain/vocabulary.ts';
import { MAX_AMOUNT_CENTAVOS } from './money.ts';

/** Money in the API: integer centavos, more than zero and below the typo ceiling. */
const Centavos = z.number().int().positive().max(MAX_AMOUNT_CENTAVOS);
const PlainDate = z.iso.date();

export const RegisterPaymentRequest = z.object({
  serviceId: z.uuid(),
  amountCentavos: Centavos,
  paidOn: PlainDate.describe('The date on the receipt, in the provider’s time zone; not after today'),
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().trim().min(1).max(100).optional().describe('Receipt number, SPEI tracking key…'),
  receipt: AttachmentInput.optional().describe('The receipt: a photo (JPEG, PNG, WebP, HEIC) or a PDF'),
  onSiteReconnection: z
    .boolean()
    .default(false)
    .describe('Reconnecting needs a visit: the reconnection clock runs the longer target'),
});
export type RegisterPaymentRequest = z.infer<typeof RegisterPaymentRequest>;

export const PaymentResponse = z.object({
  id: z.uuid(),
  serviceId: z.uuid(),
  amountCentavos: z.number().int(),
  paidOn: z.string(),
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().nullable(),
  receiptSha256: z.string().nullable().describe('Download with GET /attachments/{sha256}'),
  status: z.enum(PAYMENT_STATUSES),
  registeredBy: z.uuid(),
  confirmedBy: z.uuid().nullable().describe('Who confirmed or rejected it'),
  confirmedAt: z.string().nullable(),
  onSiteReconnection: z.boolean(),
  createdAt: z.string(),
});

export const NewPromiseRequest = z.object({
  serviceId: z.uuid(),
  amountCentavos: Centavos,
  promisedFor: PlainDate.describe('The date the customer promises to pay by, in the provider’s time zone'),
});

export const PromiseResponse = z.object({
  id: z.uuid(),
  serviceId: z.uuid(),
  amountCentavos: z.number().int(),
  promisedFor: z.string(),
  suspensionHeldUntil: z
    .string()
    .describe('While the promise stands, suspension for non-payment waits until this date'),
  status: z.enum(PROMISE_STATUSES),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
});

export const CasePaymentsResponse = z.object({
  requireConfirmation: z.boolean(),
  payments: z.array(PaymentResponse),
  promises: z.array(PromiseResponse),
  reconnections: z.array(z.object({ serviceId: z.uuid(), deadline: DeadlineResponse })),
});
