import { z } from 'zod';
import { PlainDate } from '../accounts/accounts.schema.ts';
import { CHANNELS, DEADLINE_KINDS, REQUEST_TYPES } from '../domain/vocabulary.ts';
import { IntIdParam } from '../http/int-id.ts';

export const STATS_PERIODS = ['dia', 'semana', 'mes'] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

const PlainDay = PlainDate.describe('A date (YYYY-MM-DD) in the provider’s time zone, inclusive');
const Code = z.string().trim().min(1).max(60);

/** What every statistic is filtered by; the range is checked (order, span) once normalised. */
export const StatsFilterQuery = z.object({
  from: PlainDay.optional().describe('First day, inclusive; default: 29 days before `to`'),
  to: PlainDay.optional().describe('Last day, inclusive; default: today'),
  period: z.enum(STATS_PERIODS).default('dia').describe('Buckets: day, ISO week (Monday), month'),
  area: Code.optional().describe('An area code; a supervisor sees only the areas they supervise'),
  channel: z.enum(CHANNELS).optional(),
  requestType: z.enum(REQUEST_TYPES).optional(),
  subtype: Code.optional(),
  zone: IntIdParam.optional().describe('A zone id: cases whose service is in it or in a zone below it'),
});
export type StatsFilterInput = z.input<typeof StatsFilterQuery>;

export const VolumeQuery = StatsFilterQuery.extend({
  groupBy: z.enum(['channel', 'requestType', 'area', 'none']).default('none'),
});
export const SatisfactionQuery = StatsFilterQuery.extend({
  groupBy: z.enum(['area', 'agent', 'none']).default('none'),
});

const Filters = z.object({
  from: z.string(),
  to: z.string(),
  period: z.enum(STATS_PERIODS),
  timeZone: z.string(),
  area: z.string().nullable(),
  channel: z.enum(CHANNELS).nullable(),
  requestType: z.enum(REQUEST_TYPES).nullable(),
  subtype: z.string().nullable(),
  zone: z.number().int().nullable(),
});
export type StatsFilters = z.infer<typeof Filters>;

const withRows = <T extends z.ZodType>(row: T) => z.object({ filters: Filters, rows: z.array(row) });
const Count = z.number().int().nonnegative();
const Minutes = z.number().int().nullable();

export const VolumeResponse = withRows(z.object({ period: z.string(), key: z.string(), count: Count }));

export const BacklogResponse = withRows(
  z.object({
    area: z.string(),
    areaName: z.string(),
    open: Count,
    unassigned: Count,
    byStatus: z.object({ nuevo: Count, asignado: Count, en_proceso: Count, en_espera_cliente: Count }),
    age: z.object({ under1d: Count, d1to3: Count, d3to7: Count, over7d: Count }),
    oldestCreatedAt: z.string().nullable(),
  }),
);

export const ComplianceResponse = withRows(
  z.object({
    period: z.string(),
    deadlineKind: z.enum(DEADLINE_KINDS),
    metOnTime: Count,
    metLate: Count,
    breachedOpen: Count,
    pendingOnTime: Count,
  }),
);

const Spread = z.object({ count: Count, medianMinutes: Minutes, p90Minutes: Minutes });
export const ResponseTimesResponse = withRows(
  z.object({ period: z.string(), firstResponse: Spread, resolution: Spread }),
);

export const CompensationsResponse = withRows(
  z.object({ period: z.string(), kind: z.string(), count: Count, amountCentavos: z.number().int() }),
);

export const IncidentsStatsResponse = withRows(
  z.object({
    period: z.string(),
    count: Count,
    customersAffected: Count,
    durationMinutes: z.object({ median: Minutes, max: Minutes }),
  }),
);

export const SatisfactionResponse = withRows(
  z.object({
    period: z.string(),
    key: z.string(),
    keyName: z.string(),
    answered: Count,
    average: z.number().nullable(),
    distribution: z.array(Count).length(5),
  }),
);

export const LiveQueueResponse = withRows(
  z.object({
    area: z.string(),
    areaName: z.string(),
    waiting: Count,
    inProgress: Count,
    agentsOnline: Count,
  }),
);

export type VolumeGroup = z.infer<typeof VolumeQuery>['groupBy'];
export type SatisfactionGroup = z.infer<typeof SatisfactionQuery>['groupBy'];
