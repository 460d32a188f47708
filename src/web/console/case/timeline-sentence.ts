import { formatMxn } from '../../../accounts/money.ts';
import type { CaseEvent } from '../../shared/types.ts';

/** A translation function over the console's strings (`common:` for the shared ones). */
export type Translate = (key: string, values?: Record<string, unknown>) => string;

/** What a sentence needs to name people and places, resolved by the caller from the session. */
export interface SentenceContext {
  t: Translate;
  /** Who did it, already named: the agent, the customer, "Representante" or "Sistema". */
  actor: string;
  agentName(id: unknown): string;
  areaName(id: unknown): string;
  channel: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const money = (value: unknown) => (typeof value === 'number' ? formatMxn(value) : '');

/**
 * The sentence of one event, told for who caused it: an agent taking a case says so ("Luis tomó el
 * caso"), an automatic unassignment names the agent who went offline, the system's own steps have no
 * actor. Undefined for a kind it has no sentence for (the caller then shows the raw kind).
 */
export function eventSentence(event: CaseEvent, ctx: SentenceContext): string | undefined {
  const { t, actor } = ctx;
  const before = event.before ?? {};
  const after = event.after ?? {};
  const by = event.actorKind === 'agente' ? 'agent' : 'system';
  const s = (key: string, values: Record<string, unknown> = {}) =>
    t(`timeline.sentence.${event.kind}.${key}`, { actor, ...values });
  const status = (value: unknown) => t(`common:status.${text(value) ?? 'nuevo'}`);
  const priority = (value: unknown) => t(`priority.${text(value) ?? 'normal'}`);
  const type = (value: unknown) => t(`common:requestType.${text(value) ?? 'duda'}`);
  switch (event.kind) {
    case 'created': {
      const channel = text(after.channel) ? t(`common:channel.${text(after.channel)}`) : ctx.channel;
      const who =
        event.actorKind === 'cliente'
          ? 'customer'
          : event.actorKind === 'representante'
            ? 'representative'
            : by;
      return s(who, { channel });
    }
    case 'status_changed': {
      const values = { from: status(before.status), to: status(after.status) };
      if (event.reason === 'customer_replied') return s('customerReplied', values);
      if (event.reason === 'reopened_by_customer') return s('reopened', values);
      if (event.reason === 'reopen_window_ended') return s('autoClosed', values);
      return s(by, values);
    }
    case 'transferred':
      return s(by, { from: ctx.areaName(before.areaId), to: ctx.areaName(after.areaId) });
    case 'assigned': {
      const agent = after.assigneeId ? ctx.agentName(after.assigneeId) : undefined;
      const previous = before.assigneeId ? ctx.agentName(before.assigneeId) : undefined;
      if (!agent) {
        if (event.reason === 'agent_disconnected') return s('wentOffline', { previous });
        return s(by === 'agent' ? 'released' : 'releasedBySystem');
      }
      if (by === 'system') return s('automatic', { agent });
      if (event.actorAgentId && event.actorAgentId === after.assigneeId) return s('took');
      if (previous && before.assigneeId !== after.assigneeId) return s('reassigned', { agent, previous });
      return s('agent', { agent });
    }
    case 'priority_changed':
      return s(by, { from: priority(before.priority), to: priority(after.priority) });
    case 'type_changed':
      return s(by, { from: type(before.requestType), to: type(after.requestType) });
    case 'message_added': {
      if (after.kind === 'nota_interna') return s('note');
      if (after.kind === 'saliente') return s(by === 'agent' ? 'reply' : 'automatic');
      return s(by === 'agent' ? 'recorded' : 'customer');
    }
    case 'customer_changed':
      if (event.reason === 'claim_confirmed') return s('claimConfirmed');
      if (event.reason === 'claim_verified') return s('claimVerified');
      if (event.reason === 'claim_rejected') return s('claimRejected');
      return s(by);
    case 'arco_request_received':
    case 'arco_executed':
      return s(by, {
        subtype: t(`timeline.sentence.arco_request_received.subtypes.${text(after.subtype) ?? 'acceso'}`),
      });
    case 'arco_identity_verified':
      return s(by, { method: t(`identity.method.${text(after.method) ?? 'pin'}`) });
    case 'arco_answered':
      return after.status === 'improcedente'
        ? s('refused', { reason: s(`reasons.${text(after.reason) ?? 'obligacion_legal'}`) })
        : s('granted');
    case 'customer_rectified':
    case 'customer_anonymised':
    case 'customer_retention_anonymised':
    case 'customer_merged':
    case 'representative_added':
    case 'representative_revoked':
    case 'representative_verified':
    case 'agent_created':
    case 'agent_changed':
    case 'agent_password_reset':
    case 'api_token_created':
    case 'api_token_revoked':
    case 'plan_created':
    case 'plan_changed':
    case 'zone_created':
    case 'zone_changed':
    case 'service_created':
    case 'service_changed':
      return s(by);
    case 'representative_notice_sent':
      return s('system');
    case 'representative_out_of_scope':
      return s('system', { type: type(after.requestType) });
    case 'service_status_changed': {
      const serviceStatus = (value: unknown) => t(`accounts.serviceStatus.${text(value) ?? 'activo'}`);
      return s(by, { from: serviceStatus(before.status), to: serviceStatus(after.status) });
    }
    case 'ledger_entry_posted':
      return s(by, {
        kind: t(`accounts.ledgerKind.${text(after.kind) ?? 'ajuste'}`),
        amount: typeof after.amountCentavos === 'number' ? formatMxn(after.amountCentavos) : '',
      });
    case 'case_service_changed':
      return s(after.serviceId ? by : 'cleared');
    case 'customers_imported':
      return s(by, { rows: typeof after.totalRows === 'number' ? after.totalRows : 0 });
    case 'pin_set':
    case 'pin_reset':
      return s(after.via === 'portal' ? 'portal' : by);
    case 'consent_recorded': {
      const use = t(`timeline.consentUse.${text(after.purpose) ?? 'promocionales'}`);
      if (after.arcoRequestId) return s('opposed', { use });
      const channel = t(`common:channel.${text(after.channel) ?? 'portal'}`);
      return s(after.granted === true ? 'granted' : 'withdrawn', {
        use,
        channel,
        version: after.textVersion,
      });
    }
    case 'promotion_declared':
      return s('agent');
    case 'breach_notice_declared':
      return s('agent', { count: after.affectedCount });
    case 'promotion_sent':
    case 'breach_notice_sent':
      return s(after.messageId ? 'system' : 'unsent');
    case 'identity_verified':
      return s(by, { method: t(`identity.method.${text(after.method) ?? 'datos_de_cuenta'}`) });
    case 'personal_data_exported':
      return s(event.actorKind === 'agente' ? 'agent' : 'customer', {
        format: (text(after.format) ?? 'json').toUpperCase(),
      });
    case 'payment_registered':
      return s(after.status === 'por_confirmar' ? 'pending' : 'agent', {
        amount: money(after.amountCentavos),
        method: t(`payments.methods.${text(after.method) ?? 'efectivo'}`),
      });
    case 'payment_confirmed':
    case 'payment_rejected':
      return s('agent', { amount: money(after.amountCentavos) });
    case 'reconnection_started':
      return s(after.onSite === true ? 'onSite' : 'system', { hours: after.hours });
    case 'promise_made':
      return s('agent', { amount: money(after.amountCentavos), date: text(after.promisedFor) });
    case 'promise_kept':
      return s(by, { amount: money(after.amountCentavos) });
    case 'promise_broken':
      return s('system', {
        amount: money(after.amountCentavos),
        paid: money(after.paidCentavos),
        date: text(after.promisedFor),
      });
    case 'promise_reminded':
      return s('system');
    case 'failure_times_recorded':
      return s(after.serviceRestoredAt !== before.serviceRestoredAt ? 'restored' : 'started');
    case 'conciliation_opened':
      return s('agent', { expediente: text(after.expediente), date: text(after.openedOn) });
    case 'conciliation_closed':
      return s('agent', { expediente: text(after.expediente), date: text(after.closedOn) });
    case 'compensation_posted':
      if (after.compensationKind === 'cargo_indebido' || after.compensationKind === 'instalacion_tardia') {
        return s('refund', {
          kind: t(`compensations.kind.${after.compensationKind}`),
          amount: money(after.totalCentavos),
          date: text(after.effectiveDate),
        });
      }
      return s('system', {
        amount: money(after.totalCentavos),
        date: text(after.effectiveDate),
        explanation: text(after.explanation),
      });
    case 'compensation_not_posted': {
      const reason = text(after.reason);
      const known = ['sin_plan', 'ya_aplicada', 'incidente_ya_compensado'];
      return s(reason && known.includes(reason) ? reason : 'sin_servicio', {
        amount: money(after.totalCentavos),
      });
    }
    case 'compensation_proposed':
      return s(after.automatic === true ? 'automatic' : 'pending', {
        kind: t(`compensations.kind.${text(after.compensationKind) ?? 'falla'}`),
        amount: money(after.computedCentavos),
      });
    case 'compensation_decided': {
      const decision = text(after.decision);
      return s(decision === 'ajustar' || decision === 'rechazar' ? decision : 'aprobar', {
        kind: t(`compensations.kind.${text(after.compensationKind) ?? 'falla'}`),
        computed: money(before.computedCentavos),
        applied: money(after.appliedCentavos),
      });
    }
    case 'refund_made':
      return s(by, { amount: money(after.refundCentavos) });
    case 'cancellation_requested':
      return s(event.actorKind === 'agente' ? 'agent' : 'opening', {
        date: text(after.effectiveDate),
        carryOutBy: text(after.carryOutBy),
      });
    case 'retention_offer_recorded':
    case 'equipment_returned':
      return s('agent');
    case 'cancellation_withdrawn':
      // Voided, not withdrawn: the case stopped asking to cancel (reclassified or discarded).
      if (after.reason === 'reclasificado' || after.reason === 'descartado') return s(after.reason);
      return s('agent', { channel: t(`common:channel.${text(after.channel) ?? 'email'}`) });
    case 'cancellation_effected': {
      // An add-on's leaves the service running: no final balance to tell.
      if (after.scope === 'servicio_adicional') return s('addOn', { date: text(after.effectiveDate) });
      const pending = after.equipmentReturned === false && Number(after.equipment) > 0;
      return s(pending ? 'equipmentPending' : 'system', {
        date: text(after.effectiveDate),
        balance: money(after.finalBalanceCentavos),
        count: after.equipment,
      });
    }
    case 'incident_declared':
      return s('agent', { number: after.number });
    case 'case_incident_linked':
      if (by === 'system')
        return s(event.reason === 'named_zone' ? 'namedZone' : 'serviceZone', { number: after.number });
      return s('agent', { number: after.number });
    case 'case_incident_unlinked':
      return s('agent', { number: before.number });
    case 'incident_proposed':
    case 'incident_proposal_grew':
      return s('system', { number: after.number, reports: after.reports });
    case 'incident_proposal_accepted':
      return s('agent', { number: after.number, incident: after.incidentNumber });
    case 'incident_proposal_dismissed':
      return s('agent', { number: after.number });
    case 'incident_restoration_applied':
      return s('system', {
        number: after.number,
        resolved: after.resolved,
        compensated: after.compensated,
        leftOpen: after.leftOpen,
      });
    case 'incident_updated':
      return before.status !== after.status
        ? s('status', {
            number: after.number,
            from: t(`incidents.status.${text(before.status) ?? 'abierto'}`),
            to: t(`incidents.status.${text(after.status) ?? 'abierto'}`),
          })
        : s('agent', { number: after.number });
    case 'suspension_notice_recorded': {
      const delivered = after.outcome === 'entregado';
      if (by === 'agent')
        return s(delivered ? 'agentDelivered' : 'agentUndeliverable', { date: text(after.noticedOn) });
      return s(delivered ? 'delivered' : 'undeliverable', {
        amount: money(after.amountCentavos),
        date: text(after.suspendableOn),
      });
    }
    case 'service_suspended': {
      const reason = t(
        `accounts.suspensionReason.${text(after.suspensionReason) ?? 'solicitud_del_cliente'}`,
      );
      const until = text(after.reactivateOn);
      return s(by === 'agent' && until ? 'agentUntil' : by, { reason, date: until });
    }
    case 'service_reactivated': {
      const fee = (after.reconnectionFee ?? {}) as Record<string, unknown>;
      return s(fee.charged === true ? `${by}Fee` : by, { amount: money(fee.amountCentavos) });
    }
    case 'installation_recorded':
      if (after.installedAt === undefined)
        return s('signed', { date: text(after.contractSignedOn), days: after.businessDays });
      return s(after.late !== true ? 'installed' : after.compensationId ? 'lateRefund' : 'late');
    case 'deadline_warning':
    case 'deadline_breached': {
      const deadline = text(after.deadline);
      const kind =
        deadline === 'primera_respuesta' ||
        deadline === 'reconexion' ||
        deadline === 'instalacion' ||
        deadline === 'reparacion' ||
        deadline === 'reconexion_en_sitio'
          ? deadline
          : 'resolucion';
      return s('system', { deadline: t(`timeline.deadline.${kind}`) });
    }
    case 'delivery_failed':
      return s('system');
    case 'aviso_no_entregado': {
      if (event.reason === 'sin_consentimiento') {
        return s('withoutConsent', {
          use: t(`timeline.noticeOfUse.${text(after.purpose) ?? 'promocionales'}`),
        });
      }
      const tried = Array.isArray(after.tried) ? (after.tried as Array<Record<string, unknown>>) : [];
      if (tried.length === 0) return s('nowhere');
      const ways = tried.map(
        (way) =>
          `${t(`common:channel.${text(way.channel)}`)}: ${t(`timeline.noticeRefusal.${text(way.reason)}`)}`,
      );
      return s('system', { tried: ways.join('; ') });
    }
    case 'service_order_created':
      return s(by, { number: after.number, kind: t(`field.kind.${text(after.kind) ?? 'reparacion'}`) });
    case 'regulator_report_generated':
      return s(by, { period: after.period });
    case 'evidence_exported':
      return s('agent', { format: (text(after.format) ?? 'pdf').toUpperCase() });
    case 'service_order_scheduled':
      if (event.reason !== 'confirmada_por_cliente') return s(by, { number: after.number });
      // The customer's own answer to the notice, or an agent recording one they read.
      return s(event.actorKind === 'cliente' ? 'confirmedByCustomer' : 'confirmed', { number: after.number });
    case 'service_order_reschedule_requested':
      return s('customer', { number: after.number });
    case 'csat_sent':
      return s('system', { channel: t(`common:channel.${text(after.channel) ?? 'email'}`) });
    case 'csat_answered':
      return s(after.comment === true ? 'customerWithComment' : 'customer', { score: after.score });
    case 'service_order_visited':
      return s(by, {
        number: after.number,
        outcome: t(`field.outcome.${text(after.outcome) ?? 'realizada'}`),
      });
    case 'webhook_subscription_changed': {
      const reason = text(event.reason);
      const known = ['created', 'disabled', 'reenabled', 'secret_rotated'];
      return s(reason && known.includes(reason) ? reason : 'updated', { host: after.host });
    }
    case 'webhook_subscription_disabled':
      return s('system', { host: after.host, count: after.consecutiveFailures });
    // Closed without a visit: its service was cancelled (the one reason an order is closed so).
    case 'service_order_closed':
      return s(by, { number: after.number });
    default:
      return undefined;
  }
}
