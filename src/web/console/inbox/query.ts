import type { Case, CaseStatus, Channel, DeadlineState, RequestType } from '../../shared/types.ts';

export type InboxView = 'mine' | 'queues' | 'all';
export type InboxSort = 'deadline' | 'newest';

/** The inbox's state, kept in the URL's query so a reload or a shared link shows the same list. */
export interface InboxFilters {
  view: InboxView;
  q: string;
  /** A status, `open` (everything not closed or discarded) or `any`. */
  status: CaseStatus | 'open' | 'any';
  requestType: RequestType | '';
  channel: Channel | '';
  areaId: string;
  deadline: DeadlineState | '';
  sort: InboxSort;
}

const FINAL: CaseStatus[] = ['cerrado', 'descartado'];

export function filtersFrom(search: URLSearchParams): InboxFilters {
  const view = search.get('view');
  return {
    view: view === 'queues' || view === 'all' ? view : 'mine',
    q: search.get('q') ?? '',
    status: (search.get('status') as InboxFilters['status'] | null) ?? 'open',
    requestType: (search.get('type') as RequestType | null) ?? '',
    channel: (search.get('channel') as Channel | null) ?? '',
    areaId: search.get('area') ?? '',
    deadline: (search.get('deadline') as DeadlineState | null) ?? '',
    sort: search.get('sort') === 'newest' ? 'newest' : 'deadline',
  };
}

export function searchOf(filters: InboxFilters): string {
  const params = new URLSearchParams();
  if (filters.view !== 'mine') params.set('view', filters.view);
  if (filters.q) params.set('q', filters.q);
  if (filters.status !== 'open') params.set('status', filters.status);
  if (filters.requestType) params.set('type', filters.requestType);
  if (filters.channel) params.set('channel', filters.channel);
  if (filters.areaId) params.set('area', filters.areaId);
  if (filters.deadline) params.set('deadline', filters.deadline);
  if (filters.sort !== 'deadline') params.set('sort', filters.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The `GET /cases` queries a view needs: one, or one per area for the queues of my areas. */
export function queriesFor(
  filters: InboxFilters,
  me: { id: string; areaIds: number[] },
): Array<Record<string, string | undefined>> {
  const common = {
    q: filters.q || undefined,
    requestType: filters.requestType || undefined,
    channel: filters.channel || undefined,
    status: filters.status === 'open' || filters.status === 'any' ? undefined : filters.status,
    limit: '100',
  };
  if (filters.view === 'mine') return [{ ...common, assigneeId: me.id, areaId: filters.areaId || undefined }];
  if (filters.view === 'queues') {
    const areas = filters.areaId ? me.areaIds.filter((id) => String(id) === filters.areaId) : me.areaIds;
    return areas.map((areaId) => ({ ...common, status: 'nuevo', areaId: String(areaId) }));
  }
  return [{ ...common, areaId: filters.areaId || undefined }];
}

/** What the API cannot filter on: open cases only, and the deadline's state. */
export function keep(filters: InboxFilters, item: Case): boolean {
  if (filters.status === 'open' && FINAL.includes(item.status)) return false;
  if (filters.deadline && item.deadline?.state !== filters.deadline) return false;
  return true;
}

// A running deadline ranks by when it falls due; paused, met or absent ones come after, newest first.
const rank = (item: Case) =>
  item.deadline && !item.deadline.metAt && item.deadline.state !== 'pausado' ? 0 : 1;

/** Nearest deadline first (overdue ones at the top), or newest first. */
export function sortCases(items: Case[], sort: InboxSort): Case[] {
  const newest = (a: Case, b: Case) => b.createdAt.localeCompare(a.createdAt);
  if (sort === 'newest') return [...items].sort(newest);
  return [...items].sort((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    if (rank(a) === 0 && a.deadline && b.deadline) return a.deadline.dueAt.localeCompare(b.deadline.dueAt);
    return newest(a, b);
  });
}

/** Merges lists fetched per area, once per case. */
export function mergeById(lists: Case[][]): Case[] {
  const seen = new Map<string, Case>();
  for (const list of lists) for (const item of list) seen.set(item.id, item);
  return [...seen.values()];
}
