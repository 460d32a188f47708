import { z } from 'zod';
import { AttachmentInput } from '../attachments/attachments.service.ts';
import { CHANNELS, CONTACT_KINDS } from '../channels/channel.ts';
import {
  CASE_STATUSES,
  DEADLINE_KINDS,
  DELIVERY_STATUSES,
  MESSAGE_KINDS,
  PRIORITIES,
  RAISED_BY,
} from '../db/schema.ts';
import { INCIDENT_STATUSES } from '../domain/vocabulary.ts';
import { Instant } from '../http/instant.ts';
import { IntId, IntIdParam } from '../http/int-id.ts';
import { DEADLINE_STATES } from '../sla/deadline-state.ts';
import { REQUEST_TYPES } from './request-types.ts';

const Code = z.string().regex(/^[a-z][a-z0-9_]*$/);

export const CreateCaseRequest = z
  .object({
    requestType: z.enum(REQUEST_TYPES),
    subtype: Code.optional(),
    channel: z.enum(CHANNELS),
    /** An existing customer, or a contact point to find one by (an unknown one becomes a prospect). */
    customerId: z.uuid().optional(),
    contact: z.object({ kind: z.enum(CONTACT_KINDS), address: z.string().trim().min(1).max(320) }).optional(),
    serviceId: z.uuid().optional().describe('The customer’s service the case is about'),
    customerName: z.string().trim().min(1).max(200).optional(),
    raisedBy: z
      .object({ kind: z.enum(RAISED_BY), representativeId: z.uuid().optional() })
      .optional()
      .describe('Who raises it; defaults to the agent on the customer’s behalf'),
    subject: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().min(1).max(20_000),
    priority: z.enum(PRIORITIES).default('normal'),
    attachments: z.array(AttachmentInput).max(10).default([]),
  })
  .refine((c) => c.customerId || c.contact, {
    message: 'customerId or contact is required',
    path: ['customerId'],
  });
export type CreateCaseRequest = z.input<typeof CreateCaseRequest>;

export const ChangeStatusRequest = z.object({
  status: z.enum(CASE_STATUSES),
  causeCode: Code.optional(),
  /** Required when discarding: `duplicado` (with duplicateOfFolio) or `spam`. */
  discardReason: z.enum(['duplicado', 'spam']).optional(),
  duplicateOfFolio: z.string().max(40).optional(),
  /** The agent taking the case, when moving it to `asignado`. */
  assigneeId: z.uuid().optional(),
  note: z.string().trim().max(2000).optional(),
  /** Resolving a `falla`: when service came back (required unless already recorded on the case). */
  serviceRestoredAt: Instant.optional(),
  /** Resolving a `falla`: an earlier start than the report, when the provider knows it. */
  failureStartedAt: Instant.optional(),
  /**
   * Resolving an `aclaracion` of subtype `cargo_indebido` in the customer's favour: the charge refunded
   * (with its bonus, within the refund's business days from the claim).
   */
  improperCharge: z
    .object({
      amountCentavos: z.number().int().positive().max(100_000_000),
      /** The ledger's `cargo` being refunded, when the agent names it: the amount may not exceed it. */
      ledgerEntryId: z.number().int().positive().optional(),
    })
    .optional(),
});
export type ChangeStatusRequest = z.infer<typeof ChangeStatusRequest>;

export const FailureTimesRequest = z
  .object({
    /** Null: the failure started when it was reported. */
    failureStartedAt: Instant.nullable().optional(),
    serviceRestoredAt: Instant.optional(),
  })
  .refine((b) => b.failureStartedAt !== undefined || b.serviceRestoredAt !== undefined, {
    message: 'nothing to change',
    path: ['serviceRestoredAt'],
  });
export type FailureTimesRequest = z.infer<typeof FailureTimesRequest>;

