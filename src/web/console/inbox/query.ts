import { CASE_STATUSES, type CaseStatus, type Channel, type RequestType } from '../../shared/types.ts';

export const INBOX_VIEWS = ['mine', 'queues', 'all', 'unassigned'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];
export type InboxSort = 'plazo' | 'recientes';
/** The deadline filters the API offers: the nearest pending deadline's state, or a deadline met late. */
export const DEADLINE_FILTERS = ['vencido', 'por_vencer', 'en_tiempo', 'fuera_de_plazo'] as const;
export type DeadlineFilter = (typeof DEADLINE_FILTERS)[number];

/** Rows asked for per page; "Cargar más" asks for the next page with the cursor. */
export const PAGE_SIZE = 50;

/** The inbox's state, kept in the URL's query so a reload or a shared link shows the same list. */
export interface InboxFilters {
  view: InboxView;
  q: string;
  /** One status, `abiertos` (the default: work still to do) or '' for every status. */
  status: CaseStatus | 'abiertos' | '';
  requestType: RequestType | '';
  channel: Channel | '';
  areaId: string;
  deadline: DeadlineFilter | '';
  sort: InboxSort;
}

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  values.find((v) => v === value);

export function filtersFrom(search: URLSearchParams): InboxFilters {
  return {
    view: oneOf(INBOX_VIEWS, search.get('view')) ?? 'mine',
    q: search.get('q') ?? '',
    status:
      search.get('status') === 'todos' ? '' : (oneOf(CASE_STATUSES, search.get('status')) ?? 'abiertos'),
    requestType: (search.get('type') as RequestType | null) ?? '',
    channel: (search.get('channel') as Channel | null) ?? '',
    areaId: search.get('area') ?? '',
    deadline: oneOf(DEADLINE_FILTERS, search.get('deadline')) ?? '',
    sort: search.get('sort') === 'recientes' ? 'recientes' : 'plazo',
  };
}

export function searchOf(filters: InboxFilters): string {
  const params = new URLSearchParams();
  if (filters.view !== 'mine') params.set('view', filters.view);
  if (filters.q) params.set('q', filters.q);
  if (filters.status !== 'abiertos') params.set('status', filters.status || 'todos');
  if (filters.requestType) params.set('type', filters.requestType);
  if (filters.channel) params.set('channel', filters.channel);
  if (filters.areaId) params.set('area', filters.areaId);
  if (filters.deadline) params.set('deadline', filters.deadline);
  if (filters.sort !== 'plazo') params.set('sort', filters.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export type ListQuery = Record<string, string | undefined>;

/**
 * The one `GET /cases` query of a view: the server filters, counts and sorts over every case, so the
 * list shows its answer as it is. Undefined when the view can list nothing (queues of an agent in no area).
 */
export function listQuery(
  filters: InboxFilters,
  me: { id: string; areaIds: number[] },
): ListQuery | undefined {
  const query: ListQuery = {
    q: filters.q || undefined,
    requestType: filters.requestType || undefined,
    channel: filters.channel || undefined,
    status: filters.status || undefined,
    deadline: filters.deadline || undefined,
    sort: filters.sort,
    limit: String(PAGE_SIZE),
  };
  if (filters.view === 'mine') return { ...query, assigneeId: me.id, areaId: filters.areaId || undefined };
  if (filters.view === 'queues') {
    const areas = filters.areaId ? me.areaIds.filter((id) => String(id) === filters.areaId) : me.areaIds;
    return areas.length > 0 ? { ...query, areaIds: areas.join(',') } : undefined;
  }
  if (filters.view === 'unassigned')
    return { ...query, unassigned: 'true', areaId: filters.areaId || undefined };
  return { ...query, areaId: filters.areaId || undefined };
}

/**
 * Whether one case belongs to the view, asked of the server: the view's own query narrowed to the folio.
 * A view already searching for something cannot be narrowed this way, so it answers undefined.
 */
export function membershipQuery(query: ListQuery, folio: string): ListQuery | undefined {
  if (query.q) return undefined;
  return { ...query, q: folio, limit: '5', cursor: undefined };
}
