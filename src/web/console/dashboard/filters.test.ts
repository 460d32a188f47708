import { describe, expect, it } from 'vitest';
import { filtersFromSearch, filtersToQuery } from './filters.ts';

describe('the dashboard’s filters in the address', () => {
  it('round-trip through the query string', () => {
    const search = new URLSearchParams(
      'period=semana&from=2026-11-01&to=2026-11-30&area=soporte_tecnico&channel=whatsapp&requestType=falla&zone=7',
    );
    const filters = filtersFromSearch(search);
    expect(filters).toEqual({
      period: 'semana',
      from: '2026-11-01',
      to: '2026-11-30',
      area: 'soporte_tecnico',
      channel: 'whatsapp',
      requestType: 'falla',
      zone: '7',
    });
    expect(new URLSearchParams(filtersToQuery(filters)).toString()).toBe(search.toString());
  });

  it('read an unknown or malformed value as “all”, and the day as the default period', () => {
    const filters = filtersFromSearch(
      new URLSearchParams(
        'period=anio&from=ayer&channel=telegrama&requestType=x&zone=-1&area=Soporte%20Norte',
      ),
    );
    expect(filters).toEqual({
      period: 'dia',
      from: '',
      to: '',
      area: '',
      channel: '',
      requestType: '',
      zone: '',
    });
    expect(filtersToQuery(filters)).toEqual({});
  });
});
