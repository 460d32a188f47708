import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DeadlineBadge, ErrorMessage } from '../../shared/components.tsx';
import { useAsync, useNow } from '../../shared/hooks.ts';
import { Link, navigate, useLocation } from '../../shared/router.tsx';
import {
  CASE_STATUSES,
  type Case,
  type CaseList,
  CHANNELS,
  DEADLINE_STATES,
  REQUEST_TYPES,
} from '../../shared/types.ts';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';
import { FlagsPanel } from './FlagsPanel.tsx';
import { rememberInboxOrder } from './order.ts';
import {
  filtersFrom,
  type InboxFilters,
  type InboxView,
  keep,
  mergeById,
  queriesFor,
  searchOf,
  sortCases,
} from './query.ts';

const VIEWS: InboxView[] = ['mine', 'queues', 'all'];

function CaseRow({ item, now }: { item: Case; now: number }) {
  const { t } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  return (
    <tr data-folio={item.folio} className={item.deadline?.state === 'vencido' ? 'row--breached' : undefined}>
      <th scope="row">
        <Link to={PATHS.case(item.folio)} className="folio-link">
          {item.folio}
        </Link>
      </th>
      <td>
        {item.customer.name ?? item.customer.accountNumber ?? (
          <span className="muted">{t('inbox.prospect')}</span>
        )}
      </td>
      <td>{t(`common:channel.${item.channel}`)}</td>
      <td>{t(`common:requestType.${item.requestType}`)}</td>
      <td>
        <span className={`status status--${item.status}`}>{t(`common:status.${item.status}`)}</span>
      </td>
      <td>{item.area.name}</td>
      <td>{item.assignee?.name ?? <span className="muted">{t('inbox.unassigned')}</span>}</td>
      <td>
        <DeadlineBadge deadline={item.deadline} now={now} timeZone={timeZone} />
      </td>
    </tr>
  );
}

