import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** The provider's settings other than areas (which rows elsewhere reference); one row, seeded from the profile. */
export const providerSettings = pgTable(
  'provider_settings',
  {
    id: smallint('id').primaryKey().default(1),
    settings: jsonb('settings').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('provider_settings_single_row', sql`${t.id} = 1`)],
);

/** Every change of settings (first seed, profile import, admin edit), with who made it and the difference. */
export const settingsChanges = pgTable('settings_changes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  source: text('source', { enum: ['seed', 'import', 'api'] }).notNull(),
  actorAgentId: uuid('actor_agent_id'),
  diff: jsonb('diff').notNull(),
  createdAt: createdAt(),
});

export const areas = pgTable('areas', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  calendar: jsonb('calendar'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

export const AGENT_ROLES = ['admin', 'supervisor', 'agent'] as const;
export const PRESENCES = ['en_linea', 'ausente', 'desconectado'] as const;

export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: AGENT_ROLES }).notNull(),
    active: boolean('active').notNull().default(true),
    presence: text('presence', { enum: PRESENCES }).notNull().default('desconectado'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    maxOpenCases: integer('max_open_cases').notNull().default(20),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('agents_email_key').on(t.email),
    check('agents_role_check', sql`${t.role} in ('admin', 'supervisor', 'agent')`),
    check('agents_presence_check', sql`${t.presence} in ('en_linea', 'ausente', 'desconectado')`),
    check('agents_email_lower', sql`${t.email} = lower(${t.email})`),
  ],
);

export const agentAreas = pgTable(
  'agent_areas',
  {
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.areaId] })],
);

/** Browser sessions; the cookie carries a random token, the row only its SHA-256. */
export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  agentId: uuid('agent_id')
    .notNull()
    .references(() => agents.id, { onDelete: 'cascade' }),
  csrfToken: text('csrf_token').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/** Bearer tokens for integrations; shown once at creation, stored as SHA-256. */
export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  agentId: uuid('agent_id')
    .notNull()
    .references(() => agents.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});
