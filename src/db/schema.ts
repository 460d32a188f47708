import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  ACTOR_KINDS,
  AGENT_ROLES,
  ARCO_STATUSES,
  ARCO_SUBTYPES,
  CANCELLATION_SCOPES,
  CANCELLATION_STATUSES,
  CASE_STATUSES,
  COMPENSATION_KINDS,
  COMPENSATION_STATUSES,
  CONSENT_PURPOSES,
  CONTACT_KINDS,
  CONVERSATION_CLOSE_REASONS,
  CSAT_STATUSES,
  DEADLINE_FLAG_KINDS,
  DEADLINE_KINDS,
  DELIVERY_STATUSES,
  EVENT_SUBJECTS,
  IDENTITY_CHECKS,
  INCIDENT_CAUSES,
  INCIDENT_PROPOSAL_STATUSES,
  INCIDENT_STATUSES,
  LANGUAGES,
  LEDGER_KINDS,
  MESSAGE_KINDS,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  PLAN_TECHNOLOGIES,
  PRESENCES,
  PRIORITIES,
  PROMISE_STATUSES,
  RAISED_BY,
  REPRESENTATIVE_GRANTS,
  SERVICE_ORDER_KINDS,
  SERVICE_ORDER_STATUSES,
  SERVICE_STATUSES,
  SUSPENSION_REASONS,
  VISIT_OUTCOMES,
  WEBHOOK_DELIVERY_STATUSES,
} from '../domain/vocabulary.ts';

// The domain's lists live in one dependency-free module the web shares; re-exported for the server's use.
export {
  AGENT_ROLES,
  CASE_STATUSES,
  CONTACT_KINDS as CONTACT_KIND_VALUES,
  DEADLINE_KINDS,
  DELIVERY_STATUSES,
  MESSAGE_KINDS,
  PRESENCES,
  PRIORITIES,
  RAISED_BY,
};

/** A text the provider wrote in Spanish and maybe English, as the profile's localized texts are. */
export type LocalizedText = { 'es-MX': string; en?: string | undefined };

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** The provider's settings other than areas (which rows elsewhere reference); one row, seeded from the profile. */
export const providerSettings = pgTable(
  'provider_settings',
  {
    id: smallint('id').primaryKey().default(1),
    settings: jsonb('settings').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('provider_settings_single_row', sql`${t.id} = 1`)],
);

/** Every change of settings (first seed, profile import, admin edit), with who made it and the difference. */
export const settingsChanges = pgTable('settings_changes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  source: text('source', { enum: ['seed', 'import', 'api'] }).notNull(),
  actorAgentId: uuid('actor_agent_id'),
  diff: jsonb('diff').notNull(),
  createdAt: createdAt(),
});

