import { type SQL, sql } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import { queryRows, type Tx } from '../db/database.ts';
import type { DeadlineKind } from '../domain/vocabulary.ts';
import { zoneAndAncestors } from '../incidents/zones.ts';
import { elapsedBusinessMinutes } from './elapsed.ts';
import { percentile } from './percentile.ts';
import { TRUNC_UNIT } from './periods.ts';
import type { SatisfactionGroup, StatsFilters, VolumeGroup } from './stats.schema.ts';
import type { StatsFilter } from './stats-filter.ts';
import { areaNames } from './stats-filter.ts';

export interface StatsDeps {
  db: Tx;
  clock: Clock;
}

const OPEN = sql.raw(`('nuevo', 'asignado', 'en_proceso', 'en_espera_cliente')`);
const CASE_DEADLINES = sql.raw(`('primera_respuesta', 'resolucion')`);
const DAY_MS = 86_400_000;

/** The bucket label (`YYYY-MM-DD`, its first local day) of an instant column, in the filter's zone and period. */
const bucket = (f: StatsFilters, column: SQL) =>
  sql`to_char(date_trunc(${sql.raw(`'${TRUNC_UNIT[f.period]}'`)}, ${column} at time zone ${f.timeZone}), 'YYYY-MM-DD')`;

const isoOf = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Instants go as ISO text: both drivers then read them the same way. */
const at = (instant: Date) => sql`${instant.toISOString()}::timestamptz`;

const inRange = (f: StatsFilter, column: SQL) =>
  sql`${column} >= ${at(f.start)} and ${column} < ${at(f.end)}`;

/**
 * The filters on the case aliased `c`; a survey keeps the area and channel of its case as they were when
 * it closed, so it names its own columns for those.
 */
function caseConditions(f: StatsFilter, columns: { area?: SQL; channel?: SQL } = {}): SQL {
  const area = columns.area ?? sql`c.area_id`;
  const conditions: SQL[] = [];
  if (f.areaIds) conditions.push(f.areaIds.length > 0 ? sql`${area} in ${f.areaIds}` : sql`false`);
  if (f.filters.channel) conditions.push(sql`${columns.channel ?? sql`c.channel`} = ${f.filters.channel}`);
  if (f.filters.requestType) conditions.push(sql`c.request_type = ${f.filters.requestType}`);
  if (f.filters.subtype) conditions.push(sql`c.subtype = ${f.filters.subtype}`);
  if (f.zoneIds)
    conditions.push(
      f.zoneIds.length > 0
        ? sql`c.service_id in (select s.id from services s where s.zone_id in ${f.zoneIds})`
        : sql`false`,
    );
  return conditions.length > 0 ? sql.join(conditions, sql` and `) : sql`true`;
}

/**
 * The case joined only when a filter reads it: without filters a statistic of deadlines, compensations
 * or surveys never touches the cases table.
 */
function joinCase(f: StatsFilter, on: SQL, columns: { area?: SQL; channel?: SQL } = {}): SQL {
  const needed =
    f.filters.requestType !== null ||
    f.filters.subtype !== null ||
    f.zoneIds !== null ||
    (f.areaIds !== null && !columns.area) ||
    (f.filters.channel !== null && !columns.channel);
  return needed ? sql`join cases c on c.id = ${on}` : sql``;
}

const num = (value: unknown): number => Number(value ?? 0);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** Cases created in each bucket, by channel, request type, area or in total. */
export async function volumeStats(deps: StatsDeps, f: StatsFilter, groupBy: VolumeGroup = 'none') {
  const key = {
    channel: sql`c.channel`,
    requestType: sql`c.request_type`,
    area: sql`c.area_id::text`,
    none: sql`'total'`,
  }[groupBy];
  const rows = await queryRows<{ period: string; key: string; count: number }>(
    deps.db,
    sql`select ${bucket(f.filters, sql`c.created_at`)} as period, ${key} as key, count(*)::int as count
        from cases c
        where ${inRange(f, sql`c.created_at`)} and ${caseConditions(f)}
        group by 1, 2 order by 1, 2`,
  );
  const names = groupBy === 'area' ? await areaNames(deps) : undefined;
  return {
    filters: f.filters,
    rows: rows.map((r) => ({
      period: r.period,
      key: names ? (names.get(Number(r.key))?.code ?? r.key) : r.key,
      count: num(r.count),
    })),
  };
}

