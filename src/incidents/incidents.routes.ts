import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  AcceptProposalRequest,
  AcceptProposalResponse,
  CaseIncidentResponse,
  DeclareIncidentRequest,
  DismissProposalRequest,
  IncidentDetailResponse,
  IncidentFolioParams,
  IncidentIdParams,
  IncidentListQuery,
  IncidentResponse,
  LinkIncidentRequest,
  ProposalListQuery,
  ProposalResponse,
  StatusResponse,
  UpdateIncidentRequest,
} from './incidents.schema.ts';
import {
  declareIncident,
  incidentDetail,
  linkCase,
  listIncidents,
  unlinkCase,
  updateIncident,
} from './incidents.service.ts';
import { acceptProposal, dismissProposal, listProposals } from './proposals.service.ts';
import { matchesEtag, statusSnapshotOf } from './status.snapshot.ts';

/** Short enough that a crowd sees news within seconds, long enough that proxies absorb the refreshes. */
export const STATUS_CACHE_CONTROL = 'public, max-age=15';

export function incidentsRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['incidents'];
  app.get(
    '/incidents',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Incidents, those in force first; by status, or covering a zone (its parents’ count)',
        querystring: IncidentListQuery,
        response: { 200: z.array(IncidentResponse) },
      },
    },
    async (request) => listIncidents(ctx, request.query),
  );
  app.post(
    '/incidents',
    {
      onRequest: requireActor('admin', 'supervisor'),
      schema: {
        tags,
        summary: 'Declare an outage over some zones, each including the zones below it',
        body: DeclareIncidentRequest,
        response: { 201: IncidentResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await declareIncident(ctx, request.body, actorOf(request))),
  );
  app.get(
    '/incidents/:id',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'An incident with its zones, its updates and how many cases are linked to it',
        params: IncidentIdParams,
        response: { 200: IncidentDetailResponse },
      },
    },
    async (request) => incidentDetail(ctx, request.params.id),
  );
  app.post(
    '/incidents/:id/updates',
    {
      onRequest: requireActor('admin', 'supervisor'),
      schema: {
        tags,
        summary: 'Post news on an incident: a text for customers, a new ETA, a status change',
        params: IncidentIdParams,
        body: UpdateIncidentRequest,
        response: { 200: IncidentDetailResponse },
      },
    },
    async (request) => updateIncident(ctx, request.params.id, request.body, actorOf(request)),
  );
  app.put(
    '/cases/:folio/incident',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Link the case to an incident in force (moving it from another one)',
        params: IncidentFolioParams,
        body: LinkIncidentRequest,
        response: { 200: CaseIncidentResponse },
      },
    },
    async (request) => linkCase(ctx, request.params.folio, request.body.incidentId, actorOf(request)),
  );
  app.delete(
    '/cases/:folio/incident',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Take the case off its incident',
        params: IncidentFolioParams,
        response: { 200: CaseIncidentResponse },
      },
    },
    async (request) => unlinkCase(ctx, request.params.folio, actorOf(request)),
  );
  app.get(
    '/incident-proposals',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Outages detected from failure reports, the pending ones first; by status',
        querystring: ProposalListQuery,
        response: { 200: z.array(ProposalResponse) },
      },
    },
    async (request) => listProposals(ctx, request.query),
  );
  app.post(
    '/incident-proposals/:id/accept',
    {
      onRequest: requireActor('admin', 'supervisor'),
      schema: {
        tags,
        summary: 'Accept a proposal: declare its incident and link its reports still open',
        params: IncidentIdParams,
        body: AcceptProposalRequest,
        response: { 200: AcceptProposalResponse },
      },
    },
    async (request) => acceptProposal(ctx, request.params.id, request.body, actorOf(request)),
  );
  app.post(
    '/incident-proposals/:id/dismiss',
    {
      onRequest: requireActor('admin', 'supervisor'),
      schema: {
        tags,
        summary: 'Dismiss a proposal, saying why; its zone proposes nothing for a while',
        params: IncidentIdParams,
        body: DismissProposalRequest,
        response: { 200: ProposalResponse },
      },
    },
    async (request) => dismissProposal(ctx, request.params.id, request.body.reason, actorOf(request)),
  );
  app.get(
    '/status',
    {
      schema: {
        tags,
        summary: 'Public: outages in force by zone, with what customers are told; no personal data',
        security: [],
        response: { 200: StatusResponse, 304: z.null() },
      },
    },
    async (request, reply) => {
      const built = await statusSnapshotOf(ctx).current();
      reply.header('cache-control', STATUS_CACHE_CONTROL).header('etag', built.jsonEtag);
      if (matchesEtag(request.headers['if-none-match'], built.jsonEtag)) return reply.status(304).send(null);
      // Serialized once per snapshot (the schema above documents its shape): a crowd's requests are
      // answered with the same bytes, not one serialization each.
      return reply
        .type('application/json; charset=utf-8')
        .serializer((payload) => payload as string)
        .send(built.json as unknown as StatusResponse);
    },
  );
}

/** The public status page, outside the API: plain HTML, no scripts, served from the same snapshot. */
export function statusPageRoutes(app: HttpApp, ctx: AppContext) {
  app.get('/estado', { schema: { hide: true } }, async (request, reply) => {
    const built = await statusSnapshotOf(ctx).current();
    reply.header('cache-control', STATUS_CACHE_CONTROL).header('etag', built.htmlEtag);
    if (matchesEtag(request.headers['if-none-match'], built.htmlEtag)) return reply.status(304).send();
    return reply.type('text/html; charset=utf-8').send(built.html);
  });
}