export const areas = pgTable('areas', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  calendar: jsonb('calendar'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: AGENT_ROLES }).notNull(),
    active: boolean('active').notNull().default(true),
    presence: text('presence', { enum: PRESENCES }).notNull().default('desconectado'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    maxOpenCases: integer('max_open_cases').notNull().default(20),
    /** When routing last gave this agent a case: the least recent goes next (round-robin). */
    lastAssignedAt: timestamp('last_assigned_at', { withTimezone: true }),
    /** Set by an admin's reset: the agent must choose a new password before anything else. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('agents_email_key').on(t.email),
    check('agents_role_check', sql`${t.role} in ('admin', 'supervisor', 'agent', 'tecnico')`),
    check('agents_presence_check', sql`${t.presence} in ('en_linea', 'ausente', 'desconectado')`),
    check('agents_email_lower', sql`${t.email} = lower(${t.email})`),
  ],
);

export const agentAreas = pgTable(
  'agent_areas',
  {
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.areaId] })],
);

/** Browser sessions; the cookie carries a random token, the row only its SHA-256. */
export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  agentId: uuid('agent_id')
    .notNull()
    .references(() => agents.id, { onDelete: 'cascade' }),
  csrfToken: text('csrf_token').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/** Bearer tokens for integrations; shown once at creation, stored as SHA-256. */
export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  agentId: uuid('agent_id')
    .notNull()
    .references(() => agents.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** A person or business the provider serves; without an account number, a prospect. */
export const customers = pgTable('customers', {
  id: uuid('id').primaryKey().defaultRandom(),
  accountNumber: text('account_number').unique(),
  name: text('name'),
  /** Set when this record was merged into another; its contact points and cases moved there. */
  mergedIntoId: uuid('merged_into_id'),
  /** The language the customer chose or last wrote in; null: the provider's (Spanish). */
  language: text('language', { enum: LANGUAGES }),
  /** When an ARCO cancellation erased this person's data; what is kept for statistics holds no personal data. */
  anonymisedAt: timestamp('anonymised_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** How a customer is reached and recognised; one (kind, normalised address) belongs to one customer. */
export const contactPoints = pgTable(
  'contact_points',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    kind: text('kind', { enum: CONTACT_KINDS }).notNull(),
    address: text('address').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('contact_points_kind_address_key').on(t.kind, t.address),
    index('contact_points_customer_idx').on(t.customerId),
    check('contact_points_kind_check', sql`${t.kind} in ('phone', 'email', 'whatsapp', 'messenger')`),
  ],
);

/** A file kept once per content (SHA-256); bytes live in the data folder (PGlite) or here (PostgreSQL). */
export const attachmentBlobs = pgTable('attachment_blobs', {
  sha256: text('sha256').primaryKey(),
  size: integer('size').notNull(),
  contentType: text('content_type').notNull(),
  /** Null when the bytes are stored in the data folder. */
  data: bytea('data'),
  createdAt: createdAt(),
});

/** A person the customer authorized to act for them ("tercero autorizado"). */
export const authorizedRepresentatives = pgTable(
  'authorized_representatives',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    name: text('name').notNull(),
    contact: text('contact').notNull(),
    idDocumentSha256: text('id_document_sha256').references(() => attachmentBlobs.sha256),
    idDocumentFilename: text('id_document_filename'),
    /** Null: every procedure; otherwise the request types it covers. */
    scope: text('scope').array(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason'),
    /**
     * The representative's own contact point (normalised as `contact_points` are), by which they are
     * recognised on WhatsApp, Messenger, e-mail and the phone; null for authorizations recorded before it.
     */
    contactKind: text('contact_kind', { enum: CONTACT_KINDS }),
    contactAddress: text('contact_address'),
    grantedVia: text('granted_via', { enum: REPRESENTATIVE_GRANTS }).notNull().default('agente'),
    /** A carta poder acts only once a supervisor verified it; other grants are verified as given. */
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    verifiedByAgentId: uuid('verified_by_agent_id').references(() => agents.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('authorized_representatives_contact_idx')
      .on(t.contactKind, t.contactAddress)
      .where(sql`${t.contactAddress} is not null`),
    index('authorized_representatives_customer_idx').on(t.customerId),
    check(
      'authorized_representatives_granted_via_check',
      sql`${t.grantedVia} in ('agente', 'portal', 'carta_poder')`,
    ),
  ],
);

export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    folio: text('folio').notNull().unique(),
    requestType: text('request_type').notNull(),
    subtype: text('subtype'),
    /** The outage this report belongs to: linked at intake while an incident covers the service's zone. */
    incidentId: uuid('incident_id').references((): AnyPgColumn => incidents.id),
    channel: text('channel').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    raisedBy: text('raised_by', { enum: RAISED_BY }).notNull(),
    representativeId: uuid('representative_id').references(() => authorizedRepresentatives.id),
    raisedByAgentId: uuid('raised_by_agent_id').references(() => agents.id),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    assigneeId: uuid('assignee_id').references(() => agents.id),
    status: text('status', { enum: CASE_STATUSES }).notNull().default('nuevo'),
    priority: text('priority', { enum: PRIORITIES }).notNull().default('normal'),
    subject: text('subject').notNull(),
    causeCode: text('cause_code'),
    /**
     * The contact given by a sender who did not prove it (portal, unverified e-mail): it is the case's
     * second factor and its reply address, but links the case to no account until confirmed.
     */
    claimedContact: jsonb('claimed_contact').$type<{ kind: string; address: string }>(),
    /** The account holder that claimed contact belongs to, proposed to the agent for confirmation. */
    proposedCustomerId: uuid('proposed_customer_id'),
    discardReason: text('discard_reason'),
    duplicateOfId: uuid('duplicate_of_id'),
    /** The final case a customer wrote about when this one was opened for it. */
    followsUpId: uuid('follows_up_id'),
    /** The customer's service the case is about, when named (a failure, a cancellation of one of several). */
    serviceId: uuid('service_id').references((): AnyPgColumn => services.id),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /**
     * A failure's start when the provider knows one earlier than the report; null: the report itself
     * (`created_at`). With the restoration it bounds the affected period that compensation pays for.
     */
    failureStartedAt: timestamp('failure_started_at', { withTimezone: true }),
    /** When service came back, as an agent recorded it; unlike `resolved_at` it survives a reopening. */
    serviceRestoredAt: timestamp('service_restored_at', { withTimezone: true }),
    /**
     * The nearest pending deadline (first response until it is met, then resolution), kept by whatever
     * writes `case_deadlines`, in the same transaction, so lists filter and sort by it in the database.
     * Null kind: nothing pending (met, resolved, closed, discarded).
     */
    nextDueKind: text('next_due_kind', { enum: DEADLINE_KINDS }),
    /** Its due date; null while it is paused before falling due (neither late nor on time: waiting). */
    nextDueAt: timestamp('next_due_at', { withTimezone: true }),
    /** When it turns `por_vencer` (the warning share of its target, in its calendar). */
    nextWarnAt: timestamp('next_warn_at', { withTimezone: true }),
    /** Some deadline of the case was met after its due date: a breach on record. */
    deadlineMetLate: boolean('deadline_met_late').notNull().default(false),
  },
  (t) => [
    index('cases_area_status_idx').on(t.areaId, t.status),
    index('cases_next_due_idx').on(t.nextDueAt, t.id),
    index('cases_assignee_status_idx').on(t.assigneeId, t.status),
    index('cases_customer_idx').on(t.customerId),
    index('cases_incident_idx').on(t.incidentId).where(sql`${t.incidentId} is not null`),
    index('cases_created_idx').on(t.createdAt, t.id),
    // The statistics count cases by creation with these filters from the index alone, and the open ones apart.
    index('cases_stats_idx').on(t.createdAt, t.areaId, t.channel, t.requestType, t.status),
    index('cases_open_idx')
      .on(t.areaId, t.createdAt)
      .where(sql`${t.status} not in ('resuelto', 'cerrado', 'descartado')`),
    check(
      'cases_status_check',
      sql`${t.status} in ('nuevo', 'asignado', 'en_proceso', 'en_espera_cliente', 'resuelto', 'cerrado', 'descartado')`,
    ),
    check('cases_priority_check', sql`${t.priority} in ('baja', 'normal', 'alta', 'urgente')`),
    check('cases_assigned_has_assignee', sql`${t.status} <> 'asignado' or ${t.assigneeId} is not null`),
    check('cases_nuevo_unassigned', sql`${t.status} <> 'nuevo' or ${t.assigneeId} is null`),
    check('cases_next_due_kind_check', sql`${t.nextDueKind} in ('primera_respuesta', 'resolucion')`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    kind: text('kind', { enum: MESSAGE_KINDS }).notNull(),
    channel: text('channel').notNull(),
    /** The transport's id (WhatsApp wamid, e-mail Message-ID, …); unique per channel so redeliveries collapse. */
    externalId: text('external_id'),
    authorAgentId: uuid('author_agent_id').references(() => agents.id),
    body: text('body').notNull(),
    deliveryStatus: text('delivery_status', { enum: DELIVERY_STATUSES }),
    deliveryError: text('delivery_error'),
    metadata: jsonb('metadata'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_channel_external_id_key').on(t.channel, t.externalId),
    index('messages_case_idx').on(t.caseId, t.createdAt),
    check('messages_kind_check', sql`${t.kind} in ('entrante', 'saliente', 'nota_interna')`),
  ],
);

export const messageAttachments = pgTable(
  'message_attachments',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id),
    sha256: text('sha256')
      .notNull()
      .references(() => attachmentBlobs.sha256),
    filename: text('filename').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.position] })],
);

/**
 * The free text people wrote about a change (an agent's note on a status change, a transfer's reason),
 * kept apart from the events that cite it: events can never change, but a person's words must be erasable
 * on request (ARCO). Erasing blanks the body and records when.
 */
