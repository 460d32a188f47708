import { FolioParams } from '../accounts/accounts.schema.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  ArcoAnswerRequest,
  ArcoIdentityRequest,
  ArcoIdParams,
  ArcoListQuery,
  ArcoListResponse,
  ArcoRequestInput,
  ArcoResponse,
  CreateArcoRequest,
} from './arco.schema.ts';
import {
  answerArcoRequest,
  executeArcoRequest,
  getArcoRequest,
  listArcoRequests,
  registerArcoRequest,
  requestFromCase,
  verifyArcoIdentity,
} from './arco.service.ts';

/** ARCO requests: registered by the area's agents, answered and carried out by its supervisors. */
export function arcoRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['privacy'];
  app.post(
    '/arco-requests',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Register an ARCO request: opens its arco case and starts the answer clock',
        body: CreateArcoRequest,
        response: { 201: ArcoResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await registerArcoRequest(ctx, actorOf(request), request.body)),
  );
  app.post(
    '/cases/:folio/arco',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Make an existing arco case an ARCO request by naming the right it exercises',
        params: FolioParams,
        body: ArcoRequestInput,
        response: { 201: ArcoResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await requestFromCase(ctx, actorOf(request), request.params.folio, request.body)),
  );
  app.get(
    '/arco-requests',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'ARCO requests of the agent’s areas, newest first',
        querystring: ArcoListQuery,
        response: { 200: ArcoListResponse },
      },
    },
    async (request) => ({ items: await listArcoRequests(ctx, actorOf(request), request.query) }),
  );
  app.get(
    '/arco-requests/:id',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'One ARCO request with its deadlines and the figures they come from',
        params: ArcoIdParams,
        response: { 200: ArcoResponse },
      },
    },
    async (request) => getArcoRequest(ctx, actorOf(request), request.params.id),
  );
  app.post(
    '/arco-requests/:id/identity',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Record how the holder’s or representative’s identity was checked',
        params: ArcoIdParams,
        body: ArcoIdentityRequest,
        response: { 200: ArcoResponse },
      },
    },
    async (request) => verifyArcoIdentity(ctx, actorOf(request), request.params.id, request.body),
  );
  app.post(
    '/arco-requests/:id/answer',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary: 'Answer an ARCO request: procedente starts the execution clock; improcedente names a reason',
        params: ArcoIdParams,
        body: ArcoAnswerRequest,
        response: { 200: ArcoResponse },
      },
    },
    async (request) => answerArcoRequest(ctx, actorOf(request), request.params.id, request.body),
  );
  app.post(
    '/arco-requests/:id/execute',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary:
          'Carry out a granted ARCO request (rectify, erase, record the opposition, open the access export)',
        params: ArcoIdParams,
        response: { 200: ArcoResponse },
      },
    },
    async (request) => executeArcoRequest(ctx, actorOf(request), request.params.id),
  );
}
