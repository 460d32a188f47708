import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../shared/api.ts';
import type { Case, CaseList, CustomerMatch, EventKind, LiveEvent } from '../../shared/types.ts';
import { api } from '../api.ts';
import { appendPage, placeCase } from './live-list.ts';
import { type InboxSort, type ListQuery, membershipQuery, PAGE_SIZE } from './query.ts';

export interface CaseListState {
  items: Case[];
  /** Every case of the view on the server, not only the loaded ones. */
  total: number;
  nextCursor: string | null;
  customers: CustomerMatch[];
}

// The API's largest page: a reload asks for as many rows as were on screen, up to this.
const MAX_LIMIT = 200;
// More cases touched at once than this, and one reload is cheaper than a look-up per case.
const MAX_LIVE_LOOKUPS = 5;
// Events after which a case may enter, leave or move in a list, or show something else in its row.
const LIST_EVENTS = new Set<string>([
  'created',
  'message_added',
  'status_changed',
  'transferred',
  'assigned',
  'priority_changed',
  'type_changed',
  'customer_merged',
  'customer_changed',
  'deadline_warning',
  'deadline_breached',
] satisfies EventKind[]);

const asApiError = (error: unknown) =>
  error instanceof ApiError
    ? error
    : new ApiError({ status: 0, code: 'client.error', detail: String(error) });

/**
 * One view of the inbox as the server lists it: the first page, further pages on demand, and live
 * changes applied row by row (a small look-up per case) instead of reloading the whole list.
 */
export function useCaseList(query: ListQuery | undefined, sort: InboxSort) {
  const key = JSON.stringify(query ?? null);
  const [state, setState] = useState<CaseListState>();
  const [error, setError] = useState<ApiError>();
  const [loadingMore, setLoadingMore] = useState(false);
  const ticket = useRef(0);
  // The state as last rendered, for handlers that run between renders (live events, reloads).
  const latest = useRef(state);
  latest.current = state;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `query`.
  const load = useCallback(
    async (keepRows: boolean) => {
      const mine = ++ticket.current;
      if (!query) {
        setState({ items: [], total: 0, nextCursor: null, customers: [] });
        return;
      }
      const limit = keepRows
        ? Math.min(MAX_LIMIT, Math.max(PAGE_SIZE, latest.current?.items.length ?? 0))
        : PAGE_SIZE;
      try {
        const page = await api.get<CaseList>('/cases', { ...query, limit: String(limit) });
        if (mine !== ticket.current) return;
        setState({
          items: page.items,
          total: page.total,
          nextCursor: page.nextCursor,
          customers: page.customers ?? [],
        });
        setError(undefined);
      } catch (caught) {
        if (mine === ticket.current) setError(asApiError(caught));
      }
    },
    [key],
  );

  useEffect(() => {
    setState(undefined);
    void load(false);
  }, [load]);

  const reload = useCallback(() => load(true), [load]);

  const loadMore = async () => {
    const cursor = state?.nextCursor;
    if (!query || !cursor) return;
    const mine = ticket.current;
    setLoadingMore(true);
    try {
      const page = await api.get<CaseList>('/cases', { ...query, cursor });
      if (mine !== ticket.current) return;
      setState(
        (s) =>
          s && {
            ...s,
            items: appendPage(s.items, page.items),
            total: page.total,
            nextCursor: page.nextCursor,
          },
      );
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setLoadingMore(false);
    }
  };

  /** Applies a batch of live events: each touched case looked up in this view and put in or out. */
  const applyEvents = async (events: LiveEvent[]) => {
    const folios = [
      ...new Set(events.filter((e) => e.folio && LIST_EVENTS.has(e.kind)).map((e) => e.folio as string)),
    ];
    if (!query || folios.length === 0) return;
    const lookups = folios.map((folio) => membershipQuery(query, folio));
    if (folios.length > MAX_LIVE_LOOKUPS || lookups.some((q) => q === undefined)) return reload();
    const mine = ticket.current;
    try {
      const [count, ...answers] = await Promise.all([
        api.get<CaseList>('/cases', { ...query, limit: '1' }),
        ...lookups.map((q) => api.get<CaseList>('/cases', q)),
      ]);
      if (mine !== ticket.current) return;
      const s = latest.current;
      if (!s) return;
      let items = s.items;
      let unsure = false;
      folios.forEach((folio, index) => {
        const found = answers[index]?.items.find((item) => item.folio === folio);
        if (!found) {
          items = items.filter((item) => item.folio !== folio);
          return;
        }
        const placed = placeCase(items, found, sort, s.nextCursor === null);
        if (placed) items = placed;
        else unsure = true;
      });
      setState({ ...s, items, total: count.total });
      if (unsure) await reload();
    } catch {
      await reload();
    }
  };

  return { state, error, loadingMore, loadMore, reload, applyEvents };
}