export const eventNotes = pgTable('event_notes', {
  id: uuid('id').primaryKey().defaultRandom(),
  body: text('body').notNull(),
  createdAt: createdAt(),
  erasedAt: timestamp('erased_at', { withTimezone: true }),
});

/**
 * The audit trail: every change to anything (its subject), appended and never changed (a trigger refuses
 * UPDATE and DELETE). Payloads hold ids, codes, states and times, never personal data; free text lives in
 * `event_notes`. `case_id` and `customer_id` place the event on those timelines too.
 */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subjectKind: text('subject_kind', { enum: EVENT_SUBJECTS }).notNull(),
    subjectId: text('subject_id').notNull(),
    caseId: uuid('case_id'),
    customerId: uuid('customer_id'),
    kind: text('kind').notNull(),
    actorKind: text('actor_kind', { enum: ACTOR_KINDS }).notNull(),
    actorAgentId: uuid('actor_agent_id'),
    /** The rule or job that made a change as the system (e.g. `cierre_por_ventana`), so it can be explained. */
    actorRule: text('actor_rule'),
    before: jsonb('before'),
    after: jsonb('after'),
    /** A code saying why (`round_robin`, `customer_replied`…); never free text. */
    reason: text('reason'),
    noteId: uuid('note_id').references(() => eventNotes.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('events_case_idx').on(t.caseId, t.id),
    index('events_customer_idx').on(t.customerId, t.id),
    index('events_subject_idx').on(t.subjectKind, t.subjectId, t.id),
    check('events_system_rule', sql`${t.actorKind} <> 'sistema' or ${t.actorRule} is not null`),
  ],
);

/**
 * Clocks of any subject (a case's first response and resolution, a service's reconnection, an ARCO
 * request's execution…), one per subject and kind. Each keeps the calendar it counts in, so pauses and
 * recomputations measure time the same way the deadline was set. No foreign key: the subject's table
 * depends on its kind.
 */
export const deadlines = pgTable(
  'deadlines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectKind: text('subject_kind', { enum: EVENT_SUBJECTS }).notNull(),
    subjectId: uuid('subject_id').notNull(),
    kind: text('kind').notNull(),
    target: jsonb('target').notNull(),
    source: text('source').notNull(),
    calendar: jsonb('calendar').notNull(),
    /** Whether the clock may stop while the subject waits on someone else (a case on its customer). */
    pausable: boolean('pausable').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    pausedAt: timestamp('paused_at', { withTimezone: true }),
    /** Time already spent paused, measured in the deadline's calendar (the due date was pushed by it). */
    pausedMs: bigint('paused_ms', { mode: 'number' }).notNull().default(0),
    /** The finished pauses as [from, to] instants, so a recomputation in another calendar can measure them. */
    pauses: jsonb('pauses').$type<Array<[string, string]>>().notNull().default([]),
    metAt: timestamp('met_at', { withTimezone: true }),
    /** The subject ended without the obligation being due any more (a promise withdrawn): no state, no alerts. */
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    warnedAt: timestamp('warned_at', { withTimezone: true }),
    breachedAt: timestamp('breached_at', { withTimezone: true }),
    /**
     * Business minutes in its calendar from start to met, pauses excluded, written when it is met: the
     * statistics' response times read it instead of running calendar arithmetic over every row.
     */
    businessMinutes: integer('business_minutes'),
  },
  (t) => [
    uniqueIndex('deadlines_subject_key').on(t.subjectKind, t.subjectId, t.kind),
    index('deadlines_due_idx').on(t.dueAt),
    // The statistics read cases' clocks from these alone: met ones by start (response times), the others
    // by due date (compliance).
    index('deadlines_case_met_idx')
      .on(t.startedAt, t.kind, t.businessMinutes, t.subjectId)
      .where(sql`${t.subjectKind} = 'case' and ${t.metAt} is not null and ${t.cancelledAt} is null`),
    index('deadlines_case_due_idx')
      .on(t.dueAt, t.kind, t.metAt, t.breachedAt, t.pausedAt, t.subjectId)
      .where(sql`${t.subjectKind} = 'case' and ${t.cancelledAt} is null`),
    // Clocks met before their minutes were stored, for the back-fill job; empty once it has run.
    index('deadlines_case_unmeasured_idx')
      .on(t.id)
      .where(sql`${t.subjectKind} = 'case' and ${t.metAt} is not null and ${t.businessMinutes} is null`),
  ],
);

/**
 * Deadline alerts: one per deadline, at its current state (`por_vencer`, then `vencido`), listed for the
 * agents it concerns until the deadline is met; cleared, never deleted.
 */
export const deadlineAlerts = pgTable(
  'deadline_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deadlineId: uuid('deadline_id')
      .notNull()
      .references(() => deadlines.id),
    kind: text('kind', { enum: DEADLINE_FLAG_KINDS }).notNull(),
    notifyAgentIds: uuid('notify_agent_ids').array().notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: uuid('acknowledged_by'),
    /** The deadline was met or cancelled (a case resolved, closed or discarded): the alert is off the boards. */
    clearedAt: timestamp('cleared_at', { withTimezone: true }),
  },
  (t) => [
    // One alert per deadline, at its current state: a breach replaces the warning.
    uniqueIndex('deadline_alerts_deadline_key').on(t.deadlineId),
    index('deadline_alerts_open_idx').on(t.acknowledgedAt, t.raisedAt),
  ],
);

/**
 * The first sighting of every inbound message, keyed by the transport's id. Claiming it with an insert
 * that does nothing on conflict is what makes redeliveries harmless, even when two server processes
 * receive the same one at once: the database's uniqueness decides, not a check made beforehand.
 */
export const inboundReceipts = pgTable(
  'inbound_receipts',
  {
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    messageId: uuid('message_id'),
    /**
     * For keys a client chose (the portal's idempotency keys): a hash of the credential presented with
     * it, so the key replayed with another credential is refused instead of answering someone else's case.
     */
    credential: text('credential'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.externalId] })],
);

/**
 * Delivery reports on our outbound messages, kept by the transport's id: a report may arrive before
 * the send call that produced the id has returned, and reports may arrive out of order.
 */
