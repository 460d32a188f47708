import { z } from 'zod';
import { AttachmentInput } from '../attachments/attachments.service.ts';
import {
  DEADLINE_STATES,
  SERVICE_ORDER_KINDS,
  SERVICE_ORDER_STATUSES,
  VISIT_OUTCOMES,
} from '../domain/vocabulary.ts';

export const OrderParams = z.object({ id: z.uuid() });

export const CreateServiceOrderRequest = z.object({
  kind: z.enum(SERVICE_ORDER_KINDS),
  technicianAgentId: z
    .uuid()
    .optional()
    .describe('An active agent of role tecnico; give this or technicianName, not both'),
  technicianName: z
    .string()
    .trim()
    .min(1)
    .max(120)
    .optional()
    .describe('A technician who does not use Atiende (a contractor)'),
});

const Instant = z.iso.datetime({ offset: true });

export const ScheduleRequest = z.object({
  windowStart: Instant.describe(
    'When the technician may arrive at the earliest: not in the past, at most 60 days ahead',
  ),
  windowEnd: Instant.describe(
    'When the technician arrives at the latest: after the start, within 12 hours of it',
  ),
});

export const VisitRequest = z.object({
  outcome: z.enum(VISIT_OUTCOMES),
  notes: z.string().trim().max(2000).optional().describe('What the technician found or did; erasable'),
  photo: AttachmentInput.optional().describe(
    'Evidence: a JPEG, PNG or WebP picture of at most 5 MB; required when the outcome is realizada or no_procede',
  ),
});

export const DayQuery = z.object({
  date: z.iso.date().describe('The day, in the provider’s time zone'),
});

const Clock = z.object({
  dueAt: z.string(),
  state: z.enum(DEADLINE_STATES),
  metAt: z.string().nullable(),
  source: z.string(),
});

export const VisitResponse = z.object({
  id: z.uuid(),
  outcome: z.enum(VISIT_OUTCOMES),
  photoSha256: z.string().nullable(),
  recordedAt: z.string(),
});

export const ServiceOrderResponse = z.object({
  id: z.uuid(),
  number: z.number().int(),
  folio: z.string(),
  kind: z.enum(SERVICE_ORDER_KINDS),
  status: z.enum(SERVICE_ORDER_STATUSES),
  serviceId: z.uuid().nullable(),
  technicianAgentId: z.uuid().nullable(),
  technicianName: z.string().nullable(),
  windowStart: z.string().nullable(),
  windowEnd: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  createdAt: z.string(),
  clock: Clock.nullable().describe('The order’s deadline: met by a visit ending it realizada or no_procede'),
  visits: z.array(VisitResponse),
});

export const ServiceOrderListResponse = z.object({ orders: z.array(ServiceOrderResponse) });

export const DayOrder = z.object({
  id: z.uuid(),
  number: z.number().int(),
  kind: z.enum(SERVICE_ORDER_KINDS),
  status: z.enum(SERVICE_ORDER_STATUSES),
  windowStart: z.string(),
  windowEnd: z.string(),
  confirmedAt: z.string().nullable(),
  address: z.string().nullable(),
  customerFirstName: z.string().nullable(),
  phone: z.string().nullable(),
});

export const DayResponse = z.object({ date: z.string(), timeZone: z.string(), orders: z.array(DayOrder) });
