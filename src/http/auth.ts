import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Actor, Role } from '../auth/actor.ts';
import { safeEqual } from '../auth/secrets.ts';
import type { Clock } from '../clock.ts';
import { AppError } from './errors.ts';

export const SESSION_COOKIE = 'atiende_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who a caller is, as the auth feature tells the framework. */
export interface Credentials {
  actor: Actor;
  mustChangePassword: boolean;
}

/** Recognises callers by API token or session; built by the auth feature, so this layer knows no tables. */
export interface Authenticator {
  byToken(token: string, now: Date): Promise<Credentials | undefined>;
  bySession(token: string, now: Date): Promise<(Credentials & { csrfToken: string }) | undefined>;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    csrfToken: string | null;
    /** The caller was recognised but must change their password before this route answers them. */
    passwordChangeRequired: boolean;
  }
}

// What an agent with a temporary password may still do: see who they are, choose a password, or leave.
const OPEN_BEFORE_PASSWORD_CHANGE = new Set([
  'GET /api/v1/auth/session',
  'POST /api/v1/auth/password',
  'POST /api/v1/auth/logout',
]);

const authenticationRequired = (request: FastifyRequest) =>
  request.passwordChangeRequired
    ? new AppError('auth.password_change_required', {
        status: 403,
        detail: 'Choose a new password first (POST /api/v1/auth/password)',
      })
    : new AppError('auth.required', { status: 401, detail: 'Log in or send an API token' });

/**
 * Resolves who is calling (bearer token first, then the session cookie) on every request. Writes
 * authenticated by the cookie must carry the session's CSRF token in `X-CSRF-Token`: a cross-site form
 * can send the cookie but cannot read the token. Bearer tokens are not sent by browsers on their own,
 * so they need no such check. An agent whose password was reset is known only to the routes that let
 * them choose a new one; every other route needing a caller answers them 403
 * `auth.password_change_required`, while public routes treat them as anyone.
 */
export function installAuthentication(app: FastifyInstance, authenticator: Authenticator, clock: Clock) {
  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('passwordChangeRequired', false);
  const admit = (request: FastifyRequest, actor: Actor, mustChangePassword: boolean) => {
    if (
      mustChangePassword &&
      !OPEN_BEFORE_PASSWORD_CHANGE.has(`${request.method} ${request.routeOptions.url}`)
    ) {
      request.passwordChangeRequired = true;
      return;
    }
    request.actor = actor;
  };
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const resolved = match?.[1] ? await authenticator.byToken(match[1], clock.now()) : undefined;
      if (!resolved)
        throw new AppError('auth.invalid_token', { status: 401, detail: 'Invalid or revoked API token' });
      admit(request, resolved.actor, resolved.mustChangePassword);
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return;
    const session = await authenticator.bySession(cookie, clock.now());
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
    request.csrfToken = session.csrfToken;
    admit(request, session.actor, session.mustChangePassword);
  });
}

/**
 * For a request that stays open (the live stream): a check that its session or token would still be
 * admitted now. Fails once the session is logged out or expired, the agent deactivated, the token revoked,
 * or the password reset; a password change ends the agent's other sessions, so theirs fail too.
 */
export function admissionCheck(
  authenticator: Authenticator,
  clock: Clock,
  request: FastifyRequest,
): () => Promise<boolean> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const cookie = request.cookies[SESSION_COOKIE];
  return async () => {
    const resolved = bearer
      ? await authenticator.byToken(bearer, clock.now())
      : cookie
        ? await authenticator.bySession(cookie, clock.now())
        : undefined;
    return resolved !== undefined && !resolved.mustChangePassword;
  };
}

/** The desk's roles: a route names `tecnico` itself, so a technician reaches only what was built for them. */
const DESK_ROLES: readonly Role[] = ['admin', 'supervisor', 'agent'];

/** An onRequest hook admitting only authenticated callers of the given roles (without any, the desk's). */
export function requireActor(...roles: Role[]): onRequestHookHandler {
  const admitted = roles.length > 0 ? roles : DESK_ROLES;
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.actor) throw authenticationRequired(request);
    if (!admitted.includes(request.actor.role)) {
      throw new AppError('auth.forbidden', { status: 403, detail: `Requires role ${admitted.join(' or ')}` });
    }
  };
}

/** The authenticated actor of a route guarded by {@link requireActor}. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw authenticationRequired(request);
  return request.actor;
}