export const outboundStatuses = pgTable(
  'outbound_statuses',
  {
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    status: text('status', { enum: ['enviado', 'entregado', 'leido', 'fallido'] }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    error: jsonb('error'),
  },
  (t) => [primaryKey({ columns: [t.channel, t.externalId] })],
);

/** A channel's condition as last seen by any process (a revoked token, say), for the health report. */
export const channelStates = pgTable('channel_states', {
  channel: text('channel').primaryKey(),
  status: text('status', { enum: ['ok', 'error'] }).notNull(),
  detail: text('detail'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Every webhook delivery and inbound e-mail, kept as the bytes that arrived before the sender is answered.
 * Unique by channel and SHA-256 of the bytes, so a redelivered batch is one row; jobs then take each
 * message of it on its own, so one unusable message never holds back the others.
 */
export const inboundDeliveries = pgTable(
  'inbound_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    sha256: text('sha256').notNull(),
    body: bytea('body').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('inbound_deliveries_channel_sha256_key').on(t.channel, t.sha256),
    index('inbound_deliveries_pending_idx').on(t.receivedAt).where(sql`${t.processedAt} is null`),
  ],
);

/**
 * A message that could not be taken in (unparseable, or refused by the database), kept raw for an admin
 * to look at and replay after a fix. One row per distinct message, however often it is redelivered.
 */
export const quarantinedMessages = pgTable(
  'quarantined_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    sha256: text('sha256').notNull(),
    deliveryId: uuid('delivery_id').references(() => inboundDeliveries.id, { onDelete: 'set null' }),
    externalId: text('external_id'),
    raw: bytea('raw').notNull(),
    /** Why, as a code (SQLSTATE, parser error): never the message's content. */
    reason: text('reason').notNull(),
    createdAt: createdAt(),
    replayedAt: timestamp('replayed_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('quarantined_messages_channel_sha256_key').on(t.channel, t.sha256),
    index('quarantined_messages_open_idx').on(t.createdAt).where(sql`${t.resolvedAt} is null`),
  ],
);

/**
 * Counters for request limits, shared by every server process: one row per key (a folio, an address, an
 * account and address), counted in fixed windows with one atomic upsert.
 */
export const throttles = pgTable(
  'throttles',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    /** Not before this instant (a progressive delay after failures). */
    blockedUntil: timestamp('blocked_until', { withTimezone: true }),
  },
  (t) => [index('throttles_window_idx').on(t.windowStart)],
);

/** What the provider sells: a monthly price in centavos MXN and the speeds promised. */
export const plans = pgTable(
  'plans',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    monthlyPriceCentavos: bigint('monthly_price_centavos', { mode: 'number' }).notNull(),
    downloadMbps: integer('download_mbps'),
    uploadMbps: integer('upload_mbps'),
    technology: text('technology', { enum: PLAN_TECHNOLOGIES }).notNull().default('inalambrico'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [check('plans_price_check', sql`${t.monthlyPriceCentavos} >= 0`)],
);

/**
 * The provider's coverage units (a tower, a node, a sector), possibly inside a bigger one; each counts
 * time in its own zone and, when it has one, its own business calendar.
 */
export const zones = pgTable('zones', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  parentId: integer('parent_id'),
  timeZone: text('time_zone').notNull().default('America/Monterrey'),
  calendar: jsonb('calendar'),
  createdAt: createdAt(),
});

/** A contracted service of a customer at an address; a customer may have several. */
export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** The billing system's key for it (the account number for one-service customers): imports match on it. */
    externalRef: text('external_ref').unique(),
    planId: integer('plan_id').references(() => plans.id),
    zoneId: integer('zone_id').references(() => zones.id),
    installAddress: text('install_address'),
    status: text('status', { enum: SERVICE_STATUSES }).notNull(),
    suspensionReason: text('suspension_reason', { enum: SUSPENSION_REASONS }),
    billingDay: integer('billing_day'),
    /** The day of the month the billing period closes (`fecha_corte`); 29–31 fall on a short month's last day. */
    cutoffDay: integer('cutoff_day').notNull(),
    startDate: date('start_date'),
    /** The contract's signing: installation is due within the rights' business days of it. */
    contractSignedOn: date('contract_signed_on'),
    /** When the service was installed; with the signing it says whether installation was late. */
    installedAt: timestamp('installed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('services_customer_idx').on(t.customerId),
    index('services_zone_idx').on(t.zoneId, t.status),
    check('services_cutoff_day_check', sql`${t.cutoffDay} between 1 and 31`),
    check('services_billing_day_check', sql`${t.billingDay} between 1 and 31`),
    check(
      'services_suspended_has_reason',
      sql`${t.status} <> 'suspendido' or ${t.suspensionReason} is not null`,
    ),
  ],
);

/**
 * The money of a service, appended and never changed (a trigger refuses UPDATE and DELETE): a mistake
 * is corrected by another entry. Amounts in centavos; positive means the customer owes more. The balance
 * is the sum, computed when asked, never stored.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    kind: text('kind', { enum: LEDGER_KINDS }).notNull(),
    amountCentavos: bigint('amount_centavos', { mode: 'number' }).notNull(),
    effectiveDate: date('effective_date').notNull(),
    /** A receipt number, a bank reference, an import's line: what the customer or the billing system calls it. */
    reference: text('reference'),
    caseId: uuid('case_id').references(() => cases.id),
    /** The entry this one corrects, if any. */
    correctsId: bigint('corrects_id', { mode: 'number' }),
    /** Once per source line (an import's row, a payment): posting it again finds this row instead. */
    sourceKey: text('source_key').unique(),
    actorKind: text('actor_kind', { enum: ACTOR_KINDS }).notNull(),
    actorAgentId: uuid('actor_agent_id'),
    actorRule: text('actor_rule'),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    index('ledger_entries_service_idx').on(t.serviceId, t.effectiveDate),
    index('ledger_entries_created_idx').on(t.createdAt, t.id),
    check(
      'ledger_entries_sign_check',
      sql`case ${t.kind} when 'cargo' then ${t.amountCentavos} > 0 when 'reembolso' then ${t.amountCentavos} > 0
        when 'pago' then ${t.amountCentavos} < 0 when 'bonificacion' then ${t.amountCentavos} < 0
        else ${t.amountCentavos} <> 0 end`,
    ),
  ],
);

/**
 * The customer's account PIN (argon2id), set by the customer after proving a contact point, or by an agent
 * on a verified call; never logged, never returned.
 */
