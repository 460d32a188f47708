import { z } from 'zod';
import { CustomerIdParams } from '../accounts/accounts.schema.ts';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  CloseConciliationRequest,
  ConciliationParams,
  ConciliationResponse,
  OpenConciliationRequest,
} from './conciliation.schema.ts';
import { closeConciliation, listConciliations, openConciliation } from './conciliation.service.ts';

export function conciliationRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['rights'];
  app.get(
    '/customers/:id/conciliations',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'The customer’s PROFECO conciliations, newest first',
        params: CustomerIdParams,
        response: { 200: z.array(ConciliationResponse) },
      },
    },
    async (request) => listConciliations(ctx, request.params.id),
  );
  app.post(
    '/customers/:id/conciliations',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Record a PROFECO conciliation: while open, no service it covers is suspended for non-payment',
        params: CustomerIdParams,
        body: OpenConciliationRequest,
        response: { 201: ConciliationResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await openConciliation(ctx, request.params.id, request.body, actorOf(request))),
  );
  app.patch(
    '/customers/:id/conciliations/:conciliationId',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Close a PROFECO conciliation on the day it ended',
        params: ConciliationParams,
        body: CloseConciliationRequest,
        response: { 200: ConciliationResponse },
      },
    },
    async (request) =>
      closeConciliation(
        ctx,
        request.params.id,
        request.params.conciliationId,
        request.body.closedOn,
        actorOf(request),
      ),
  );
}
