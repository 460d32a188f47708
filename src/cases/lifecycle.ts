import type { CASE_STATUSES } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';

export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The only status changes a case may make; every other one is refused with a 409. */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  nuevo: ['asignado', 'en_proceso', 'descartado'],
  asignado: ['nuevo', 'en_proceso', 'descartado'],
  en_proceso: ['en_espera_cliente', 'resuelto', 'descartado'],
  en_espera_cliente: ['en_proceso', 'resuelto'],
  resuelto: ['en_proceso', 'cerrado'],
  cerrado: [],
  descartado: [],
};

export const FINAL_STATUSES: readonly CaseStatus[] = ['cerrado', 'descartado'];
/** Statuses with work still to do: what an inbox lists unless asked for more. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['nuevo', 'asignado', 'en_proceso', 'en_espera_cliente'];
/** States in which an agent holds the case, so a supervisor may hand it to another agent of the area. */
export const REASSIGNABLE_STATUSES: readonly CaseStatus[] = ['asignado', 'en_proceso', 'en_espera_cliente'];
/** Request types whose resolution must say whose fault it was (it drives compensation and reports). */
export const CAUSE_REQUIRED_TYPES: readonly string[] = ['falla', 'queja'];

export const isFinal = (status: CaseStatus) => FINAL_STATUSES.includes(status);

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: CaseStatus, to: CaseStatus): void {
  if (!canTransition(from, to)) {
    throw new AppError('case.illegal_transition', {
      status: 409,
      field: 'status',
      detail: `A case in ${from} cannot move to ${to}`,
      extra: { from, to, allowed: TRANSITIONS[from] },
    });
  }
}