export const accountPins = pgTable('account_pins', {
  customerId: uuid('customer_id')
    .primaryKey()
    .references(() => customers.id),
  pinHash: text('pin_hash').notNull(),
  setAt: timestamp('set_at', { withTimezone: true }).notNull(),
  setVia: text('set_via', { enum: ['portal', 'agente'] }).notNull(),
});

/** A run of the customers import: what it read, what it changed, its problems; one summary event per run. */
export const customerImports = pgTable('customer_imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  filename: text('filename').notNull(),
  sha256: text('sha256').notNull(),
  dryRun: boolean('dry_run').notNull(),
  status: text('status', { enum: ['en_curso', 'terminada', 'fallida'] }).notNull(),
  totalRows: integer('total_rows').notNull().default(0),
  processedRows: integer('processed_rows').notNull().default(0),
  /** Counts by outcome (created, updated, unchanged, refused). */
  counts: jsonb('counts').notNull().default({}),
  /** Every refused row: line, column, code and message; never the row's data. */
  problems: jsonb('problems').notNull().default([]),
  actorAgentId: uuid('actor_agent_id'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  /** When the run last wrote a batch: a run silent for long was interrupted (its process is gone). */
  progressAt: timestamp('progress_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/**
 * A payment the customer made elsewhere (OXXO, SPEI, a deposit, a card), registered by an agent from a
 * case with the receipt's photo; posted to the ledger once confirmed.
 */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    caseId: uuid('case_id').references(() => cases.id),
    amountCentavos: bigint('amount_centavos', { mode: 'number' }).notNull(),
    paidOn: date('paid_on').notNull(),
    method: text('method', { enum: PAYMENT_METHODS }).notNull(),
    reference: text('reference'),
    receiptSha256: text('receipt_sha256').references(() => attachmentBlobs.sha256),
    status: text('status', { enum: PAYMENT_STATUSES }).notNull(),
    registeredBy: uuid('registered_by').notNull(),
    confirmedBy: uuid('confirmed_by'),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    ledgerEntryId: bigint('ledger_entry_id', { mode: 'number' }),
    /** The agent said reconnecting needs a visit: the reconnection clock then runs longer. */
    onSiteReconnection: boolean('on_site_reconnection').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index('payments_service_idx').on(t.serviceId, t.createdAt),
    check('payments_amount_check', sql`${t.amountCentavos} > 0`),
  ],
);

/** The customer's word to pay by a date; while it stands, suspension for non-payment waits until then. */
export const paymentPromises = pgTable(
  'payment_promises',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    caseId: uuid('case_id').references(() => cases.id),
    amountCentavos: bigint('amount_centavos', { mode: 'number' }).notNull(),
    promisedFor: date('promised_for').notNull(),
    status: text('status', { enum: PROMISE_STATUSES }).notNull(),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('payment_promises_service_idx').on(t.serviceId, t.status),
    check('payment_promises_amount_check', sql`${t.amountCentavos} > 0`),
  ],
);

/** That an agent checked who was calling, and how, on a case. */
export const identityChecks = pgTable(
  'identity_checks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id').references(() => cases.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    method: text('method', { enum: IDENTITY_CHECKS }).notNull(),
    agentId: uuid('agent_id').notNull(),
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('identity_checks_case_idx').on(t.caseId)],
);

/**
 * A PROFECO conciliation about a customer's account (or one service of it): while it is open, no service
 * it covers is suspended for non-payment (Carta de Derechos Mínimos, items 12 and 40).
 */
export const conciliations = pgTable(
  'conciliations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** Null: the whole account, every service of the customer. */
    serviceId: uuid('service_id').references(() => services.id),
    expediente: text('expediente').notNull(),
    openedOn: date('opened_on').notNull(),
    closedOn: date('closed_on'),
    createdBy: uuid('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('conciliations_customer_idx').on(t.customerId, t.closedOn),
    check('conciliations_closed_after_opened', sql`${t.closedOn} is null or ${t.closedOn} >= ${t.openedOn}`),
  ],
);

/**
 * The prior notice of a non-payment suspension, as its sending ended: delivered, or recorded as
 * undeliverable (no way to reach the customer); either lets the suspension go on after the lead days.
 */
export const suspensionNotices = pgTable(
  'suspension_notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    outcome: text('outcome', { enum: ['entregado', 'no_entregable'] }).notNull(),
    noticedOn: date('noticed_on').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('suspension_notices_service_idx').on(t.serviceId, t.noticedOn)],
);

/**
 * What the provider owes a customer for a case, computed by a rule of `src/rights/` with its inputs and
 * result (`formula`), then posted to the ledger: at once up to the automatic amount, else when a supervisor
 * approves or adjusts it. One per case and kind, ever. A refund (`refundCentavos` > 0) also owes money back
 * by its deadline (subject `compensation`), met when `refundedAt` is recorded.
 */
export const compensations = pgTable(
  'compensations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    kind: text('kind', { enum: COMPENSATION_KINDS }).notNull(),
    status: text('status', { enum: COMPENSATION_STATUSES }).notNull(),
    /** What the rule computed: the refund plus the bonus, or the proportional credit plus the bonus. */
    computedCentavos: bigint('computed_centavos', { mode: 'number' }).notNull(),
    /** The part that is money paid back (an improper charge, what was paid for a late installation). */
    refundCentavos: bigint('refund_centavos', { mode: 'number' }).notNull().default(0),
    bonusCentavos: bigint('bonus_centavos', { mode: 'number' }).notNull().default(0),
    /** What was posted: the computed amount, or a supervisor's adjustment of it. */
    appliedCentavos: bigint('applied_centavos', { mode: 'number' }),
    /** The rule's inputs and result, as the agent and the customer read them. */
    formula: jsonb('formula').notNull(),
    explanation: text('explanation').notNull(),
    /** The cut-off date the credit is posted for. */
    effectiveDate: date('effective_date'),
    decidedBy: uuid('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('compensations_case_kind_key').on(t.caseId, t.kind),
    index('compensations_service_idx').on(t.serviceId, t.createdAt),
    index('compensations_status_idx').on(t.status, t.createdAt),
    index('compensations_decided_idx').on(t.decidedAt).where(sql`${t.status} = 'aplicada'`),
    index('compensations_refunded_idx').on(t.refundedAt).where(sql`${t.refundedAt} is not null`),
    check(
      'compensations_amounts_check',
      sql`${t.computedCentavos} >= 0 and ${t.refundCentavos} >= 0
      and ${t.bonusCentavos} >= 0 and (${t.appliedCentavos} is null or ${t.appliedCentavos} >= 0)`,
    ),
  ],
);

