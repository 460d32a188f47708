import type { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  BacklogResponse,
  CompensationsResponse,
  ComplianceResponse,
  IncidentsStatsResponse,
  LiveQueueResponse,
  ResponseTimesResponse,
  SatisfactionQuery,
  SatisfactionResponse,
  StatsFilterQuery,
  VolumeQuery,
  VolumeResponse,
} from './stats.schema.ts';
import {
  backlogStats,
  compensationStats,
  complianceStats,
  incidentStats,
  liveQueueStats,
  responseTimeStats,
  satisfactionStats,
  volumeStats,
} from './stats.service.ts';
import { statsFilter } from './stats-filter.ts';

const ROLES = ['admin', 'supervisor'] as const;

export function statsRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['stats'];
  const filterOf = (query: z.input<typeof StatsFilterQuery>, request: Parameters<typeof actorOf>[0]) =>
    statsFilter(ctx, query, actorOf(request));
  const plain = (
    path: string,
    summary: string,
    response: z.ZodType,
    run: (f: Awaited<ReturnType<typeof statsFilter>>) => Promise<unknown>,
  ) =>
    app.get(
      path,
      {
        onRequest: requireActor(...ROLES),
        schema: { tags, summary, querystring: StatsFilterQuery, response: { 200: response } },
      },
      async (request) => run(await filterOf(request.query, request)),
    );

  app.get(
    '/stats/volume',
    {
      onRequest: requireActor(...ROLES),
      schema: {
        tags,
        summary: 'Cases created in each period, by channel, request type, area or in total',
        querystring: VolumeQuery,
        response: { 200: VolumeResponse },
      },
    },
    async (request) => volumeStats(ctx, await filterOf(request.query, request), request.query.groupBy),
  );
  plain(
    '/stats/backlog',
    'Cases open now by area: status, unassigned, age (the date range is ignored)',
    BacklogResponse,
    (f) => backlogStats(ctx, f),
  );
  plain(
    '/stats/compliance',
    'Case deadlines falling due in each period: met on time, met late, overdue, pending',
    ComplianceResponse,
    (f) => complianceStats(ctx, f),
  );
  plain(
    '/stats/response-times',
    'Business minutes to first response and to resolution of the cases created in each period',
    ResponseTimesResponse,
    (f) => responseTimeStats(ctx, f),
  );
  plain(
    '/stats/compensations',
    'Compensations applied and refunds paid back in each period, by kind, in centavos',
    CompensationsResponse,
    (f) => compensationStats(ctx, f),
  );
  plain(
    '/stats/incidents',
    'Incidents started in each period, customers of their linked cases, how long they lasted',
    IncidentsStatsResponse,
    (f) => incidentStats(ctx, f),
  );
  app.get(
    '/stats/satisfaction',
    {
      onRequest: requireActor(...ROLES),
      schema: {
        tags,
        summary:
          'Satisfaction surveys answered in each period: average and spread, by area, agent or in total',
        querystring: SatisfactionQuery,
        response: { 200: SatisfactionResponse },
      },
    },
    async (request) => satisfactionStats(ctx, await filterOf(request.query, request), request.query.groupBy),
  );
  plain(
    '/stats/live-queue',
    'Each active area now: cases waiting, cases being worked, agents on line',
    LiveQueueResponse,
    (f) => liveQueueStats(ctx, f),
  );
}
