import { z } from 'zod';
import { DeadlineResponse } from '../cases/cases.schema.ts';
import { COMPENSATION_KINDS, COMPENSATION_STATUSES, PAYMENT_METHODS } from '../domain/vocabulary.ts';
import { MAX_OUTAGE_DAYS } from './compensation.ts';

export const FolioParams = z.object({ folio: z.string().min(1).max(40) });
export const CompensationIdParams = z.object({ id: z.uuid() });

export const ListCompensationsQuery = z.object({
  status: z.enum(COMPENSATION_STATUSES).default('por_aprobar'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.uuid().optional().describe('The last id of the previous page'),
});

const Reason = z.string().trim().min(1).max(2000);

export const DecisionRequest = z
  .object({
    decision: z.enum(['aprobar', 'ajustar', 'rechazar']),
    amountCentavos: z
      .number()
      .int()
      .positive()
      .max(100_000_000)
      .optional()
      .describe(
        'Adjusting: the amount to apply instead, above 0; more than computed is allowed (the provider may give more), up to 3 times it',
      ),
    reason: Reason.optional().describe('Required to adjust or reject; kept in the erasable event note'),
  })
  .refine((d) => d.decision !== 'ajustar' || d.amountCentavos !== undefined, {
    message: 'amountCentavos is required to adjust',
    path: ['amountCentavos'],
  })
  .refine((d) => d.decision === 'aprobar' || d.reason !== undefined, {
    message: 'reason is required to adjust or reject',
    path: ['reason'],
  });
export type DecisionRequest = z.infer<typeof DecisionRequest>;

export const RefundMadeRequest = z.object({
  method: z.enum(PAYMENT_METHODS).optional().describe('How the money was paid back'),
  reference: z.string().trim().min(1).max(120).optional().describe('The bank or payment reference'),
});

const DateOrInstant = z
  .string()
  .trim()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}($|T)/, 'a date (YYYY-MM-DD) or an ISO instant');

export const EquipmentRepairRequest = z.object({
  from: DateOrInstant.describe('When the equipment went to repair: a date (from its start) or an instant'),
  to: DateOrInstant.describe(
    `When it was back: a date (through its end) or an instant; not after today, at most ${MAX_OUTAGE_DAYS} days`,
  ),
  serviceId: z.uuid().optional().describe('The service; by default the case’s, or the customer’s only one'),
});

export const CompensationResponse = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  folio: z.string(),
  serviceId: z.uuid(),
  kind: z.enum(COMPENSATION_KINDS),
  status: z.enum(COMPENSATION_STATUSES),
  computedCentavos: z.number().int(),
  refundCentavos: z.number().int(),
  bonusCentavos: z.number().int(),
  appliedCentavos: z.number().int().nullable(),
  formula: z.record(z.string(), z.unknown()),
  explanation: z.string(),
  effectiveDate: z.string().nullable(),
  decidedBy: z.uuid().nullable(),
  decidedAt: z.string().nullable(),
  refundedAt: z.string().nullable(),
  refundDeadline: DeadlineResponse.nullable(),
  createdAt: z.string(),
});

export const CompensationListResponse = z.object({
  items: z.array(CompensationResponse),
  next: z.uuid().nullable(),
});
