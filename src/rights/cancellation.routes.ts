import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  CancellationFolioParams,
  CancellationResponse,
  CaseCancellationResponse,
  RecordCancellationRequest,
  RetentionOfferRequest,
  RetentionOfferResponse,
  WithdrawCancellationRequest,
} from './cancellation.schema.ts';
import {
  caseCancellation,
  markEquipmentReturned,
  recordCancellation,
  recordRetentionOffer,
  withdrawCancellation,
} from './cancellation.service.ts';

export function cancellationRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['rights'];
  app.get(
    '/cases/:folio/cancellation',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'The case’s cancellation, its final balance and the retention offers made',
        params: CancellationFolioParams,
        response: { 200: CaseCancellationResponse },
      },
    },
    async (request) => caseCancellation(ctx, request.params.folio),
  );
  app.post(
    '/cases/:folio/cancellation',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Record the customer’s cancellation: effective on the request day or a later one chosen, carried out by a job; a repeat returns the first',
        params: CancellationFolioParams,
        body: RecordCancellationRequest,
        response: { 200: CancellationResponse, 201: CancellationResponse },
      },
    },
    async (request, reply) => {
      const { cancellation, created } = await recordCancellation(
        ctx,
        request.params.folio,
        request.body,
        actorOf(request),
      );
      return reply.status(created ? 201 : 200).send(cancellation);
    },
  );
  app.post(
    '/cases/:folio/cancellation/offers',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Record a retention offer made to the customer; the cancellation goes on',
        params: CancellationFolioParams,
        body: RetentionOfferRequest,
        response: { 201: RetentionOfferResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await recordRetentionOffer(ctx, request.params.folio, request.body.text, actorOf(request))),
  );
  app.post(
    '/cases/:folio/cancellation/withdrawal',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Withdraw the cancellation on the customer’s written message on the case, up to its effective date',
        params: CancellationFolioParams,
        body: WithdrawCancellationRequest,
        response: { 200: CancellationResponse },
      },
    },
    async (request) =>
      withdrawCancellation(ctx, request.params.folio, request.body.messageId, actorOf(request)),
  );
  app.post(
    '/cases/:folio/cancellation/equipment-returned',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Record that the provider’s equipment listed on the cancellation was returned',
        params: CancellationFolioParams,
        response: { 200: CancellationResponse },
      },
    },
    async (request) => markEquipmentReturned(ctx, request.params.folio, actorOf(request)),
  );
}
