import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { agents, apiTokens, sessions } from '../db/schema.ts';
import { appendEvent, type EventActor } from '../events/events.service.ts';
import type { Authenticator } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import {
  clearThrottle,
  type DelayPolicy,
  takeTurn,
  tooManyRequests,
} from '../throttles/throttles.service.ts';
import type { Actor } from './actor.ts';
import { decoyPasswordHash, randomToken, sha256, verifyPassword } from './secrets.ts';

/**
 * Login attempts per (e-mail, client address): five free, then a wait that doubles from 2 s up to 15 min.
 * Keyed by address too, so a stranger guessing cannot keep the real agent out from elsewhere; keyed by the
 * e-mail typed, known or not, so the answers never tell which accounts exist.
 */
export const LOGIN_DELAY: DelayPolicy = { free: 5, baseMs: 2_000, maxMs: 15 * 60_000, forgetMs: 60 * 60_000 };

const invalidCredentials = () =>
  new AppError('auth.invalid_credentials', { status: 401, detail: 'Wrong e-mail or password' });

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  agentId: string;
}

/**
 * Checks an agent's password and opens a session. Each attempt takes a turn of {@link LOGIN_DELAY} before
 * the (slow) password check, in the database, so every server process and parallel guess counts.
 */
export async function login(
  db: Db,
  input: { email: string; password: string },
  options: { now: Date; sessionHours: number; clientAddress: string },
): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const throttleKey = `login:${email}|${options.clientAddress}`;
  const turn = await takeTurn(db, throttleKey, options.now, LOGIN_DELAY);
  if (!turn.ok) {
    throw tooManyRequests(
      'auth.throttled',
      turn.until,
      options.now,
      'Too many failed logins; wait and try again',
    );
  }
  const [agent] = await db.select().from(agents).where(eq(agents.email, email));
  if (!agent?.active) {
    await verifyPassword(await decoyPasswordHash(), input.password);
    throw invalidCredentials();
  }
  if (!(await verifyPassword(agent.passwordHash, input.password))) throw invalidCredentials();
  await clearThrottle(db, throttleKey);
  const sessionToken = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(options.now.getTime() + options.sessionHours * 3_600_000);
  await db
    .insert(sessions)
    .values({ tokenHash: sha256(sessionToken), agentId: agent.id, csrfToken, expiresAt });
  return { sessionToken, csrfToken, expiresAt, agentId: agent.id };
}

export async function logout(db: Db, sessionToken: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, sha256(sessionToken)));
}

/**
 * The session's agent and CSRF token, if the session exists, has not expired and its agent is active;
 * with whether the agent must change their password before doing anything else.
 */
export async function resolveSession(
  db: Db,
  sessionToken: string,
  now: Date,
): Promise<{ actor: Actor; csrfToken: string; mustChangePassword: boolean } | undefined> {
  const [row] = await db
    .select({
      agentId: agents.id,
      role: agents.role,
      csrfToken: sessions.csrfToken,
      mustChangePassword: agents.mustChangePassword,
    })
    .from(sessions)
    .innerJoin(agents, eq(agents.id, sessions.agentId))
    .where(
      and(eq(sessions.tokenHash, sha256(sessionToken)), gt(sessions.expiresAt, now), eq(agents.active, true)),
    );
  return row
    ? {
        actor: { agentId: row.agentId, role: row.role, via: 'session' },
        csrfToken: row.csrfToken,
        mustChangePassword: row.mustChangePassword,
      }
    : undefined;
}

/** The agent a token acts as, if it is not revoked and its agent is active; notes its use. */
export async function resolveApiToken(
  db: Db,
  token: string,
  now: Date,
): Promise<{ actor: Actor; mustChangePassword: boolean } | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .from(agents)
    .where(
      and(
        eq(apiTokens.tokenHash, sha256(token)),
        isNull(apiTokens.revokedAt),
        eq(agents.id, apiTokens.agentId),
        eq(agents.active, true),
      ),
    )
    .returning({
      agentId: agents.id,
      role: agents.role,
      mustChangePassword: agents.mustChangePassword,
    });
  return row
    ? {
        actor: { agentId: row.agentId, role: row.role, via: 'token' },
        mustChangePassword: row.mustChangePassword,
      }
    : undefined;
}

/** Issues an API token acting as the given agent; the secret is returned here once and never again. */
export async function createApiToken(db: Db, input: { name: string; agentId: string }, by: EventActor) {
  const token = randomToken('atd_');
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(apiTokens)
      .values({ name: input.name, agentId: input.agentId, tokenHash: sha256(token) })
      .returning();
    if (!inserted) throw new Error('token insert returned nothing');
    await appendEvent(tx, {
      kind: 'api_token_created',
      actor: by,
      subject: { kind: 'api_token', id: inserted.id },
      after: { agentId: inserted.agentId },
    });
    return inserted;
  });
  return { ...presentApiToken(row), token };
}

export async function listApiTokens(db: Db) {
  const rows = await db.select().from(apiTokens).orderBy(apiTokens.createdAt);
  return rows.map(presentApiToken);
}

/** Revokes a token for good; revoking it again changes nothing and records nothing. */
export async function revokeApiToken(db: Db, id: string, now: Date, by: EventActor) {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(apiTokens).where(eq(apiTokens.id, id)).for('update');
    if (!current) throw new AppError('token.not_found', { status: 404, detail: 'No such token' });
    if (current.revokedAt) return presentApiToken(current);
    const [row] = await tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)).returning();
    if (!row) throw new AppError('token.not_found', { status: 404, detail: 'No such token' });
    await appendEvent(
      tx,
      {
        kind: 'api_token_revoked',
        actor: by,
        subject: { kind: 'api_token', id },
        after: { agentId: row.agentId },
      },
      now,
    );
    return presentApiToken(row);
  });
}

const presentApiToken = (row: typeof apiTokens.$inferSelect) => ({
  id: row.id,
  name: row.name,
  agentId: row.agentId,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

/** The framework's view of sessions and API tokens (see src/http/auth.ts). */
export const databaseAuthenticator = (db: Db): Authenticator => ({
  byToken: (token, now) => resolveApiToken(db, token, now),
  bySession: (token, now) => resolveSession(db, token, now),
});
