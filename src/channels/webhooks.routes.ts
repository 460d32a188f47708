import type { FastifyInstance } from 'fastify';
import { safeEqual } from '../auth/secrets.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../http/errors.ts';
import type { ChannelAdapter } from './adapter.ts';
import type { Channel } from './channel.ts';
import { storeDelivery } from './deliveries.service.ts';

/** What a Meta channel adapter adds for its webhook: the subscription token and signature check. */
export interface WebhookAdapter extends ChannelAdapter {
  verifyToken?: string;
  verifySignature(rawBody: Buffer, header: string | undefined): boolean;
}

// Meta batches up to 1000 updates in one POST, at most 3 MB; a little headroom on top.
const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Meta's webhooks (`/webhooks/<channel>`): the GET subscription handshake, and POSTs verified by
 * X-Hub-Signature-256 over the raw bytes exactly as received, then stored as those bytes (one insert,
 * its processing job queued with it) and answered 200: nothing in a payload can make Meta deliver it
 * forever, since its messages are read by the job, each on its own. A bad signature stores nothing
 * (401); a storage failure answers non-200 so Meta delivers again.
 */
export async function webhookRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  doors: Array<{ path: string; channel: Channel }>,
) {
  // Keep the body as bytes: Meta signs its own serialisation, which re-encoding would not reproduce.
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  for (const { path, channel } of doors) {
    const adapter = () => {
      const found = ctx.channels.get(channel) as WebhookAdapter | undefined;
      if (!found || found.health().status === 'off') {
        throw new AppError('channel.off', {
          status: 404,
          detail: `The ${channel} channel is not configured`,
        });
      }
      return found;
    };

    app.get(
      `/webhooks/${path}`,
      { schema: { tags: ['webhooks'], summary: `Meta's subscription handshake for ${path}` } },
      async (request, reply) => {
        const query = request.query as Record<string, string | undefined>;
        const expected = adapter().verifyToken;
        const given = query['hub.verify_token'];
        if (query['hub.mode'] !== 'subscribe' || !expected || !given || !safeEqual(given, expected)) {
          throw new AppError('webhook.verify_token', { status: 403, detail: 'Wrong verify token' });
        }
        return reply.type('text/plain').send(query['hub.challenge'] ?? '');
      },
    );

    app.post(
      `/webhooks/${path}`,
      {
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: { tags: ['webhooks'], summary: `Meta's ${path} webhook (signed)` },
      },
      async (request, reply) => {
        const door = adapter();
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['x-hub-signature-256'];
        if (!door.verifySignature(raw, typeof signature === 'string' ? signature : undefined)) {
          throw new AppError('webhook.signature', {
            status: 401,
            detail: 'Missing or wrong X-Hub-Signature-256',
          });
        }
        await storeDelivery(ctx, channel, raw);
        return reply.type('text/plain').send('EVENT_RECEIVED');
      },
    );
  }
}
