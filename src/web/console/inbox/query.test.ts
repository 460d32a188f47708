import { describe, expect, it } from 'vitest';
import type { Case, Deadline } from '../../shared/types.ts';
import { filtersFrom, keep, queriesFor, searchOf, sortCases } from './query.ts';

const deadline = (
  dueAt: string,
  state: Deadline['state'] = 'en_tiempo',
  metAt: string | null = null,
): Deadline => ({
  dueAt,
  state,
  remainingMs: 0,
  metAt,
  target: { amount: 1, unit: 'days', clock: 'business' },
  source: 'test',
});

const makeCase = (folio: string, createdAt: string, d: Deadline | null, status: Case['status'] = 'nuevo') =>
  ({ id: folio, folio, createdAt, deadline: d, status }) as Case;

describe('the inbox order', () => {
  const overdue = makeCase('A', '2026-11-20T10:00:00Z', deadline('2026-11-21T10:00:00Z', 'vencido'));
  const soon = makeCase('B', '2026-11-24T10:00:00Z', deadline('2026-11-25T12:00:00Z', 'por_vencer'));
  const later = makeCase('C', '2026-11-25T09:00:00Z', deadline('2026-11-30T10:00:00Z'));
  const paused = makeCase('D', '2026-11-23T10:00:00Z', deadline('2026-11-22T10:00:00Z', 'pausado'));
  const met = makeCase(
    'E',
    '2026-11-25T08:00:00Z',
    deadline('2026-11-22T10:00:00Z', 'en_tiempo', '2026-11-21T00:00:00Z'),
  );
  const none = makeCase('F', '2026-11-25T10:00:00Z', null);

  it('puts the nearest running deadline first, then paused, met or no deadline, newest first', () => {
    const sorted = sortCases([none, later, met, paused, soon, overdue], 'deadline');
    expect(sorted.map((c) => c.folio)).toEqual(['A', 'B', 'C', 'F', 'E', 'D']);
  });

  it('can list newest first instead', () => {
    expect(sortCases([overdue, none, later], 'newest').map((c) => c.folio)).toEqual(['F', 'C', 'A']);
  });
});

describe('the inbox filters', () => {
  it('round-trip through the URL, defaults left out', () => {
    const filters = filtersFrom(new URLSearchParams('view=all&q=cobro&deadline=vencido'));
    expect(filters).toMatchObject({
      view: 'all',
      q: 'cobro',
      deadline: 'vencido',
      status: 'open',
      sort: 'deadline',
    });
    expect(searchOf(filters)).toBe('?view=all&q=cobro&deadline=vencido');
    expect(searchOf(filtersFrom(new URLSearchParams()))).toBe('');
  });

  it('ask the API for my cases, one queue per area of mine, or everything', () => {
    const me = { id: 'me', areaIds: [1, 2] };
    expect(queriesFor(filtersFrom(new URLSearchParams()), me)).toEqual([
      expect.objectContaining({ assigneeId: 'me', status: undefined }),
    ]);
    expect(queriesFor(filtersFrom(new URLSearchParams('view=queues')), me)).toEqual([
      expect.objectContaining({ status: 'nuevo', areaId: '1' }),
      expect.objectContaining({ status: 'nuevo', areaId: '2' }),
    ]);
    expect(queriesFor(filtersFrom(new URLSearchParams('view=all&status=resuelto&area=2')), me)).toEqual([
      expect.objectContaining({ status: 'resuelto', areaId: '2' }),
    ]);
  });

  it('hide closed and discarded cases unless asked, and filter on the deadline state', () => {
    const open = filtersFrom(new URLSearchParams());
    expect(keep(open, makeCase('A', '', null, 'cerrado'))).toBe(false);
    expect(keep(open, makeCase('B', '', null, 'en_proceso'))).toBe(true);
    const any = filtersFrom(new URLSearchParams('status=any&deadline=vencido'));
    expect(keep(any, makeCase('C', '', deadline('2026-11-01T00:00:00Z', 'vencido'), 'cerrado'))).toBe(true);
    expect(keep(any, makeCase('D', '', deadline('2026-11-01T00:00:00Z')))).toBe(false);
  });
});
