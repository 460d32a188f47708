import type { CaseStatus, SystemRule } from '../domain/vocabulary.ts';
import { AppError } from '../http/errors.ts';

/** Atiende acting on a rule: who an event names when no person made the change. */
export interface SystemActor {
  kind: 'sistema';
  rule: SystemRule;
}

export const systemActor = (rule: SystemRule): SystemActor => ({ kind: 'sistema', rule });

/** A change the system may be asked to make; checked against its rule like an agent's against its areas. */
export type SystemChange =
  | { kind: 'case.status'; from: CaseStatus; to: CaseStatus }
  | { kind: 'case.assign' }
  | { kind: 'case.unassign' }
  | { kind: 'case.notice' }
  | { kind: 'deadline.alert' }
  | { kind: 'message.delivery' }
  | { kind: 'customer.identify' }
  | { kind: 'agent.presence' }
  | { kind: 'agent.admin' }
  | { kind: 'demo.seed' }
  | { kind: 'customer.import' }
  | { kind: 'service.reconnection' }
  | { kind: 'promise.remind' }
  | { kind: 'promise.close' }
  | { kind: 'ledger.credit' }
  | { kind: 'service.cancel' }
  | { kind: 'service.suspend' }
  | { kind: 'service.reactivate' }
  | { kind: 'compensation.propose' }
  | { kind: 'case.link_incident' }
  | { kind: 'incident.propose' }
  | { kind: 'customer.anonymise' }
  | { kind: 'webhook.disable' };

type Permission =
  | { kind: 'case.status'; from: readonly CaseStatus[]; to: readonly CaseStatus[] }
  | { kind: Exclude<SystemChange['kind'], 'case.status'> };

/**
 * What each rule may change, and nothing else: a rule that tries anything more is refused as an agent
 * outside the case's area would be. Records written before rules were named (`registro_previo`) may
 * change nothing.
 */
export const SYSTEM_PERMISSIONS: Record<SystemRule, readonly Permission[]> = {
  reparto_automatico: [{ kind: 'case.assign' }],
  agente_desconectado: [{ kind: 'agent.presence' }, { kind: 'case.unassign' }],
  cierre_por_ventana_de_reapertura: [{ kind: 'case.status', from: ['resuelto'], to: ['cerrado'] }],
  // A report an outage's restoration answers needs no agent's hands, whoever holds it or not.
  resolucion_por_incidente: [
    { kind: 'case.status', from: ['nuevo', 'asignado', 'en_proceso', 'en_espera_cliente'], to: ['resuelto'] },
  ],
  escalamiento_de_plazos: [{ kind: 'deadline.alert' }],
  aviso_automatico: [{ kind: 'case.notice' }],
  reporte_de_entrega: [{ kind: 'message.delivery' }],
  identificacion_de_cliente: [{ kind: 'customer.identify' }],
  datos_de_demostracion: [{ kind: 'demo.seed' }, { kind: 'customer.identify' }, { kind: 'agent.admin' }],
  instalacion_inicial: [{ kind: 'agent.admin' }],
  linea_de_comandos: [{ kind: 'agent.admin' }, { kind: 'customer.import' }],
  registro_previo: [],
  reconexion_por_pago: [{ kind: 'service.reconnection' }],
  recordatorio_de_promesa: [{ kind: 'promise.remind' }, { kind: 'promise.close' }],
  bonificacion_automatica: [{ kind: 'ledger.credit' }],
  cancelacion_programada: [{ kind: 'service.cancel' }],
  suspension_por_falta_de_pago: [{ kind: 'service.suspend' }],
  aviso_de_suspension: [{ kind: 'case.notice' }],
  reactivacion_programada: [{ kind: 'service.reactivate' }],
  instalacion_vencida: [{ kind: 'compensation.propose' }],
  vinculo_por_incidente: [{ kind: 'case.link_incident' }, { kind: 'case.notice' }],
  deteccion_de_incidente: [{ kind: 'incident.propose' }],
  aviso_de_incidente: [{ kind: 'case.notice' }],
  // The daily job that anonymises what billing kept of an erased customer once its retention ended.
  anonimizacion_por_retencion: [{ kind: 'customer.anonymise' }],
  // The monthly job that archives the previous month's report for the regulators: it changes nothing.
  reporte_al_regulador: [],
  // Deliveries failing in a row switch an integration's subscription off until an admin looks.
  desactivacion_de_webhook: [{ kind: 'webhook.disable' }],
};

/** Whether a rule allows a change. */
export function systemMay(rule: SystemRule, change: SystemChange): boolean {
  return SYSTEM_PERMISSIONS[rule].some((p) => {
    if (p.kind !== change.kind) return false;
    if (p.kind !== 'case.status' || change.kind !== 'case.status') return true;
    return p.from.includes(change.from) && p.to.includes(change.to);
  });
}

/** Refuses a change the actor's rule does not allow (a 403 naming the rule). */
export function assertSystemMay(actor: SystemActor, change: SystemChange): void {
  if (systemMay(actor.rule, change)) return;
  throw new AppError('system.rule_forbids', {
    status: 403,
    detail: `The rule ${actor.rule} does not allow ${change.kind === 'case.status' ? `${change.from} → ${change.to}` : change.kind}`,
  });
}
