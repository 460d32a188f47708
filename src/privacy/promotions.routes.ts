import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { SendPromotionRequest, SendPromotionResponse } from './promotions.schema.ts';
import { sendPromotion } from './promotions.service.ts';

/** An admin's promotional message, sent only to customers whose consent to promotions is in force. */
export function promotionsRoutes(app: HttpApp, ctx: AppContext) {
  app.post(
    '/promotions',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags: ['privacy'],
        summary: 'Send a promotional message to every customer with consent in force (by a paced job)',
        body: SendPromotionRequest,
        response: { 202: SendPromotionResponse },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await sendPromotion(ctx, request.body, actorOf(request))),
  );
}
