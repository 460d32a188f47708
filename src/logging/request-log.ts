import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * Fastify's two lines per request at info drown a terminal. This logs one when the answer is sent, at
 * debug (LOG_LEVEL=debug shows the traffic), and a server failure always at error with its method and
 * URL, which the error handler's own line lacks.
 */
export class RequestLog extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    const fields = { req: request, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error || reply.statusCode >= 500)
      reply.log.error({ ...fields, err: error ?? undefined }, 'request failed');
    else reply.log.debug(fields, 'request completed');
  }
}
