import { z } from 'zod';
import { findAgent, presentAgent } from '../agents/agents.service.ts';
import type { AppContext } from '../context.ts';
import { AGENT_ROLES } from '../domain/vocabulary.ts';
import { agentActor } from '../events/events.service.ts';
import type { HttpApp } from '../http/app.ts';
import { actorOf, requireActor, SESSION_COOKIE } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { createApiToken, listApiTokens, login, logout, revokeApiToken } from './auth.service.ts';
import { changeOwnPassword } from './password.service.ts';

export const LoginRequest = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(200),
});
const AgentSummary = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(AGENT_ROLES),
});
export const SessionResponse = z.object({
  agent: AgentSummary,
  csrfToken: z.string(),
  /** After an admin's reset: the console offers only the password change until it is done. */
  mustChangePassword: z.boolean(),
});
// Generous bounds: the policy, not the schema, tells the person what is wrong with a new password.
export const ChangePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(1000),
  newPassword: z.string().max(1000),
});
export const ChangePasswordResponse = z.object({
  /** The agent's other sessions, now ended; this one goes on. */
  sessionsEnded: z.number().int(),
});
export const ApiTokenResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  agentId: z.uuid(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const CreateApiTokenRequest = z.object({
  name: z.string().trim().min(1).max(100),
  agentId: z.uuid().optional(),
});

const summary = (agent: ReturnType<typeof presentAgent>) => ({
  id: agent.id,
  email: agent.email,
  name: agent.name,
  role: agent.role,
});

export function authRoutes(app: HttpApp, ctx: AppContext) {
  app.post(
    '/auth/login',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Log in with e-mail and password; sets the session cookie',
        security: [],
        body: LoginRequest,
        response: { 200: SessionResponse },
      },
    },
    async (request, reply) => {
      const result = await login(ctx.db, request.body, {
        now: ctx.clock.now(),
        sessionHours: ctx.config.sessionHours,
        clientAddress: request.ip,
      });
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        expires: result.expiresAt,
      });
      const agent = await findAgent(ctx.db, result.agentId);
      if (!agent) throw new AppError('auth.invalid_credentials', { status: 401 });
      return {
        agent: summary(presentAgent(agent)),
        csrfToken: result.csrfToken,
        mustChangePassword: agent.mustChangePassword,
      };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the session', response: { 204: z.null() } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token && request.actor) await logout(ctx.db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/session',
    {
      onRequest: requireActor('admin', 'supervisor', 'agent', 'tecnico'),
      schema: {
        tags: ['auth'],
        summary: 'The logged-in agent and the CSRF token for writes',
        response: { 200: SessionResponse },
      },
    },
    async (request) => {
      const agent = await findAgent(ctx.db, actorOf(request).agentId);
      if (!agent) throw new AppError('auth.required', { status: 401 });
      return {
        agent: summary(presentAgent(agent)),
        csrfToken: request.csrfToken ?? '',
        mustChangePassword: agent.mustChangePassword,
      };
    },
  );

  app.post(
    '/auth/password',
    {
      onRequest: requireActor('admin', 'supervisor', 'agent', 'tecnico'),
      schema: {
        tags: ['auth'],
        summary: "Change one's own password; ends every other session of the agent",
        body: ChangePasswordRequest,
        response: { 200: ChangePasswordResponse },
      },
    },
    async (request) => {
      const sessionToken = request.cookies[SESSION_COOKIE];
      if (actorOf(request).via !== 'session' || !sessionToken) {
        throw new AppError('auth.session_required', {
          status: 403,
          detail: 'A password is changed from a logged-in session, not with an API token',
        });
      }
      return changeOwnPassword(
        ctx.db,
        { agentId: actorOf(request).agentId, sessionToken, ...request.body },
        ctx.clock.now(),
      );
    },
  );

  app.get(
    '/tokens',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags: ['auth'],
        summary: 'API tokens (never their secrets)',
        response: { 200: z.array(ApiTokenResponse) },
      },
    },
    async () => listApiTokens(ctx.db),
  );

  app.post(
    '/tokens',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags: ['auth'],
        summary: 'Create an API token; its secret is shown in this answer only',
        body: CreateApiTokenRequest,
        response: { 201: ApiTokenResponse.extend({ token: z.string() }) },
      },
    },
    async (request, reply) => {
      const agentId = request.body.agentId ?? actorOf(request).agentId;
      if (!(await findAgent(ctx.db, agentId))) {
        throw new AppError('agent.not_found', {
          status: 422,
          field: 'body.agentId',
          detail: 'No such agent',
        });
      }
      return reply
        .status(201)
        .send(
          await createApiToken(ctx.db, { name: request.body.name, agentId }, agentActor(actorOf(request))),
        );
    },
  );

  app.delete(
    '/tokens/:id',
    {
      onRequest: requireActor('admin'),
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token',
        params: z.object({ id: z.uuid() }),
        response: { 200: ApiTokenResponse },
      },
    },
    async (request) =>
      revokeApiToken(ctx.db, request.params.id, ctx.clock.now(), agentActor(actorOf(request))),
  );
}
