import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { BreachNoticeParams, BreachNoticeResponse, DeclareBreachNoticeRequest } from './breach.schema.ts';
import { breachNoticeDetail, declareBreachNotice, listBreachNotices } from './breach.service.ts';

/** Notices of a breach of personal data: an admin declares one, and follows how its people were told. */
export function breachRoutes(app: HttpApp, ctx: AppContext) {
  const tags = ['privacy'];
  app.post(
    '/breach-notices',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary:
          'Declare a breach of personal data: every affected person is told through the notice mechanism',
        body: DeclareBreachNoticeRequest,
        response: { 201: BreachNoticeResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await declareBreachNotice(ctx, request.body, actorOf(request))),
  );
  app.get(
    '/breach-notices',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'Breach notices, newest first, with how many people were told and reached',
        response: { 200: z.array(BreachNoticeResponse) },
      },
    },
    async () => listBreachNotices(ctx),
  );
  app.get(
    '/breach-notices/:id',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags,
        summary: 'One breach notice with how many people were told and reached',
        params: BreachNoticeParams,
        response: { 200: BreachNoticeResponse },
      },
    },
    async (request) => breachNoticeDetail(ctx, request.params.id),
  );
}
