import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../shared/components.tsx';
import { useNow } from '../../shared/hooks.ts';
import { Link, navigate, useLocation } from '../../shared/router.tsx';
import { CASE_STATUSES, type CaseList, CHANNELS, REQUEST_TYPES } from '../../shared/types.ts';
import { api } from '../api.ts';
import { useLiveEvents, useLiveStatus } from '../live.tsx';
import { NotificationSettings } from '../notifications/alerts.tsx';
import { useSession } from '../session.tsx';
import { useKeyShortcuts } from '../shortcuts.ts';
import { BulkActions } from './BulkActions.tsx';
import { CaseRow } from './CaseRow.tsx';
import { FlagsPanel } from './FlagsPanel.tsx';
import { rememberInboxOrder } from './order.ts';
import {
  DEADLINE_FILTERS,
  filtersFrom,
  INBOX_VIEWS,
  type InboxFilters,
  listQuery,
  searchOf,
} from './query.ts';
import { useCaseList } from './useCaseList.ts';

/** After install, before any case exists: how to try the console with demo data (admins only). */
function FirstRunHint() {
  const { t } = useTranslation('console');
  const [empty, setEmpty] = useState(false);
  useEffect(() => {
    api
      .get<CaseList>('/cases', { limit: '1' })
      .then((page) => setEmpty(page.total === 0))
      .catch(() => undefined);
  }, []);
  if (!empty) return null;
  return (
    <div className="notice-info inbox-first-run">
      <p>{t('inbox.firstRun.text')}</p>
      <pre>
        <code>npm run atiende -- seed-demo</code>
      </pre>
    </div>
  );
}

