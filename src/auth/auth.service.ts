import { and, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { agents, apiTokens, sessions } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { Actor } from './actor.ts';
import { decoyPasswordHash, randomToken, sha256, verifyPassword } from './secrets.ts';

/** Failed logins in a row that lock an account, and for how long. */
export const LOCKOUT = { maxFailures: 5, minutes: 15 } as const;

const invalidCredentials = () =>
  new AppError('auth.invalid_credentials', { status: 401, detail: 'Wrong e-mail or password' });

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  agentId: string;
}

/**
 * Checks an agent's password and opens a session. After {@link LOCKOUT}.maxFailures wrong passwords in a
 * row the account refuses even the right one until the lockout ends; counters live in the database, so
 * every server process sees them.
 */
export async function login(
  db: Db,
  input: { email: string; password: string },
  options: { now: Date; sessionHours: number },
): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  const [agent] = await db.select().from(agents).where(eq(agents.email, email));
  if (!agent?.active) {
    await verifyPassword(await decoyPasswordHash(), input.password);
    throw invalidCredentials();
  }
  // The attempt is counted before the (slow) password check, in one statement: parallel guesses each
  // take a slot, and the one that reaches the limit locks the account for all the others.
  const now = options.now.toISOString();
  const lockedUntil = new Date(options.now.getTime() + LOCKOUT.minutes * 60_000).toISOString();
  const [slot] = await db
    .update(agents)
    .set({
      failedLogins: sql`case when ${agents.failedLogins} + 1 >= ${LOCKOUT.maxFailures} then 0 else ${agents.failedLogins} + 1 end`,
      lockedUntil: sql`case when ${agents.failedLogins} + 1 >= ${LOCKOUT.maxFailures} then ${lockedUntil}::timestamptz else null end`,
    })
    .where(
      and(
        eq(agents.id, agent.id),
        or(isNull(agents.lockedUntil), lte(agents.lockedUntil, sql`${now}::timestamptz`)),
      ),
    )
    .returning({ id: agents.id });
  if (!slot) {
    const [current] = await db
      .select({ lockedUntil: agents.lockedUntil })
      .from(agents)
      .where(eq(agents.id, agent.id));
    const until = current?.lockedUntil ?? options.now;
    throw new AppError('auth.locked', {
      status: 429,
      detail: 'Too many failed logins; try again later',
      extra: { retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - options.now.getTime()) / 1000)) },
    });
  }
  if (!(await verifyPassword(agent.passwordHash, input.password))) throw invalidCredentials();
  const sessionToken = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(options.now.getTime() + options.sessionHours * 3_600_000);
  await db.transaction(async (tx) => {
    await tx.update(agents).set({ failedLogins: 0, lockedUntil: null }).where(eq(agents.id, agent.id));
    await tx
      .insert(sessions)
      .values({ tokenHash: sha256(sessionToken), agentId: agent.id, csrfToken, expiresAt });
  });
  return { sessionToken, csrfToken, expiresAt, agentId: agent.id };
}

export async function logout(db: Db, sessionToken: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, sha256(sessionToken)));
}

/** The session's agent and CSRF token, if the session exists, has not expired and its agent is active. */
export async function resolveSession(
  db: Db,
  sessionToken: string,
  now: Date,
): Promise<{ actor: Actor; csrfToken: string } | undefined> {
  const [row] = await db
    .select({ agentId: agents.id, role: agents.role, csrfToken: sessions.csrfToken })
    .from(sessions)
    .innerJoin(agents, eq(agents.id, sessions.agentId))
    .where(
      and(eq(sessions.tokenHash, sha256(sessionToken)), gt(sessions.expiresAt, now), eq(agents.active, true)),
    );
  return row
    ? { actor: { agentId: row.agentId, role: row.role, via: 'session' }, csrfToken: row.csrfToken }
    : undefined;
}

export async function resolveApiToken(db: Db, token: string, now: Date): Promise<Actor | undefined> {
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
    .returning({ agentId: agents.id, role: agents.role });
  return row ? { agentId: row.agentId, role: row.role, via: 'token' } : undefined;
}

/** Issues an API token acting as the given agent; the secret is returned here once and never again. */
export async function createApiToken(db: Db, input: { name: string; agentId: string }) {
  const token = randomToken('atd_');
  const [row] = await db
    .insert(apiTokens)
    .values({ name: input.name, agentId: input.agentId, tokenHash: sha256(token) })
    .returning();
  if (!row) throw new Error('token insert returned nothing');
  return { ...presentApiToken(row), token };
}

export async function listApiTokens(db: Db) {
  const rows = await db.select().from(apiTokens).orderBy(apiTokens.createdAt);
  return rows.map(presentApiToken);
}

export async function revokeApiToken(db: Db, id: string, now: Date) {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(apiTokens.id, id))
    .returning();
  if (!row) throw new AppError('token.not_found', { status: 404, detail: 'No such token' });
  return presentApiToken(row);
}

const presentApiToken = (row: typeof apiTokens.$inferSelect) => ({
  id: row.id,
  name: row.name,
  agentId: row.agentId,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});
