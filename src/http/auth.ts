import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Actor, Role } from '../auth/actor.ts';
import { resolveApiToken, resolveSession } from '../auth/auth.service.ts';
import { safeEqual } from '../auth/secrets.ts';
import type { AppContext } from '../context.ts';
import { AppError } from './errors.ts';

export const SESSION_COOKIE = 'atiende_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
  }
}

/**
 * Resolves who is calling (bearer token first, then the session cookie) on every request. Writes
 * authenticated by the cookie must carry the session's CSRF token in `X-CSRF-Token`: a cross-site form
 * can send the cookie but cannot read the token. Bearer tokens are not sent by browsers on their own,
 * so they need no such check.
 */
export function installAuthentication(app: FastifyInstance, ctx: AppContext) {
  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const actor = match?.[1] ? await resolveApiToken(ctx.db, match[1], ctx.clock.now()) : undefined;
      if (!actor)
        throw new AppError('auth.invalid_token', { status: 401, detail: 'Invalid or revoked API token' });
      request.actor = actor;
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return;
    const session = await resolveSession(ctx.db, cookie, ctx.clock.now());
    if (!session) return;
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers['x-csrf-token'];
      if (typeof header !== 'string' || !safeEqual(header, session.csrfToken)) {
        throw new AppError('auth.csrf', {
          status: 403,
          detail: 'Missing or wrong X-CSRF-Token header for a cookie-authenticated write',
        });
      }
    }
    request.actor = session.actor;
    request.csrfToken = session.csrfToken;
  });
}

/** An onRequest hook admitting only authenticated callers, optionally only some roles. */
export function requireActor(...roles: Role[]): onRequestHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.actor)
      throw new AppError('auth.required', { status: 401, detail: 'Log in or send an API token' });
    if (roles.length > 0 && !roles.includes(request.actor.role)) {
      throw new AppError('auth.forbidden', { status: 403, detail: `Requires role ${roles.join(' or ')}` });
    }
  };
}

/** The authenticated actor of a route guarded by {@link requireActor}. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor)
    throw new AppError('auth.required', { status: 401, detail: 'Log in or send an API token' });
  return request.actor;
}