export const TransferRequest = z.object({
  areaId: IntId,
  reason: z.string().trim().min(3).max(2000),
  agentId: z.uuid().optional(),
});
export const AssignRequest = z.object({ agentId: z.uuid() });
export const UpdateCaseRequest = z
  .object({
    priority: z.enum(PRIORITIES).optional(),
    /** A change of type (and subtype) recomputes the deadlines. */
    requestType: z.enum(REQUEST_TYPES).optional(),
    subtype: Code.nullable().optional(),
  })
  .refine((u) => u.priority !== undefined || u.requestType !== undefined || u.subtype !== undefined, {
    message: 'nothing to change',
    path: ['priority'],
  });
export type UpdateCaseRequest = z.infer<typeof UpdateCaseRequest>;

export const AddMessageRequest = z.object({
  kind: z
    .enum(MESSAGE_KINDS)
    .describe('entrante: what the customer said (e.g. on a call); saliente: a reply'),
  body: z.string().trim().min(1).max(20_000),
  attachments: z.array(AttachmentInput).max(10).default([]),
  /** WhatsApp outside the 24-hour window: an approved template to send instead of free text. */
  template: z.object({ name: z.string().min(1).max(100) }).optional(),
  /**
   * A reply: the customer's contact point to answer on (one of theirs, or the contact given with the
   * case); without it the reply goes on the case's channel.
   */
  replyVia: z
    .object({ kind: z.enum(['whatsapp', 'email', 'messenger']), address: z.string().trim().min(1).max(320) })
    .optional(),
});
export type AddMessageRequest = z.input<typeof AddMessageRequest>;

export const CASE_SORTS = ['recientes', 'plazo'] as const;
export const DEADLINE_FILTERS = ['vencido', 'por_vencer', 'en_tiempo', 'fuera_de_plazo'] as const;

export const ListCasesQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Folio (with or without dashes or check digit), customer name (partial, accents ignored), phone in any writing, e-mail, account number, or words of the case',
    ),
  /** One status, or `abiertos` for every status with work still to do. */
  status: z.enum([...CASE_STATUSES, 'abiertos']).optional(),
  areaId: IntIdParam.optional(),
  areaIds: z
    .string()
    .regex(/^[1-9]\d{0,8}(,[1-9]\d{0,8}){0,49}$/, 'Comma-separated area ids (at most 50)')
    .optional()
    .describe('Cases of any of these areas'),
  unassigned: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: nobody holds the case; false: somebody does'),
  deadline: z
    .enum(DEADLINE_FILTERS)
    .optional()
    .describe(
      'vencido, por_vencer, en_tiempo: the state of the nearest pending deadline (paused ones are in none); fuera_de_plazo: a deadline met late, or the nearest pending one overdue',
    ),
  sort: z
    .enum(CASE_SORTS)
    .default('recientes')
    .describe('recientes: newest first; plazo: nearest pending due date first, cases without one last'),
  assigneeId: z.uuid().optional(),
  requestType: z.enum(REQUEST_TYPES).optional(),
  channel: z.enum(CHANNELS).optional(),
  customerId: z.uuid().optional(),
  createdFrom: Instant.optional(),
  createdTo: Instant.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListCasesQuery = z.infer<typeof ListCasesQuery>;

const Ref = z.object({ id: z.string(), name: z.string().nullable() });

export const DeadlineResponse = z.object({
  dueAt: z.string(),
  state: z.enum(DEADLINE_STATES),
  remainingMs: z.number(),
  metAt: z.string().nullable(),
  lateByMs: z
    .number()
    .nullable()
    .describe(
      'Met after its due date: how late, in the deadline’s own clock (business time for business-day targets); else null',
    ),
  target: z.object({
    amount: z.number(),
    unit: z.enum(['minutes', 'hours', 'days']),
    clock: z.enum(['business', 'calendar']),
  }),
  source: z.string(),
});

