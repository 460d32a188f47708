import type { ServiceStatus } from '../domain/vocabulary.ts';

/**
 * Where a service may go from each status. A suspension is lifted back to `activo`; a cancellation is
 * final (a returning customer signs a new service, with its own ledger); a service not yet installed
 * becomes `activo` on installation or is cancelled before it.
 */
const NEXT: Record<ServiceStatus, readonly ServiceStatus[]> = {
  pendiente_instalacion: ['activo', 'cancelado'],
  activo: ['suspendido', 'cancelado'],
  suspendido: ['activo', 'cancelado'],
  cancelado: [],
};

export const mayChangeServiceStatus = (from: ServiceStatus, to: ServiceStatus): boolean =>
  NEXT[from].includes(to);

/** The statuses a new service may start in: one already running in the billing system, or one to install. */
export const INITIAL_SERVICE_STATUSES = ['activo', 'pendiente_instalacion'] as const;
