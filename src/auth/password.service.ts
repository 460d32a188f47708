import { and, eq, ne } from 'drizzle-orm';
import { assertMayAdministerAgents } from '../agents/agents.service.ts';
import type { Db } from '../db/database.ts';
import { agents, sessions } from '../db/schema.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import { AppError } from '../http/errors.ts';
import { clearThrottle, takeTurn, tooManyRequests } from '../throttles/throttles.service.ts';
import { LOGIN_DELAY } from './auth.service.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import { hashPassword, randomToken, sha256, verifyPassword } from './secrets.ts';

/**
 * An agent changes their own password. The current one is checked under the login's progressive delay,
 * keyed by the session: whoever holds a stolen session gets no more guesses by moving address, and the
 * agent's other sessions are not held up by them. On success the agent no longer has to change it, and
 * every other session of theirs ends (one left open on a shared computer, or a thief's); this one stays.
 */
export async function changeOwnPassword(
  db: Db,
  input: { agentId: string; sessionToken: string; currentPassword: string; newPassword: string },
  now: Date,
): Promise<{ sessionsEnded: number }> {
  const [agent] = await db.select().from(agents).where(eq(agents.id, input.agentId));
  if (!agent?.active) throw new AppError('auth.required', { status: 401, detail: 'Log in again' });
  assertPasswordPolicy(input.newPassword, {
    field: 'newPassword',
    email: agent.email,
    current: input.currentPassword,
  });
  const currentSession = sha256(input.sessionToken);
  const throttleKey = `password:${currentSession}`;
  const turn = await takeTurn(db, throttleKey, now, LOGIN_DELAY);
  if (!turn.ok) {
    throw tooManyRequests('auth.throttled', turn.until, now, 'Too many wrong passwords; wait and try again');
  }
  if (!(await verifyPassword(agent.passwordHash, input.currentPassword))) {
    throw new AppError('auth.wrong_password', {
      status: 422,
      field: 'currentPassword',
      detail: 'The current password is not right',
    });
  }
  await clearThrottle(db, throttleKey);
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    await tx
      .update(agents)
      .set({ passwordHash, mustChangePassword: false, passwordChangedAt: now })
      .where(eq(agents.id, agent.id));
    const ended = await tx
      .delete(sessions)
      .where(and(eq(sessions.agentId, agent.id), ne(sessions.tokenHash, currentSession)))
      .returning({ tokenHash: sessions.tokenHash });
    await appendEvent(
      tx,
      {
        kind: 'agent_changed',
        actor: { kind: 'agente', agentId: agent.id },
        subject: { kind: 'agent', id: agent.id },
        after: { passwordChanged: true, sessionsEnded: ended.length },
      },
      now,
    );
    return { sessionsEnded: ended.length };
  });
}

/**
 * Gives an agent a temporary password (the one given, if it passes the policy, otherwise a random one
 * returned here only), makes them choose their own at the next login, and ends all their sessions.
 * Used by the admins' reset and by `atiende reset-password`.
 */
export async function resetPassword(
  db: Db,
  target: { agentId: string } | { email: string },
  options: { password?: string; now: Date; by: EventActor },
): Promise<{ agentId: string; email: string; temporaryPassword?: string; sessionsEnded: number }> {
  const [agent] = await db
    .select()
    .from(agents)
    .where(
      'agentId' in target
        ? eq(agents.id, target.agentId)
        : eq(agents.email, target.email.trim().toLowerCase()),
    );
  if (!agent) throw new AppError('agent.not_found', { status: 404, detail: 'No such agent' });
  assertMayAdministerAgents(options.by);
  if (options.password !== undefined) {
    assertPasswordPolicy(options.password, { field: 'password', email: agent.email });
  }
  const password = options.password ?? randomToken().slice(0, 20);
  const passwordHash = await hashPassword(password);
  const sessionsEnded = await db.transaction(async (tx) => {
    await tx
      .update(agents)
      .set({ passwordHash, mustChangePassword: true, passwordChangedAt: options.now })
      .where(eq(agents.id, agent.id));
    const ended = await tx
      .delete(sessions)
      .where(eq(sessions.agentId, agent.id))
      .returning({ tokenHash: sessions.tokenHash });
    await appendEvent(
      tx,
      {
        kind: 'agent_password_reset',
        actor: options.by,
        subject: { kind: 'agent', id: agent.id },
        after: { temporaryGenerated: options.password === undefined, sessionsEnded: ended.length },
      },
      options.now,
    );
    return ended.length;
  });
  return {
    agentId: agent.id,
    email: agent.email,
    ...(options.password === undefined ? { temporaryPassword: password } : {}),
    sessionsEnded,
  };
}
