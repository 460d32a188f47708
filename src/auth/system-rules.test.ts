import { describe, expect, it } from 'vitest';
import { type CaseStatus, SYSTEM_RULES, type SystemRule } from '../domain/vocabulary.ts';
import {
  assertSystemMay,
  SYSTEM_PERMISSIONS,
  type SystemChange,
  systemActor,
  systemMay,
} from './system-rules.ts';

const status = (from: CaseStatus, to: CaseStatus): SystemChange => ({ kind: 'case.status', from, to });

describe('what the system may change, rule by rule', () => {
  const table: Array<[SystemRule, SystemChange, boolean]> = [
    ['cierre_por_ventana_de_reapertura', status('resuelto', 'cerrado'), true],
    ['cierre_por_ventana_de_reapertura', status('en_proceso', 'resuelto'), false],
    ['cierre_por_ventana_de_reapertura', status('en_proceso', 'cerrado'), false],
    ['resolucion_por_incidente', status('nuevo', 'resuelto'), true],
    ['resolucion_por_incidente', status('descartado', 'resuelto'), false],
    ['resolucion_por_incidente', status('en_espera_cliente', 'resuelto'), true],
    ['resolucion_por_incidente', status('en_proceso', 'resuelto'), true],
    ['resolucion_por_incidente', status('resuelto', 'cerrado'), false],
    ['resolucion_por_incidente', status('en_proceso', 'descartado'), false],
    ['resolucion_por_incidente', { kind: 'case.assign' }, false],
    ['reparto_automatico', { kind: 'case.assign' }, true],
    ['reparto_automatico', { kind: 'case.unassign' }, false],
    ['reparto_automatico', status('nuevo', 'asignado'), false],
    ['agente_desconectado', { kind: 'case.unassign' }, true],
    ['agente_desconectado', { kind: 'agent.presence' }, true],
    ['agente_desconectado', { kind: 'agent.admin' }, false],
    ['escalamiento_de_plazos', { kind: 'deadline.alert' }, true],
    ['escalamiento_de_plazos', status('nuevo', 'resuelto'), false],
    ['aviso_automatico', { kind: 'case.notice' }, true],
    ['aviso_automatico', { kind: 'message.delivery' }, false],
    ['instalacion_inicial', { kind: 'agent.admin' }, true],
    ['linea_de_comandos', { kind: 'agent.admin' }, true],
    ['linea_de_comandos', { kind: 'customer.import' }, true],
    ['identificacion_de_cliente', { kind: 'customer.import' }, false],
    ['linea_de_comandos', status('nuevo', 'cerrado'), false],
    ['identificacion_de_cliente', { kind: 'customer.identify' }, true],
    ['registro_previo', { kind: 'case.notice' }, false],
    ['registro_previo', status('resuelto', 'cerrado'), false],
    ['reconexion_por_pago', { kind: 'service.reconnection' }, true],
    ['reconexion_por_pago', { kind: 'promise.close' }, false],
    ['recordatorio_de_promesa', { kind: 'promise.remind' }, true],
    ['recordatorio_de_promesa', { kind: 'promise.close' }, true],
    ['recordatorio_de_promesa', { kind: 'service.reconnection' }, false],
    ['bonificacion_automatica', { kind: 'ledger.credit' }, true],
    ['bonificacion_automatica', status('resuelto', 'cerrado'), false],
    ['reconexion_por_pago', { kind: 'ledger.credit' }, false],
  ];

  it.each(table)('%s, %j → %s', (rule, change, allowed) => {
    expect(systemMay(rule, change)).toBe(allowed);
    const attempt = () => assertSystemMay(systemActor(rule), change);
    if (allowed) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(expect.objectContaining({ code: 'system.rule_forbids', status: 403 }));
  });

  it('lists permissions for every rule, and no rule may change everything', () => {
    expect(Object.keys(SYSTEM_PERMISSIONS).sort()).toEqual([...SYSTEM_RULES].sort());
    const kinds = new Set(table.map(([, change]) => change.kind));
    for (const rule of SYSTEM_RULES) {
      const allowed = [...kinds].filter((kind) => SYSTEM_PERMISSIONS[rule].some((p) => p.kind === kind));
      expect(allowed.length, rule).toBeLessThan(kinds.size);
    }
  });
});
