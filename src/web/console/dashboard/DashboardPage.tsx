import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNELS, DEADLINE_KINDS, isOneOf, REQUEST_TYPES } from '../../../domain/vocabulary.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { formatDateTime } from '../../shared/format.ts';
import { type AsyncState, useAsync } from '../../shared/hooks.ts';
import { currentLanguage } from '../../shared/i18n.ts';
import { navigate, useLocation } from '../../shared/router.tsx';
import { api } from '../api.ts';
import { useLiveEvents } from '../live.tsx';
import { PATHS } from '../routes.tsx';
import { useSession } from '../session.tsx';
import { Chart, type ChartTable } from './Chart.tsx';
import type { ChartOption } from './echarts.ts';
import { type DashboardFilters, filtersFromSearch, filtersToQuery, PERIODS, type Period } from './filters.ts';
import './dashboard.css';

type Zone = paths['/api/v1/zones']['get']['responses'][200]['content']['application/json'][number];

type Answer<Path extends keyof paths> = paths[Path] extends {
  get: { responses: { 200: { content: { 'application/json': infer Body } } } };
}
  ? Body
  : never;
type Row<Path extends keyof paths> = Answer<Path> extends { rows: Array<infer R> } ? R : never;
type VolumeRow = Row<'/api/v1/stats/volume'>;
type BacklogRow = Row<'/api/v1/stats/backlog'>;
type ComplianceRow = Row<'/api/v1/stats/compliance'>;
type ResponseTimesRow = Row<'/api/v1/stats/response-times'>;
type SatisfactionRow = Row<'/api/v1/stats/satisfaction'>;
type LiveQueueRow = Row<'/api/v1/stats/live-queue'>;

/** Every statistics answer echoes the filters it applied, with the default dates filled in. */
interface Stats<R> {
  filters: { from: string; to: string };
  rows: R[];
}

const OPEN_STATUSES = ['nuevo', 'asignado', 'en_proceso', 'en_espera_cliente'] as const;
const AGE_BUCKETS = ['under1d', 'd1to3', 'd3to7', 'over7d'] as const;
const COMPLIANCE_STATES = ['metOnTime', 'metLate', 'breachedOpen', 'pendingOnTime'] as const;
const COMPLIANCE_COLORS = ['#2e7d32', '#ed8b00', '#c62828', '#9e9e9e'];
const QUEUE_MEASURES = ['waiting', 'inProgress', 'agentsOnline'] as const;
const SCORES = [1, 2, 3, 4, 5] as const;

// What changes a figure on the page: cases opening, moving or being answered, deadlines, incidents,
// compensations and surveys. Anything else (a plan renamed, a PIN set) leaves the charts as they are.
const CASE_KINDS = new Set([
  'created',
  'status_changed',
  'transferred',
  'assigned',
  'type_changed',
  'message_added',
  'case_service_changed',
  'refund_made',
]);
const changesFigures = (kind: string) =>
  CASE_KINDS.has(kind) || /^(deadline|incident|case_incident|compensation|csat)_/.test(kind);
const REFRESH_SETTLE_MS = 300;
// Agents going on or off line send no event; the live queue catches up with them this often.
const POLL_MS = 60_000;