/** My cases, my areas' queues, or everything; filtered, searched, sorted by nearest deadline, kept live. */
export function InboxPage() {
  const { t } = useTranslation(['console', 'common']);
  const { me, areas } = useSession();
  const { search } = useLocation();
  const filters = filtersFrom(search);
  const now = useNow();
  const [query, setQuery] = useState(filters.q);
  const [extra, setExtra] = useState<{ items: Case[]; cursor: string | null }>({ items: [], cursor: null });
  const [announcement, setAnnouncement] = useState('');

  const key = searchOf({ ...filters, sort: 'deadline', deadline: '' });
  const list = useAsync(async () => {
    const queries = queriesFor(filters, me);
    const pages = await Promise.all(queries.map((q) => api.get<CaseList>('/cases', q)));
    setExtra({ items: [], cursor: null });
    return {
      items: mergeById(pages.map((p) => p.items)),
      cursor: pages.length === 1 ? (pages[0]?.nextCursor ?? null) : null,
    };
  }, [key, me.id, me.areaIds.join()]);

  useEffect(() => setQuery(filters.q), [filters.q]);

  useLiveEvents((events) => {
    void list.reload();
    const created = events.find((e) => e.kind === 'created' && e.folio);
    if (created?.folio) setAnnouncement(t('inbox.announceCreated', { folio: created.folio }));
  });

  const cursor = extra.cursor ?? list.data?.cursor ?? null;
  const loadMore = async () => {
    if (!cursor) return;
    const [q] = queriesFor(filters, me);
    const page = await api.get<CaseList>('/cases', { ...q, cursor });
    setExtra((e) => ({ items: [...e.items, ...page.items], cursor: page.nextCursor }));
  };

  const items = sortCases(
    mergeById([list.data?.items ?? [], extra.items]).filter((item) => keep(filters, item)),
    filters.sort,
  );
  const folios = items.map((item) => item.folio).join(' ');
  useEffect(() => rememberInboxOrder(folios ? folios.split(' ') : []), [folios]);

  const change = (patch: Partial<InboxFilters>) => navigate(`/${searchOf({ ...filters, ...patch })}`);
  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    change({ q: query.trim() });
  };

  return (
    <div className="inbox">
      <div className="inbox__main">
        <h1>{t('inbox.heading')}</h1>
        <fieldset className="tabs">
          <legend className="visually-hidden">{t('inbox.views.label')}</legend>
          {VIEWS.map((view) => (
            <button
              key={view}
              type="button"
              className="tab"
              aria-pressed={filters.view === view}
              onClick={() => change({ view })}
            >
              {t(`inbox.views.${view}`)}
            </button>
          ))}
        </fieldset>
        {filters.view === 'queues' && me.areaIds.length === 0 && (
          <p className="notice-info">{t('inbox.noAreas')}</p>
        )}
        <form className="filters" onSubmit={submitSearch} aria-label={t('inbox.filters.label')}>
          <div className="filters__search">
            <label htmlFor="inbox-q">{t('inbox.filters.search')}</label>
            <input
              id="inbox-q"
              type="search"
              placeholder={t('inbox.filters.searchHint')}
              value={query}
              onChange={(event) => setQuery(event.target.value)}
            />
            <button type="submit" className="button button--small">
              {t('inbox.filters.searchButton')}
            </button>
          </div>
          <label>
            {t('inbox.filters.status')}
            <select
              value={filters.status}
              onChange={(event) => change({ status: event.target.value as InboxFilters['status'] })}
            >
              <option value="open">{t('inbox.filters.open')}</option>
              <option value="any">{t('inbox.filters.any')}</option>
              {CASE_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`common:status.${status}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('inbox.filters.type')}
            <select
              value={filters.requestType}
              onChange={(event) => change({ requestType: event.target.value as InboxFilters['requestType'] })}
            >
              <option value="">{t('inbox.filters.all')}</option>
              {REQUEST_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`common:requestType.${type}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('inbox.filters.channel')}
            <select
              value={filters.channel}
              onChange={(event) => change({ channel: event.target.value as InboxFilters['channel'] })}
            >
              <option value="">{t('inbox.filters.all')}</option>
              {CHANNELS.map((channel) => (
                <option key={channel} value={channel}>
                  {t(`common:channel.${channel}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('inbox.filters.area')}
            <select value={filters.areaId} onChange={(event) => change({ areaId: event.target.value })}>
              <option value="">{t('inbox.filters.all')}</option>
              {areas
                .filter((area) => filters.view !== 'queues' || me.areaIds.includes(area.id))
                .map((area) => (
                  <option key={area.id} value={String(area.id)}>
                    {area.name}
                  </option>
                ))}
            </select>
          </label>
          <label>
            {t('inbox.filters.deadline')}
            <select
              value={filters.deadline}
              onChange={(event) => change({ deadline: event.target.value as InboxFilters['deadline'] })}
            >
              <option value="">{t('inbox.filters.all')}</option>
              {DEADLINE_STATES.map((state) => (
                <option key={state} value={state}>
                  {t(`common:deadlineState.${state}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('inbox.filters.sort')}
            <select
              value={filters.sort}
              onChange={(event) => change({ sort: event.target.value === 'newest' ? 'newest' : 'deadline' })}
            >
              <option value="deadline">{t('inbox.filters.sortDeadline')}</option>
              <option value="newest">{t('inbox.filters.sortNewest')}</option>
            </select>
          </label>
          <button type="button" className="button button--small button--link" onClick={() => navigate('/')}>
            {t('inbox.filters.clear')}
          </button>
        </form>
        <ErrorMessage error={list.error} />
        <p className="visually-hidden" role="status">
          {announcement}
        </p>
        <p className="muted" aria-live="polite">
          {list.data ? t('inbox.count', { count: items.length }) : t('common:loading')}
        </p>
        {list.data && items.length === 0 ? (
          <p>{t('inbox.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="cases">
              <thead>
                <tr>
                  <th scope="col">{t('inbox.columns.folio')}</th>
                  <th scope="col">{t('inbox.columns.customer')}</th>
                  <th scope="col">{t('inbox.columns.channel')}</th>
                  <th scope="col">{t('inbox.columns.type')}</th>
                  <th scope="col">{t('inbox.columns.status')}</th>
                  <th scope="col">{t('inbox.columns.area')}</th>
                  <th scope="col">{t('inbox.columns.assignee')}</th>
                  <th scope="col">{t('inbox.columns.deadline')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <CaseRow key={item.id} item={item} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor && (
          <button type="button" className="button" onClick={() => void loadMore()}>
            {t('inbox.loadMore')}
          </button>
        )}
      </div>
      <FlagsPanel />
    </div>
  );
}