/** Cases open now by area: their status, whether someone has them, how old they are. The range is ignored. */
export async function backlogStats(deps: StatsDeps, f: StatsFilter) {
  const now = deps.clock.now().getTime();
  const ago = (days: number) => at(new Date(now - days * DAY_MS));
  const rows = await queryRows<Record<string, unknown>>(
    deps.db,
    sql`select c.area_id, count(*)::int as open,
          count(*) filter (where c.assignee_id is null)::int as unassigned,
          count(*) filter (where c.status = 'nuevo')::int as nuevo,
          count(*) filter (where c.status = 'asignado')::int as asignado,
          count(*) filter (where c.status = 'en_proceso')::int as en_proceso,
          count(*) filter (where c.status = 'en_espera_cliente')::int as en_espera_cliente,
          count(*) filter (where c.created_at > ${ago(1)})::int as under1d,
          count(*) filter (where c.created_at <= ${ago(1)} and c.created_at > ${ago(3)})::int as d1to3,
          count(*) filter (where c.created_at <= ${ago(3)} and c.created_at > ${ago(7)})::int as d3to7,
          count(*) filter (where c.created_at <= ${ago(7)})::int as over7d,
          ${isoOf(sql`min(c.created_at)`)} as oldest
        from cases c
        where c.status in ${OPEN} and ${caseConditions(f)}
        group by c.area_id`,
  );
  const names = await areaNames(deps);
  return {
    filters: f.filters,
    rows: rows
      .map((r) => {
        const area = names.get(Number(r.area_id));
        return {
          area: area?.code ?? String(r.area_id),
          areaName: area?.name ?? '',
          open: num(r.open),
          unassigned: num(r.unassigned),
          byStatus: {
            nuevo: num(r.nuevo),
            asignado: num(r.asignado),
            en_proceso: num(r.en_proceso),
            en_espera_cliente: num(r.en_espera_cliente),
          },
          age: { under1d: num(r.under1d), d1to3: num(r.d1to3), d3to7: num(r.d3to7), over7d: num(r.over7d) },
          oldestCreatedAt: (r.oldest as string | null) ?? null,
        };
      })
      .sort((a, b) => a.area.localeCompare(b.area)),
  };
}

/**
 * The cases' deadlines falling due in each bucket: met on time, met late, overdue and still open, and
 * still open within time. A paused clock is overdue only once its breach was recorded (its due date moves
 * while it waits on the customer); cancelled clocks owe nothing and are left out.
 */
export async function complianceStats(deps: StatsDeps, f: StatsFilter) {
  const now = deps.clock.now();
  const breached = sql`d.met_at is null and (d.breached_at is not null or (d.paused_at is null and d.due_at < ${at(now)}))`;
  const rows = await queryRows<Record<string, unknown>>(
    deps.db,
    sql`select ${bucket(f.filters, sql`d.due_at`)} as period, d.kind,
          count(*) filter (where d.met_at <= d.due_at)::int as met_on_time,
          count(*) filter (where d.met_at > d.due_at)::int as met_late,
          count(*) filter (where ${breached})::int as breached_open,
          count(*) filter (where d.met_at is null and not (${breached}))::int as pending_on_time
        from deadlines d ${joinCase(f, sql`d.subject_id`)}
        where d.subject_kind = 'case' and d.kind in ${CASE_DEADLINES} and d.cancelled_at is null
          and ${inRange(f, sql`d.due_at`)} and ${caseConditions(f)}
        group by 1, 2 order by 1, 2`,
  );
  return {
    filters: f.filters,
    rows: rows.map((r) => ({
      period: String(r.period),
      deadlineKind: r.kind as DeadlineKind,
      metOnTime: num(r.met_on_time),
      metLate: num(r.met_late),
      breachedOpen: num(r.breached_open),
      pendingOnTime: num(r.pending_on_time),
    })),
  };
}

type Spread = { count: number; medianMinutes: number | null; p90Minutes: number | null };
const EMPTY_SPREAD: Spread = { count: 0, medianMinutes: null, p90Minutes: null };
const SPREAD_KEY: Record<DeadlineKind, 'firstResponse' | 'resolution'> = {
  primera_respuesta: 'firstResponse',
  resolucion: 'resolution',
};

/**
 * Business minutes from the start of each case's clock to its being met (first response, resolution),
 * by the bucket of the case's creation: how many, the median and the 90th percentile (nearest rank).
 * Clocks met before the minutes were stored, in business hours, are measured here from their calendar.
 */