function useStat<R>(path: string, query: Record<string, string>): AsyncState<Stats<R>> {
  const key = new URLSearchParams(query).toString();
  return useAsync(() => api.get<Stats<R>>(`/stats/${path}`, query), [path, key]);
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const unique = <T,>(values: T[]) => [...new Set(values)];

/** A bucket's first day, short: "7 dic" for days and weeks, "dic 2026" for months. */
function periodLabel(period: string, kind: Period, language: string): string {
  const day = new Date(`${period}T12:00:00Z`);
  if (Number.isNaN(day.getTime())) return period;
  return new Intl.DateTimeFormat(
    language,
    kind === 'mes'
      ? { month: 'short', year: 'numeric', timeZone: 'UTC' }
      : { day: 'numeric', month: 'short', timeZone: 'UTC' },
  ).format(day);
}

/** One of the provider's calendar days (YYYY-MM-DD) for reading: "7 de diciembre de 2026". */
function dayLabel(date: string, language: string): string {
  const day = new Date(`${date}T12:00:00Z`);
  if (Number.isNaN(day.getTime())) return date;
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(day);
}

/** One filter that is either every value ("") or one of the given [value, label] pairs. */
function ChoiceFilter(props: {
  name: string;
  label: string;
  all: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<[string, string]>;
}) {
  const id = `dashboard-${props.name}`;
  return (
    <div className="dashboard-filter">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.all}</option>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

function FilterBar({
  filters,
  onChange,
  zones,
}: {
  filters: DashboardFilters;
  onChange: (next: DashboardFilters) => void;
  zones: Zone[];
}) {
  const { t } = useTranslation(['console', 'common']);
  const { agent, me, areas } = useSession();
  // A supervisor is answered for their own areas only; offering the others would offer a refusal.
  const choosable = areas.filter((a) => agent.role !== 'supervisor' || me.areaIds.includes(a.id));
  const set = <K extends keyof DashboardFilters>(key: K, value: DashboardFilters[K]) =>
    onChange({ ...filters, [key]: value });
  return (
    <form
      className="filters dashboard-filters"
      aria-label={t('dashboard.filters')}
      // Every control applies as it changes; Enter in a date must not reload the page.
      onSubmit={(event) => event.preventDefault()}
    >
      <div className="dashboard-filter">
        <label htmlFor="dashboard-period">{t('dashboard.period')}</label>
        <select
          id="dashboard-period"
          value={filters.period}
          onChange={(e) => set('period', e.target.value as Period)}
        >
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {t(`dashboard.periods.${p}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="dashboard-filter">
        <label htmlFor="dashboard-from">{t('dashboard.from')}</label>
        <input
          id="dashboard-from"
          type="date"
          value={filters.from}
          max={filters.to || undefined}
          onChange={(e) => set('from', e.target.value)}
        />
      </div>
      <div className="dashboard-filter">
        <label htmlFor="dashboard-to">{t('dashboard.to')}</label>
        <input
          id="dashboard-to"
          type="date"
          value={filters.to}
          min={filters.from || undefined}
          onChange={(e) => set('to', e.target.value)}
        />
      </div>
      <ChoiceFilter
        name="area"
        label={t('dashboard.area')}
        all={t('dashboard.allAreas')}
        value={filters.area}
        onChange={(value) => set('area', value)}
        options={choosable.map((a) => [a.code, a.name])}
      />
      <ChoiceFilter
        name="channel"
        label={t('dashboard.channel')}
        all={t('dashboard.allChannels')}
        value={filters.channel}
        onChange={(value) => set('channel', value)}
        options={CHANNELS.map((c) => [c, t(`common:channel.${c}`)])}
      />
      <ChoiceFilter
        name="requestType"
        label={t('dashboard.requestType')}
        all={t('dashboard.allTypes')}
        value={filters.requestType}
        onChange={(value) => set('requestType', value)}
        options={REQUEST_TYPES.map((r) => [r, t(`common:requestType.${r}`)])}
      />
      <ChoiceFilter
        name="zone"
        label={t('dashboard.zone')}
        all={t('dashboard.allZones')}
        value={filters.zone}
        onChange={(value) => set('zone', value)}
        options={zones.map((z) => [String(z.id), z.name])}
      />
      <button
        type="button"
        className="button button--small"
        onClick={() => onChange(filtersFromSearch(new URLSearchParams()))}
      >
        {t('dashboard.clear')}
      </button>
    </form>
  );
}

/**
 * The supervisors' dashboard: volumes, deadline compliance, backlog, the queue now, satisfaction and
 * response times, under one set of filters kept in the address, refreshed as the live feed reports changes.
 */
export function DashboardPage() {
  const { t, i18n } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const language = currentLanguage(i18n.language);
  const numbers = useMemo(() => new Intl.NumberFormat(language, { maximumFractionDigits: 1 }), [language]);
  const { search } = useLocation();
  const filters = filtersFromSearch(search);
  const query = filtersToQuery(filters);
  const setFilters = (next: DashboardFilters) => {
    const text = new URLSearchParams(filtersToQuery(next)).toString();
    navigate(text ? `${PATHS.dashboard}?${text}` : PATHS.dashboard, { replace: true });
  };

  const zones = useAsync(() => api.get<Zone[]>('/zones'), []);
  const byChannel = useStat<VolumeRow>('volume', { ...query, groupBy: 'channel' });
  const byType = useStat<VolumeRow>('volume', { ...query, groupBy: 'requestType' });
  const compliance = useStat<ComplianceRow>('compliance', query);
  const backlog = useStat<BacklogRow>('backlog', query);
  const queue = useStat<LiveQueueRow>('live-queue', query);
  const satisfaction = useStat<SatisfactionRow>('satisfaction', { ...query, groupBy: 'area' });
  const satisfactionByAgent = useStat<SatisfactionRow>('satisfaction', { ...query, groupBy: 'agent' });
  const times = useStat<ResponseTimesRow>('response-times', query);
  const all = [byChannel, byType, compliance, backlog, queue, satisfaction, satisfactionByAgent, times];
  const reloadAll = () => {
    for (const stat of all) void stat.reload();
  };

  useLiveEvents((batch) => {
    if (batch.some((event) => changesFigures(event.kind))) reloadAll();
  }, REFRESH_SETTLE_MS);
  const latestReload = useRef(reloadAll);
  latestReload.current = reloadAll;
  useEffect(() => {
    const timer = setInterval(() => latestReload.current(), POLL_MS);
    return () => clearInterval(timer);
  }, []);

  const echoed = byChannel.data?.filters;
  const stem = (name: string) => (echoed ? `${name}-${echoed.from}-${echoed.to}` : name);
  const period = (p: string) => periodLabel(p, filters.period, language);
  const channelName = (key: string) => (isOneOf(CHANNELS, key) ? t(`common:channel.${key}`) : key);
  const typeName = (key: string) => (isOneOf(REQUEST_TYPES, key) ? t(`common:requestType.${key}`) : key);
  const kindName = (key: string) => (isOneOf(DEADLINE_KINDS, key) ? t(`dashboard.deadlineKind.${key}`) : key);
  const summary = (title: string, parts: Array<[string, number | null]>) =>
    parts.length === 0
      ? `${title}. ${t('dashboard.noData')}`
      : `${title}: ${parts.map(([label, value]) => `${label} ${value === null ? '—' : numbers.format(value)}`).join('; ')}.`;
  const valueFormatter = (value: unknown) => (typeof value === 'number' ? numbers.format(value) : '—');
  const base = (): ChartOption => ({
    tooltip: { trigger: 'axis', valueFormatter },
    legend: { top: 0, type: 'plain' },
    // The axis labels stay inside the canvas, however long an area's name.
    grid: {
      left: 8,
      right: 16,
      top: 64,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
  });

  /** Cases per bucket, one stacked series per key (channel or request type). */
  const volumeChart = (rows: VolumeRow[], name: (key: string) => string, keyHeader: string) => {
    const periods = unique(rows.map((r) => r.period)).sort();
    const keys = unique(rows.map((r) => r.key));
    const count = (p: string, k: string) =>
      sum(rows.filter((r) => r.period === p && r.key === k).map((r) => r.count));
    const option: ChartOption = {
      ...base(),
      xAxis: { type: 'category', data: periods.map(period) },
      yAxis: { type: 'value', minInterval: 1 },
      series: keys.map((k) => ({
        type: 'bar',
        stack: 'total',
        name: name(k),
        data: periods.map((p) => count(p, k)),
      })),
    };
    const table: ChartTable = {
      header: [t('dashboard.columns.period'), keyHeader, t('dashboard.columns.cases')],
      rows: rows.map((r) => [r.period, name(r.key), r.count]),
    };
    const totals = keys.map((k): [string, number] => [
      name(k),
      sum(rows.filter((r) => r.key === k).map((r) => r.count)),
    ]);
    return { option, table, totals };
  };

  const channelRows = byChannel.data?.rows ?? [];
  const channelChart = volumeChart(channelRows, channelName, t('dashboard.channel'));
  const typeChart = volumeChart(byType.data?.rows ?? [], typeName, t('dashboard.requestType'));
  const total = sum(channelRows.map((r) => r.count));

  const complianceRows = compliance.data?.rows ?? [];
  const complianceTotal = (kind: string, state: (typeof COMPLIANCE_STATES)[number]) =>
    sum(complianceRows.filter((r) => r.deadlineKind === kind).map((r) => r[state]));
  const complianceOption: ChartOption = {
    ...base(),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: DEADLINE_KINDS.map(kindName) },
    series: COMPLIANCE_STATES.map((state, i) => ({
      type: 'bar',
      stack: 'total',
      name: t(`dashboard.compliance.${state}`),
      color: COMPLIANCE_COLORS[i],
      data: DEADLINE_KINDS.map((kind) => complianceTotal(kind, state)),
    })),
  };
  const complianceTable: ChartTable = {
    header: [
      t('dashboard.columns.period'),
      t('dashboard.columns.deadlineKind'),
      ...COMPLIANCE_STATES.map((s) => t(`dashboard.compliance.${s}`)),
    ],
    rows: complianceRows.map((r) => [
      r.period,
      kindName(r.deadlineKind),
      ...COMPLIANCE_STATES.map((s) => r[s]),
    ]),
  };

  const backlogRows = backlog.data?.rows ?? [];
  const backlogOption: ChartOption = {
    ...base(),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: backlogRows.map((r) => r.areaName) },
    series: AGE_BUCKETS.map((bucket) => ({
      type: 'bar',
      stack: 'total',
      name: t(`dashboard.age.${bucket}`),
      data: backlogRows.map((r) => r.age[bucket]),
    })),
  };
  const backlogTable: ChartTable = {
    header: [
      t('dashboard.area'),
      t('dashboard.backlog.open'),
      t('dashboard.backlog.unassigned'),
      ...OPEN_STATUSES.map((s) => t(`common:status.${s}`)),
      ...AGE_BUCKETS.map((b) => t(`dashboard.age.${b}`)),
      t('dashboard.backlog.oldest'),
    ],
    rows: backlogRows.map((r) => [
      r.areaName,
      r.open,
      r.unassigned,
      ...OPEN_STATUSES.map((s) => r.byStatus[s]),
      ...AGE_BUCKETS.map((b) => r.age[b]),
      r.oldestCreatedAt ? formatDateTime(r.oldestCreatedAt, language, timeZone) : null,
    ]),
  };

  const queueRows = queue.data?.rows ?? [];
  const queueOption: ChartOption = {
    ...base(),
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: queueRows.map((r) => r.areaName) },
    series: QUEUE_MEASURES.map((measure) => ({
      type: 'bar',
      name: t(`dashboard.queue.${measure}`),
      data: queueRows.map((r) => r[measure]),
    })),
  };
  const queueTable: ChartTable = {
    header: [t('dashboard.area'), ...QUEUE_MEASURES.map((m) => t(`dashboard.queue.${m}`))],
    rows: queueRows.map((r) => [r.areaName, ...QUEUE_MEASURES.map((m) => r[m])]),
  };

  // The period's average per area or agent weighs each bucket by its answers, as one long survey would.
  const satisfactionView = (rows: SatisfactionRow[], keyHeader: string) => {
    const byKey = unique(rows.map((r) => r.key)).map((key) => {
      const mine = rows.filter((r) => r.key === key);
      const answered = sum(mine.map((r) => r.answered));
      const weighted = sum(mine.map((r) => (r.average ?? 0) * r.answered));
      return {
        name: mine[0]?.keyName ?? key,
        answered,
        average: answered > 0 ? Math.round((weighted / answered) * 100) / 100 : null,
      };
    });
    const option: ChartOption = {
      ...base(),
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter },
      xAxis: { type: 'value', min: 0, max: 5 },
      yAxis: { type: 'category', data: byKey.map((a) => a.name) },
      series: [{ type: 'bar', name: t('dashboard.satisfaction.average'), data: byKey.map((a) => a.average) }],
    };
    const table: ChartTable = {
      header: [
        t('dashboard.columns.period'),
        keyHeader,
        t('dashboard.satisfaction.answered'),
        t('dashboard.satisfaction.average'),
        ...SCORES.map((score) => t('dashboard.satisfaction.score', { score })),
      ],
      rows: rows.map((r) => [
        r.period,
        r.keyName,
        r.answered,
        r.average,
        ...SCORES.map((_, i) => r.distribution[i] ?? 0),
      ]),
    };
    const points = byKey.map((a): [string, number | null] => [a.name, a.average]);
    return { option, table, points };
  };
  const byArea = satisfactionView(satisfaction.data?.rows ?? [], t('dashboard.area'));
  const byAgent = satisfactionView(satisfactionByAgent.data?.rows ?? [], t('dashboard.agent'));

  const timeRows = times.data?.rows ?? [];
  const timeMeasures = [
    ['firstMedian', (r: ResponseTimesRow) => r.firstResponse.medianMinutes],
    ['firstP90', (r: ResponseTimesRow) => r.firstResponse.p90Minutes],
    ['resolutionMedian', (r: ResponseTimesRow) => r.resolution.medianMinutes],
    ['resolutionP90', (r: ResponseTimesRow) => r.resolution.p90Minutes],
  ] as const;
  const timesOption: ChartOption = {
    ...base(),
    xAxis: { type: 'category', data: timeRows.map((r) => period(r.period)) },
    yAxis: { type: 'value' },
    series: timeMeasures.map(([measure, value]) => ({
      type: 'line',
      name: t(`dashboard.times.${measure}`),
      connectNulls: false,
      lineStyle: measure.endsWith('P90') ? { type: 'dashed' } : undefined,
      data: timeRows.map(value),
    })),
  };
  const timesTable: ChartTable = {
    header: [
      t('dashboard.columns.period'),
      t('dashboard.times.firstCount'),
      t('dashboard.times.firstMedian'),
      t('dashboard.times.firstP90'),
      t('dashboard.times.resolutionCount'),
      t('dashboard.times.resolutionMedian'),
      t('dashboard.times.resolutionP90'),
    ],
    rows: timeRows.map((r) => [
      r.period,
      r.firstResponse.count,
      r.firstResponse.medianMinutes,
      r.firstResponse.p90Minutes,
      r.resolution.count,
      r.resolution.medianMinutes,
      r.resolution.p90Minutes,
    ]),
  };
  const lastTimes = timeRows.at(-1);

  const title = {
    channel: t('dashboard.charts.volumeByChannel'),
    type: t('dashboard.charts.volumeByType'),
    compliance: t('dashboard.charts.compliance'),
    backlog: t('dashboard.charts.backlog'),
    queue: t('dashboard.charts.liveQueue'),
    satisfaction: t('dashboard.charts.satisfaction'),
    satisfactionByAgent: t('dashboard.charts.satisfactionByAgent'),
    times: t('dashboard.charts.responseTimes'),
  };

  return (
    <div className="dashboard">
      <FilterBar filters={filters} onChange={setFilters} zones={zones.data ?? []} />
      <p className="dashboard-total" data-testid="dashboard-total">
        {echoed
          ? t('dashboard.range', { from: dayLabel(echoed.from, language), to: dayLabel(echoed.to, language) })
          : ''}{' '}
        <strong>{t('dashboard.total', { total: numbers.format(total) })}</strong>
      </p>
      <ErrorMessage error={all.find((stat) => stat.error)?.error ?? zones.error} />
      <div className="dashboard-grid">
        <Chart
          id="dashboard-volume-channel"
          title={title.channel}
          summary={summary(title.channel, channelChart.totals)}
          option={channelChart.option}
          table={channelChart.table}
          fileStem={stem('casos-por-canal')}
        />
        <Chart
          id="dashboard-volume-type"
          title={title.type}
          summary={summary(title.type, typeChart.totals)}
          option={typeChart.option}
          table={typeChart.table}
          fileStem={stem('casos-por-tipo')}
        />
        <Chart
          id="dashboard-compliance"
          title={title.compliance}
          summary={summary(
            title.compliance,
            DEADLINE_KINDS.flatMap((kind) =>
              COMPLIANCE_STATES.map((state): [string, number] => [
                `${kindName(kind)}, ${t(`dashboard.compliance.${state}`)}`,
                complianceTotal(kind, state),
              ]),
            ),
          )}
          option={complianceOption}
          table={complianceTable}
          fileStem={stem('cumplimiento-de-plazos')}
        />
        <Chart
          id="dashboard-backlog"
          title={title.backlog}
          summary={summary(
            title.backlog,
            backlogRows.map((r): [string, number] => [r.areaName, r.open]),
          )}
          option={backlogOption}
          table={backlogTable}
          fileStem={stem('casos-abiertos')}
        />
        <Chart
          id="dashboard-live-queue"
          title={title.queue}
          summary={summary(
            title.queue,
            queueRows.flatMap((r) =>
              QUEUE_MEASURES.map((m): [string, number] => [
                `${r.areaName}, ${t(`dashboard.queue.${m}`)}`,
                r[m],
              ]),
            ),
          )}
          option={queueOption}
          table={queueTable}
          fileStem={stem('cola-actual')}
        />
        <Chart
          id="dashboard-satisfaction"
          title={title.satisfaction}
          summary={summary(title.satisfaction, byArea.points)}
          option={byArea.option}
          table={byArea.table}
          fileStem={stem('satisfaccion')}
        />
        <Chart
          id="dashboard-satisfaction-agents"
          title={title.satisfactionByAgent}
          summary={summary(title.satisfactionByAgent, byAgent.points)}
          option={byAgent.option}
          table={byAgent.table}
          fileStem={stem('satisfaccion-por-agente')}
        />
        <Chart
          id="dashboard-response-times"
          title={title.times}
          summary={summary(
            title.times,
            lastTimes
              ? timeMeasures.map(([measure, value]): [string, number | null] => [
                  `${period(lastTimes.period)}, ${t(`dashboard.times.${measure}`)}`,
                  value(lastTimes),
                ])
              : [],
          )}
          option={timesOption}
          table={timesTable}
          fileStem={stem('tiempos-de-respuesta')}
        />
      </div>
    </div>
  );
}
