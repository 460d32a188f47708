import { describe, expect, it } from 'vitest';
import { filtersFrom, listQuery, membershipQuery, searchOf } from './query.ts';

const me = { id: 'me', areaIds: [1, 2] };
const from = (search: string) => filtersFrom(new URLSearchParams(search));

describe('the inbox filters', () => {
  it('round-trip through the URL, defaults left out', () => {
    const filters = from('view=all&q=cobro&deadline=vencido&sort=recientes');
    expect(filters).toMatchObject({
      view: 'all',
      q: 'cobro',
      deadline: 'vencido',
      status: 'abiertos',
      sort: 'recientes',
    });
    expect(searchOf(filters)).toBe('?view=all&q=cobro&deadline=vencido&sort=recientes');
    expect(searchOf(from(''))).toBe('');
    // Every status is asked for by name, so the default (open cases) needs nothing in the URL.
    expect(from('status=todos').status).toBe('');
    expect(searchOf(from('status=todos'))).toBe('?status=todos');
  });

  it('ignore views and deadline filters the API does not know', () => {
    expect(from('view=everything&deadline=pausado&status=open')).toMatchObject({
      view: 'mine',
      deadline: '',
      status: 'abiertos',
    });
  });
});

describe('the one query of a view', () => {
  // Only the parameters sent: the API client leaves undefined ones out of the URL.
  const sent = (search: string) =>
    Object.fromEntries(Object.entries(listQuery(from(search), me) ?? {}).filter(([, v]) => v !== undefined));
  const view = { status: 'abiertos', sort: 'plazo', limit: '50' };

  it.each([
    ['', { ...view, assigneeId: 'me' }],
    ['view=queues', { ...view, areaIds: '1,2' }],
    ['view=queues&area=2', { ...view, areaIds: '2' }],
    ['view=all&area=2', { ...view, areaId: '2' }],
    ['view=all', view],
    ['view=unassigned', { ...view, unassigned: 'true' }],
  ])('"%s" asks for %o', (search, expected) => {
    expect(sent(search)).toEqual(expected);
  });

  it('hands filters, the deadline filter and the sort to the server, one page at a time', () => {
    expect(listQuery(from('view=all&q=Treviño&type=queja&channel=whatsapp&deadline=vencido'), me)).toEqual({
      q: 'Treviño',
      requestType: 'queja',
      channel: 'whatsapp',
      status: 'abiertos',
      deadline: 'vencido',
      sort: 'plazo',
      limit: '50',
      areaId: undefined,
    });
    expect(sent('view=all&status=en_proceso&sort=recientes')).toEqual({
      status: 'en_proceso',
      sort: 'recientes',
      limit: '50',
    });
  });

  it('lists nothing for the queues of an agent in no area, or of an area not theirs', () => {
    expect(listQuery(from('view=queues'), { id: 'me', areaIds: [] })).toBeUndefined();
    expect(listQuery(from('view=queues&area=7'), me)).toBeUndefined();
  });

  it('asks whether one case belongs to the view by narrowing it to the folio, unless it searches already', () => {
    const query = listQuery(from('view=queues&deadline=vencido'), me);
    if (!query) throw new Error('no query');
    expect(membershipQuery({ ...query, cursor: 'abc' }, 'MON-2026-000001-7')).toMatchObject({
      areaIds: '1,2',
      deadline: 'vencido',
      q: 'MON-2026-000001-7',
    });
    expect(membershipQuery({ ...query, cursor: 'abc' }, 'MON-2026-000001-7')?.cursor).toBeUndefined();
    expect(membershipQuery({ ...query, q: 'cobro' }, 'MON-2026-000001-7')).toBeUndefined();
  });
});