/**
 * A customer's cancellation of a contract or an add-on, from its case: never blocked by a retention offer,
 * effective on its date (a job then cancels the service) unless withdrawn in writing on the case before.
 * Nothing is charged to the service after the effective date.
 */
export const cancellations = pgTable(
  'cancellations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .unique()
      .references(() => cases.id),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    scope: text('scope', { enum: CANCELLATION_SCOPES }).notNull(),
    status: text('status', { enum: CANCELLATION_STATUSES }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    /** The last day of service and of charges, on the customer's receipt. */
    effectiveDate: date('effective_date').notNull(),
    /** When the service must be off at the latest (an add-on: up to 5 calendar days after the request). */
    carryOutBy: date('carry_out_by').notNull(),
    /** The customer's written withdrawal on the case, the only thing that stops a cancellation. */
    withdrawalMessageId: uuid('withdrawal_message_id').references(() => messages.id),
    withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
    effectedAt: timestamp('effected_at', { withTimezone: true }),
    /** The provider's equipment at the home to be returned (descriptions), and when it was returned. */
    equipment: jsonb('equipment').$type<string[]>().notNull().default([]),
    equipmentReturnedAt: timestamp('equipment_returned_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    index('cancellations_service_idx').on(t.serviceId, t.status),
    index('cancellations_due_idx').on(t.status, t.effectiveDate),
  ],
);

/**
 * A service's suspensions, one row each from its start to its reactivation: the customer's request (with
 * the date it ends by itself), theft or loss (no charges from its start), non-payment (with the rules that
 * allowed it). The service row keeps only the current status; this keeps the dates the customer sees.
 */
export const serviceSuspensions = pgTable(
  'service_suspensions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    caseId: uuid('case_id').references(() => cases.id),
    reason: text('reason', { enum: SUSPENSION_REASONS }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    /** A suspension at the customer's request ends by itself on this date (provider's zone). */
    reactivateOn: date('reactivate_on'),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** For non-payment: the rules that allowed it, as the decision table named them. */
    rules: jsonb('rules').$type<string[]>().notNull().default([]),
    actorKind: text('actor_kind', { enum: ACTOR_KINDS }).notNull(),
    actorAgentId: uuid('actor_agent_id'),
    actorRule: text('actor_rule'),
    createdAt: createdAt(),
  },
  (t) => [
    index('service_suspensions_service_idx').on(t.serviceId, t.startedAt),
    index('service_suspensions_reactivate_idx').on(t.reactivateOn).where(sql`${t.endedAt} is null`),
    uniqueIndex('service_suspensions_one_open_key').on(t.serviceId).where(sql`${t.endedAt} is null`),
  ],
);

/**
 * An outage declared by a supervisor over some zones (each including its children): what customers read,
 * its cause, its ETA and its status; every change is an event (subject `incident`) and an update row.
 */
export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The short number agents and the status page say ("Incidente 12"). */
    number: serial('number').notNull().unique(),
    status: text('status', { enum: INCIDENT_STATUSES }).notNull(),
    cause: text('cause', { enum: INCIDENT_CAUSES }).notNull(),
    /** For customers: no personal data, shown on the public status page. */
    publicText: text('public_text').notNull(),
    /** When the outage began; may be earlier than its declaration. */
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    eta: timestamp('eta', { withTimezone: true }),
    restoredAt: timestamp('restored_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    declaredBy: uuid('declared_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('incidents_status_idx').on(t.status, t.startedAt)],
);

/** The zones an incident covers as declared; a zone's children are covered through it. */
export const incidentZones = pgTable(
  'incident_zones',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    zoneId: integer('zone_id')
      .notNull()
      .references(() => zones.id),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.zoneId] }), index('incident_zones_zone_idx').on(t.zoneId)],
);

/** What customers were told at each change of an incident: the text, the ETA and the status then. */
export const incidentUpdates = pgTable(
  'incident_updates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    status: text('status', { enum: INCIDENT_STATUSES }).notNull(),
    publicText: text('public_text').notNull(),
    eta: timestamp('eta', { withTimezone: true }),
    actorAgentId: uuid('actor_agent_id'),
    createdAt: createdAt(),
  },
  (t) => [index('incident_updates_incident_idx').on(t.incidentId, t.createdAt)],
);

/**
 * An incident proposed because failure reports clustered in one zone: the reports are its rows in
 * `incident_proposal_reports`; a supervisor accepts it (an incident is declared, the reports linked) or
 * dismisses it, which mutes the zone until `muted_until`. One pending proposal per zone at a time.
 */
export const incidentProposals = pgTable(
  'incident_proposals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The short number supervisors say ("Propuesta 4"). */
    number: serial('number').notNull().unique(),
    zoneId: integer('zone_id')
      .notNull()
      .references(() => zones.id),
    status: text('status', { enum: INCIDENT_PROPOSAL_STATUSES }).notNull(),
    /** The rule that fired, as settings said then: so many reports in so many minutes. */
    rule: jsonb('rule').$type<{ minServices: number; reports: number; windowMinutes: number }>().notNull(),
    incidentId: uuid('incident_id').references(() => incidents.id),
    decidedBy: uuid('decided_by').references(() => agents.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    mutedUntil: timestamp('muted_until', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('incident_proposals_one_pending_key').on(t.zoneId).where(sql`${t.status} = 'pendiente'`),
    index('incident_proposals_zone_idx').on(t.zoneId, t.mutedUntil),
    check('incident_proposals_status_check', sql`${t.status} in ('pendiente', 'aceptada', 'descartada')`),
  ],
);

/** The failure reports that made (or later grew) a proposal. */
export const incidentProposalReports = pgTable(
  'incident_proposal_reports',
  {
    proposalId: uuid('proposal_id')
      .notNull()
      .references(() => incidentProposals.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.proposalId, t.caseId] }),
    index('incident_proposal_reports_case_idx').on(t.caseId),
  ],
);

/**
 * What each linked customer was sent of an incident's update: one row per update and customer, written in
 * the transaction that queues the message, so a broadcast that dies halfway resumes with those not yet
 * told and nobody hears an update twice. `message_id` is null when no channel could carry it (the case
 * records `aviso_no_entregado`).
 */
