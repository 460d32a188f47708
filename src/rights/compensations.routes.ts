import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  CompensationIdParams,
  CompensationListResponse,
  CompensationResponse,
  DecisionRequest,
  EquipmentRepairRequest,
  FolioParams,
  ListCompensationsQuery,
  RefundMadeRequest,
} from './compensations.schema.ts';
import {
  caseCompensations,
  decideCompensation,
  listCompensations,
  recordRefundMade,
} from './compensations.service.ts';
import { recordEquipmentRepair } from './equipment-repair.service.ts';

export function compensationsRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['rights'];
  app.get(
    '/cases/:folio/compensations',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'The compensations and refunds of a case, with their formula and refund deadline',
        params: FolioParams,
        response: { 200: z.array(CompensationResponse) },
      },
    },
    async (request) => caseCompensations(ctx, request.params.folio),
  );
  app.post(
    '/cases/:folio/equipment-repairs',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Record the period the provider’s equipment at the home was under repair: proposes its proportional price as a compensation (once per case; again returns the first with 200)',
        params: FolioParams,
        body: EquipmentRepairRequest,
        response: { 200: CompensationResponse, 201: CompensationResponse },
      },
    },
    async (request, reply) => {
      const { created, compensation } = await recordEquipmentRepair(
        ctx,
        request.params.folio,
        request.body,
        actorOf(request),
      );
      return reply.status(created ? 201 : 200).send(compensation);
    },
  );
  app.get(
    '/compensations',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary:
          'Compensations in a status (by default those waiting for approval), oldest first: a supervisor sees their areas’ cases',
        querystring: ListCompensationsQuery,
        response: { 200: CompensationListResponse },
      },
    },
    async (request) => listCompensations(ctx, actorOf(request), request.query),
  );
  app.post(
    '/compensations/:id/decision',
    {
      onRequest: requireActor('supervisor', 'admin'),
      schema: {
        tags,
        summary:
          'Approve, adjust or reject a compensation waiting for approval; approving or adjusting posts it',
        params: CompensationIdParams,
        body: DecisionRequest,
        response: { 200: CompensationResponse },
      },
    },
    async (request) => decideCompensation(ctx, request.params.id, request.body, actorOf(request)),
  );
  app.post(
    '/compensations/:id/refund',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Record that an applied refund was paid back: posts the reembolso and meets its deadline',
        params: CompensationIdParams,
        body: RefundMadeRequest,
        response: { 200: CompensationResponse },
      },
    },
    async (request) => recordRefundMade(ctx, request.params.id, request.body, actorOf(request)),
  );
}
