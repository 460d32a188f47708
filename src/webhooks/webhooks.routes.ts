import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor } from '../http/auth.ts';
import { watchEventsForWebhooks } from './dispatch.ts';
import {
  CreateWebhookRequest,
  UpdateWebhookRequest,
  WebhookDeliveriesQuery,
  WebhookDeliveryResponse,
  WebhookListResponse,
  WebhookParams,
  WebhookResponse,
  WebhookTestResponse,
  WebhookWithSecretResponse,
} from './webhooks.schema.ts';
import {
  createWebhook,
  listDeliveries,
  listWebhooks,
  pingWebhook,
  rotateWebhookSecret,
  updateWebhook,
} from './webhooks.service.ts';

/** Outbound webhooks: admins subscribe an integration's URL to event kinds and follow its deliveries. */
export function webhooksRoutes(app: HttpApp, ctx: AppContext) {
  watchEventsForWebhooks(ctx);
  const tags = ['webhooks'];
  const admin = requireActor('admin');
  app.get(
    '/webhooks',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Webhook subscriptions, newest first, and the event kinds one may choose',
        response: { 200: WebhookListResponse },
      },
    },
    async () => listWebhooks(ctx),
  );
  app.post(
    '/webhooks',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Subscribe a URL to event kinds; the answer carries the signing secret, shown only here',
        body: CreateWebhookRequest,
        response: { 201: WebhookWithSecretResponse },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createWebhook(ctx, request.body, actorOf(request))),
  );
  app.patch(
    '/webhooks/:id',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Change the URL, kinds or description, or switch a subscription off or back on',
        params: WebhookParams,
        body: UpdateWebhookRequest,
        response: { 200: WebhookResponse },
      },
    },
    async (request) => updateWebhook(ctx, request.params.id, request.body, actorOf(request)),
  );
  app.post(
    '/webhooks/:id/rotate-secret',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Replace the signing secret; the new one is shown only in this answer',
        params: WebhookParams,
        response: { 200: WebhookWithSecretResponse },
      },
    },
    async (request) => rotateWebhookSecret(ctx, request.params.id, actorOf(request)),
  );
  app.get(
    '/webhooks/:id/deliveries',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: "A subscription's deliveries, newest first, with attempts and the last status code",
        params: WebhookParams,
        querystring: WebhookDeliveriesQuery,
        response: { 200: z.array(WebhookDeliveryResponse) },
      },
    },
    async (request) => listDeliveries(ctx, request.params.id, request.query),
  );
  app.post(
    '/webhooks/:id/test',
    {
      onRequest: admin,
      schema: {
        tags,
        summary: 'Send a signed `ping` to the URL now and tell what it answered',
        params: WebhookParams,
        response: { 200: WebhookTestResponse },
      },
    },
    async (request) => pingWebhook(ctx, request.params.id),
  );
}
