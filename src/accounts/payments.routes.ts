import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import {
  CasePaymentsResponse,
  NewPromiseRequest,
  PaymentResponse,
  PromiseResponse,
  RegisterPaymentRequest,
} from './payments.schema.ts';
import { casePayments, confirmPayment, registerPayment, rejectPayment } from './payments.service.ts';
import { createPromise } from './promises.service.ts';

const FolioParams = z.object({ folio: z.string().min(1).max(40) });
const IdParams = z.object({ id: z.uuid() });
// One receipt of at most 10 MB, base64-encoded, and the payment's few fields.
const RECEIPT_BODY_LIMIT = 15 * 1024 * 1024;

export function paymentsRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['payments'];
  app.get(
    '/cases/:folio/payments',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'The payments and promises registered from a case, and the reconnection clocks of their services',
        params: FolioParams,
        response: { 200: CasePaymentsResponse },
      },
    },
    async (request) => casePayments(ctx, request.params.folio),
  );

  app.post(
    '/cases/:folio/payments',
    {
      onRequest: requireActor(),
      bodyLimit: RECEIPT_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Register a payment the customer made, with the receipt; confirmed at once unless the settings ask for a second agent',
        params: FolioParams,
        body: RegisterPaymentRequest,
        response: { 201: PaymentResponse },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await registerPayment(ctx, request.params.folio, request.body, actorOf(request))),
  );

  app.post(
    '/payments/:id/confirm',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Confirm a payment registered by another agent: it is posted to the ledger',
        params: IdParams,
        response: { 200: PaymentResponse },
      },
    },
    async (request) => confirmPayment(ctx, request.params.id, actorOf(request)),
  );

  app.post(
    '/payments/:id/reject',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary: 'Reject a payment waiting for confirmation',
        params: IdParams,
        response: { 200: PaymentResponse },
      },
    },
    async (request) => rejectPayment(ctx, request.params.id, actorOf(request)),
  );

  app.post(
    '/cases/:folio/promises',
    {
      onRequest: requireActor(),
      schema: {
        tags,
        summary:
          'Record the customer’s promise to pay by a date: reminded the day before, kept or broken the day after',
        params: FolioParams,
        body: NewPromiseRequest,
        response: { 201: PromiseResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createPromise(ctx, request.params.folio, request.body, actorOf(request))),
  );
}