export const CaseResponse = z.object({
  id: z.uuid(),
  folio: z.string(),
  requestType: z.enum(REQUEST_TYPES),
  subtype: z.string().nullable(),
  channel: z.enum(CHANNELS),
  status: z.enum(CASE_STATUSES),
  priority: z.enum(PRIORITIES),
  subject: z.string(),
  raisedBy: z.enum(RAISED_BY),
  customer: z.object({ id: z.uuid(), name: z.string().nullable(), accountNumber: z.string().nullable() }),
  area: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
  assignee: Ref.nullable(),
  causeCode: z.string().nullable(),
  discardReason: z.string().nullable(),
  duplicateOfFolio: z.string().nullable(),
  followsUpFolio: z.string().nullable(),
  /** A contact the customer gave on the portal without proving it, and the account holder it matches. */
  claimedContact: z.object({ kind: z.string(), address: z.string() }).nullable(),
  proposedCustomer: z.object({ id: z.uuid(), name: z.string().nullable() }).nullable(),
  /** The customer's service the case is about, when named. */
  serviceId: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  /** A `falla`'s start (the report unless an earlier one was recorded) and restoration; null otherwise. */
  failure: z
    .object({ startedAt: z.string(), startedAtReport: z.boolean(), restoredAt: z.string().nullable() })
    .nullable(),
  deadlines: z.object({
    primera_respuesta: DeadlineResponse.nullable(),
    resolucion: DeadlineResponse.nullable(),
  }),
  /** The deadline told to the customer: the resolution deadline. */
  deadline: DeadlineResponse.nullable(),
  /** The first response until it is met, then the resolution; null when both are met. */
  nearestDeadline: DeadlineResponse.extend({ kind: z.enum(DEADLINE_KINDS) }).nullable(),
});
export type CaseResponse = z.infer<typeof CaseResponse>;

export const MessageResponse = z.object({
  id: z.uuid(),
  kind: z.enum(MESSAGE_KINDS),
  channel: z.enum(CHANNELS),
  body: z.string(),
  authorAgentId: z.string().nullable(),
  deliveryStatus: z.enum(DELIVERY_STATUSES).nullable(),
  deliveryError: z.string().nullable(),
  attachments: z.array(
    z.object({ sha256: z.string(), filename: z.string(), contentType: z.string(), size: z.number() }),
  ),
  at: z.string(),
});

export const EventResponse = z.object({
  id: z.number().int(),
  kind: z.string(),
  subject: z.object({ kind: z.string(), id: z.string() }),
  actorKind: z.string(),
  actorAgentId: z.string().nullable(),
  /** The rule a change by `sistema` was made on. */
  actorRule: z.string().nullable(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  /** A code saying why (`round_robin`, `customer_replied`…). */
  reason: z.string().nullable(),
  /** What the agent wrote with the change (a transfer's reason, a status note); null once erased. */
  note: z.string().nullable(),
  noteErased: z.boolean(),
  at: z.string(),
});

export const TimelineEntry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message: MessageResponse }),
  z.object({ type: z.literal('event'), event: EventResponse }),
]);

export const CaseDetailResponse = CaseResponse.extend({
  timeline: z.array(TimelineEntry),
  /** Why a message sent without a chosen type got the type it opened with: the phrase that matched. */
  classification: z
    .object({ requestType: z.enum(REQUEST_TYPES), subtype: z.string().nullable(), rule: z.string() })
    .nullable(),
  /** The outage the case is linked to. */
  incident: z
    .object({
      id: z.uuid(),
      number: z.number().int(),
      status: z.enum(INCIDENT_STATUSES),
      eta: z.string().nullable(),
    })
    .nullable(),
});
export const CUSTOMER_MATCHES = ['nombre', 'telefono', 'correo', 'cuenta'] as const;

export const CustomerMatch = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  accountNumber: z.string().nullable(),
  matchedOn: z.enum(CUSTOMER_MATCHES),
  /** Cases not yet resolved, closed or discarded. */
  openCases: z.number().int(),
});
export type CustomerMatch = z.infer<typeof CustomerMatch>;

export const CaseListResponse = z.object({
  items: z.array(CaseResponse),
  nextCursor: z.string().nullable(),
  /** Every case matching the filters, not only this page. */
  total: z.number().int(),
  /** With `q`: customers it matches (at most 10, best first), listed before the cases; else empty. */
  customers: z.array(CustomerMatch),
});
