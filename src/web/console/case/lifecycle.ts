import type { CaseStatus, Channel, RequestType } from '../../shared/types.ts';

/** The moves the API allows from each status (see `POST /cases/:folio/status`). */
export const NEXT_STATUSES: Record<CaseStatus, CaseStatus[]> = {
  nuevo: ['asignado', 'en_proceso', 'descartado'],
  asignado: ['nuevo', 'en_proceso', 'descartado'],
  en_proceso: ['en_espera_cliente', 'resuelto', 'descartado'],
  en_espera_cliente: ['en_proceso', 'resuelto'],
  resuelto: ['en_proceso', 'cerrado'],
  cerrado: [],
  descartado: [],
};

export const isFinal = (status: CaseStatus) => NEXT_STATUSES[status].length === 0;

/** Failures and complaints must say what caused them when resolved (the regulator's statistics ask). */
export const causeRequired = (type: RequestType) => type === 'falla' || type === 'queja';

/**
 * Channels Atiende sends through. A reply on a phone or portal case is only recorded (the customer reads
 * it on the portal), so it has no delivery to show or wait for.
 */
export const WRITABLE_CHANNELS: Channel[] = ['whatsapp', 'email', 'facebook'];
