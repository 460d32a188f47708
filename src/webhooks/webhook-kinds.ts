import type { EventKind } from '../domain/vocabulary.ts';

/**
 * The event kinds an integration may subscribe to: what happens to cases, outages, money owed to the
 * customer and the service itself. Internal bookkeeping (agents, tokens, settings, personal-data rights)
 * stays out: its events concern people or security, not the integrator's systems.
 */
export const WEBHOOK_EVENT_KINDS = [
  'created',
  'status_changed',
  'assigned',
  'transferred',
  'priority_changed',
  'type_changed',
  'deadline_warning',
  'deadline_breached',
  'incident_declared',
  'incident_updated',
  'case_incident_linked',
  'incident_restoration_applied',
  'compensation_posted',
  'compensation_decided',
  'refund_made',
  'payment_confirmed',
  'service_status_changed',
  'service_suspended',
  'service_reactivated',
  'cancellation_effected',
  'installation_recorded',
  'service_order_created',
  'service_order_scheduled',
  'service_order_visited',
  'service_order_closed',
  'csat_answered',
] as const satisfies readonly EventKind[];

export type WebhookEventKind = (typeof WEBHOOK_EVENT_KINDS)[number];
