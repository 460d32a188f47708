import type { IncidentStatus } from '../domain/vocabulary.ts';
import { AppError } from '../http/errors.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How far back an outage may be declared: older ones are history for reports, not an open incident. */
export const MAX_START_AGE_MS = 30 * DAY_MS;
/** How far ahead an ETA may be promised: beyond it the provider does not know, and should say so in words. */
export const MAX_ETA_AHEAD_MS = 30 * DAY_MS;

/**
 * The only status changes an incident may make. Service that falls again soon after it was restored
 * reopens the same incident (`restablecido → en_reparacion`, its restoration forgotten) rather than a new
 * one, so the customers linked to it stay linked. An incident is closed only once restored: closing is
 * where the later bulk resolution and compensation start, and they need the restoration instant. One
 * declared by mistake is restored at its start and closed.
 */
export const INCIDENT_TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  abierto: ['en_reparacion', 'restablecido'],
  en_reparacion: ['restablecido'],
  restablecido: ['en_reparacion', 'cerrado'],
  cerrado: [],
};

export const canIncidentTransition = (from: IncidentStatus, to: IncidentStatus) =>
  INCIDENT_TRANSITIONS[from].includes(to);

export function assertIncidentTransition(from: IncidentStatus, to: IncidentStatus): void {
  if (!canIncidentTransition(from, to)) {
    throw new AppError('incident.illegal_transition', {
      status: 409,
      field: 'status',
      detail: `An incident ${from} cannot move to ${to}`,
      extra: { from, to, allowed: INCIDENT_TRANSITIONS[from] },
    });
  }
}

/** A declared start: not in the future, not older than {@link MAX_START_AGE_MS}. */
export function assertStart(startedAt: Date, now: Date): void {
  if (startedAt.getTime() > now.getTime()) {
    throw new AppError('incident.start_in_future', {
      status: 422,
      field: 'startedAt',
      detail: 'An outage cannot start after it is declared',
    });
  }
  if (now.getTime() - startedAt.getTime() > MAX_START_AGE_MS) {
    throw new AppError('incident.start_too_old', {
      status: 422,
      field: 'startedAt',
      detail: 'An outage must have started within the last 30 days',
    });
  }
}

/** An ETA: after the start, and within {@link MAX_ETA_AHEAD_MS} of now. */
export function assertEta(eta: Date, startedAt: Date, now: Date): void {
  if (eta.getTime() <= startedAt.getTime()) {
    throw new AppError('incident.eta_before_start', {
      status: 422,
      field: 'eta',
      detail: 'The estimated restoration must come after the outage started',
    });
  }
  if (eta.getTime() - now.getTime() > MAX_ETA_AHEAD_MS) {
    throw new AppError('incident.eta_too_far', {
      status: 422,
      field: 'eta',
      detail: 'The estimated restoration must be within the next 30 days',
    });
  }
}

/** A restoration instant: not in the future and not before the outage started. */
export function assertRestoration(restoredAt: Date, startedAt: Date, now: Date): void {
  if (restoredAt.getTime() > now.getTime()) {
    throw new AppError('incident.restored_in_future', {
      status: 422,
      field: 'restoredAt',
      detail: 'Service cannot be recorded as restored later than now',
    });
  }
  if (restoredAt.getTime() < startedAt.getTime()) {
    throw new AppError('incident.restored_before_start', {
      status: 422,
      field: 'restoredAt',
      detail: 'Service cannot be restored before the outage started',
    });
  }
}
