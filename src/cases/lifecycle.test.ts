import { describe, expect, it } from 'vitest';
import { CASE_STATUSES } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { assertTransition, type CaseStatus, canTransition } from './lifecycle.ts';

// The table, written out independently of the implementation.
const ALLOWED = new Set([
  'nuevo→asignado',
  'nuevo→en_proceso',
  'nuevo→descartado',
  'asignado→nuevo',
  'asignado→en_proceso',
  'asignado→descartado',
  'en_proceso→en_espera_cliente',
  'en_proceso→resuelto',
  'en_proceso→descartado',
  'en_espera_cliente→en_proceso',
  'en_espera_cliente→resuelto',
  'resuelto→en_proceso',
  'resuelto→cerrado',
]);

const pairs = CASE_STATUSES.flatMap((from) =>
  CASE_STATUSES.map((to) => [from, to] as [CaseStatus, CaseStatus]),
);

describe('case lifecycle: every pair of states', () => {
  it('covers all 49 pairs', () => expect(pairs).toHaveLength(49));

  it.each(pairs)('%s → %s', (from, to) => {
    const allowed = ALLOWED.has(`${from}→${to}`);
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) {
      expect(() => assertTransition(from, to)).not.toThrow();
    } else {
      try {
        assertTransition(from, to);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect(error).toMatchObject({ status: 409, code: 'case.illegal_transition' });
      }
    }
  });
});
