import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { agentsRoutes } from '../agents/agents.routes.ts';
import { areasRoutes } from '../areas/areas.routes.ts';
import { attachmentsRoutes } from '../attachments/attachments.routes.ts';
import { authRoutes } from '../auth/auth.routes.ts';
import { backupRoutes } from '../backup/backup.routes.ts';
import { callsRoutes } from '../calls/calls.routes.ts';
import { casesRoutes } from '../cases/cases.routes.ts';
import { quarantineRoutes } from '../channels/quarantine.routes.ts';
import { webhookRoutes } from '../channels/webhooks.routes.ts';
import type { AppContext } from '../context.ts';
import { customersRoutes } from '../customers/customers.routes.ts';
import { liveRoutes } from '../live/live.routes.ts';
import { RequestLog } from '../logging/request-log.ts';
import { portalRoutes } from '../portal/portal.routes.ts';
import { settingsRoutes } from '../settings/settings.routes.ts';
import { flagsRoutes } from '../sla/flags.routes.ts';
import { cleanDeep } from '../text/clean-text.ts';
import { databaseRateLimitStore } from '../throttles/rate-limit-store.ts';
import { installAuthentication } from './auth.ts';
import { AppError } from './errors.ts';
import { healthRoutes } from './health.routes.ts';
import { frameworkErrors, installProblemHandlers } from './problem.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { webRoutes } from './web.ts';

export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

// `true` trusts exactly one hop, the nearest proxy: trusting every hop would let a client's own
// X-Forwarded-For pick the address the limits count. A hop count trusts that many nearest proxies.
export const trustProxyOption = (value: boolean | number | string) => {
  const hops = value === true ? 1 : value;
  return typeof hops === 'number' ? (_address: string, hop: number) => hop < hops : hops;
};

/** Builds the HTTP server: the agents' API under /api/v1, its OpenAPI document, and browsable docs. */
export async function buildHttpApp(ctx: AppContext): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    logController: new RequestLog(),
    trustProxy: trustProxyOption(ctx.config.trustProxy),
    bodyLimit: 1024 * 1024,
    frameworkErrors,
    // Live-update streams stay open; shutting down must not wait for consoles to disconnect.
    forceCloseConnections: true,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { coerceTypes: false } },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installProblemHandlers(app);
  // Outside text is cleaned once, here, before any schema sees it (webhooks keep their raw bytes).
  app.addHook('preValidation', async (request) => {
    request.body = cleanDeep(request.body);
    request.query = cleanDeep(request.query);
    request.params = cleanDeep(request.params);
  });
  await installSecurityHeaders(app);

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    store: databaseRateLimitStore(ctx.db, ctx.clock),
    errorResponseBuilder: (_request, context) =>
      new AppError('request.rate_limited', {
        status: 429,
        detail: `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`,
        extra: { retryAfterSeconds: Math.ceil(context.ttl / 1000) },
      }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Atiende API',
        version: '1',
        description: 'Customer care and complaints desk for internet and telecom providers.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'atiende_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs', staticCSP: true });
  installAuthentication(app, ctx);

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(
    async (api) => {
      const typed = api.withTypeProvider<ZodTypeProvider>();
      healthRoutes(typed, ctx);
      authRoutes(typed, ctx);
      agentsRoutes(typed, ctx);
      areasRoutes(typed, ctx);
      settingsRoutes(typed, ctx);
      backupRoutes(typed, ctx);
      customersRoutes(typed, ctx);
      casesRoutes(typed, ctx);
      flagsRoutes(typed, ctx);
      portalRoutes(typed, ctx);
      callsRoutes(typed, ctx);
      liveRoutes(typed, ctx);
      attachmentsRoutes(typed, ctx);
      quarantineRoutes(typed, ctx);
    },
    { prefix: '/api/v1' },
  );
  await app.register(webRoutes);
  await app.register(async (webhooks) =>
    webhookRoutes(webhooks, ctx, [
      { path: 'whatsapp', channel: 'whatsapp' },
      { path: 'messenger', channel: 'facebook' },
    ]),
  );
  return app;
}
