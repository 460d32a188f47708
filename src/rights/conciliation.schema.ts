import { z } from 'zod';
import { PlainDate } from '../accounts/accounts.schema.ts';

export const ConciliationParams = z.object({ id: z.uuid(), conciliationId: z.uuid() });

export const OpenConciliationRequest = z.object({
  expediente: z.string().trim().min(1).max(60).describe('PROFECO’s file number for the conciliation'),
  openedOn: PlainDate.describe('The day PROFECO opened it; not after today'),
  serviceId: z.uuid().optional().describe('The service it is about; omitted, the whole account'),
});
export type OpenConciliationRequest = z.infer<typeof OpenConciliationRequest>;

export const CloseConciliationRequest = z.object({
  closedOn: PlainDate.describe('The day it ended; not before it opened, not after today'),
});

export const ConciliationResponse = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  serviceId: z.uuid().nullable(),
  expediente: z.string(),
  openedOn: z.string(),
  closedOn: z.string().nullable(),
  createdBy: z.uuid(),
  createdAt: z.string(),
});