export async function responseTimeStats(deps: StatsDeps, f: StatsFilter) {
  // A case's clocks start when it is created, so their start buckets the case without reading it.
  const from = sql`from deadlines d ${joinCase(f, sql`d.subject_id`)}
        where d.subject_kind = 'case' and d.kind in ${CASE_DEADLINES} and d.met_at is not null
          and d.cancelled_at is null and ${inRange(f, sql`d.started_at`)} and ${caseConditions(f)}`;
  const spreads = new Map<string, Record<'firstResponse' | 'resolution', Spread>>();
  const put = (period: string, kind: DeadlineKind, spread: Spread) => {
    const row = spreads.get(period) ?? { firstResponse: EMPTY_SPREAD, resolution: EMPTY_SPREAD };
    row[SPREAD_KEY[kind]] = spread;
    spreads.set(period, row);
  };
  const measured = await queryRows<Record<string, unknown>>(
    deps.db,
    sql`select ${bucket(f.filters, sql`d.started_at`)} as period, d.kind, count(*)::int as n,
          count(*) filter (where d.business_minutes is null)::int as unmeasured,
          percentile_disc(0.5) within group (order by d.business_minutes) as median,
          percentile_disc(0.9) within group (order by d.business_minutes) as p90
        ${from} group by 1, 2 order by 1, 2`,
  );
  if (measured.every((r) => num(r.unmeasured) === 0)) {
    for (const r of measured)
      put(String(r.period), r.kind as DeadlineKind, {
        count: num(r.n),
        medianMinutes: numOrNull(r.median),
        p90Minutes: numOrNull(r.p90),
      });
  } else {
    const rows = await queryRows<Record<string, unknown>>(
      deps.db,
      sql`select ${bucket(f.filters, sql`d.started_at`)} as period, d.kind, d.business_minutes,
            d.calendar, ${isoOf(sql`d.started_at`)} as started_at, ${isoOf(sql`d.met_at`)} as met_at, d.paused_ms
          ${from}`,
    );
    const minutes = new Map<string, number[]>();
    for (const r of rows) {
      const value =
        r.business_minutes !== null
          ? Number(r.business_minutes)
          : elapsedBusinessMinutes({
              calendar: typeof r.calendar === 'string' ? JSON.parse(r.calendar) : r.calendar,
              startedAt: new Date(String(r.started_at)),
              metAt: new Date(String(r.met_at)),
              pausedMs: Number(r.paused_ms),
            });
      const key = `${r.period}|${r.kind}`;
      const values = minutes.get(key);
      if (values) values.push(value);
      else minutes.set(key, [value]);
    }
    for (const [key, values] of [...minutes].sort(([a], [b]) => a.localeCompare(b))) {
      const [period, kind] = key.split('|') as [string, DeadlineKind];
      const sorted = values.sort((a, b) => a - b);
      put(period, kind, {
        count: sorted.length,
        medianMinutes: percentile(sorted, 0.5),
        p90Minutes: percentile(sorted, 0.9),
      });
    }
  }
  return {
    filters: f.filters,
    rows: [...spreads]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([period, spread]) => ({ period, ...spread })),
  };
}

/**
 * Compensations applied in each bucket by kind (what was posted), and refunds paid back (`reembolso`, the
 * refund part, when its payment was recorded).
 */
export async function compensationStats(deps: StatsDeps, f: StatsFilter) {
  const rows = await queryRows<Record<string, unknown>>(
    deps.db,
    sql`select ${bucket(f.filters, sql`k.decided_at`)} as period, k.kind, count(*)::int as n,
          coalesce(sum(k.applied_centavos), 0)::float8 as amount
        from compensations k ${joinCase(f, sql`k.case_id`)}
        where k.status = 'aplicada' and ${inRange(f, sql`k.decided_at`)} and ${caseConditions(f)}
        group by 1, 2
        union all
        select ${bucket(f.filters, sql`k.refunded_at`)} as period, 'reembolso' as kind, count(*)::int as n,
          coalesce(sum(k.refund_centavos), 0)::float8 as amount
        from compensations k ${joinCase(f, sql`k.case_id`)}
        where k.refunded_at is not null and ${inRange(f, sql`k.refunded_at`)} and ${caseConditions(f)}
        group by 1, 2
        order by 1, 2`,
  );
  return {
    filters: f.filters,
    rows: rows.map((r) => ({
      period: String(r.period),
      kind: String(r.kind),
      count: num(r.n),
      amountCentavos: num(r.amount),
    })),
  };
}

/**
 * Incidents started in each bucket (those covering the zone, above or below it, when one is asked), the
 * customers of the cases linked to them that match the filters, and how long restored ones lasted.
 */
