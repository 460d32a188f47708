/**
 * The web's names for the API's JSON. Payload types are aliases of `api-types.ts`, generated from
 * `GET /api/v1/openapi.json` (`npm run gen:api`); the domain's lists come from `src/domain/vocabulary.ts`.
 * Neither imports server code, so the web bundles without zod or Node code.
 */
import type { paths } from './api-types.ts';

export {
  AGENT_ROLES as ROLES,
  type AgentRole as Role,
  CASE_STATUSES,
  type CaseStatus,
  CHANNELS,
  type Channel,
  CONTACT_KINDS,
  type ContactKind,
  DEADLINE_KINDS,
  DEADLINE_STATES,
  type DeadlineKind,
  type DeadlineState,
  type DeliveryStatus,
  EVENT_KINDS,
  type EventKind,
  type MessageKind,
  PRESENCES,
  PRIORITIES,
  type Presence,
  type Priority,
  REQUEST_TYPES,
  type RequestType,
} from '../../domain/vocabulary.ts';

/** The JSON body of an operation's answer with the given status. */
type Body<Operation, Status extends number = 200> = Operation extends {
  responses: { [S in Status]: { content: { 'application/json': infer Json } } };
}
  ? Json
  : never;
/** The JSON body an operation takes. */
type RequestBody<Operation> = Operation extends {
  requestBody?: { content: { 'application/json': infer Json } };
}
  ? Json
  : never;
type Get<Path extends keyof paths, Status extends number = 200> = paths[Path] extends { get: infer O }
  ? Body<O, Status>
  : never;
type Post<Path extends keyof paths, Status extends number = 200> = paths[Path] extends { post: infer O }
  ? Body<O, Status>
  : never;
type PostRequest<Path extends keyof paths> = paths[Path] extends { post: infer O } ? RequestBody<O> : never;

/** An RFC 9457 problem as Atiende answers it; some codes carry extra members (see `ApiError`). */
export interface Problem {
  status: number;
  code: string;
  detail?: string;
  field?: string;
  errors?: Array<{ field: string; message: string }>;
  retryAfterSeconds?: number;
}

export type CaseList = Get<'/api/v1/cases'>;
export type CaseDetail = Get<'/api/v1/cases/{folio}'>;
export type Case = CaseList['items'][number];
export type Deadline = NonNullable<Case['deadline']>;
/** The deadline a case is waiting on: first response until it is met, then resolution. */
export type NearestDeadline = NonNullable<Case['nearestDeadline']>;
export type TimelineEntry = CaseDetail['timeline'][number];
export type Message = Extract<TimelineEntry, { type: 'message' }>['message'];
export type CaseEvent = Extract<TimelineEntry, { type: 'event' }>['event'];
export type Attachment = Message['attachments'][number];
/** A customer a search found, listed above the cases. */
export type CustomerMatch = NonNullable<CaseList['customers']>[number];

/** A file on its way to the API, its bytes base64-encoded. */
export type AttachmentUpload = NonNullable<
  PostRequest<'/api/v1/cases/{folio}/messages'>['attachments']
>[number];

export type SessionInfo = Get<'/api/v1/auth/session'>;
export type AgentSummary = SessionInfo['agent'];
export type Agent = Get<'/api/v1/agents'>[number];
export type Area = Get<'/api/v1/areas'>[number];

export type CustomerDetail = Get<'/api/v1/customers/{id}'>;
export type ContactPoint = CustomerDetail['contactPoints'][number];
export type Customer = Omit<CustomerDetail, 'cases' | 'representatives'>;

export type Health = Get<'/api/v1/health'>;
export type ComponentHealth = Health['jobs'];

export type DeadlineFlag = Get<'/api/v1/flags'>[number];

type Settings = Get<'/api/v1/settings'>;
/** The parts of `GET /api/v1/settings` the console reads. */
export interface ProviderSettings {
  provider: Pick<Settings['provider'], 'name' | 'timeZone'>;
  causeCodes: Array<Pick<Settings['causeCodes'][number], 'code' | 'name'>>;
  requestSubtypes: Array<Pick<Settings['requestSubtypes'][number], 'type' | 'code' | 'name'>>;
}

export type CallRegistered = Post<'/api/v1/calls', 201>;

/**
 * A server-sent event of `GET /api/v1/live` (not in the OpenAPI document). Its kind is text: the feed
 * sends every kind, including ones newer than this console, which each screen ignores.
 */
export interface LiveEvent {
  id: number;
  kind: string;
  caseId: string | null;
  folio: string | null;
}

export type PortalInfo = Get<'/api/v1/portal/info'>;
export type PortalChannel = Get<'/api/v1/portal/channels'>[number];
export type Weekday = keyof NonNullable<PortalChannel['hours']>;
export type WeeklyHours = Partial<NonNullable<PortalChannel['hours']>>;
export type PortalRequestCreated = Post<'/api/v1/portal/requests', 201>;
export type PortalCaseView = Post<'/api/v1/portal/lookup'>;

export type PortalBalance = Post<'/api/v1/portal/balance'>;
export type PortalPinCodeSent = Post<'/api/v1/portal/account/pin-code', 202>;
export type IdentityChecksOfCase = Get<'/api/v1/cases/{folio}/identity-checks'>;
export type IdentityCheckRequest = PostRequest<'/api/v1/cases/{folio}/identity-checks'>;
export type IdentityCodeSent = Post<'/api/v1/cases/{folio}/identity-code', 202>;

export type CasePayments = Get<'/api/v1/cases/{folio}/payments'>;
export type Payment = CasePayments['payments'][number];
export type PaymentPromise = CasePayments['promises'][number];
export type RegisterPaymentRequest = PostRequest<'/api/v1/cases/{folio}/payments'>;
export type CustomerServices = Get<'/api/v1/customers/{id}/services'>;
