import { z } from 'zod';
import { INCIDENT_CAUSES, INCIDENT_PROPOSAL_STATUSES, INCIDENT_STATUSES } from '../domain/vocabulary.ts';
import { Instant } from '../http/instant.ts';
import { IntId, IntIdParam } from '../http/int-id.ts';

/** Customers read it on the status page: long enough for what happened and what to do, short enough for a phone. */
const PublicText = z.string().trim().min(1).max(1000);

export const IncidentIdParams = z.object({ id: z.uuid() });
export const IncidentFolioParams = z.object({ folio: z.string().min(1).max(40) });

export const DeclareIncidentRequest = z.object({
  zoneIds: z.array(IntId).min(1).max(100).describe('The zones affected; each includes the zones below it'),
  cause: z.enum(INCIDENT_CAUSES),
  publicText: PublicText.describe('What customers read on the status page: no names, no accounts'),
  startedAt: Instant.optional().describe(
    'When the outage began: earlier than now, within 30 days; omitted, now (the server’s clock)',
  ),
  eta: Instant.nullable().optional().describe('Estimated restoration: after the start, within 30 days'),
});

export const UpdateIncidentRequest = z.object({
  text: PublicText.optional().describe('News for customers'),
  eta: Instant.nullable().optional().describe('A new estimated restoration; null withdraws it'),
  status: z.enum(INCIDENT_STATUSES).optional(),
  restoredAt: Instant.optional().describe('With status restablecido: when service came back; now if omitted'),
});

export const IncidentListQuery = z.object({
  status: z.enum(INCIDENT_STATUSES).optional(),
  zoneId: IntIdParam.optional().describe('Incidents covering this zone'),
});

export const LinkIncidentRequest = z.object({ incidentId: z.uuid() });

const IncidentUpdateResponse = z.object({
  id: z.uuid(),
  status: z.enum(INCIDENT_STATUSES),
  text: z.string(),
  eta: z.string().nullable(),
  actorAgentId: z.uuid().nullable(),
  at: z.string(),
});

export const IncidentResponse = z.object({
  id: z.uuid(),
  number: z.number().int(),
  status: z.enum(INCIDENT_STATUSES),
  cause: z.enum(INCIDENT_CAUSES),
  publicText: z.string(),
  startedAt: z.string(),
  eta: z.string().nullable(),
  restoredAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  declaredBy: z.uuid().nullable(),
  zones: z.array(z.object({ id: z.number().int(), code: z.string(), name: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const IncidentDetailResponse = IncidentResponse.extend({
  updates: z.array(IncidentUpdateResponse),
  linkedCases: z.number().int(),
});

export const CaseIncidentResponse = z.object({
  incident: z
    .object({
      id: z.uuid(),
      number: z.number().int(),
      status: z.enum(INCIDENT_STATUSES),
      eta: z.string().nullable(),
    })
    .nullable(),
});

const StatusUpdate = z.object({
  at: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  text: z.string(),
  eta: z.string().nullable(),
});

const StatusIncident = z.object({
  number: z.number().int(),
  status: z.enum(INCIDENT_STATUSES),
  cause: z.enum(INCIDENT_CAUSES),
  publicText: z.string(),
  startedAt: z.string(),
  eta: z.string().nullable(),
  restoredAt: z.string().nullable(),
  updatedAt: z.string(),
  /** The latest few, newest first. */
  updates: z.array(StatusUpdate),
});

export const StatusResponse = z.object({
  generatedAt: z.string(),
  zones: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      /** The zones below it, which its incidents cover too. */
      includes: z.array(z.string()),
      incidents: z.array(StatusIncident),
    }),
  ),
});
export type StatusResponse = z.infer<typeof StatusResponse>;

export const ProposalListQuery = z.object({ status: z.enum(INCIDENT_PROPOSAL_STATUSES).optional() });

/** A declaration whose zones and start default to the proposal's zone and its earliest report. */
export const AcceptProposalRequest = DeclareIncidentRequest.extend({
  startedAt: Instant.optional().describe('When the outage began; omitted, when its earliest report came'),
  zoneIds: DeclareIncidentRequest.shape.zoneIds
    .optional()
    .describe('The zones affected; omitted, the proposal’s zone'),
});

export const DismissProposalRequest = z.object({
  reason: z.string().trim().min(1).max(500).describe('Why it is no outage; the zone is muted for a while'),
});

export const ProposalResponse = z.object({
  id: z.uuid(),
  number: z.number().int(),
  zone: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
  status: z.enum(INCIDENT_PROPOSAL_STATUSES),
  rule: z.object({
    minServices: z.number().int(),
    reports: z.number().int(),
    windowMinutes: z.number().int(),
  }),
  createdAt: z.string(),
  reports: z.array(
    z.object({ folio: z.string(), createdAt: z.string(), subject: z.string(), channel: z.string() }),
  ),
  incidentId: z.uuid().nullable(),
  decidedAt: z.string().nullable(),
  mutedUntil: z.string().nullable(),
});

export const AcceptProposalResponse = z.object({
  proposal: ProposalResponse,
  incident: IncidentResponse,
  linked: z.number().int().describe('How many of its reports were linked to the incident'),
});
