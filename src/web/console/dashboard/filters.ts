import { CHANNELS, isOneOf, REQUEST_TYPES } from '../../../domain/vocabulary.ts';

export const PERIODS = ['dia', 'semana', 'mes'] as const;
export type Period = (typeof PERIODS)[number];

/** What every chart of the dashboard is filtered by; an empty text is "all" (or the server's default dates). */
export interface DashboardFilters {
  period: Period;
  from: string;
  to: string;
  area: string;
  channel: string;
  requestType: string;
  zone: string;
}

export const FILTER_KEYS = ['period', 'from', 'to', 'area', 'channel', 'requestType', 'zone'] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The filters a dashboard address carries. A hand-edited or stale address must not put the page in a
 * state its controls cannot show, so a value out of the lists is read as "all".
 */
export function filtersFromSearch(search: URLSearchParams): DashboardFilters {
  const text = (key: string, valid: (value: string) => boolean) => {
    const value = search.get(key) ?? '';
    return valid(value) ? value : '';
  };
  const period = search.get('period');
  return {
    period: isOneOf(PERIODS, period) ? period : 'dia',
    from: text('from', (v) => DATE.test(v)),
    to: text('to', (v) => DATE.test(v)),
    area: text('area', (v) => /^[a-z][a-z0-9_]{0,59}$/.test(v)),
    channel: text('channel', (v) => isOneOf(CHANNELS, v)),
    requestType: text('requestType', (v) => isOneOf(REQUEST_TYPES, v)),
    zone: text('zone', (v) => /^[1-9]\d{0,9}$/.test(v)),
  };
}

/** The query of both the page's address and the statistics requests: only what differs from "all". */
export function filtersToQuery(filters: DashboardFilters): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value && !(key === 'period' && value === 'dia')) query[key] = value;
  }
  return query;
}
