/**
 * The domain's words: every closed list of codes that the database, the API and the web share. The
 * server's schemas and the web's types both read them from here, so a new code is added once. This
 * module imports nothing, so the web bundles it without any server code.
 *
 * The codes are stored in the database and sent in the API: renaming one is a migration.
 */

/** Request types a customer can raise, as the provider's Código de Prácticas Comerciales lists them. */
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

/** The doors a request can come through; `facebook` is Facebook Messenger. */
export const CHANNELS = ['telefono', 'whatsapp', 'email', 'portal', 'facebook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Kinds of address by which a customer is reached and recognised. */
export const CONTACT_KINDS = ['phone', 'email', 'whatsapp', 'messenger'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

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

export const PRIORITIES = ['baja', 'normal', 'alta', 'urgente'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Who raised a case: the customer, someone on their behalf, or an agent (e.g. a phone call). */
export const RAISED_BY = ['cliente', 'representante', 'agente'] as const;
export type RaisedBy = (typeof RAISED_BY)[number];

/** `tecnico`: a field technician, who sees only the visits ordered for them. */
export const AGENT_ROLES = ['admin', 'supervisor', 'agent', 'tecnico'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export const PRESENCES = ['en_linea', 'ausente', 'desconectado'] as const;
export type Presence = (typeof PRESENCES)[number];

/** The clocks a case runs against. */
export const DEADLINE_KINDS = ['primera_respuesta', 'resolucion'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** A deadline as users see it: running (on time, close, overdue), paused, or met (on time or late). */
export const DEADLINE_STATES = [
  'en_tiempo',
  'por_vencer',
  'vencido',
  'pausado',
  'atendido_a_tiempo',
  'atendido_fuera_de_plazo',
] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];

/** The alarms a deadline raises: close to due (the warning share of its length), then overdue. */
export const DEADLINE_FLAG_KINDS = ['por_vencer', 'vencido'] as const;
export type DeadlineFlagKind = (typeof DEADLINE_FLAG_KINDS)[number];

export const MESSAGE_KINDS = ['entrante', 'saliente', 'nota_interna'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const DELIVERY_STATUSES = ['pendiente', 'enviado', 'entregado', 'leido', 'fallido'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Who caused an event: an agent, the customer or their representative (through a channel), or Atiende. */
export const ACTOR_KINDS = ['agente', 'cliente', 'representante', 'sistema'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * The rules by which Atiende itself changes things; every change made as `sistema` names one, and each
 * rule may make only the changes `src/auth/system-rules.ts` lists for it.
 */
export const SYSTEM_RULES = [
  'reparto_automatico',
  'agente_desconectado',
  'cierre_por_ventana_de_reapertura',
  'resolucion_por_incidente',
  'escalamiento_de_plazos',
  'aviso_automatico',
  'reporte_de_entrega',
  'identificacion_de_cliente',
  'datos_de_demostracion',
  'instalacion_inicial',
  'linea_de_comandos',
  'registro_previo',
  'reconexion_por_pago',
  'recordatorio_de_promesa',
  'bonificacion_automatica',
  'cancelacion_programada',
  'suspension_por_falta_de_pago',
  'aviso_de_suspension',
  'reactivacion_programada',
  'instalacion_vencida',
  'vinculo_por_incidente',
  'deteccion_de_incidente',
  'aviso_de_incidente',
  'anonimizacion_por_retencion',
  'reporte_al_regulador',
  'desactivacion_de_webhook',
] as const;
export type SystemRule = (typeof SYSTEM_RULES)[number];

/**
 * What an event is about. Every event names one subject (the thing that changed) besides the case or
 * customer timelines it also appears on.
 */
export const EVENT_SUBJECTS = [
  'case',
  'customer',
  'account',
  'service',
  'incident',
  'incident_proposal',
  'service_order',
  'agent',
  'api_token',
  'settings',
  'payment',
  'payment_promise',
  'customer_import',
  'arco_request',
  'plan',
  'zone',
  'conciliation',
  'compensation',
  'cancellation',
  'conversation',
  'breach_notice',
  'regulator_report',
  'webhook_subscription',
] as const;
export type EventSubject = (typeof EVENT_SUBJECTS)[number];

/** What an audit event records; the live feed sends every kind and each screen picks the ones it shows. */
export const EVENT_KINDS = [
  'created',
  'status_changed',
  'transferred',
  'assigned',
  'priority_changed',
  'type_changed',
  'message_added',
  'customer_merged',
  'arco_request_received',
  'arco_identity_verified',
  'arco_answered',
  'arco_executed',
  'customer_rectified',
  'customer_anonymised',
  'customer_retention_anonymised',
  'customer_changed',
  'representative_added',
  'representative_revoked',
  'representative_verified',
  'representative_notice_sent',
  'representative_out_of_scope',
  'deadline_warning',
  'deadline_breached',
  'delivery_failed',
  'aviso_no_entregado',
  'agent_created',
  'agent_changed',
  'agent_password_reset',
  'api_token_created',
  'api_token_revoked',
  'customers_imported',
  'plan_created',
  'plan_changed',
  'zone_created',
  'zone_changed',
  'service_created',
  'service_changed',
  'service_status_changed',
  'ledger_entry_posted',
  'case_service_changed',
  'pin_set',
  'pin_reset',
  'consent_recorded',
  'promotion_declared',
  'promotion_sent',
  'breach_notice_declared',
  'breach_notice_sent',
  'identity_verified',
  'personal_data_exported',
  'payment_registered',
  'payment_confirmed',
  'payment_rejected',
  'reconnection_started',
  'promise_made',
  'promise_kept',
  'promise_broken',
  'promise_reminded',
  'failure_times_recorded',
  'conciliation_opened',
  'conciliation_closed',
  'compensation_posted',
  'compensation_not_posted',
  'compensation_proposed',
  'compensation_decided',
  'refund_made',
  'cancellation_requested',
  'retention_offer_recorded',
  'cancellation_withdrawn',
  'cancellation_effected',
  'equipment_returned',
  'suspension_notice_recorded',
  'service_suspended',
  'service_reactivated',
  'installation_recorded',
  'incident_declared',
  'incident_updated',
  'case_incident_linked',
  'case_incident_unlinked',
  'incident_proposed',
  'incident_proposal_grew',
  'incident_proposal_accepted',
  'incident_proposal_dismissed',
  'incident_restoration_applied',
  'regulator_report_generated',
  'service_order_created',
  'evidence_exported',
  'service_order_scheduled',
  'csat_sent',
  'csat_answered',
  'service_order_visited',
  'webhook_subscription_changed',
  'webhook_subscription_disabled',
  'service_order_closed',
  'service_order_reschedule_requested',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/**
 * Why a written channel could not carry an automatic notice, as `aviso_no_entregado` records it: no
 * contact point on file for it, its 24-hour window closed (and no approved template for the notice), no
 * text for the notice on it, or a value the text or template needs was not given; a notice of a use of
 * personal data (promotions, surveys) the person has no consent in force for is sent on no channel.
 */
export const NOTICE_REFUSALS = [
  'sin_contacto',
  'ventana_cerrada',
  'sin_plantilla',
  'faltan_datos',
  'sin_consentimiento',
] as const;
export type NoticeRefusal = (typeof NOTICE_REFUSALS)[number];

/** Whether a value is one of a list's codes, e.g. a live event's kind against {@link EVENT_KINDS}. */
export const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);

/** Where a contracted service stands; `pendiente_instalacion` is signed but not yet installed. */
export const SERVICE_STATUSES = ['activo', 'suspendido', 'cancelado', 'pendiente_instalacion'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** Why a service is suspended. */
export const SUSPENSION_REASONS = [
  'falta_de_pago',
  'solicitud_del_cliente',
  'robo_o_extravio',
  'uso_indebido',
] as const;
export type SuspensionReason = (typeof SUSPENSION_REASONS)[number];

/** How a plan reaches the home. */
export const PLAN_TECHNOLOGIES = ['inalambrico', 'fibra', 'cable', 'satelital'] as const;
export type PlanTechnology = (typeof PLAN_TECHNOLOGIES)[number];

/** Kinds of ledger entry; the sign each carries is in `LEDGER_SIGNS` (src/accounts/billing-cycle.ts). */
export const LEDGER_KINDS = ['cargo', 'pago', 'bonificacion', 'reembolso', 'ajuste'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** How a customer paid: at an OXXO store, by SPEI transfer, a bank deposit, a card, or cash at the office. */
export const PAYMENT_METHODS = ['oxxo', 'spei', 'deposito', 'tarjeta', 'efectivo'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** A registered payment waits for a second agent when the provider asks for it; only a confirmed one is posted. */
export const PAYMENT_STATUSES = ['por_confirmar', 'confirmado', 'rechazado'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PROMISE_STATUSES = ['vigente', 'cumplida', 'incumplida', 'cancelada'] as const;
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];

/**
 * What a compensation pays for: a failure's time without service (`falla`), an improper charge refunded
 * (`cargo_indebido`), an installation past its deadline (`instalacion_tardia`), or days the provider's
 * equipment at the customer's home was under repair (`equipo_en_reparacion`, no charge for them).
 */
export const COMPENSATION_KINDS = [
  'falla',
  'cargo_indebido',
  'instalacion_tardia',
  'equipo_en_reparacion',
] as const;
export type CompensationKind = (typeof COMPENSATION_KINDS)[number];

/** A compensation waits for a supervisor above the automatic amount; once decided it is posted or not. */
export const COMPENSATION_STATUSES = ['por_aprobar', 'aplicada', 'rechazada'] as const;
export type CompensationStatus = (typeof COMPENSATION_STATUSES)[number];

/** Where an outage stands: open, being repaired, service back (its restoration recorded), closed. */
export const INCIDENT_STATUSES = ['abierto', 'en_reparacion', 'restablecido', 'cerrado'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/**
 * A proposal of an incident made from failure reports clustering in a zone: waiting for a supervisor,
 * accepted (an incident was declared from it) or dismissed (the zone is muted for a while).
 */
export const INCIDENT_PROPOSAL_STATUSES = ['pendiente', 'aceptada', 'descartada'] as const;
export type IncidentProposalStatus = (typeof INCIDENT_PROPOSAL_STATUSES)[number];

/** Field visits a case may need, each with its own clock (installation, repair, on-site reconnection). */
export const SERVICE_ORDER_KINDS = ['instalacion', 'reparacion', 'reconexion_en_sitio'] as const;
export type ServiceOrderKind = (typeof SERVICE_ORDER_KINDS)[number];

/**
 * Where a field visit stands: waiting for an appointment, with one agreed, or ended by its last visit's
 * outcome (`reprogramada` waits for a new appointment).
 */
export const SERVICE_ORDER_STATUSES = [
  'pendiente',
  'agendada',
  'realizada',
  'cliente_ausente',
  'reprogramada',
  'no_procede',
] as const;
export type ServiceOrderStatus = (typeof SERVICE_ORDER_STATUSES)[number];

/** What a technician records after a visit. */
export const VISIT_OUTCOMES = ['realizada', 'cliente_ausente', 'reprogramada', 'no_procede'] as const;
export type VisitOutcome = (typeof VISIT_OUTCOMES)[number];

/** What caused an outage, as the provider reports it. */
export const INCIDENT_CAUSES = [
  'energia',
  'enlace',
  'equipo',
  'clima',
  'vandalismo',
  'mantenimiento',
  'otro',
] as const;
export type IncidentCause = (typeof INCIDENT_CAUSES)[number];

/**
 * A cancellation runs until its effective date, unless the customer withdraws it in writing first
 * (`retirada`), or its case stops being a cancellation, reclassified or discarded (`anulada`).
 */
export const CANCELLATION_STATUSES = ['en_curso', 'efectuada', 'retirada', 'anulada'] as const;
export type CancellationStatus = (typeof CANCELLATION_STATUSES)[number];

/** What a cancellation ends: the contract (every charge of the service) or one add-on service. */
export const CANCELLATION_SCOPES = ['contrato', 'servicio_adicional'] as const;
export type CancellationScope = (typeof CANCELLATION_SCOPES)[number];

/** How an agent checked that the caller is the account holder (or their representative). */
export const IDENTITY_CHECKS = [
  'pin',
  'codigo_enviado',
  'datos_de_cuenta',
  'representante_autorizado',
] as const;
export type IdentityCheck = (typeof IDENTITY_CHECKS)[number];

/** The four rights over personal data (LFPDPPP): access, rectification, cancellation, opposition. */
export const ARCO_SUBTYPES = ['acceso', 'rectificacion', 'cancelacion', 'oposicion'] as const;
export type ArcoSubtype = (typeof ARCO_SUBTYPES)[number];

/**
 * Where an ARCO request stands: received, answered within its deadline (granted or refused with a
 * reason), then carried out (the export delivered, the data corrected, erased or the opt-out recorded).
 */
export const ARCO_STATUSES = ['recibida', 'respondida', 'ejecutada', 'improcedente'] as const;
export type ArcoStatus = (typeof ARCO_STATUSES)[number];

/** How an authorization of a third party was given: by an agent on the API, by the customer in the portal, or a carta poder a supervisor verifies. */
export const REPRESENTATIVE_GRANTS = ['agente', 'portal', 'carta_poder'] as const;
export type RepresentativeGrant = (typeof REPRESENTATIVE_GRANTS)[number];

/** Uses of personal data that need the person's express consent, or that they may oppose. */
export const CONSENT_PURPOSES = ['promocionales', 'encuestas'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** Why a menu conversation on WhatsApp or Messenger ended. */
export const CONVERSATION_CLOSE_REASONS = ['inactividad', 'asesor', 'solicitud', 'completada'] as const;
export type ConversationCloseReason = (typeof CONVERSATION_CLOSE_REASONS)[number];

/** The languages a customer is answered in. */
export const LANGUAGES = ['es', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Where a satisfaction survey stands: sent after its case was closed, answered (1–5), or expired
 * unanswered. Only one survey per case; at most one per customer per period.
 */
export const CSAT_STATUSES = ['enviada', 'respondida', 'expirada'] as const;
export type CsatStatus = (typeof CSAT_STATUSES)[number];

/** Where one delivery of an event to an integration's URL stands. */
export const WEBHOOK_DELIVERY_STATUSES = ['pendiente', 'entregada', 'fallida'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