/** My cases, my areas' queues, unassigned or all: one server query, counted, paged and kept live. */
export function InboxPage() {
  const { t } = useTranslation(['console', 'common']);
  const { me, areas, agent } = useSession();
  const { search } = useLocation();
  const filters = filtersFrom(search);
  const now = useNow();
  const query = listQuery(filters, me);
  const list = useCaseList(query, filters.sort);
  const [text, setText] = useState(filters.q);
  const [announcement, setAnnouncement] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const lastPicked = useRef<string>(undefined);
  const searchBox = useRef<HTMLInputElement>(null);
  const table = useRef<HTMLTableSectionElement>(null);
  const live = useLiveStatus();
  const wasLive = useRef(live);

  useEffect(() => setText(filters.q), [filters.q]);

  // Events missed while the connection was down are unknown: once back, the list is asked for again.
  const { reload } = list;
  useEffect(() => {
    if (wasLive.current === 'reconnecting' && live === 'open') void reload();
    wasLive.current = live;
  }, [live, reload]);

  useLiveEvents((events) => {
    void list.applyEvents(events);
    const created = events.find((e) => e.kind === 'created' && e.folio);
    if (created?.folio) setAnnouncement(t('inbox.announceCreated', { folio: created.folio }));
  });

  const items = list.state?.items ?? [];
  const folios = items.map((item) => item.folio);
  const order = folios.join(' ');
  useEffect(() => rememberInboxOrder(order ? order.split(' ') : []), [order]);

  const viewKey = searchOf({ ...filters, q: '' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new view or search starts a new selection.
  useEffect(() => setSelected([]), [viewKey, filters.q]);

  const change = (patch: Partial<InboxFilters>) => navigate(`/${searchOf({ ...filters, ...patch })}`);
  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    change({ q: text.trim() });
  };

  const select = (folio: string, on: boolean, range: boolean) => {
    const from = lastPicked.current ? folios.indexOf(lastPicked.current) : -1;
    const to = folios.indexOf(folio);
    // Shift-click picks the run of rows from the last one picked, as file managers do.
    const picked = range && from !== -1 ? folios.slice(Math.min(from, to), Math.max(from, to) + 1) : [folio];
    lastPicked.current = folio;
    setSelected((current) =>
      on ? [...new Set([...current, ...picked])] : current.filter((f) => !picked.includes(f)),
    );
  };

  const rowLinks = () => [...(table.current?.querySelectorAll<HTMLAnchorElement>('a.folio-link') ?? [])];
  const focusedRow = () =>
    rowLinks().findIndex((link) => link.closest('tr')?.contains(document.activeElement));
  const move = (step: number) => {
    const links = rowLinks();
    if (links.length === 0) return;
    const at = focusedRow();
    const next = at === -1 ? 0 : Math.min(links.length - 1, Math.max(0, at + step));
    links[next]?.focus();
  };
  const inTable = () => table.current?.contains(document.activeElement) ?? false;
  useKeyShortcuts({
    j: () => move(1),
    k: () => move(-1),
    arrowdown: () => (inTable() ? move(1) : false),
    arrowup: () => (inTable() ? move(-1) : false),
    x: () => {
      const folio = rowLinks()[focusedRow()]?.closest('tr')?.dataset.folio;
      if (!folio) return false;
      select(folio, !selected.includes(folio), false);
    },
    '/': () => {
      searchBox.current?.focus();
      searchBox.current?.select();
    },
  });

  const showAssignee = filters.view !== 'mine' && filters.view !== 'unassigned';
  const total = list.state?.total;
  const customers = list.state?.customers ?? [];
  const noCases = list.state && items.length === 0;

  return (
    <div className="inbox">
      <div className="inbox__main">
        <div className="inbox__top">
          <h1>{t('inbox.heading')}</h1>
          <NotificationSettings />
          <p className="inbox__keys muted">{t('inbox.keysHint')}</p>
        </div>
        <fieldset className="tabs">
          <legend className="visually-hidden">{t('inbox.views.label')}</legend>
          {INBOX_VIEWS.map((view) => (
            <button
              key={view}
              type="button"
              className="tab"
              aria-pressed={filters.view === view}
              onClick={() => change({ view })}
            >
              {t(`inbox.views.${view}`)}
              {filters.view === view && total !== undefined && <span className="tab__count"> {total}</span>}
            </button>
          ))}
        </fieldset>
        {filters.view === 'queues' && me.areaIds.length === 0 && (
          <p className="notice-info">{t('inbox.noAreas')}</p>
        )}
        <form className="filters inbox-filters" onSubmit={submitSearch} aria-label={t('inbox.filters.label')}>
          <div className="filters__search">
            <label htmlFor="inbox-q">{t('inbox.filters.search')}</label>
            <input
              id="inbox-q"
              ref={searchBox}
              type="search"
              placeholder={t('inbox.filters.searchHint')}
              value={text}
              onChange={(event) => setText(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') event.currentTarget.blur();
              }}
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
              <option value="abiertos">{t('inbox.filters.open')}</option>
              <option value="">{t('inbox.filters.all')}</option>
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
              {DEADLINE_FILTERS.map((state) => (
                <option key={state} value={state}>
                  {t(`inbox.filters.deadlineStates.${state}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('inbox.filters.sort')}
            <select
              value={filters.sort}
              onChange={(event) =>
                change({ sort: event.target.value === 'recientes' ? 'recientes' : 'plazo' })
              }
            >
              <option value="plazo">{t('inbox.filters.sortDeadline')}</option>
              <option value="recientes">{t('inbox.filters.sortNewest')}</option>
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
        {customers.length > 0 && (
          <section className="inbox-customers" aria-labelledby="inbox-customers-heading">
            <h2 id="inbox-customers-heading">{t('inbox.customers.heading')}</h2>
            <ul>
              {customers.map((customer) => (
                <li key={customer.id}>
                  <Link to={`/app/customers/${encodeURIComponent(customer.id)}`}>
                    {customer.name ?? customer.accountNumber ?? t('inbox.prospect')}
                  </Link>{' '}
                  <span className="muted">
                    {customer.accountNumber &&
                      `${t('inbox.customers.account', { account: customer.accountNumber })} · `}
                    {t(`inbox.customers.matchedOn.${customer.matchedOn}`)} ·{' '}
                    {t('inbox.customers.openCases', { count: customer.openCases })}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <p className="inbox__count muted" aria-live="polite" data-testid="inbox-count">
          {list.state ? t('inbox.count', { count: list.state.total }) : t('common:loading')}
        </p>
        {selected.length > 0 && (
          <div className="inbox-selection">
            <BulkActions folios={selected} onDone={() => void list.reload()} />
            <button
              type="button"
              className="button button--small button--link"
              onClick={() => setSelected([])}
            >
              {t('bulk.clear')}
            </button>
          </div>
        )}
        {noCases ? (
          <>
            <p>{t('inbox.empty')}</p>
            {agent.role === 'admin' && <FirstRunHint />}
          </>
        ) : (
          <div className="inbox-table-wrap" data-testid="inbox-table">
            <table className={`inbox-table${showAssignee ? '' : ' inbox-table--no-assignee'}`}>
              <caption className="visually-hidden">{t('inbox.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col" className="inbox-col--select">
                    <span className="visually-hidden">{t('bulk.selectColumn')}</span>
                  </th>
                  <th scope="col" className="inbox-col--folio">
                    {t('inbox.columns.folio')}
                  </th>
                  <th scope="col" className="inbox-col--customer">
                    {t('inbox.columns.customer')}
                  </th>
                  <th scope="col" className="inbox-col--channel">
                    {t('inbox.columns.channel')}
                  </th>
                  <th scope="col" className="inbox-col--type">
                    {t('inbox.columns.type')}
                  </th>
                  <th scope="col" className="inbox-col--status">
                    {t('inbox.columns.status')}
                  </th>
                  <th scope="col" className="inbox-col--area">
                    {t('inbox.columns.area')}
                  </th>
                  {showAssignee && (
                    <th scope="col" className="inbox-col--assignee">
                      {t('inbox.columns.assignee')}
                    </th>
                  )}
                  <th scope="col" className="inbox-col--deadline">
                    {t('inbox.columns.deadline')}
                  </th>
                </tr>
              </thead>
              <tbody ref={table}>
                {items.map((item) => (
                  <CaseRow
                    key={item.id}
                    item={item}
                    now={now}
                    showAssignee={showAssignee}
                    selected={selected.includes(item.folio)}
                    onSelect={select}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {list.state?.nextCursor && (
          <button
            type="button"
            className="button"
            disabled={list.loadingMore}
            onClick={() => void list.loadMore()}
          >
            {t('inbox.loadMore', { shown: items.length, total: list.state.total })}
          </button>
        )}
      </div>
      <FlagsPanel />
    </div>
  );
}
