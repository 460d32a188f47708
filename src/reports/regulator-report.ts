import { sql } from 'drizzle-orm';
import { Temporal } from 'temporal-polyfill';
import { startOfDayIn } from '../accounts/provider-today.ts';
import type { Clock } from '../clock.ts';
import type { Profile } from '../config/profile.ts';
import { queryRows, type Tx } from '../db/database.ts';
import {
  CHANNELS,
  COMPENSATION_KINDS,
  type CompensationKind,
  DEADLINE_KINDS,
  type DeadlineKind,
  REQUEST_TYPES,
} from '../domain/vocabulary.ts';
import { compensationStats, complianceStats } from '../stats/stats.service.ts';
import type { StatsFilter } from '../stats/stats-filter.ts';
import common from '../web/shared/locales/es-MX.json' with { type: 'json' };
import { categoryOf, type RegulatorCategory, regulatorReportSettings } from './regulator-settings.ts';

/**
 * The month's report for the regulators, computed from the case rows, their deadlines and the
 * compensations: what the CSV and the XLSX both write, section by section, in Spanish (the regulators'
 * language). Counts follow the statistics API's definitions, so the dashboard and the archived report agree.
 */

/** A count, an amount (integer centavos, written as pesos) or text. */
export type ColumnKind = 'text' | 'count' | 'centavos';
export interface ReportColumn {
  header: string;
  kind: ColumnKind;
  width: number;
}
export type Cell = string | number;
export interface ReportSection {
  key: string;
  title: string;
  columns: ReportColumn[];
  rows: Cell[][];
}
export interface RegulatorReport {
  period: string;
  /** Label and value rows naming the provider, the period, the regulators and when it was generated. */
  header: Array<[string, string]>;
  sections: ReportSection[];
  categories: RegulatorCategory[];
  summary: ReportSummary;
}
export interface ReportSummary {
  cases: number;
  byRequestType: Record<string, number>;
  byChannel: Record<string, number>;
  compliance: Array<{
    deadlineKind: DeadlineKind;
    metOnTime: number;
    metLate: number;
    breachedOpen: number;
    pendingOnTime: number;
  }>;
  compensations: Array<{ kind: CompensationKind | typeof REFUND; count: number; amountCentavos: number }>;
}

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month's first instant and the next month's, in the provider's time zone. */
export function monthBounds(period: string, timeZone: string): { start: Date; end: Date; last: string } {
  const first = Temporal.PlainYearMonth.from(period).toPlainDate({ day: 1 });
  const next = first.add({ months: 1 });
  return {
    start: startOfDayIn(timeZone, first.toString()),
    end: startOfDayIn(timeZone, next.toString()),
    last: next.subtract({ days: 1 }).toString(),
  };
}

/** The month (`YYYY-MM`) an instant falls in, in the provider's time zone. */
export const periodOf = (instant: Date, timeZone: string): string =>
  Temporal.Instant.fromEpochMilliseconds(instant.getTime())
    .toZonedDateTimeISO(timeZone)
    .toPlainDate()
    .toPlainYearMonth()
    .toString();

export const previousPeriod = (period: string): string =>
  Temporal.PlainYearMonth.from(period).subtract({ months: 1 }).toString();

const DEADLINE_NAMES: Record<DeadlineKind, string> = {
  primera_respuesta: 'Primera respuesta',
  resolucion: 'Resolución',
};
/** Refunds paid back, counted apart from the compensations that include them, as the statistics do. */
const REFUND = 'reembolso';
const COMPENSATION_NAMES: Record<CompensationKind | typeof REFUND, string> = {
  falla: 'Bonificación por falla',
  cargo_indebido: 'Reembolso de cargo indebido',
  instalacion_tardia: 'Reembolso por instalación tardía',
  equipo_en_reparacion: 'Bonificación por equipo en reparación',
  reembolso: 'Reembolsos pagados (parte devuelta de las anteriores)',
};
const RESULT_NAMES = {
  resuelto: 'Resuelta',
  cerrado: 'Cerrada',
  descartado: 'Descartada',
  abierto: 'Abierta al cierre del mes',
} as const;
const DISCARD_NAMES: Record<string, string> = { duplicado: 'Duplicado', spam: 'Sin solicitud (spam)' };
const NO_CAUSE = 'sin_causa';

const text = (header: string, width = 18): ReportColumn => ({ header, kind: 'text', width });
const count = (header: string): ReportColumn => ({ header, kind: 'count', width: 14 });
const nameOf = (names: Record<string, string>, code: string) => names[code] ?? code;

