import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EmailAddress } from './email-address.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The example provider shipped with Atiende, used when ATIENDE_PROFILE is not set. */
export const EXAMPLE_PROFILE_PATH = path.join(projectRoot, 'profiles/monet.yaml');

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const trustProxy = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx): boolean | number | string => {
      if (value === undefined || value === 'false') return false;
      if (value === 'true') return true;
      if (/^\d+$/.test(value)) return Number(value);
      // Fastify accepts a comma-separated list of addresses or CIDR ranges.
      if (/^[0-9a-fA-F.:/, ]+$/.test(value)) return value;
      ctx.addIssue({
        code: 'custom',
        message: 'expected true, false, a hop count or a list of addresses/CIDRs',
      });
      return z.NEVER;
    }),
);

const EnvSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  PUBLIC_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  ATIENDE_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  ATIENDE_DB_CONNECT_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(100).max(120_000).default(10_000),
  ),
  ATIENDE_DB_STATEMENT_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  ),
  ATIENDE_DB_LOCK_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  ),
  ATIENDE_ADMIN_EMAIL: z.preprocess(emptyToUndefined, EmailAddress.optional()),
  ATIENDE_ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(12).optional()),
  ATIENDE_PROFILE: z.preprocess(emptyToUndefined, z.string().default(EXAMPLE_PROFILE_PATH)),
  TRUST_PROXY: trustProxy,
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  ATIENDE_SESSION_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(720).default(12)),
  ATIENDE_WORKERS: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('true')),
  GRAPH_BASE_URL: z.preprocess(emptyToUndefined, z.url().default('https://graph.facebook.com/v26.0')),
  WHATSAPP_VERIFY_TOKEN: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
  WHATSAPP_APP_SECRET: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
  WHATSAPP_ACCESS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
  WHATSAPP_PHONE_NUMBER_ID: z.preprocess(emptyToUndefined, z.string().regex(/^\d+$/).optional()),
  ATIENDE_SMTP_PORT: z.preprocess(
    emptyToUndefined,
    z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]).default(2525),
  ),
  ATIENDE_SMTP_MAX_BYTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(10_000)
      .default(25 * 1024 * 1024),
  ),
  ATIENDE_SMTP_TLS_CERT: z.preprocess(emptyToUndefined, z.string().optional()),
  ATIENDE_SMTP_TLS_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  MAIL_FROM: z.preprocess(emptyToUndefined, EmailAddress.optional()),
  IMAP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^imaps?:\/\//, 'must be an imap:// or imaps:// URL')
      .optional(),
  ),
  IMAP_ACCESS_TOKEN: z.preprocess(emptyToUndefined, z.string().optional()),
  MESSENGER_VERIFY_TOKEN: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
  MESSENGER_APP_SECRET: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
  MESSENGER_PAGE_ACCESS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
  ATIENDE_MEDIA_HOSTS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('lookaside.fbsbx.com,*.fbcdn.net,*.whatsapp.net')
      .transform((value) => value.split(',').map((host) => host.trim().toLowerCase()))
      .pipe(
        z.array(
          z
            .string()
            .regex(
              /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$|^[0-9a-f:]+$/,
              'expected host names, *.domain wildcards or addresses, separated by commas',
            ),
        ),
      ),
  ),
});

export interface Config {
  port: number;
  host: string;
  /** Where customers reach this server (the status page a notice links to), without a trailing slash. */
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** How long PostgreSQL may keep a request waiting: for a connection, a statement, a lock. */
  databaseTimeouts: DatabaseTimeouts;
  initialAdmin: { email: string; password: string } | undefined;
  profilePath: string;
  trustProxy: boolean | number | string;
  logLevel: string;
  sessionHours: number;
  /** Run background job workers in this process; web-only processes set ATIENDE_WORKERS=false. */
  workers: boolean;
  graphBaseUrl: string;
  whatsapp: { verifyToken?: string; appSecret?: string; accessToken?: string; phoneNumberId?: string };
  messenger: { verifyToken?: string; appSecret?: string; pageAccessToken?: string };
  /** Hosts media is downloaded from (`*.domain` for its subdomains); a private address only if listed. */
  mediaHosts: string[];
  email: {
    /** Inbound SMTP port, or undefined when turned off. */
    smtpPort: number | undefined;
    smtpMaxBytes: number;
    tls?: { certPath: string; keyPath: string };
    smtpUrl?: string;
    mailFrom?: string;
    imap?: { url: string; accessToken?: string };
  };
}

export interface DatabaseTimeouts {
  connectMs: number;
  statementMs: number;
  lockMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment once; every problem is reported together, never one at a time. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (Boolean(env.ATIENDE_ADMIN_EMAIL) !== Boolean(env.ATIENDE_ADMIN_PASSWORD)) {
    problems.push(
      'ATIENDE_ADMIN_PASSWORD: ATIENDE_ADMIN_EMAIL and ATIENDE_ADMIN_PASSWORD are set together or not at all',
    );
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(e.ATIENDE_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databaseTimeouts: {
      connectMs: e.ATIENDE_DB_CONNECT_TIMEOUT_MS,
      statementMs: e.ATIENDE_DB_STATEMENT_TIMEOUT_MS,
      lockMs: e.ATIENDE_DB_LOCK_TIMEOUT_MS,
    },
    initialAdmin:
      e.ATIENDE_ADMIN_EMAIL && e.ATIENDE_ADMIN_PASSWORD
        ? { email: e.ATIENDE_ADMIN_EMAIL.toLowerCase(), password: e.ATIENDE_ADMIN_PASSWORD }
        : undefined,
    profilePath: path.resolve(e.ATIENDE_PROFILE),
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    sessionHours: e.ATIENDE_SESSION_HOURS,
    workers: e.ATIENDE_WORKERS === 'true',
    graphBaseUrl: e.GRAPH_BASE_URL.replace(/\/+$/, ''),
    mediaHosts: e.ATIENDE_MEDIA_HOSTS,
    whatsapp: {
      verifyToken: e.WHATSAPP_VERIFY_TOKEN,
      appSecret: e.WHATSAPP_APP_SECRET,
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
    },
    email: {
      smtpPort: e.ATIENDE_SMTP_PORT === 'off' ? undefined : e.ATIENDE_SMTP_PORT,
      smtpMaxBytes: e.ATIENDE_SMTP_MAX_BYTES,
      tls:
        e.ATIENDE_SMTP_TLS_CERT && e.ATIENDE_SMTP_TLS_KEY
          ? { certPath: e.ATIENDE_SMTP_TLS_CERT, keyPath: e.ATIENDE_SMTP_TLS_KEY }
          : undefined,
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      imap: e.IMAP_URL ? { url: e.IMAP_URL, accessToken: e.IMAP_ACCESS_TOKEN } : undefined,
    },
    messenger: {
      verifyToken: e.MESSENGER_VERIFY_TOKEN,
      appSecret: e.MESSENGER_APP_SECRET,
      pageAccessToken: e.MESSENGER_PAGE_ACCESS_TOKEN,
    },
  };
}
