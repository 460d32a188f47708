import { describe, expect, it } from 'vitest';
import { SERVICE_STATUSES, type ServiceStatus } from '../domain/vocabulary.ts';
import { mayChangeServiceStatus } from './service-status.ts';

const ALLOWED: Array<[ServiceStatus, ServiceStatus]> = [
  ['pendiente_instalacion', 'activo'],
  ['pendiente_instalacion', 'cancelado'],
  ['activo', 'suspendido'],
  ['activo', 'cancelado'],
  ['suspendido', 'activo'],
  ['suspendido', 'cancelado'],
];

describe('service status transitions', () => {
  const pairs = SERVICE_STATUSES.flatMap((from) => SERVICE_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s → %s', (from, to) => {
    const allowed = ALLOWED.some(([f, t]) => f === from && t === to);
    expect(mayChangeServiceStatus(from, to)).toBe(allowed);
  });
});
