import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
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
import type { AppContext } from '../context.ts';
import { RequestLog } from '../logging/request-log.ts';
import { cleanDeep } from '../text/clean-text.ts';
import { type Authenticator, installAuthentication } from './auth.ts';
import { AppError } from './errors.ts';
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

/** What the composition root hands the framework: who callers are, where limits count, and the routes. */
export interface HttpParts {
  authenticator: Authenticator;
  rateLimitStore: FastifyRateLimitStoreCtor;
  /** Registers the features' API routes, under /api/v1. */
  apiRoutes(api: HttpApp): void;
  /** Registers routes outside the API (Meta's webhooks), after the web app's. */
  otherRoutes(app: HttpApp): Promise<void>;
}

/**
 * Builds the HTTP server: the framework (errors as problem+json, authentication, limits, headers, the
 * OpenAPI document and docs, the web app) around the routes the composition root hands it.
 */
export async function buildHttpApp(ctx: AppContext, parts: HttpParts): Promise<HttpApp> {
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
    store: parts.rateLimitStore,
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
  installAuthentication(app, parts.authenticator, ctx.clock);

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(async (api) => parts.apiRoutes(api.withTypeProvider<ZodTypeProvider>()), {
    prefix: '/api/v1',
  });
  await app.register(webRoutes);
  await parts.otherRoutes(app);
  return app;
}