export const incidentNotices = pgTable(
  'incident_notices',
  {
    updateId: uuid('update_id')
      .notNull()
      .references(() => incidentUpdates.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    messageId: uuid('message_id'),
    channel: text('channel'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.updateId, t.customerId] })],
);

/**
 * A field visit ordered from a case: who goes (an agent with role `tecnico`, or a free name for a
 * contractor), the appointment window agreed with the customer, and where it stands. Its clock (installation
 * 10 business days, repair 24 h, on-site reconnection 72 h) is a deadline of subject `service_order`.
 */
export const serviceOrders = pgTable(
  'service_orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The short number technicians and customers say ("Orden 57"). */
    number: serial('number').notNull().unique(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    serviceId: uuid('service_id').references(() => services.id),
    kind: text('kind', { enum: SERVICE_ORDER_KINDS }).notNull(),
    status: text('status', { enum: SERVICE_ORDER_STATUSES }).notNull(),
    technicianAgentId: uuid('technician_agent_id').references(() => agents.id),
    technicianName: text('technician_name'),
    windowStart: timestamp('window_start', { withTimezone: true }),
    windowEnd: timestamp('window_end', { withTimezone: true }),
    /** The customer confirmed the window from a message. */
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('service_orders_case_idx').on(t.caseId),
    index('service_orders_technician_idx').on(t.technicianAgentId, t.windowStart),
    check(
      'service_orders_window_check',
      sql`${t.windowEnd} is null or (${t.windowStart} is not null and ${t.windowEnd} > ${t.windowStart})`,
    ),
  ],
);

/** Each visit of an order with its outcome and the evidence photo; the technician's notes are event notes. */
export const serviceOrderVisits = pgTable(
  'service_order_visits',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => serviceOrders.id),
    outcome: text('outcome', { enum: VISIT_OUTCOMES }).notNull(),
    photoSha256: text('photo_sha256').references(() => attachmentBlobs.sha256),
    recordedBy: uuid('recorded_by'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('service_order_visits_order_idx').on(t.orderId, t.recordedAt)],
);

/**
 * An ARCO request (a case of type `arco`): which right, where it stands, and its two clocks (answer in
 * 20 business days, carry out in 15 more; deadlines of subject `arco_request`). `retain_until`: what the
 * law or billing requires to keep after a cancellation is anonymised then by a job.
 */
export const arcoRequests = pgTable(
  'arco_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .unique()
      .references(() => cases.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    subtype: text('subtype', { enum: ARCO_SUBTYPES }).notNull(),
    status: text('status', { enum: ARCO_STATUSES }).notNull().default('recibida'),
    /** What the request asks, in a shape per subtype (the fields to correct, the uses opposed); personal data, erasable. */
    details: jsonb('details'),
    /** The reason code of a refusal (`improcedente`), never free text. */
    refusalReason: text('refusal_reason'),
    identityVerifiedAt: timestamp('identity_verified_at', { withTimezone: true }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    executedAt: timestamp('executed_at', { withTimezone: true }),
    retainUntil: timestamp('retain_until', { withTimezone: true }),
    retentionAnonymisedAt: timestamp('retention_anonymised_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('arco_requests_customer_idx').on(t.customerId),
    index('arco_requests_retain_idx')
      .on(t.retainUntil)
      .where(sql`${t.retainUntil} is not null and ${t.retentionAnonymisedAt} is null`),
    check(
      'arco_requests_subtype_check',
      sql`${t.subtype} in ('acceso', 'rectificacion', 'cancelacion', 'oposicion')`,
    ),
    check(
      'arco_requests_status_check',
      sql`${t.status} in ('recibida', 'respondida', 'ejecutada', 'improcedente')`,
    ),
  ],
);

/**
 * Consent and opposition, appended: each row is what the person said about one use, when, on which
 * channel and which version of the privacy notice they read. The newest row per purpose is in force; no
 * row means no consent (promotional messages need it expressly).
 */
export const consents = pgTable(
  'consents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    purpose: text('purpose', { enum: CONSENT_PURPOSES }).notNull(),
    granted: boolean('granted').notNull(),
    channel: text('channel').notNull(),
    textVersion: text('text_version').notNull(),
    /** The opposition request this row carries out, when it came from one. */
    arcoRequestId: uuid('arco_request_id').references(() => arcoRequests.id),
    recordedByAgentId: uuid('recorded_by_agent_id').references(() => agents.id),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('consents_customer_purpose_idx').on(t.customerId, t.purpose, t.recordedAt)],
);

/**
 * A self-service conversation on WhatsApp or Messenger: the menu's turns that need no agent. One open
 * per sender; it is tied to a customer only once the sender proved who they are (the contact point on
 * file, or account and PIN). A request opens a case (`case_id`); a person asked for hands it over.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    /** The sender's address on the channel (WhatsApp number as E.164 digits, Messenger PSID). */
    contactAddress: text('contact_address').notNull(),
    customerId: uuid('customer_id').references(() => customers.id),
    representativeId: uuid('representative_id').references(() => authorizedRepresentatives.id),
    language: text('language', { enum: LANGUAGES }).notNull().default('es'),
    /** The menu's step and what it gathered so far (the service chosen, a pending confirmation…). */
    state: jsonb('state').notNull(),
    misunderstood: smallint('misunderstood').notNull().default(0),
    caseId: uuid('case_id').references(() => cases.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closeReason: text('close_reason', { enum: CONVERSATION_CLOSE_REASONS }),
  },
  (t) => [
    uniqueIndex('conversations_open_sender_key')
      .on(t.channel, t.contactAddress)
      .where(sql`${t.closedAt} is null`),
    index('conversations_idle_idx').on(t.lastActivityAt).where(sql`${t.closedAt} is null`),
    index('conversations_customer_idx').on(t.customerId, t.startedAt),
    check(
      'conversations_close_reason_check',
      sql`${t.closeReason} in ('inactividad', 'asesor', 'solicitud', 'completada')`,
    ),
  ],
);

/** One message of a conversation, either way; an inbound one's transport id makes a redelivery collapse. */
export const conversationTurns = pgTable(
  'conversation_turns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    kind: text('kind', { enum: MESSAGE_KINDS }).notNull(),
    body: text('body').notNull(),
    /** What was sent as an interactive list, buttons or quick replies, in the channel's own shape. */
    payload: jsonb('payload'),
    externalId: text('external_id'),
    deliveryStatus: text('delivery_status', { enum: DELIVERY_STATUSES }),
    deliveryError: text('delivery_error'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('conversation_turns_external_id_key').on(t.externalId),
    index('conversation_turns_conversation_idx').on(t.conversationId, t.createdAt),
    check('conversation_turns_kind_check', sql`${t.kind} in ('entrante', 'saliente')`),
  ],
);