export async function incidentStats(deps: StatsDeps, f: StatsFilter) {
  const zoneCondition = async () => {
    if (!f.zoneIds || f.filters.zone === null) return sql`true`;
    const covering = [...new Set([...f.zoneIds, ...(await zoneAndAncestors(deps.db, f.filters.zone))])];
    return sql`exists (select 1 from incident_zones iz where iz.incident_id = i.id and iz.zone_id in ${covering})`;
  };
  const rows = await queryRows<Record<string, unknown>>(
    deps.db,
    sql`with inc as (
          select i.id, ${bucket(f.filters, sql`i.started_at`)} as period,
            case when i.restored_at is not null
              then greatest(0, round(extract(epoch from i.restored_at - i.started_at) / 60))::int end as minutes
          from incidents i
          where ${inRange(f, sql`i.started_at`)} and ${await zoneCondition()}
        )
        select inc.period, count(*)::int as n,
          (select count(distinct c.customer_id) from cases c
            where c.incident_id in (select x.id from inc x where x.period = inc.period)
              and ${caseConditions(f)})::int as customers,
          percentile_disc(0.5) within group (order by inc.minutes) as median,
          max(inc.minutes) as longest
        from inc group by inc.period order by inc.period`,
  );
  return {
    filters: f.filters,
    rows: rows.map((r) => ({
      period: String(r.period),
      count: num(r.n),
      customersAffected: num(r.customers),
      durationMinutes: { median: numOrNull(r.median), max: numOrNull(r.longest) },
    })),
  };
}

/** Surveys answered in each bucket: how many, their average and how the 1–5 scores spread. */
export async function satisfactionStats(
  deps: StatsDeps,
  f: StatsFilter,
  groupBy: SatisfactionGroup = 'none',
) {
  const key = {
    area: sql`s.area_id::text`,
    agent: sql`coalesce(s.agent_id::text, '')`,
    none: sql`'total'`,
  }[groupBy];
  const rows = await queryRows<Record<string, unknown>>(
    deps.db,
    sql`select ${bucket(f.filters, sql`s.answered_at`)} as period, ${key} as key, count(*)::int as n,
          round(avg(s.score), 2)::float8 as average,
          count(*) filter (where s.score = 1)::int as s1, count(*) filter (where s.score = 2)::int as s2,
          count(*) filter (where s.score = 3)::int as s3, count(*) filter (where s.score = 4)::int as s4,
          count(*) filter (where s.score = 5)::int as s5
        from csat_surveys s ${joinCase(f, sql`s.case_id`, { area: sql`s.area_id`, channel: sql`s.channel` })}
        where s.status = 'respondida' and s.score is not null and ${inRange(f, sql`s.answered_at`)}
          and ${caseConditions(f, { area: sql`s.area_id`, channel: sql`s.channel` })}
        group by 1, 2 order by 1, 2`,
  );
  const names = await keyNames(
    deps,
    groupBy,
    rows.map((r) => String(r.key)),
  );
  return {
    filters: f.filters,
    rows: rows.map((r) => {
      const named = names.get(String(r.key));
      return {
        period: String(r.period),
        key: named?.key ?? String(r.key),
        keyName: named?.name ?? '',
        answered: num(r.n),
        average: numOrNull(r.average),
        distribution: [num(r.s1), num(r.s2), num(r.s3), num(r.s4), num(r.s5)],
      };
    }),
  };
}

async function keyNames(deps: StatsDeps, groupBy: SatisfactionGroup, keys: string[]) {
  const named = new Map<string, { key: string; name: string }>();
  if (groupBy === 'area')
    for (const [id, area] of await areaNames(deps))
      named.set(String(id), { key: area.code, name: area.name });
  const agentIds = [...new Set(keys.filter((k) => k !== ''))];
  if (groupBy === 'agent' && agentIds.length > 0) {
    const rows = await queryRows<{ id: string; name: string }>(
      deps.db,
      sql`select id::text as id, name from agents where id::text in ${agentIds}`,
    );
    for (const r of rows) named.set(r.id, { key: r.id, name: r.name });
  }
  return named;
}

/** Each active area now: cases waiting for someone, cases being worked, agents on line. The range is ignored. */
export async function liveQueueStats(deps: StatsDeps, f: StatsFilter) {
  const areaCondition = f.areaIds
    ? f.areaIds.length > 0
      ? sql`a.id in ${f.areaIds}`
      : sql`false`
    : sql`true`;
  const rows = await queryRows<Record<string, unknown>>(
    deps.db,
    sql`select a.code, a.name,
          (select count(*) from cases c where c.area_id = a.id and c.status = 'nuevo'
            and ${caseConditions({ ...f, areaIds: null })})::int as waiting,
          (select count(*) from cases c where c.area_id = a.id and c.status in ('asignado', 'en_proceso')
            and ${caseConditions({ ...f, areaIds: null })})::int as in_progress,
          (select count(*) from agents g join agent_areas aa on aa.agent_id = g.id
            where aa.area_id = a.id and g.active and g.presence = 'en_linea')::int as online
        from areas a
        where a.active and ${areaCondition}
        order by a.code`,
  );
  return {
    filters: f.filters,
    rows: rows.map((r) => ({
      area: String(r.code),
      areaName: String(r.name),
      waiting: num(r.waiting),
      inProgress: num(r.in_progress),
      agentsOnline: num(r.online),
    })),
  };
}
