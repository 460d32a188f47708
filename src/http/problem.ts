import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { AppError } from './errors.ts';

/** How long a client is told to wait when the database is unavailable. */
export const UNAVAILABLE_RETRY_SECONDS = 5;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

interface ProblemFields {
  status: number;
  code: string;
  detail?: string;
  field?: string;
  errors?: Array<{ field: string; message: string }>;
  correlationId?: string;
  retryAfterSeconds?: number;
}

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  problem: ProblemFields & Record<string, unknown>,
) {
  const body = {
    type: `https://atiende.dev/problems/${problem.code}`,
    title: TITLES[problem.status] ?? 'Error',
    instance: request.url,
    ...problem,
  };
  if ((problem.status === 429 || problem.status === 503) && typeof problem.retryAfterSeconds === 'number') {
    reply.header('retry-after', String(problem.retryAfterSeconds));
  }
  return reply.status(problem.status).type('application/problem+json').send(body);
}

// Fastify's own client errors (malformed JSON, wrong content type, oversize body) keep their status.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.empty_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.malformed_json',
  FST_ERR_VALIDATION: 'request.invalid',
};

/** Answers errors Fastify raises before routing (bad URL encoding, over-long parameters) the same way. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  return send(reply, request, { status, code: 'request.invalid_url', detail: error.message });
}

/** The one place errors become RFC 9457 `application/problem+json` answers. */
export function installProblemHandlers(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      return send(reply, request, {
        status: error.status,
        code: error.code,
        detail: error.detail,
        ...(error.field ? { field: error.field } : {}),
        ...(error.extra ?? {}),
      });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((v) => {
        const where = error.validationContext ?? 'body';
        const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
        return { field: path ? `${where}.${path}` : where, message: v.message ?? 'invalid' };
      });
      return send(reply, request, {
        status: 400,
        code: 'request.invalid',
        detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
        field: errors[0]?.field,
        errors,
      });
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      const code = FASTIFY_CODES[(error as FastifyError).code] ?? 'request.invalid';
      return send(reply, request, { status, code, detail: error.message });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return send(reply, request, {
        status: 503,
        code: 'service.unavailable',
        detail: 'The service is temporarily unavailable; retry shortly.',
        retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS,
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, request, {
      status: 500,
      code: 'internal',
      detail: 'An unexpected error occurred. Quote the correlation id when reporting it.',
      correlationId: request.id,
    });
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, {
      status: 404,
      code: 'route.not_found',
      detail: `No route ${request.method} ${request.url}`,
    }),
  );
}