/** `2026-11-01T06:00:00.000Z` as the provider reads it: `2026-11-01 00:00 (-06:00)`. */
function localStamp(instant: Date, timeZone: string): string {
  const zoned = Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${zoned.toPlainDate().toString()} ${pad(zoned.hour)}:${pad(zoned.minute)} (${zoned.offset})`;
}

type Settings = Omit<Profile, 'areas'>;

/** Everything the report says about `period`, read inside the caller's transaction as of `now`. */
export async function buildRegulatorReport(
  tx: Tx,
  input: { period: string; settings: Settings; now: Date },
): Promise<RegulatorReport> {
  const { period, settings, now } = input;
  const timeZone = settings.provider.timeZone;
  const { start, end, last } = monthBounds(period, timeZone);
  const from = start.toISOString();
  const to = end.toISOString();
  const categories = regulatorReportSettings(settings).categories;

  const typeRows = await queryRows<{ request_type: string; subtype: string | null; n: number | string }>(
    tx,
    sql`select request_type, subtype, count(*) as n from cases
        where created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz
        group by request_type, subtype order by request_type, subtype nulls first`,
  );
  const channelRows = await queryRows<{ channel: string; n: number | string }>(
    tx,
    sql`select channel, count(*) as n from cases
        where created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz
        group by channel`,
  );
  const causeRows = await queryRows<{ cause_code: string | null; n: number | string }>(
    tx,
    sql`select cause_code, count(*) as n from cases
        where created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz
        group by cause_code`,
  );
  // The status at the month's end is the last status change recorded before it; the case row holds
  // only today's.
  const resultRows = await queryRows<{
    status: string | null;
    discard_reason: string | null;
    n: number | string;
  }>(
    tx,
    sql`select last.status, last.discard_reason, count(*) as n
        from cases c
        left join lateral (
          select e.after->>'status' as status, e.after->>'discardReason' as discard_reason
          from events e
          where e.case_id = c.id and e.kind = 'status_changed' and e.created_at < ${to}::timestamptz
          order by e.created_at desc, e.id desc
          limit 1
        ) last on true
        where c.created_at >= ${from}::timestamptz and c.created_at < ${to}::timestamptz
        group by last.status, last.discard_reason`,
  );
  // Compliance and compensations come from the statistics service itself, so the archived report and
  // the dashboard can never count them differently.
  const stats: StatsFilter = {
    filters: {
      from: `${period}-01`,
      to: last,
      period: 'mes',
      timeZone,
      area: null,
      channel: null,
      requestType: null,
      subtype: null,
      zone: null,
    },
    start,
    end,
    areaIds: null,
    zoneIds: null,
  };
  const statsDeps: { db: Tx; clock: Clock } = { db: tx, clock: { now: () => now } };
  const complianceRows = (await complianceStats(statsDeps, stats)).rows;
  const compensationRows = (await compensationStats(statsDeps, stats)).rows;

  const tally = (rows: Array<{ n: number | string }>, keyOf: (row: never) => string) => {
    const out = new Map<string, number>();
    for (const row of rows) {
      const key = keyOf(row as never);
      out.set(key, (out.get(key) ?? 0) + Number(row.n));
    }
    return out;
  };
  const byType = tally(typeRows, (r: { request_type: string }) => r.request_type);
  const byChannel = tally(channelRows, (r: { channel: string }) => r.channel);
  const byCause = tally(causeRows, (r: { cause_code: string | null }) => r.cause_code ?? NO_CAUSE);
  const total = [...byType.values()].reduce((a, b) => a + b, 0);

  const byCategory = new Map<string, number>();
  const subtypeLines: Cell[][] = [];
  const subtypeNames = new Map(settings.requestSubtypes.map((s) => [`${s.type}/${s.code}`, s.name]));
  for (const row of typeRows) {
    const category = categoryOf(categories, row.request_type, row.subtype);
    const code = category?.code ?? '';
    byCategory.set(code, (byCategory.get(code) ?? 0) + Number(row.n));
    subtypeLines.push([
      code,
      row.request_type,
      nameOf(common.requestType, row.request_type),
      row.subtype ?? '',
      row.subtype ? (subtypeNames.get(`${row.request_type}/${row.subtype}`) ?? row.subtype) : 'Sin subtipo',
      Number(row.n),
    ]);
  }

  const knownCauses = settings.causeCodes.map((c) => c.code);
  const causeNames = Object.fromEntries(settings.causeCodes.map((c) => [c.code, c.name]));
  const causeLines = [
    ...knownCauses,
    ...[...byCause.keys()].filter((c) => c !== NO_CAUSE && !knownCauses.includes(c)).sort(),
    NO_CAUSE,
  ].map((code) => [
    code,
    code === NO_CAUSE ? 'Sin causa registrada' : nameOf(causeNames, code),
    byCause.get(code) ?? 0,
  ]);

  const results = new Map<string, number>();
  for (const row of resultRows) {
    const status =
      row.status === 'resuelto' || row.status === 'cerrado' || row.status === 'descartado'
        ? row.status
        : 'abierto';
    const key = `${status}/${status === 'descartado' ? (row.discard_reason ?? '') : ''}`;
    results.set(key, (results.get(key) ?? 0) + Number(row.n));
  }
  const resultKeys = [
    'resuelto/',
    'cerrado/',
    ...[...results.keys()].filter((k) => k.startsWith('descartado/')).sort(),
    'abierto/',
  ];
  const resultLines = resultKeys.map((key) => {
    const [status = '', reason = ''] = key.split('/');
    return [
      status,
      RESULT_NAMES[status as keyof typeof RESULT_NAMES],
      reason,
      reason ? nameOf(DISCARD_NAMES, reason) : '',
      results.get(key) ?? 0,
    ];
  });

  const compliance = DEADLINE_KINDS.map((deadlineKind) => {
    const rows = complianceRows.filter((r) => r.deadlineKind === deadlineKind);
    const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + pick(r), 0);
    return {
      deadlineKind,
      metOnTime: sum((r) => r.metOnTime),
      metLate: sum((r) => r.metLate),
      breachedOpen: sum((r) => r.breachedOpen),
      pendingOnTime: sum((r) => r.pendingOnTime),
    };
  });
  const compensations = ([...COMPENSATION_KINDS, REFUND] as const).map((kind) => {
    const rows = compensationRows.filter((r) => r.kind === kind);
    return {
      kind,
      count: rows.reduce((a, r) => a + r.count, 0),
      amountCentavos: rows.reduce((a, r) => a + r.amountCentavos, 0),
    };
  });

  const sections: ReportSection[] = [
    {
      key: 'categorias',
      title: 'Solicitudes por categoría',
      columns: [text('Código'), text('Categoría', 36), count('Solicitudes')],
      rows: categories.map((c) => [c.code, c.name, byCategory.get(c.code) ?? 0]),
    },
    {
      key: 'tipos',
      title: 'Solicitudes por tipo',
      columns: [text('Tipo'), text('Nombre', 28), count('Solicitudes')],
      rows: REQUEST_TYPES.map((t) => [t, nameOf(common.requestType, t), byType.get(t) ?? 0]),
    },
    {
      key: 'subtipos',
      title: 'Solicitudes por categoría, tipo y subtipo',
      columns: [
        text('Categoría'),
        text('Tipo'),
        text('Nombre del tipo', 24),
        text('Subtipo'),
        text('Nombre del subtipo', 28),
        count('Solicitudes'),
      ],
      rows: subtypeLines,
    },
    {
      key: 'canales',
      title: 'Solicitudes por canal de atención',
      columns: [text('Canal'), text('Nombre', 24), count('Solicitudes')],
      rows: CHANNELS.map((c) => [c, nameOf(common.channel, c), byChannel.get(c) ?? 0]),
    },
    {
      key: 'causas',
      title: 'Solicitudes por causa',
      columns: [text('Código de causa', 26), text('Causa', 36), count('Solicitudes')],
      rows: causeLines,
    },
    {
      key: 'resultados',
      title: `Resultado al cierre del mes (${last})`,
      columns: [
        text('Estado'),
        text('Resultado', 28),
        text('Motivo de descarte'),
        text('Motivo', 24),
        count('Solicitudes'),
      ],
      rows: resultLines,
    },
    {
      key: 'plazos',
      title: 'Cumplimiento de plazos (por fecha de vencimiento)',
      columns: [
        text('Plazo'),
        text('Nombre', 20),
        count('Atendidos a tiempo'),
        count('Atendidos fuera de plazo'),
        count('Vencidos sin atender'),
        count('Pendientes en tiempo'),
      ],
      rows: compliance.map((c) => [
        c.deadlineKind,
        DEADLINE_NAMES[c.deadlineKind],
        c.metOnTime,
        c.metLate,
        c.breachedOpen,
        c.pendingOnTime,
      ]),
    },
    {
      key: 'compensaciones',
      title: 'Bonificaciones y reembolsos aplicados',
      columns: [
        text('Tipo', 22),
        text('Nombre', 40),
        count('Cantidad'),
        { header: 'Importe (MXN)', kind: 'centavos', width: 16 },
      ],
      rows: compensations.map((c) => [c.kind, COMPENSATION_NAMES[c.kind], c.count, c.amountCentavos]),
    },
  ];

  return {
    period,
    header: [
      ['Reporte', 'Reporte mensual de atención a usuarios'],
      ['Proveedor (razón social)', settings.provider.legalName],
      ['Nombre comercial', settings.provider.name],
      ['Periodo', period],
      ['Desde', `${period}-01 00:00`],
      ['Hasta', `${last} 23:59`],
      ['Zona horaria', timeZone],
      ['Regulador de telecomunicaciones', settings.provider.regulators.telecom],
      ['Autoridad de protección al consumidor', settings.provider.regulators.consumer],
      ['Generado', localStamp(now, timeZone)],
      ['Solicitudes recibidas', String(total)],
    ],
    sections,
    categories,
    summary: {
      cases: total,
      byRequestType: Object.fromEntries(REQUEST_TYPES.map((t) => [t, byType.get(t) ?? 0])),
      byChannel: Object.fromEntries(CHANNELS.map((c) => [c, byChannel.get(c) ?? 0])),
      compliance,
      compensations,
    },
  };
}
