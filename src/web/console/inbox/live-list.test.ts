import { describe, expect, it } from 'vitest';
import type { Case, DeadlineState } from '../../shared/types.ts';
import { appendPage, placeCase } from './live-list.ts';

const item = (
  folio: string,
  dueAt: string | null,
  createdAt = '2026-11-20T00:00:00Z',
  state: DeadlineState = 'en_tiempo',
) =>
  ({
    id: folio,
    folio,
    createdAt,
    nearestDeadline: dueAt ? { dueAt, state, kind: 'resolucion' } : null,
  }) as Case;

const folios = (items: Case[] | undefined) => items?.map((i) => i.folio);

describe('placing a case changed live', () => {
  const list = [
    item('A', '2026-11-21T00:00:00Z'),
    item('B', '2026-11-23T00:00:00Z'),
    item('C', '2026-11-25T00:00:00Z'),
  ];

  it('puts it where the nearest-deadline order wants it, replacing its old row', () => {
    expect(folios(placeCase(list, item('N', '2026-11-22T00:00:00Z'), 'plazo', false))).toEqual([
      'A',
      'N',
      'B',
      'C',
    ]);
    expect(folios(placeCase(list, item('A', '2026-11-24T00:00:00Z'), 'plazo', false))).toEqual([
      'B',
      'A',
      'C',
    ]);
  });

  it('leaves a case past the last loaded row for the next page, or appends it when all are loaded', () => {
    const late = item('Z', '2026-12-01T00:00:00Z');
    expect(folios(placeCase(list, late, 'plazo', false))).toEqual(['A', 'B', 'C']);
    expect(folios(placeCase(list, late, 'plazo', true))).toEqual(['A', 'B', 'C', 'Z']);
  });

  it('orders newest first when asked', () => {
    const byDate = [item('A', null, '2026-11-25T00:00:00Z'), item('B', null, '2026-11-20T00:00:00Z')];
    expect(folios(placeCase(byDate, item('N', null, '2026-11-22T00:00:00Z'), 'recientes', false))).toEqual([
      'A',
      'N',
      'B',
    ]);
  });

  it('gives up when the case has no running deadline, whose place only the server knows', () => {
    expect(
      placeCase(list, item('P', '2026-11-22T00:00:00Z', undefined, 'pausado'), 'plazo', true),
    ).toBeUndefined();
    expect(placeCase(list, item('M', null), 'plazo', true)).toBeUndefined();
  });

  it('appends a further page without repeating a row placed live', () => {
    expect(folios(appendPage(list, [item('C', null), item('D', null)]))).toEqual(['A', 'B', 'C', 'D']);
  });
});