/**
 * A notice of a breach of personal data (an admin's action): what happened, in words for the affected
 * people, and who declared it; each person told is a row of `breach_notice_recipients`, written before
 * their notice is queued, so a resumed fan-out tells nobody twice.
 */
export const breachNotices = pgTable('breach_notices', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Spanish (`es-MX`) always, English (`en`) when the admin wrote it. */
  title: jsonb('title').$type<LocalizedText>().notNull(),
  body: jsonb('body').$type<LocalizedText>().notNull(),
  declaredByAgentId: uuid('declared_by_agent_id')
    .notNull()
    .references(() => agents.id),
  affectedCount: integer('affected_count').notNull(),
  createdAt: createdAt(),
});

export const breachNoticeRecipients = pgTable(
  'breach_notice_recipients',
  {
    breachNoticeId: uuid('breach_notice_id')
      .notNull()
      .references(() => breachNotices.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    caseId: uuid('case_id').references(() => cases.id),
    messageId: uuid('message_id'),
    channel: text('channel'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.breachNoticeId, t.customerId] })],
);

/**
 * A promotional message an admin sent: its text and how many had consent in force then. It reaches only
 * customers whose newest `promocionales` consent grants it; each one told is a row of
 * `promotion_recipients`, written with their notice, so a resumed run tells nobody twice.
 */
export const promotions = pgTable('promotions', {
  id: uuid('id').primaryKey().defaultRandom(),
  text: jsonb('text').$type<LocalizedText>().notNull(),
  declaredByAgentId: uuid('declared_by_agent_id')
    .notNull()
    .references(() => agents.id),
  audience: integer('audience').notNull(),
  createdAt: createdAt(),
});

export const promotionRecipients = pgTable(
  'promotion_recipients',
  {
    promotionId: uuid('promotion_id')
      .notNull()
      .references(() => promotions.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    caseId: uuid('case_id').references(() => cases.id),
    messageId: uuid('message_id'),
    channel: text('channel'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.promotionId, t.customerId] })],
);

/**
 * The monthly report for the regulators, generated once per month (by a job, or by an admin for a past
 * month not yet generated) and archived: CSV and XLSX with their SHA-256, never changed afterwards (a
 * trigger refuses UPDATE and DELETE). `categories` is the mapping of request types to the report's
 * categories in force when it was generated.
 */
export const regulatorReports = pgTable('regulator_reports', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** The month reported, `YYYY-MM`, in the provider's time zone. */
  period: text('period').notNull().unique(),
  categories: jsonb('categories').notNull(),
  summary: jsonb('summary').notNull(),
  csv: bytea('csv').notNull(),
  csvSha256: text('csv_sha256').notNull(),
  xlsx: bytea('xlsx').notNull(),
  xlsxSha256: text('xlsx_sha256').notNull(),
  generatedByAgentId: uuid('generated_by_agent_id').references(() => agents.id),
  generatedAt: timestamp('generated_at', { withTimezone: true }).notNull(),
});

/**
 * A satisfaction survey (CSAT): one question (1–5) sent on the case's channel once the case is closed,
 * with an optional comment. The link sent by e-mail and shown in the portal carries a token whose hash is
 * kept here. The agent and area are those of the case when it closed, so results stay where they were earned.
 */
export const csatSurveys = pgTable(
  'csat_surveys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    channel: text('channel').notNull(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    agentId: uuid('agent_id').references(() => agents.id),
    status: text('status', { enum: CSAT_STATUSES }).notNull().default('enviada'),
    tokenHash: text('token_hash').notNull().unique(),
    score: smallint('score'),
    comment: text('comment'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('csat_surveys_case_key').on(t.caseId),
    index('csat_surveys_customer_idx').on(t.customerId, t.sentAt),
    index('csat_surveys_answered_idx').on(t.answeredAt).where(sql`${t.answeredAt} is not null`),
    index('csat_surveys_stats_idx')
      .on(t.answeredAt, t.areaId, t.agentId, t.channel, t.score)
      .where(sql`${t.status} = 'respondida'`),
    check('csat_surveys_status_check', sql`${t.status} in ('enviada', 'respondida', 'expirada')`),
    check('csat_surveys_score_check', sql`${t.score} is null or ${t.score} between 1 and 5`),
    check('csat_surveys_answered_has_score', sql`${t.status} <> 'respondida' or ${t.score} is not null`),
  ],
);

/**
 * An integration's URL that receives events of the chosen kinds, signed with its secret (HMAC-SHA256 over
 * the timestamp and the raw body). Disabled, with a notice to admins, after repeated failed deliveries.
 */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  eventKinds: text('event_kinds').array().notNull(),
  secret: text('secret').notNull(),
  active: boolean('active').notNull().default(true),
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  createdByAgentId: uuid('created_by_agent_id').references(() => agents.id),
  createdAt: createdAt(),
});

/** One event to one subscription: attempts with back-off until delivered or given up; the delivery log. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    eventKind: text('event_kind').notNull(),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default('pendiente'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_subscription_event_key').on(t.subscriptionId, t.eventId),
    index('webhook_deliveries_subscription_idx').on(t.subscriptionId, t.createdAt),
    check('webhook_deliveries_status_check', sql`${t.status} in ('pendiente', 'entregada', 'fallida')`),
  ],
);

/** How far the webhook dispatcher has read the event log (one row), and the ids it skipped over. */
export const webhookCursor = pgTable(
  'webhook_cursor',
  {
    id: smallint('id').primaryKey().default(1),
    lastEventId: bigint('last_event_id', { mode: 'number' }).notNull().default(0),
    /**
     * Ids below the cursor not seen yet: taken from the sequence by a transaction still running (its
     * events will appear) or rolled back (never). Each is looked for on every run until it appears or ages out.
     */
    gaps: jsonb('gaps').$type<Array<{ id: number; since: string }>>().notNull().default([]),
  },
  (t) => [check('webhook_cursor_single_row', sql`${t.id} = 1`)],
);
