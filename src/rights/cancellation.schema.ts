import { z } from 'zod';
import { PlainDate } from '../accounts/accounts.schema.ts';
import { CANCELLATION_SCOPES, CANCELLATION_STATUSES } from '../domain/vocabulary.ts';

export const CancellationFolioParams = z.object({ folio: z.string().min(1).max(40) });

export const RecordCancellationRequest = z.object({
  serviceId: z
    .uuid()
    .optional()
    .describe('The service to cancel; omitted, the case’s, else the customer’s only running one'),
  chosenDate: PlainDate.optional().describe(
    'A later effective date the customer chose, at most 365 days after the request; omitted, the day of the request',
  ),
  equipment: z
    .array(z.string().trim().min(1).max(200))
    .max(20)
    .optional()
    .describe('The provider’s equipment at the home to be returned'),
});

export const RetentionOfferRequest = z.object({
  text: z.string().trim().min(1).max(2000).describe('What was offered; it stops nothing'),
});

export const WithdrawCancellationRequest = z.object({
  messageId: z.uuid().describe('The customer’s written message on the case that withdraws it'),
});

export const CancellationResponse = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  serviceId: z.uuid(),
  scope: z.enum(CANCELLATION_SCOPES),
  status: z.enum(CANCELLATION_STATUSES),
  requestedAt: z.string(),
  effectiveDate: z.string(),
  carryOutBy: z.string(),
  withdrawalMessageId: z.uuid().nullable(),
  withdrawnAt: z.string().nullable(),
  effectedAt: z.string().nullable(),
  equipment: z.array(z.string()),
  equipmentReturnedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const RetentionOfferResponse = z.object({
  at: z.string(),
  agentId: z.uuid().nullable(),
  /** Null once the note was erased. */
  text: z.string().nullable(),
});

export const CaseCancellationResponse = z.object({
  cancellation: CancellationResponse.nullable(),
  /** The service's balance at the effective date (positive: the customer owes). */
  finalBalanceCentavos: z.number().int().nullable(),
  retentionOffers: z.array(RetentionOfferResponse),
});
