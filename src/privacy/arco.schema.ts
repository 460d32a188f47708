import { z } from 'zod';
import { IdentityCheckRequest } from '../accounts/pin.schema.ts';
import { DeadlineResponse } from '../cases/cases.schema.ts';
import { CHANNELS } from '../channels/channel.ts';
import { ARCO_STATUSES, ARCO_SUBTYPES, CONSENT_PURPOSES, CONTACT_KINDS } from '../domain/vocabulary.ts';

/** Why a request was refused: a code, never words (the case's messages carry the explanation). */
export const ARCO_REFUSAL_REASONS = [
  'identidad_no_acreditada',
  'datos_no_tratados',
  'obligacion_legal',
  'solicitud_repetida',
  'representacion_insuficiente',
] as const;

const ContactInput = z.object({
  kind: z.enum(CONTACT_KINDS),
  address: z.string().trim().min(1).max(320),
});

/** Corrections asked: a new name, contact points to add and to remove. */
export const RectificationDetails = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    addContacts: z.array(ContactInput).max(10).default([]),
    removeContacts: z.array(ContactInput).max(10).default([]),
  })
  .refine((d) => d.name !== undefined || d.addContacts.length > 0 || d.removeContacts.length > 0, {
    message: 'name what to correct',
    path: ['name'],
  });
export type RectificationDetails = z.infer<typeof RectificationDetails>;

/** The uses the person opposes. */
export const OppositionDetails = z.object({
  purposes: z.array(z.enum(CONSENT_PURPOSES)).min(1).max(CONSENT_PURPOSES.length),
});
export type OppositionDetails = z.infer<typeof OppositionDetails>;

/** What the request asks, by subtype; access and cancellation ask nothing more than the right itself. */
export const ArcoRequestBody = z.discriminatedUnion('subtype', [
  z.object({ subtype: z.literal('acceso') }),
  z.object({ subtype: z.literal('cancelacion') }),
  z.object({ subtype: z.literal('rectificacion'), details: RectificationDetails }),
  z.object({ subtype: z.literal('oposicion'), details: OppositionDetails }),
]);
export type ArcoRequestBody = z.infer<typeof ArcoRequestBody>;

/**
 * The right and its details as sent: checked by the service against `ArcoRequestBody`, so an unknown
 * right is a 422 naming `subtype` like any other case's unknown subtype.
 */
export const ArcoRequestInput = z.object({
  subtype: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .describe(`One of ${ARCO_SUBTYPES.join(', ')}`),
  details: z
    .unknown()
    .optional()
    .describe('rectificacion: { name?, addContacts?, removeContacts? }; oposicion: { purposes }'),
});
export type ArcoRequestInput = z.infer<typeof ArcoRequestInput>;

export const CreateArcoRequest = ArcoRequestInput.extend({
  customerId: z.uuid(),
  channel: z.enum(CHANNELS),
  /** An authorized representative of the customer filing it on their behalf. */
  representativeId: z.uuid().optional(),
  /** What the person asked, in their words: the case's first message. */
  description: z.string().trim().min(1).max(20_000),
});
export type CreateArcoRequest = z.infer<typeof CreateArcoRequest>;

export const ArcoListQuery = z.object({
  status: z.enum(ARCO_STATUSES).optional(),
  /** The request of one case, if it has one (the case page asks). */
  caseId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ArcoIdParams = z.object({ id: z.uuid() });

/** How the holder's or representative's identity was checked: the case's identity checks, except account data. */
export const ArcoIdentityRequest = IdentityCheckRequest;
export type ArcoIdentityRequest = z.infer<typeof ArcoIdentityRequest>;

export const ArcoAnswerRequest = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('procedente') }),
  z.object({ outcome: z.literal('improcedente'), reason: z.enum(ARCO_REFUSAL_REASONS) }),
]);
export type ArcoAnswerRequest = z.infer<typeof ArcoAnswerRequest>;

const Figures = z.object({
  answerBusinessDays: z.number(),
  executeBusinessDays: z.number(),
  confirmed: z.boolean().describe('Whether the figures are confirmed under the law in force'),
  source: z.string(),
});

export const ArcoResponse = z.object({
  id: z.uuid(),
  caseId: z.uuid(),
  folio: z.string(),
  areaId: z.number(),
  customerId: z.uuid(),
  subtype: z.enum(ARCO_SUBTYPES),
  status: z.enum(ARCO_STATUSES),
  details: z.unknown().nullable(),
  refusalReason: z.enum(ARCO_REFUSAL_REASONS).nullable(),
  identityVerifiedAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  executedAt: z.string().nullable(),
  retainUntil: z.string().nullable(),
  retentionAnonymisedAt: z.string().nullable(),
  createdAt: z.string(),
  deadlines: z.object({
    respuesta_arco: DeadlineResponse.optional(),
    ejecucion_arco: DeadlineResponse.optional(),
  }),
  figures: Figures,
});
export type ArcoResponse = z.infer<typeof ArcoResponse>;

export const ArcoListResponse = z.object({ items: z.array(ArcoResponse) });
