/**
 * Hand-written mirrors of the API's JSON (see `GET /api/v1/openapi.json`): the web app stays free of
 * server imports, so it bundles without zod or Node code.
 */

export const REQUEST_TYPES = [
  'duda',
  'consulta',
  'aclaracion',
  'queja',
  'falla',
  'sugerencia',
  'contratacion',
  'saldo',
  'cancelacion',
  'suspension',
  'arco',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const CHANNELS = ['telefono', 'whatsapp', 'email', 'portal', 'facebook'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CASE_STATUSES = [
  'nuevo',
  'asignado',
  'en_proceso',
  'en_espera_cliente',
  'resuelto',
  'cerrado',
  'descartado',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const DEADLINE_STATES = ['en_tiempo', 'por_vencer', 'vencido', 'pausado'] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];
export type DeadlineKind = 'primera_respuesta' | 'resolucion';

export const PRIORITIES = ['baja', 'normal', 'alta', 'urgente'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export type Presence = 'en_linea' | 'ausente' | 'desconectado';
export type MessageKind = 'entrante' | 'saliente' | 'nota_interna';
export type DeliveryStatus = 'pendiente' | 'enviado' | 'entregado' | 'leido' | 'fallido';

/** An RFC 9457 problem as Atiende answers it; some codes carry extra members (see `ApiError`). */
export interface Problem {
  status: number;
  code: string;
  detail?: string;
  field?: string;
  errors?: Array<{ field: string; message: string }>;
  retryAfterSeconds?: number;
}

export interface Deadline {
  dueAt: string;
  state: DeadlineState;
  remainingMs: number;
  metAt: string | null;
  /** How late a met deadline was met; null when on time or not met yet. */
  lateByMs: number | null;
  target: { amount: number; unit: 'minutes' | 'hours' | 'days'; clock: 'business' | 'calendar' };
  source: string;
}

/** The deadline a case is waiting on: first response until it is met, then resolution. */
export type NearestDeadline = Deadline & { kind: DeadlineKind };

export interface Case {
  id: string;
  folio: string;
  requestType: RequestType;
  subtype: string | null;
  channel: Channel;
  status: CaseStatus;
  priority: Priority;
  subject: string;
  raisedBy: 'cliente' | 'representante' | 'agente';
  customer: { id: string; name: string | null; accountNumber: string | null };
  area: { id: number; code: string; name: string };
  assignee: { id: string; name: string | null } | null;
  causeCode: string | null;
  discardReason: string | null;
  duplicateOfFolio: string | null;
  followsUpFolio: string | null;
  /** A contact given on the portal without proof (it may still be answered on). */
  claimedContact?: { kind: string; address: string } | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  deadlines: { primera_respuesta: Deadline | null; resolucion: Deadline | null };
  deadline: Deadline | null;
  nearestDeadline: NearestDeadline | null;
}

export interface Attachment {
  sha256: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface Message {
  id: string;
  kind: MessageKind;
  channel: Channel;
  body: string;
  authorAgentId: string | null;
  deliveryStatus: DeliveryStatus | null;
  deliveryError: string | null;
  attachments: Attachment[];
  at: string;
}

export interface CaseEvent {
  id: number;
  kind: string;
  actorKind: 'agente' | 'cliente' | 'representante' | 'sistema';
  actorAgentId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
  at: string;
}

export type TimelineEntry = { type: 'message'; message: Message } | { type: 'event'; event: CaseEvent };

export interface CaseDetail extends Case {
  timeline: TimelineEntry[];
}

/** A customer a search found, listed above the cases. */
export interface CustomerMatch {
  id: string;
  name: string | null;
  accountNumber: string | null;
  matchedOn: 'nombre' | 'telefono' | 'correo' | 'cuenta';
  openCases: number;
}

export interface CaseList {
  items: Case[];
  nextCursor: string | null;
  /** Every case matching the query, not only this page's. */
  total: number;
  customers?: CustomerMatch[];
}

/** A file on its way to the API, its bytes base64-encoded. */
export interface AttachmentUpload {
  filename: string;
  contentType: string;
  data: string;
}

export interface AgentSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface SessionInfo {
  agent: AgentSummary;
  csrfToken: string;
}

export interface Agent extends AgentSummary {
  active: boolean;
  presence: Presence;
  maxOpenCases: number;
  areaIds: number[];
  createdAt: string;
}

export interface Area {
  id: number;
  code: string;
  name: string;
  active: boolean;
}

export interface ContactPoint {
  id: string;
  kind: 'phone' | 'email' | 'whatsapp' | 'messenger';
  address: string;
  createdAt: string;
}

export interface Customer {
  id: string;
  accountNumber: string | null;
  name: string | null;
  prospect: boolean;
  contactPoints: ContactPoint[];
}

export interface CustomerDetail extends Customer {
  cases: Array<{ id: string; folio: string; status: CaseStatus; createdAt: string }>;
}

export interface ComponentHealth {
  status: 'ok' | 'error' | 'off';
  detail?: string;
}

export interface Health {
  status: 'ok' | 'degraded';
  database: ComponentHealth & { kind: 'pglite' | 'postgres' };
  jobs: ComponentHealth;
  channels: Record<string, ComponentHealth>;
}

export interface DeadlineFlag {
  id: string;
  caseId: string;
  folio: string;
  deadlineKind: 'primera_respuesta' | 'resolucion';
  kind: 'por_vencer' | 'vencido';
  /** When the deadline falls (or fell) due. */
  dueAt: string;
  raisedAt: string;
  acknowledgedAt: string | null;
}

/** The parts of `GET /api/v1/settings` the console reads. */
export interface ProviderSettings {
  provider: { name: string; timeZone: string };
  causeCodes: Array<{ code: string; name: string }>;
  requestSubtypes: Array<{ type: RequestType; code: string; name: string }>;
}

export interface CallRegistered {
  case: Case;
  receipt: { channel: 'email' | 'whatsapp'; messageId: string; deliveryStatus: DeliveryStatus } | null;
}

/** A server-sent event of `GET /api/v1/live`. */
export interface LiveEvent {
  id: number;
  kind: string;
  caseId: string | null;
  folio: string | null;
}

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';
export type WeeklyHours = Partial<Record<Weekday, Array<{ from: string; to: string }>>>;

export interface PortalInfo {
  provider: { name: string; legalName: string; website: string; timeZone: string };
  privacyNotice: { 'es-MX': string; en?: string };
  requestTypes: Array<{ code: RequestType; label: string }>;
  subtypes: Array<{ type: string; code: string; name: string }>;
}

export interface PortalChannel {
  code: string;
  channel: string;
  name: string;
  contactPoints: Array<{ kind: string; value: string; display: string }>;
  hours: WeeklyHours | null;
  alwaysOpen: boolean;
  openNow: boolean;
  nextOpening: string | null;
}

export interface PortalRequestCreated {
  folio: string;
  createdAt: string;
  deadline: Deadline | null;
}

export interface PortalCaseView {
  folio: string;
  requestType: RequestType;
  status: CaseStatus;
  channel: string;
  createdAt: string;
  deadline: Deadline | null;
  messages: Array<{
    kind: MessageKind;
    body: string;
    at: string;
    attachments: Array<{ filename: string; contentType: string; size: number }>;
  }>;
}
